import assert from 'node:assert/strict';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { compactVerify, importJWK } from 'jose';
import { createDocumentLoader } from './contexts.ts';
import { buildDidDocument, didKeyFor, didKeyVerificationMethodId, didWebFor } from './did.ts';
import { VcError } from './errors.ts';
import { type JwtFailureCode, jwtKeyResolverFromLoader } from './jwt.ts';
import { Ed25519KeyPair, ed25519PublicKeyToJwk } from './keys.ts';
import { signJwtCredential, verifyJwtCredential } from './proofs.ts';
import { createLocalSigner } from './signer.ts';

type Json = Record<string, unknown>;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function setup() {
  const did = didWebFor(new URL('https://credstack.example'), 'acme');
  const keyPair = Ed25519KeyPair.generate();
  const didDocument = buildDidDocument({
    did,
    keys: [{ id: 'key-1', publicKeyMultibase: keyPair.publicKeyMultibase }],
  });
  const documentLoader = createDocumentLoader({
    didResolver: async (asked) => (asked === did ? didDocument : null),
  });
  const signer = createLocalSigner({ keyPair, id: `${did}#key-1` });
  const credential: Json = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: 'urn:uuid:0b0b5b7e-8c52-4f0b-9d6e-0e3f6f8a1a01',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: did, type: ['Profile'], name: 'Acme' },
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: { id: 'urn:uuid:1', type: ['Achievement'] },
    },
  };
  return { did, keyPair, signer, credential, resolveKey: jwtKeyResolverFromLoader(documentLoader) };
}

async function expectJwtFailure(promise: ReturnType<typeof verifyJwtCredential>, code: JwtFailureCode) {
  const result = await promise;
  assert.equal(result.verified, false);
  if (!result.verified) {
    assert.equal(result.failure.code, code, result.failure.message);
    assert.ok(result.failure.message.length > 0);
  }
  return result;
}

/** A JWS with any header, signed by `keyPair` (to prove the header, not the signature, is what is refused). */
function forge(header: Json, payload: Json, keyPair: Ed25519KeyPair): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${Buffer.from(keyPair.sign(new TextEncoder().encode(input))).toString('base64url')}`;
}

describe('VC-JOSE: vc+jwt', () => {
  test('signs with the vc+jwt header and the credential as payload; jose verifies it independently', async () => {
    const { signer, credential, keyPair, resolveKey, did } = setup();
    const jwt = await signJwtCredential({ credential, signer });
    const [header, payload] = jwt
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Json);
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: `${did}#key-1` });
    assert.deepEqual(payload, credential);
    const key = await importJWK(ed25519PublicKeyToJwk(keyPair.publicKeyMultibase), 'EdDSA');
    await compactVerify(jwt, key, { algorithms: ['EdDSA'] });

    const result = await verifyJwtCredential(jwt, resolveKey);
    assert.equal(result.verified, true, JSON.stringify(result));
    if (result.verified) {
      assert.deepEqual(result.credential, credential);
      assert.equal(result.kid, `${did}#key-1`);
    }
  });

  test('did:key issuer, resolved offline', async () => {
    const keyPair = Ed25519KeyPair.generate();
    const issuer = didKeyFor(keyPair.publicKeyMultibase);
    const signer = createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) });
    const credential = { ...setup().credential, issuer };
    const jwt = await signJwtCredential({ credential, signer });
    const result = await verifyJwtCredential(jwt, jwtKeyResolverFromLoader(createDocumentLoader()));
    assert.equal(result.verified, true, JSON.stringify(result));
  });

  test('refuses any alg other than EdDSA before resolving a key', async () => {
    const { credential, keyPair, resolveKey, did } = setup();
    let lookedUp = 0;
    const counting = async (kid: string) => {
      lookedUp += 1;
      return resolveKey(kid);
    };
    const none = `${b64({ alg: 'none', typ: 'vc+jwt' })}.${b64(credential)}.`;
    const result = await expectJwtFailure(verifyJwtCredential(none, counting), 'unsupported_alg');
    assert.ok(!result.verified && /none/.test(result.failure.message));
    await expectJwtFailure(
      verifyJwtCredential(
        forge({ alg: 'HS256', typ: 'vc+jwt', kid: `${did}#key-1` }, credential, keyPair),
        counting,
      ),
      'unsupported_alg',
    );
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = `${b64({ alg: 'ES256', typ: 'vc+jwt', kid: `${did}#key-1` })}.${b64(credential)}`;
    const es256 = `${input}.${createSign('sha256').update(input).sign({ key: ec.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    await expectJwtFailure(verifyJwtCredential(es256, counting), 'unsupported_alg');
    // The fully-specified "Ed25519" alg is not what this profile issues either.
    await expectJwtFailure(
      verifyJwtCredential(forge({ alg: 'Ed25519', kid: `${did}#key-1` }, credential, keyPair), counting),
      'unsupported_alg',
    );
    assert.equal(lookedUp, 0);
  });

  test('tampered payload, wrong key and unknown kid', async () => {
    const { signer, credential, resolveKey, did } = setup();
    const jwt = await signJwtCredential({ credential, signer });
    const [header, , signature] = jwt.split('.');
    const tampered = `${header}.${b64({ ...credential, validFrom: '2020-01-01T00:00:00Z' })}.${signature}`;
    await expectJwtFailure(verifyJwtCredential(tampered, resolveKey), 'signature_mismatch');

    const impostor = createLocalSigner({ keyPair: Ed25519KeyPair.generate(), id: `${did}#key-1` });
    await expectJwtFailure(
      verifyJwtCredential(await signJwtCredential({ credential, signer: impostor }), resolveKey),
      'signature_mismatch',
    );
    const unknown = createLocalSigner({ keyPair: Ed25519KeyPair.generate(), id: `${did}#key-7` });
    await expectJwtFailure(
      verifyJwtCredential(await signJwtCredential({ credential, signer: unknown }), resolveKey),
      'unknown_verification_method',
    );
  });

  test('header and payload checks: typ, cty, kid, payload shape, issuer binding, iss', async () => {
    const { credential, keyPair, resolveKey, did, signer } = setup();
    const kid = `${did}#key-1`;
    await expectJwtFailure(verifyJwtCredential('not.a.jwt!', resolveKey), 'malformed_jwt');
    await expectJwtFailure(verifyJwtCredential('abc.def', resolveKey), 'malformed_jwt');
    await expectJwtFailure(
      verifyJwtCredential(forge({ alg: 'EdDSA', typ: 'vp+jwt', kid }, credential, keyPair), resolveKey),
      'unsupported_typ',
    );
    await expectJwtFailure(
      verifyJwtCredential(
        forge({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vp', kid }, credential, keyPair),
        resolveKey,
      ),
      'unsupported_typ',
    );
    await expectJwtFailure(
      verifyJwtCredential(forge({ alg: 'EdDSA', typ: 'vc+jwt' }, credential, keyPair), resolveKey),
      'malformed_jwt',
    );
    await expectJwtFailure(
      verifyJwtCredential(forge({ alg: 'EdDSA', kid }, { hello: 'world' }, keyPair), resolveKey),
      'invalid_payload',
    );
    await expectJwtFailure(
      verifyJwtCredential(forge({ alg: 'EdDSA', kid }, { ...credential, proof: {} }, keyPair), resolveKey),
      'invalid_payload',
    );
    // Relative kid is resolved against the issuer.
    const relative = await verifyJwtCredential(
      forge({ alg: 'EdDSA', typ: 'vc+jwt', kid: '#key-1' }, credential, keyPair),
      resolveKey,
    );
    assert.equal(relative.verified, true, JSON.stringify(relative));
    // A valid signature by a key the issuer does not control.
    const stranger = Ed25519KeyPair.generate();
    const strangerSigner = createLocalSigner({
      keyPair: stranger,
      id: didKeyVerificationMethodId(stranger.publicKeyMultibase),
    });
    const loaderResolver = jwtKeyResolverFromLoader(createDocumentLoader());
    const foreign = await signJwtCredential({ credential, signer: strangerSigner });
    await expectJwtFailure(verifyJwtCredential(foreign, loaderResolver), 'issuer_mismatch');
    const proofOnly = await verifyJwtCredential(foreign, loaderResolver, { requireIssuerMatch: false });
    assert.equal(proofOnly.verified, true);
    await expectJwtFailure(
      verifyJwtCredential(
        forge({ alg: 'EdDSA', kid, iss: 'did:web:other.example' }, credential, keyPair),
        resolveKey,
      ),
      'issuer_mismatch',
    );
    // Key material checks.
    await expectJwtFailure(
      verifyJwtCredential(await signJwtCredential({ credential, signer }), async () => ({
        publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
        controller: did,
      })),
      'unsupported_key_type',
    );
    await expectJwtFailure(
      verifyJwtCredential(await signJwtCredential({ credential, signer }), async () => ({
        publicKeyMultibase: keyPair.publicKeyMultibase,
        controller: did,
        revoked: '2026-01-01T00:00:00Z',
      })),
      'verification_method_revoked',
    );
  });

  test('signing refuses an embedded proof or a non-credential', async () => {
    const { credential, signer } = setup();
    const isInvalid = (error: unknown) => error instanceof VcError && error.code === 'invalid_input';
    await assert.rejects(signJwtCredential({ credential: { ...credential, proof: {} }, signer }), isInvalid);
    await assert.rejects(signJwtCredential({ credential: { hello: 'world' }, signer }), isInvalid);
  });
});
