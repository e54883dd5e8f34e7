import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { VcError } from './errors.ts';
import {
  DEFAULT_MASTER_KEY_ID,
  decodeEd25519PublicKeyMultibase,
  decryptPrivateKey,
  Ed25519KeyPair,
  ed25519PublicKeyToJwk,
  encryptedKeyMasterKeyId,
  encryptPrivateKey,
  verifyEd25519,
} from './keys.ts';
import { createLocalSigner } from './signer.ts';

const isCode = (code: string) => (error: unknown) => error instanceof VcError && error.code === code;

describe('Ed25519 Multikey key pairs', () => {
  test('generated keys are z6Mk… Multikeys that sign and verify', () => {
    const keyPair = Ed25519KeyPair.generate();
    assert.match(keyPair.publicKeyMultibase, /^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
    assert.equal(keyPair.publicKey.length, 32);
    assert.deepEqual(decodeEd25519PublicKeyMultibase(keyPair.publicKeyMultibase), keyPair.publicKey);
    assert.match(keyPair.exportSecretKeyMultibase(), /^z3u2/);
    const data = new TextEncoder().encode('hello');
    const signature = keyPair.sign(data);
    assert.equal(signature.length, 64);
    assert.ok(keyPair.verify(data, signature));
    assert.ok(verifyEd25519(keyPair.publicKeyMultibase, data, signature));
    assert.ok(!verifyEd25519(Ed25519KeyPair.generate().publicKeyMultibase, data, signature));
    assert.ok(!verifyEd25519(keyPair.publicKeyMultibase, new TextEncoder().encode('hellO'), signature));
    assert.notEqual(Ed25519KeyPair.generate().publicKeyMultibase, keyPair.publicKeyMultibase);
  });

  test('the secret key round-trips through secretKeyMultibase and must match a given public key', () => {
    const keyPair = Ed25519KeyPair.generate();
    const again = Ed25519KeyPair.fromSecretKeyMultibase(
      keyPair.exportSecretKeyMultibase(),
      keyPair.publicKeyMultibase,
    );
    assert.equal(again.publicKeyMultibase, keyPair.publicKeyMultibase);
    assert.throws(
      () =>
        Ed25519KeyPair.fromSecretKeyMultibase(
          keyPair.exportSecretKeyMultibase(),
          Ed25519KeyPair.generate().publicKeyMultibase,
        ),
      isCode('invalid_key'),
    );
    assert.throws(
      () => Ed25519KeyPair.fromSecretKeyMultibase(keyPair.publicKeyMultibase),
      isCode('invalid_key'),
    );
    assert.throws(() => Ed25519KeyPair.fromSecretKeyMultibase('not-multibase'), isCode('invalid_key'));
    assert.throws(() => decodeEd25519PublicKeyMultibase('z0OIl'), isCode('invalid_key'));
    assert.throws(() => Ed25519KeyPair.fromSeed(new Uint8Array(31)), isCode('invalid_key'));
  });

  test('RFC 8032 test 1: the seed gives the published public key and signature', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const keyPair = Ed25519KeyPair.fromSeed(seed);
    assert.equal(
      Buffer.from(keyPair.publicKey).toString('hex'),
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    assert.equal(
      Buffer.from(keyPair.sign(new Uint8Array())).toString('hex'),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    assert.deepEqual(ed25519PublicKeyToJwk(keyPair.publicKeyMultibase), {
      kty: 'OKP',
      crv: 'Ed25519',
      x: Buffer.from(keyPair.publicKey).toString('base64url'),
    });
  });

  test('the secret never appears in JSON, inspection, spreading or string conversion', () => {
    const keyPair = Ed25519KeyPair.generate();
    const secret = keyPair.exportSecretKeyMultibase();
    for (const rendered of [
      JSON.stringify(keyPair),
      JSON.stringify({ nested: { keyPair } }),
      inspect(keyPair, { showHidden: true, depth: 5 }),
      String(keyPair),
      JSON.stringify({ ...keyPair }),
      Object.keys(keyPair).join(','),
    ]) {
      assert.ok(!rendered.includes(secret), `secret leaked in ${rendered}`);
      assert.ok(!rendered.includes('secretKey'), `secret field named in ${rendered}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(keyPair)), {
      type: 'Multikey',
      publicKeyMultibase: keyPair.publicKeyMultibase,
    });
  });

  test('a verification method for a controller', () => {
    const keyPair = Ed25519KeyPair.generate();
    assert.deepEqual(keyPair.toVerificationMethod('did:web:example.com'), {
      id: `did:web:example.com#${keyPair.publicKeyMultibase}`,
      type: 'Multikey',
      controller: 'did:web:example.com',
      publicKeyMultibase: keyPair.publicKeyMultibase,
    });
  });
});

describe('private keys encrypted at rest (AES-256-GCM)', () => {
  const masterKey = randomBytes(32);

  test('round trip, with a fresh IV each time and the master key id in clear', () => {
    const keyPair = Ed25519KeyPair.generate();
    const sealed = encryptPrivateKey({ keyPair, keyId: 'key-1', masterKey });
    assert.match(sealed, /^csk1\.mk1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{22}$/);
    assert.equal(encryptedKeyMasterKeyId(sealed), DEFAULT_MASTER_KEY_ID);
    assert.ok(!sealed.includes(keyPair.exportSecretKeyMultibase().slice(1)));
    assert.notEqual(encryptPrivateKey({ keyPair, keyId: 'key-1', masterKey }), sealed);
    const opened = decryptPrivateKey({
      encrypted: sealed,
      keyId: 'key-1',
      masterKey,
      publicKeyMultibase: keyPair.publicKeyMultibase,
    });
    assert.equal(opened.publicKeyMultibase, keyPair.publicKeyMultibase);
    assert.equal(opened.exportSecretKeyMultibase(), keyPair.exportSecretKeyMultibase());
  });

  test('a ciphertext moved to another key id (AAD) does not decrypt', () => {
    const keyPair = Ed25519KeyPair.generate();
    const sealed = encryptPrivateKey({ keyPair, keyId: 'org-a/key-1', masterKey });
    assert.throws(
      () => decryptPrivateKey({ encrypted: sealed, keyId: 'org-b/key-1', masterKey }),
      isCode('key_decryption_failed'),
    );
  });

  test('tampering with any part, or the wrong master key, fails', () => {
    const keyPair = Ed25519KeyPair.generate();
    const sealed = encryptPrivateKey({ keyPair, keyId: 'k', masterKey });
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const changed = [...parts];
      const bytes = Buffer.from(changed[index] as string, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      changed[index] = bytes.toString('base64url');
      assert.throws(
        () => decryptPrivateKey({ encrypted: changed.join('.'), keyId: 'k', masterKey }),
        isCode('key_decryption_failed'),
        `part ${index}`,
      );
    }
    // Relabelling the master key id is caught by the AAD too.
    const relabelled = ['csk1', 'mk2', ...parts.slice(2)].join('.');
    assert.throws(
      () =>
        decryptPrivateKey({ encrypted: relabelled, keyId: 'k', masterKey: { id: 'mk2', key: masterKey } }),
      isCode('key_decryption_failed'),
    );
    assert.throws(
      () => decryptPrivateKey({ encrypted: sealed, keyId: 'k', masterKey: randomBytes(32) }),
      isCode('key_decryption_failed'),
    );
    assert.throws(
      () => decryptPrivateKey({ encrypted: 'garbage', keyId: 'k', masterKey }),
      isCode('key_decryption_failed'),
    );
    assert.throws(
      () =>
        decryptPrivateKey({
          encrypted: sealed,
          keyId: 'k',
          masterKey,
          publicKeyMultibase: Ed25519KeyPair.generate().publicKeyMultibase,
        }),
      isCode('key_decryption_failed'),
    );
  });

  test('master key rotation: the id in the ciphertext picks the key', () => {
    const keyPair = Ed25519KeyPair.generate();
    const old = { id: 'mk1', key: masterKey };
    const next = { id: 'mk2', key: randomBytes(32) };
    const sealed = encryptPrivateKey({ keyPair, keyId: 'k', masterKey: old });
    const opened = decryptPrivateKey({ encrypted: sealed, keyId: 'k', masterKey: [next, old] });
    const resealed = encryptPrivateKey({ keyPair: opened, keyId: 'k', masterKey: next });
    assert.equal(encryptedKeyMasterKeyId(resealed), 'mk2');
    assert.equal(
      decryptPrivateKey({ encrypted: resealed, keyId: 'k', masterKey: [next] }).publicKeyMultibase,
      keyPair.publicKeyMultibase,
    );
    assert.throws(() => decryptPrivateKey({ encrypted: sealed, keyId: 'k', masterKey: [next] }), /mk1/);
    assert.throws(
      () => encryptPrivateKey({ keyPair, keyId: 'k', masterKey: randomBytes(16) }),
      isCode('invalid_key'),
    );
  });
});

describe('local signer', () => {
  test('signs through the port and exposes only id and algorithm', async () => {
    const keyPair = Ed25519KeyPair.generate();
    const signer = createLocalSigner({ keyPair, id: 'did:web:example.com#key-1' });
    assert.equal(signer.algorithm, 'Ed25519');
    const data = new TextEncoder().encode('data');
    const signature = await signer.sign({ data });
    assert.ok(keyPair.verify(data, signature));
    assert.deepEqual(JSON.parse(JSON.stringify(signer)), {
      id: 'did:web:example.com#key-1',
      algorithm: 'Ed25519',
    });
    assert.ok(!inspect(signer).includes(keyPair.exportSecretKeyMultibase()));
    assert.equal(inspect(signer), 'Signer(did:web:example.com#key-1)');
    assert.throws(() => createLocalSigner({ keyPair, id: '' }));
  });
});
