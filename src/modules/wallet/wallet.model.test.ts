import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentHashOf, factsOf, heldState, importedState, normaliseHandle } from './wallet.model.ts';

test('handles: lower-cased slugs of 3 to 40 characters, single hyphens, reserved words refused', () => {
  assert.equal(normaliseHandle('  Lea-Learner '), 'lea-learner');
  assert.equal(normaliseHandle('abc'), 'abc');
  for (const bad of ['ab', 'a--b', '-abc', 'abc-', 'a b c', 'é-learner', 'x'.repeat(41)]) {
    assert.throws(() => normaliseHandle(bad), /handle/, bad);
  }
  assert.throws(() => normaliseHandle('Admin'), /reserved/);
});

test('the content hash ignores key order and whitespace of JSON, and trims a JWS', () => {
  assert.equal(contentHashOf({ a: 1, b: [1, 2] }), contentHashOf({ b: [1, 2], a: 1 }));
  assert.notEqual(contentHashOf({ a: 1 }), contentHashOf({ a: 2 }));
  assert.equal(contentHashOf(' x.y.z\n'), contentHashOf('x.y.z'));
});

test('facts come from the decoded credential, language maps included', () => {
  const facts = factsOf({
    issuer: null,
    credential: {
      name: { en: 'Badge' },
      issuer: { id: 'did:web:example.org', name: 'Example' },
      validUntil: '2030-01-01T00:00:00Z',
      credentialSubject: { achievement: { name: 'SQL' } },
    },
  });
  assert.deepEqual(
    { ...facts, validUntil: facts.validUntil?.toISOString() },
    {
      name: 'Badge',
      achievementName: 'SQL',
      issuerId: 'did:web:example.org',
      issuerName: 'Example',
      validFrom: null,
      validUntil: '2030-01-01T00:00:00.000Z',
    },
  );
});

test('states flag what no longer stands rather than hiding it', () => {
  const now = new Date('2026-11-23T00:00:00Z');
  const past = new Date('2026-01-01T00:00:00Z');
  assert.equal(heldState('active', null, now), 'active');
  assert.equal(heldState('active', past, now), 'expired');
  assert.equal(heldState('revoked', past, now), 'revoked');
  assert.equal(importedState('verified', past, now), 'expired');
  assert.equal(importedState('unknown', null, now), 'not_verified');
});
