import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  dummyPasswordHash,
  hashPassword,
  hmacHex,
  randomToken,
  safeEqual,
  sha256Hex,
  verifyPassword,
} from './secrets.ts';

describe('password hashing', () => {
  test('a hash is self-describing scrypt with a random salt', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const parts = hash.split('$');
    assert.equal(parts.length, 6);
    assert.deepEqual(parts.slice(0, 4), ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(parts[4]!, 'base64url').length, 16);
    assert.equal(Buffer.from(parts[5]!, 'base64url').length, 64);
    assert.match(hash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    assert.ok(!hash.includes('correct horse'));
  });

  test('the same password hashes differently each time, and both verify', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password!', a), true);
    assert.equal(await verifyPassword('same password!', b), true);
  });

  test('round trip: the right password verifies, others do not', async () => {
    const hash = await hashPassword('Tr0ub4dor&3 ünïcödé');
    assert.equal(await verifyPassword('Tr0ub4dor&3 ünïcödé', hash), true);
    for (const wrong of ['Tr0ub4dor&3 unicode', 'tr0ub4dor&3 ünïcödé', 'Tr0ub4dor&3 ünïcödé ', '']) {
      assert.equal(await verifyPassword(wrong, hash), false, JSON.stringify(wrong));
    }
  });

  test('passwords are compared after NFKC normalisation', async () => {
    const composed = 'caf\u00e9 password';
    const decomposed = 'cafe\u0301 password';
    const hash = await hashPassword(composed);
    assert.equal(await verifyPassword(decomposed, hash), true);
  });

  test('a malformed stored hash never verifies', async () => {
    const hash = await hashPassword('a good password');
    for (const stored of [
      '',
      'plain text',
      hash.replace(/^scrypt/, 'bcrypt'),
      hash.split('$').slice(0, 5).join('$'),
      `${hash}$extra`,
    ]) {
      assert.equal(await verifyPassword('a good password', stored), false, stored);
    }
  });

  test('a tampered hash does not verify', async () => {
    const hash = await hashPassword('a good password');
    const parts = hash.split('$');
    const key = Buffer.from(parts[5]!, 'base64url');
    key[0] = key[0]! ^ 1;
    parts[5] = key.toString('base64url');
    assert.equal(await verifyPassword('a good password', parts.join('$')), false);
  });

  test('the cost sets N; a hash made at one cost verifies whatever the current cost is', async () => {
    const cheap = await hashPassword('a good password', 10);
    assert.match(cheap, /^scrypt\$1024\$8\$1\$/);
    assert.equal(await verifyPassword('a good password', cheap), true);
    assert.equal(await verifyPassword('a good passwore', cheap), false);
    const dearer = await hashPassword('a good password', 16);
    assert.match(dearer, /^scrypt\$65536\$8\$1\$/);
    assert.equal(await verifyPassword('a good password', dearer), true);
  });

  test('a stored hash with parameters out of bounds is refused without hashing', async () => {
    const [, , , , salt, key] = (await hashPassword('a good password', 10)).split('$');
    for (const params of [
      '1000$8$1',
      '0$8$1',
      `${2 ** 21}$8$1`,
      '1024$0$1',
      '1024$8$2',
      'x$8$1',
      '1024$64$1',
      `${2 ** 20}$16$1`,
    ]) {
      assert.equal(await verifyPassword('a good password', `scrypt$${params}$${salt}$${key}`), false, params);
    }
    assert.equal(await verifyPassword('a good password', `scrypt$1024$8$1$${salt}$AAAA`), false);
  });

  test('the dummy hash is computed once and verifies nothing useful', async () => {
    const first = await dummyPasswordHash();
    assert.equal(await dummyPasswordHash(), first);
    assert.match(first, /^scrypt\$/);
    assert.equal(await verifyPassword('correct horse battery staple', first), false);
    assert.match(await dummyPasswordHash(10), /^scrypt\$1024\$/);
  });
});

describe('tokens and digests', () => {
  test('randomToken is URL-safe and sized in bytes', () => {
    const token = randomToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(Buffer.from(randomToken(16), 'base64url').length, 16);
    const many = new Set(Array.from({ length: 100 }, () => randomToken()));
    assert.equal(many.size, 100);
  });

  test('sha256Hex matches the standard test vector', () => {
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex(Buffer.from('abc')), sha256Hex('abc'));
  });

  test('hmacHex matches RFC 4231 test case 2', () => {
    assert.equal(
      hmacHex('Jefe', 'what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  test('safeEqual compares content and length', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', ''), true);
  });
});
