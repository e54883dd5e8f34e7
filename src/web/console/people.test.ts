import assert from 'node:assert/strict';
import { test } from 'node:test';
import { managesPeople } from './MembersScreen.tsx';
import { expiryFromDate } from './TokensScreen.tsx';

test('a token expiry day becomes the end of that day in UTC; empty or unreadable means never', () => {
  assert.equal(expiryFromDate('2099-12-31'), '2099-12-31T23:59:59.000Z');
  assert.equal(expiryFromDate(''), null);
  assert.equal(expiryFromDate('  '), null);
  assert.equal(expiryFromDate('31/12/2099'), null);
});

test('owners, admins and platform admins manage people; other roles only read', () => {
  assert.deepEqual([null, 'owner', 'admin', 'issuer', 'assessor', 'viewer'].map(managesPeople), [
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
});
