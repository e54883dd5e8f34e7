import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as base58btc from 'base58-universal';
import { createDocumentLoader, OB_CONTEXT_URL } from './contexts.ts';
import {
  buildDidDocument,
  type DidKeyEntry,
  didKeyFor,
  didKeyVerificationMethodId,
  didWebFor,
} from './did.ts';
import { VcError } from './errors.ts';
import { Ed25519KeyPair } from './keys.ts';
import {
  CRYPTOSUITES,
  type Cryptosuite,
  type DataIntegrityFailureCode,
  signCredential,
  verifyDataIntegrity,
} from './proofs.ts';
import { createLocalSigner } from './signer.ts';

type Json = Record<string, unknown>;

/** An organisation with a did:web, its keys, and a loader that resolves its DID document. */
function organisation(extraKeys: DidKeyEntry[] = []) {
  const did = didWebFor(new URL('https://credstack.example'), 'acme');
  const keyPair = Ed25519KeyPair.generate();
  const keys = [{ id: 'key-1', publicKeyMultibase: keyPair.publicKeyMultibase }, ...extraKeys];
  const didDocument = buildDidDocument({ did, keys });
  const documentLoader = createDocumentLoader({
    didResolver: async (asked) => (asked === did ? didDocument : null),
  });
  const signer = createLocalSigner({ keyPair, id: `${did}#key-1` });
  return { did, keyPair, signer, documentLoader, didDocument };
}

function badge(issuer: string): Json {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', OB_CONTEXT_URL],
    id: 'urn:uuid:2f0c4a8e-2a7b-4a6e-9f36-6f1d2b7f0c11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: { id: issuer, type: ['Profile'], name: 'Acme Academy' },
    validFrom: '2026-01-01T00:00:00Z',
    name: 'Teamwork',
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityHash: 'sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5',
          identityType: 'emailAddress',
          hashed: true,
          salt: 'not-so-random',
        },
      ],
      achievement: {
        id: 'https://credstack.example/achievements/teamwork',
        type: ['Achievement'],
        name: 'Teamwork',
        description: 'Works well in a team.',
        criteria: { narrative: 'Nominated by peers.' },
      },
    },
  };
}

async function expectFailure(
  document: unknown,
  documentLoader: ReturnType<typeof createDocumentLoader>,
  code: DataIntegrityFailureCode,
  options: { requireIssuerMatch?: boolean; now?: Date } = {},
) {
  const result = await verifyDataIntegrity({ document, documentLoader, ...options });
  assert.equal(result.verified, false);
  assert.equal(result.failure?.code, code, JSON.stringify(result));
  assert.ok(result.failure?.message, 'a failure carries a readable message');
  return result;
}

describe('Data Integrity round trips with fresh keys', () => {
  for (const cryptosuite of CRYPTOSUITES) {
    test(`${cryptosuite}: an OB 3.0 credential signed by a did:web organisation verifies`, async () => {
      const org = organisation();
      const credential = badge(org.did);
      const signed = await signCredential({
        credential,
        signer: org.signer,
        cryptosuite,
        created: new Date('2026-01-02T03:04:05.678Z'),
        documentLoader: org.documentLoader,
      });
      assert.deepEqual(credential, badge(org.did), 'the input is not modified');
      const proof = signed.proof as Json;
      assert.equal(proof.type, 'DataIntegrityProof');
      assert.equal(proof.cryptosuite, cryptosuite);
      assert.equal(proof.proofPurpose, 'assertionMethod');
      assert.equal(proof.verificationMethod, `${org.did}#key-1`);
      assert.equal(proof.created, '2026-01-02T03:04:05Z');
      assert.match(proof.proofValue as string, /^z[1-9A-HJ-NP-Za-km-z]{86,88}$/);
      const result = await verifyDataIntegrity({ document: signed, documentLoader: org.documentLoader });
      assert.equal(result.verified, true, JSON.stringify(result));
      assert.deepEqual(result.proofs, [
        {
          index: 0,
          type: 'DataIntegrityProof',
          cryptosuite,
          verificationMethod: `${org.did}#key-1`,
          controller: org.did,
          created: '2026-01-02T03:04:05Z',
          verified: true,
        },
      ]);
    });

    test(`${cryptosuite}: any change to the credential or the proof is detected`, async () => {
      const org = organisation();
      const signed = await signCredential({
        credential: badge(org.did),
        signer: org.signer,
        cryptosuite,
        documentLoader: org.documentLoader,
      });
      const tampered = structuredClone(signed);
      ((tampered.credentialSubject as Json).achievement as Json).name = 'Leadership';
      await expectFailure(tampered, org.documentLoader, 'signature_mismatch');

      const created = structuredClone(signed);
      (created.proof as Json).created = '2020-01-01T00:00:00Z';
      await expectFailure(created, org.documentLoader, 'signature_mismatch');

      const flipped = structuredClone(signed);
      const bytes = base58btc.decode(((flipped.proof as Json).proofValue as string).slice(1));
      bytes[10] = (bytes[10] as number) ^ 0x01;
      (flipped.proof as Json).proofValue = `z${base58btc.encode(bytes)}`;
      await expectFailure(flipped, org.documentLoader, 'signature_mismatch');
    });

    test(`${cryptosuite}: a signature by another key than the verification method named fails`, async () => {
      const org = organisation();
      const impostor = createLocalSigner({ keyPair: Ed25519KeyPair.generate(), id: `${org.did}#key-1` });
      const signed = await signCredential({
        credential: badge(org.did),
        signer: impostor,
        cryptosuite,
        documentLoader: org.documentLoader,
      });
      await expectFailure(signed, org.documentLoader, 'signature_mismatch');
    });
  }

  test('eddsa-jcs-2022 with an embedded context object survives a JSON round trip (contexts compared by value)', async () => {
    const org = organisation();
    const credential = {
      ...badge(org.did),
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        OB_CONTEXT_URL,
        { favouriteColour: 'https://vocab.example/favouriteColour' },
      ],
      favouriteColour: 'teal',
    };
    const signed = await signCredential({
      credential,
      signer: org.signer,
      cryptosuite: 'eddsa-jcs-2022',
      documentLoader: org.documentLoader,
    });
    const roundTripped = JSON.parse(JSON.stringify(signed)) as Json;
    assert.notEqual(
      (roundTripped['@context'] as unknown[])[2],
      ((roundTripped.proof as Json)['@context'] as unknown[])[2],
      'two equal copies, not one object',
    );
    const result = await verifyDataIntegrity({ document: roundTripped, documentLoader: org.documentLoader });
    assert.equal(result.verified, true, JSON.stringify(result));

    const otherContext = structuredClone(roundTripped);
    ((otherContext.proof as Json)['@context'] as unknown[])[2] = {
      favouriteColour: 'https://evil.example/c',
    };
    await expectFailure(otherContext, org.documentLoader, 'malformed_proof');
  });

  test('did:key issuer, VC 1.1 credential: the Data Integrity context is added and it verifies', async () => {
    const keyPair = Ed25519KeyPair.generate();
    const issuer = didKeyFor(keyPair.publicKeyMultibase);
    const signer = createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) });
    const documentLoader = createDocumentLoader();
    const credential = {
      '@context': ['https://www.w3.org/2018/credentials/v1', OB_CONTEXT_URL],
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: issuer, type: 'Profile', name: 'Self' },
      issuanceDate: '2026-01-01T00:00:00Z',
      credentialSubject: {
        type: 'AchievementSubject',
        achievement: (badge(issuer).credentialSubject as Json).achievement,
      },
    };
    for (const cryptosuite of CRYPTOSUITES) {
      const signed = await signCredential({ credential, signer, cryptosuite, documentLoader });
      assert.ok((signed['@context'] as string[]).includes('https://w3id.org/security/data-integrity/v2'));
      const result = await verifyDataIntegrity({ document: signed, documentLoader });
      assert.equal(result.verified, true, JSON.stringify(result));
    }
  });

  test('a failing signer (e.g. a KMS outage) surfaces its own error, for both suites', async () => {
    const org = organisation();
    const outage = new Error('KMS unavailable');
    const broken = {
      id: org.signer.id,
      algorithm: 'Ed25519' as const,
      sign: async () => Promise.reject(outage),
    };
    for (const cryptosuite of CRYPTOSUITES) {
      await assert.rejects(
        signCredential({
          credential: badge(org.did),
          signer: broken,
          cryptosuite,
          documentLoader: org.documentLoader,
        }),
        (error: unknown) => error === outage,
      );
    }
  });

  test('a second signature makes a proof set; both proofs must verify', async () => {
    const org = organisation();
    const other = Ed25519KeyPair.generate();
    const otherSigner = createLocalSigner({
      keyPair: other,
      id: didKeyVerificationMethodId(other.publicKeyMultibase),
    });
    const once = await signCredential({
      credential: badge(org.did),
      signer: org.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: org.documentLoader,
    });
    const twice = await signCredential({
      credential: once,
      signer: otherSigner,
      cryptosuite: 'eddsa-jcs-2022',
      documentLoader: org.documentLoader,
    });
    assert.equal((twice.proof as Json[]).length, 2);
    const result = await verifyDataIntegrity({
      document: twice,
      documentLoader: org.documentLoader,
      requireIssuerMatch: false,
    });
    assert.equal(result.verified, true, JSON.stringify(result));
    // The endorsing did:key is not the issuer: with the issuer check on, that proof is flagged.
    const strict = await verifyDataIntegrity({ document: twice, documentLoader: org.documentLoader });
    assert.deepEqual(
      strict.proofs.map((p) => p.failure?.code ?? 'ok'),
      ['ok', 'issuer_mismatch'],
    );
  });

  test('signing refuses a non-credential, an unknown context and an unknown cryptosuite', async () => {
    const org = organisation();
    const sign = (credential: Json, cryptosuite: Cryptosuite = 'eddsa-rdfc-2022') =>
      signCredential({ credential, signer: org.signer, cryptosuite, documentLoader: org.documentLoader });
    const isCode = (code: string) => (error: unknown) => error instanceof VcError && error.code === code;
    await assert.rejects(sign({ ...badge(org.did), type: ['OpenBadgeCredential'] }), isCode('invalid_input'));
    await assert.rejects(sign({ ...badge(org.did), issuer: undefined }), isCode('invalid_input'));
    const unknown = {
      ...badge(org.did),
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://contexts.example/unknown.jsonld'],
    };
    await assert.rejects(sign(unknown), (error: unknown) => {
      assert.ok(error instanceof VcError && error.code === 'unknown_context', String(error));
      assert.match(error.message, /https:\/\/contexts\.example\/unknown\.jsonld/);
      return true;
    });
    await assert.rejects(sign(badge(org.did), 'ecdsa-rdfc-2019' as Cryptosuite), isCode('invalid_input'));
    const undefinedTerm = { ...badge(org.did), notATerm: 'dropped silently without safe mode' };
    // Safe mode: an undefined term is an error, not silently left out of the signature, for both suites.
    await assert.rejects(sign(undefinedTerm), isCode('invalid_input'));
    await assert.rejects(sign(undefinedTerm, 'eddsa-jcs-2022'), isCode('invalid_input'));
  });
});

describe('verification reports the step that failed (one fixture per failure mode)', () => {
  const setup = async () => {
    const org = organisation();
    const signed = await signCredential({
      credential: badge(org.did),
      signer: org.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: org.documentLoader,
    });
    const withProof = (change: (proof: Json) => void) => {
      const copy = structuredClone(signed);
      change(copy.proof as Json);
      return copy;
    };
    return { org, signed, withProof };
  };

  test('document-level: not an object, no proof, unknown context', async () => {
    const { org, signed } = await setup();
    await expectFailure('a string', org.documentLoader, 'invalid_document');
    await expectFailure(badge(org.did), org.documentLoader, 'no_proof');
    const unknown = {
      ...signed,
      '@context': [...(signed['@context'] as string[]), 'https://remote.example/context.jsonld'],
    };
    const result = await expectFailure(unknown, org.documentLoader, 'unknown_context');
    assert.match(result.failure?.message ?? '', /https:\/\/remote\.example\/context\.jsonld/);
  });

  test('malformed proofs', async () => {
    const { org, withProof } = await setup();
    await expectFailure(
      withProof((p) => delete p.proofValue),
      org.documentLoader,
      'malformed_proof',
    );
    await expectFailure(
      withProof((p) => delete p.verificationMethod),
      org.documentLoader,
      'malformed_proof',
    );
    await expectFailure(
      withProof((p) => delete p.type),
      org.documentLoader,
      'malformed_proof',
    );
    await expectFailure(
      withProof((p) => (p.created = 'yesterday')),
      org.documentLoader,
      'malformed_proof',
    );
    await expectFailure(
      withProof((p) => (p.previousProof = 42)),
      org.documentLoader,
      'malformed_proof',
    );
  });

  test('unsupported cryptosuite or proof type', async () => {
    const { org, withProof } = await setup();
    await expectFailure(
      withProof((p) => (p.cryptosuite = 'ecdsa-rdfc-2019')),
      org.documentLoader,
      'unsupported_cryptosuite',
    );
    await expectFailure(
      withProof((p) => (p.type = 'RsaSignature2018')),
      org.documentLoader,
      'unsupported_cryptosuite',
    );
  });

  test('malformed proof values', async () => {
    const { org, withProof } = await setup();
    const value = (v: string) => withProof((p) => (p.proofValue = v));
    await expectFailure(value('uAAAA'), org.documentLoader, 'malformed_proof_value');
    await expectFailure(value('z0OIl'), org.documentLoader, 'malformed_proof_value');
    await expectFailure(
      value(`z${base58btc.encode(new Uint8Array(63).fill(1))}`),
      org.documentLoader,
      'malformed_proof_value',
    );
  });

  test('purpose, expiry and previous proof', async () => {
    const { org, withProof } = await setup();
    await expectFailure(
      withProof((p) => (p.proofPurpose = 'authentication')),
      org.documentLoader,
      'proof_purpose_mismatch',
    );
    await expectFailure(
      withProof((p) => (p.expires = '2020-01-01T00:00:00Z')),
      org.documentLoader,
      'proof_expired',
    );
    await expectFailure(
      withProof((p) => (p.previousProof = 'urn:uuid:not-there')),
      org.documentLoader,
      'missing_previous_proof',
    );
  });

  test('verification method: unknown DID, unknown key, not Ed25519, revoked, not an assertion method', async () => {
    const { org, withProof } = await setup();
    await expectFailure(
      withProof((p) => (p.verificationMethod = 'did:web:unknown.example#key-1')),
      org.documentLoader,
      'unknown_verification_method',
    );
    await expectFailure(
      withProof((p) => (p.verificationMethod = `${org.did}#key-9`)),
      org.documentLoader,
      'unknown_verification_method',
    );
    await expectFailure(
      withProof((p) => (p.verificationMethod = 'https://remote.example/keys/1')),
      org.documentLoader,
      'unknown_verification_method',
    );

    const key = (method: Json, relationships: string[] = ['assertionMethod']) => {
      const document: Json = {
        ...org.didDocument,
        verificationMethod: [method],
        assertionMethod: [],
        authentication: [],
        ...Object.fromEntries(relationships.map((r) => [r, [method.id]])),
      };
      return createDocumentLoader({ didResolver: async () => document });
    };
    const base = { id: `${org.did}#key-1`, controller: org.did };
    const signed = withProof(() => {});
    await expectFailure(
      signed,
      key({
        ...base,
        type: 'Multikey',
        publicKeyMultibase: 'zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76',
      }),
      'unsupported_key_type',
    );
    await expectFailure(
      signed,
      key({
        ...base,
        type: 'Multikey',
        publicKeyMultibase: org.keyPair.publicKeyMultibase,
        revoked: '2026-01-01T00:00:00Z',
      }),
      'verification_method_revoked',
    );
    await expectFailure(
      signed,
      key({ ...base, type: 'Multikey', publicKeyMultibase: org.keyPair.publicKeyMultibase }, [
        'authentication',
      ]),
      'verification_method_not_authorized',
    );
  });

  test('canonicalisation failure and issuer binding', async () => {
    const { org, signed } = await setup();
    const undefinedTerm = structuredClone(signed);
    (undefinedTerm.credentialSubject as Json).notATerm = 'injected';
    await expectFailure(undefinedTerm, org.documentLoader, 'canonicalization_failed');

    const otherIssuer = structuredClone(signed);
    (otherIssuer.issuer as Json).id = 'did:web:someone-else.example';
    // The issuer is covered by the signature, so changing it breaks the signature first.
    await expectFailure(otherIssuer, org.documentLoader, 'signature_mismatch');

    const keyPair = Ed25519KeyPair.generate();
    const foreign = await signCredential({
      credential: badge(org.did),
      signer: createLocalSigner({ keyPair, id: didKeyVerificationMethodId(keyPair.publicKeyMultibase) }),
      cryptosuite: 'eddsa-jcs-2022',
      documentLoader: org.documentLoader,
    });
    await expectFailure(foreign, org.documentLoader, 'issuer_mismatch');
    const proofOnly = await verifyDataIntegrity({
      document: foreign,
      documentLoader: org.documentLoader,
      requireIssuerMatch: false,
    });
    assert.equal(proofOnly.verified, true);
  });

  test('a key rotation keeps old credentials verifiable', async () => {
    const { org, signed } = await setup();
    const next = Ed25519KeyPair.generate();
    const rotated = buildDidDocument({
      did: org.did,
      keys: [
        { id: 'key-1', publicKeyMultibase: org.keyPair.publicKeyMultibase },
        { id: 'key-2', publicKeyMultibase: next.publicKeyMultibase },
      ],
    });
    const documentLoader = createDocumentLoader({ didResolver: async () => rotated });
    const result = await verifyDataIntegrity({ document: signed, documentLoader });
    assert.equal(result.verified, true, JSON.stringify(result));
    const fresh = await signCredential({
      credential: badge(org.did),
      signer: createLocalSigner({ keyPair: next, id: `${org.did}#key-2` }),
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader,
    });
    assert.equal((await verifyDataIntegrity({ document: fresh, documentLoader })).verified, true);
  });
});
