/**
 * Writes the verifier's fixtures to test/fixtures/vc/: one credential per failure mode, the positive
 * cases for each proof suite and vc+jwt, status lists, a did:web DID document and a presentation.
 *
 *   node --import tsx scripts/make-vc-fixtures.ts
 *
 * Deterministic: keys come from fixed test-only seeds (SHA-256 of a label), dates are fixed, and Ed25519
 * signatures are deterministic, so running it again rewrites identical files (verify.test.ts checks that
 * the committed files hold exactly what {@link buildVcFixtures} produces, compared as JSON since Biome
 * lays the files out). The seeds are for fixtures only.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { Ed25519Signature2020 } from '@digitalbazaar/ed25519-signature-2020';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import { CONTEXT_URLS, createDocumentLoader, type DocumentLoader } from '../src/core/vc/contexts.ts';
import { buildDidDocument, didKeyFor, didKeyVerificationMethodId } from '../src/core/vc/did.ts';
import { signJwtCredential } from '../src/core/vc/jwt.ts';
import { Ed25519KeyPair } from '../src/core/vc/keys.ts';
import { buildOpenBadgeCredential } from '../src/core/vc/open-badges.ts';
import { type Cryptosuite, signCredential } from '../src/core/vc/proofs.ts';
import { createLocalSigner, type Signer } from '../src/core/vc/signer.ts';
import {
  Bitstring,
  type BitstringStatusListEntry,
  buildStatusEntry,
  buildStatusListCredential,
} from '../src/core/vc/status-list.ts';

type Json = Record<string, unknown>;

/** The time the verifier tests run at (their injected clock). */
export const FIXTURE_NOW = '2026-03-01T00:00:00Z';
export const FIXTURE_CREATED = '2026-01-15T10:00:00Z';
export const DID_WEB_ISSUER = 'did:web:issuer.example';
export const STATUS_LISTS = {
  revocation: 'https://status.example/lists/revocation/1',
  suspension: 'https://status.example/lists/suspension/1',
  /** A list signed by someone other than the credentials' issuer. */
  foreign: 'https://status.example/lists/foreign/1',
  /** Nothing is published here. */
  missing: 'https://status.example/lists/missing/1',
} as const;
export const INDEXES = { revoked: 7, active: 8, suspended: 11, notSuspended: 12 } as const;
export const PRESENTATION_CHALLENGE = 'fixture-challenge-5f1c';
export const PRESENTATION_DOMAIN = 'verifier.example';
export const UNKNOWN_CONTEXT_URL = 'https://contexts.example/unknown/v1';
export const REMOTE_CONTEXT_URL = 'https://contexts.example/remote/v1';

/** A key pair from a fixed, test-only seed. */
export function fixtureKey(label: string): Ed25519KeyPair {
  return Ed25519KeyPair.fromSeed(createHash('sha256').update(`credstack-vc-fixture:${label}`).digest());
}

/** A did:key party (issuer, holder, …) from a fixed, test-only seed, with its signer. */
export function didKeyParty(label: string) {
  const keyPair = fixtureKey(label);
  const did = didKeyFor(keyPair.publicKeyMultibase);
  const vm = didKeyVerificationMethodId(keyPair.publicKeyMultibase);
  return { keyPair, did, vm, signer: createLocalSigner({ keyPair, id: vm }) };
}

/** A signer that claims `id` but signs with another key (a forged "wrong key" signature). */
function lyingSigner(id: string, keyPair: Ed25519KeyPair): Signer {
  return { id, algorithm: 'Ed25519', sign: async ({ data }) => keyPair.sign(data) };
}

function badge(
  issuer: string,
  overrides: Partial<Parameters<typeof buildOpenBadgeCredential>[0]> = {},
): Json {
  return buildOpenBadgeCredential({
    id: 'urn:uuid:3c3f6a4e-7f0e-4d55-9a43-0b6f1d0c2a11',
    name: 'Data Stewardship',
    description: 'Awarded for completing the data stewardship course.',
    issuer: { id: issuer, name: 'Fixture Academy', url: 'https://academy.example' },
    validFrom: '2026-01-01T00:00:00Z',
    awardedDate: '2026-01-01T00:00:00Z',
    recipient: { id: 'did:example:learner-42', email: 'learner@example.org', salt: 'fixture-salt' },
    achievement: {
      id: 'https://academy.example/achievements/data-stewardship',
      name: 'Data Stewardship',
      description: 'Handles research data responsibly.',
      criteria: { narrative: 'Completed all modules and the final assessment.' },
      achievementType: 'Certificate',
    },
    ...overrides,
  });
}

/** An inline context giving the plain credentials' own terms (`skill`, `motto`, …) a vocabulary. */
const FIXTURE_VOCAB = { '@vocab': 'https://academy.example/vocab#' };

/** A plain VC 2.0 credential, for the data-model rules. */
function plain(issuer: string, extra: Json = {}): Json {
  return {
    '@context': [CONTEXT_URLS.VC_V2, FIXTURE_VOCAB],
    id: 'urn:uuid:9b7d3c1e-2f4a-4c8b-8e6d-5a1f0c9b2d33',
    type: ['VerifiableCredential', 'ExampleCredential'],
    issuer,
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: { id: 'did:example:learner-42', skill: 'Data stewardship' },
    ...extra,
  };
}

const SHA384 = 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW';

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every fixture, by file name (JSON files end in .json, compact JWTs in .jwt). */
export async function buildVcFixtures(): Promise<Record<string, string>> {
  const issuer = didKeyParty('issuer');
  const other = didKeyParty('other');
  const holder = didKeyParty('holder');
  const webKey = fixtureKey('did-web-issuer');
  const webSigner = createLocalSigner({ keyPair: webKey, id: `${DID_WEB_ISSUER}#key-1` });
  const didWebDocument = buildDidDocument({
    did: DID_WEB_ISSUER,
    keys: [{ id: 'key-1', publicKeyMultibase: webKey.publicKeyMultibase }],
  });

  const loader = createDocumentLoader({
    didResolver: async (did) => (did === DID_WEB_ISSUER ? didWebDocument : null),
    documents: {
      [UNKNOWN_CONTEXT_URL]: { '@context': { motto: 'https://contexts.example/vocab#motto' } },
      [REMOTE_CONTEXT_URL]: { '@context': { slogan: 'https://contexts.example/vocab#slogan' } },
    },
  });
  const sign = (
    credential: Json,
    options: { signer?: Signer; cryptosuite?: Cryptosuite; documentLoader?: DocumentLoader } = {},
  ) =>
    signCredential({
      credential,
      signer: options.signer ?? issuer.signer,
      cryptosuite: options.cryptosuite ?? 'eddsa-rdfc-2022',
      created: FIXTURE_CREATED,
      documentLoader: options.documentLoader ?? loader,
    });

  const files: Record<string, string> = {};
  const put = (name: string, value: unknown) => {
    files[name] = typeof value === 'string' ? `${value}\n` : pretty(value);
  };

  // Keys and documents the tests need.
  put('keys.json', {
    note: 'Public halves of the fixture keys (seeds are derived in scripts/make-vc-fixtures.ts; test use only).',
    issuer: { did: issuer.did, verificationMethod: issuer.vm },
    other: { did: other.did, verificationMethod: other.vm },
    holder: { did: holder.did, verificationMethod: holder.vm },
    didWeb: { did: DID_WEB_ISSUER, verificationMethod: `${DID_WEB_ISSUER}#key-1` },
  });
  put('did-web-issuer.did.json', didWebDocument);

  // Positive: each suite, vc+jwt, did:web.
  const valid = await sign(badge(issuer.did));
  put('valid-eddsa-rdfc-2022.json', valid);
  put('valid-eddsa-jcs-2022.json', await sign(badge(issuer.did), { cryptosuite: 'eddsa-jcs-2022' }));
  put('valid-ed25519-signature-2020.json', await signEd25519Signature2020(badge(issuer.did), issuer.signer));
  put('valid-vc-jwt.jwt', await signJwtCredential({ credential: badge(issuer.did), signer: issuer.signer }));
  put('valid-did-web.json', await sign(badge(DID_WEB_ISSUER), { signer: webSigner }));

  // Proof failures.
  const tampered = structuredClone(valid) as Json;
  ((tampered.credentialSubject as Json).achievement as Json).name = 'Data Stewardship (Distinction)';
  put('tampered.json', tampered);
  put('wrong-key.json', await sign(badge(issuer.did), { signer: lyingSigner(issuer.vm, other.keyPair) }));
  put(
    'unknown-verification-method.json',
    await sign(badge(issuer.did), {
      signer: lyingSigner(`${issuer.did}#key-that-does-not-exist`, issuer.keyPair),
    }),
  );
  const { proof: _proof, ...unsigned } = valid;
  put('missing-proof.json', unsigned);
  put('malformed-proof-value.json', {
    ...valid,
    proof: { ...(valid.proof as Json), proofValue: 'z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk' },
  });
  put('unsupported-cryptosuite.json', {
    ...valid,
    proof: { ...(valid.proof as Json), cryptosuite: 'ecdsa-rdfc-2019' },
  });
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'vc+jwt', kid: issuer.vm })).toString(
    'base64url',
  );
  const payload = Buffer.from(JSON.stringify(badge(issuer.did))).toString('base64url');
  const mac = createHmac('sha256', 'fixture-shared-secret')
    .update(`${header}.${payload}`)
    .digest('base64url');
  put('jwt-wrong-alg.jwt', `${header}.${payload}.${mac}`);

  // Issuer failure: a valid signature by a key that is not the issuer's.
  put('issuer-mismatch.json', await sign(badge(issuer.did), { signer: other.signer }));

  // Validity.
  put('expired.json', await sign(badge(issuer.did, { validUntil: '2026-02-01T00:00:00Z' })));
  put('not-yet-valid.json', await sign(badge(issuer.did, { validFrom: '2030-01-01T00:00:00Z' })));

  // Contexts: not bundled at the top level, and reached from inside an inline context.
  put(
    'unknown-context.json',
    await sign(
      plain(issuer.did, {
        '@context': [CONTEXT_URLS.VC_V2, FIXTURE_VOCAB, UNKNOWN_CONTEXT_URL],
        motto: 'Learn',
      }),
    ),
  );
  put(
    'remote-context.json',
    await sign(
      plain(issuer.did, {
        '@context': [CONTEXT_URLS.VC_V2, FIXTURE_VOCAB, { '@version': 1.1, '@import': REMOTE_CONTEXT_URL }],
        slogan: 'Learn',
      }),
    ),
  );

  // Status lists and the credentials pointing into them.
  const revocationBits = new Bitstring();
  revocationBits.set(INDEXES.revoked);
  const suspensionBits = new Bitstring();
  suspensionBits.set(INDEXES.suspended);
  const list = (id: string, purpose: 'revocation' | 'suspension', bits: Bitstring, listIssuer: string) =>
    buildStatusListCredential({
      id,
      issuer: listIssuer,
      statusPurpose: purpose,
      encodedList: bits.encode(),
      validFrom: '2026-01-01T00:00:00Z',
    }) as unknown as Json;
  put(
    'status-list-revocation.json',
    await sign(list(STATUS_LISTS.revocation, 'revocation', revocationBits, issuer.did)),
  );
  put(
    'status-list-suspension.json',
    await sign(list(STATUS_LISTS.suspension, 'suspension', suspensionBits, issuer.did)),
  );
  put(
    'status-list-foreign.json',
    await sign(list(STATUS_LISTS.foreign, 'revocation', new Bitstring(), other.did), {
      signer: other.signer,
    }),
  );
  const entry = (
    url: string,
    index: number,
    purpose: 'revocation' | 'suspension',
  ): BitstringStatusListEntry => buildStatusEntry({ listCredentialUrl: url, index, statusPurpose: purpose });
  put(
    'status-active.json',
    await sign(
      badge(issuer.did, {
        credentialStatus: [
          entry(STATUS_LISTS.revocation, INDEXES.active, 'revocation'),
          entry(STATUS_LISTS.suspension, INDEXES.notSuspended, 'suspension'),
        ],
      }),
    ),
  );
  put(
    'status-revoked.json',
    await sign(
      badge(issuer.did, { credentialStatus: entry(STATUS_LISTS.revocation, INDEXES.revoked, 'revocation') }),
    ),
  );
  put(
    'status-suspended.json',
    await sign(
      badge(issuer.did, {
        credentialStatus: entry(STATUS_LISTS.suspension, INDEXES.suspended, 'suspension'),
      }),
    ),
  );
  put(
    'status-unreachable.json',
    await sign(
      badge(issuer.did, { credentialStatus: entry(STATUS_LISTS.missing, INDEXES.active, 'revocation') }),
    ),
  );
  put(
    'status-foreign-list.json',
    await sign(
      badge(issuer.did, { credentialStatus: entry(STATUS_LISTS.foreign, INDEXES.active, 'revocation') }),
    ),
  );

  // VC Data Model 2.0 rules (validly signed: only the schema step fails).
  put(
    'rule-credential-schema-without-type.json',
    await sign(plain(issuer.did, { credentialSchema: [{ id: 'https://schemas.example/credential.json' }] })),
  );
  put(
    'rule-refresh-service-without-type.json',
    await sign(plain(issuer.did, { refreshService: { url: 'https://refresh.example/renew' } })),
  );
  put(
    'rule-related-resource-without-id.json',
    await sign(plain(issuer.did, { relatedResource: [{ digestSRI: SHA384 }] })),
  );
  put(
    'rule-related-resource-duplicate-ids.json',
    await sign(
      plain(issuer.did, {
        relatedResource: [
          { id: 'https://academy.example/logo.png', digestSRI: SHA384 },
          { id: 'https://academy.example/logo.png', digestSRI: SHA384 },
        ],
      }),
    ),
  );
  put(
    'rule-related-resource-without-digest.json',
    await sign(plain(issuer.did, { relatedResource: [{ id: 'https://academy.example/logo.png' }] })),
  );

  // A presentation by the holder, bound to a challenge and a domain.
  put('presentation.json', await signPresentation(valid, holder));
  return files;
}

async function signEd25519Signature2020(credential: Json, signer: Signer): Promise<Json> {
  const suite = new Ed25519Signature2020({ signer, date: FIXTURE_CREATED } as never);
  const withContext = {
    ...credential,
    '@context': [...(credential['@context'] as string[]), CONTEXT_URLS.ED25519_2020_V1],
  };
  return vc.issue({
    credential: withContext,
    suite,
    documentLoader: jsigs.extendContextLoader(createDocumentLoader()),
    now: new Date(FIXTURE_CREATED),
  });
}

async function signPresentation(credential: Json, holder: ReturnType<typeof didKeyParty>): Promise<Json> {
  const presentation = {
    '@context': [CONTEXT_URLS.VC_V2],
    type: ['VerifiablePresentation'],
    holder: holder.did,
    verifiableCredential: [credential],
  };
  const suite = new DataIntegrityProof({
    signer: holder.signer,
    date: FIXTURE_CREATED,
    cryptosuite: rdfcCryptosuite,
  });
  const signPresentationFn = (
    vc as unknown as {
      signPresentation(options: Json): Promise<Json>;
    }
  ).signPresentation;
  return signPresentationFn({
    presentation,
    suite,
    challenge: PRESENTATION_CHALLENGE,
    domain: PRESENTATION_DOMAIN,
    documentLoader: jsigs.extendContextLoader(createDocumentLoader()),
  });
}

export const FIXTURES_DIR = fileURLToPath(new URL('../test/fixtures/vc/', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildVcFixtures();
  mkdirSync(FIXTURES_DIR, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(`${FIXTURES_DIR}${name}`, content);
  // The repository's formatter owns JSON layout; the tests compare the fixtures as JSON, not as text.
  execFileSync('npx', ['biome', 'format', '--write', FIXTURES_DIR], { stdio: 'inherit' });
  console.log(`Wrote ${Object.keys(files).length} fixtures to ${FIXTURES_DIR}`);
}
