import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactQuery } from './server.ts';

test('request URLs are logged without the values of secret query parameters', () => {
  assert.equal(redactQuery('/verify-email?token=abc123'), '/verify-email?token=[redacted]');
  assert.equal(
    redactQuery('/reset-password?x=1&Token=abc&password=hunter2&limit=5'),
    '/reset-password?x=1&Token=[redacted]&password=[redacted]&limit=5',
  );
  assert.equal(redactQuery('/a?%74oken=abc'), '/a?%74oken=[redacted]');
  assert.equal(redactQuery('/api/v1/organisations?limit=10'), '/api/v1/organisations?limit=10');
  assert.equal(redactQuery('/healthz'), '/healthz');
  assert.equal(redactQuery('/a?token'), '/a?token');
});
