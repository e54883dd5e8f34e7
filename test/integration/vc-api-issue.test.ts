import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { checkOpenBadgeShape } from '../../src/core/vc/open-badges.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  createOrganisation,
  type LooseJson,
  memberWithRole,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';
import {
  independentStatusBits,
  verifyDataIntegrityIndependently,
  verifyJwtIndependently,
} from '../helpers/independent-vc.ts';

type Json = LooseJson;

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;
let did: string;
let issue: ReturnType<typeof withToken>;
let status: ReturnType<typeof withToken>;

const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const OB = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'vcapi' }));
  did = `did:web:credstack.test:orgs:${slug}`;
  issue = withToken(ctx, await apiToken(ctx, slug, ['credentials:issue']));
  status = withToken(ctx, await apiToken(ctx, slug, ['credentials:status']));
});
after(async () => {
  await ctx.close();
});

function plainCredential(overrides: Json = {}): Json {
  return {
    '@context': [VC_V2],
    type: ['VerifiableCredential'],
    issuer: did,
    name: 'Workshop attendance',
    credentialSubject: { id: 'did:example:learner-42' },
    ...overrides,
  };
}

function openBadge(issuer: unknown = { id: did, type: ['Profile'], name: 'VC-API Academy' }): Json {
  return {
    '@context': [VC_V2, OB],
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    name: 'Kubernetes operator',
    validFrom: '2026-01-01T00:00:00Z',
    credentialSubject: {
      id: 'did:example:learner-7',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://vcapi.example/achievements/k8s',
        type: ['Achievement'],
        name: 'Kubernetes operator',
        description: 'Runs production clusters.',
        criteria: { narrative: 'Operate a cluster for a month.' },
      },
    },
  };
}

const issueUrl = () => `/orgs/${slug}/vc-api/credentials/issue`;
const statusUrl = () => `/orgs/${slug}/vc-api/credentials/status`;

async function issued(credential: Json, options?: Json): Promise<Json> {
  const response = await issue({
    method: 'POST',
    url: issueUrl(),
    payload: { credential, ...(options ? { options } : {}) },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ verifiableCredential: Json }>(response).verifiableCredential;
}

async function countPositions(): Promise<number> {
  const rows = await ctx.deps.database.db.selectFrom('status_list_entries').select('list_id').execute();
  return rows.length;
}

describe('POST /orgs/:slug/vc-api/credentials/issue', () => {
  test('an Open Badge: status entries and an id added, signed with eddsa-rdfc-2022, verifies independently', async () => {
    const vc = await issued(openBadge());
    assert.match(vc.id, /^http:\/\/credstack\.test\/credentials\/[0-9a-f-]{36}$/);
    assert.equal(vc.proof.cryptosuite, 'eddsa-rdfc-2022');
    assert.equal(vc.proof.verificationMethod, `${did}#key-1`);
    assert.deepEqual(
      vc.credentialStatus.map((entry: Json) => [entry.type, entry.statusPurpose]),
      [
        ['BitstringStatusListEntry', 'revocation'],
        ['BitstringStatusListEntry', 'suspension'],
      ],
    );
    assert.deepEqual(checkOpenBadgeShape(vc), []);
    const result = await verifyDataIntegrityIndependently(ctx, vc);
    assert.equal(result.verified, true, String(result.error));
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: false, suspension: false });

    // It is an ordinary credential of the organisation: listed, and with a public page.
    const id = vc.id.split('/').at(-1);
    const view = await ctx.deps.services.credentials.getPublicCredential({ id });
    assert.equal(view?.achievementName, 'Kubernetes operator');
    assert.equal(view?.status, 'active');
    const listed = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/credentials/${id}` });
    assert.equal(json<Json>(listed).credential.issuedVia, 'vc-api');
    assert.equal(json<Json>(listed).credential.recipient.did, 'did:example:learner-7');
  });

  test('any VC 2.0 credential, issuer as a string, options.cryptosuite eddsa-jcs-2022, its own id kept once', async () => {
    const vc = await issued(plainCredential({ id: 'urn:uuid:8d4f8c1e-2b7a-4c3e-9f0d-6a5b4c3d2e1f' }), {
      cryptosuite: 'eddsa-jcs-2022',
    });
    assert.equal(vc.id, 'urn:uuid:8d4f8c1e-2b7a-4c3e-9f0d-6a5b4c3d2e1f');
    assert.equal(vc.issuer, did);
    assert.equal(vc.proof.cryptosuite, 'eddsa-jcs-2022');
    assert.equal((await verifyDataIntegrityIndependently(ctx, vc)).verified, true);
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: false, suspension: false });

    const again = await issue({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential({ id: 'urn:uuid:8d4f8c1e-2b7a-4c3e-9f0d-6a5b4c3d2e1f' }) },
    });
    assert.equal(again.statusCode, 409);
    assert.equal(problem(again).code, 'conflict');
  });

  test('the did:key issuer: signed by it, with status lists signed by the same DID', async () => {
    const { issuer: didKey } = await ctx.deps.services.keys.issuerFor({ organisationId, didMethod: 'key' });
    assert.match(didKey, /^did:key:z6Mk/);
    const vc = await issued(openBadge({ id: didKey, type: ['Profile'], name: 'VC-API Academy' }));
    assert.equal(vc.proof.verificationMethod.startsWith(`${didKey}#`), true);
    assert.equal((await verifyDataIntegrityIndependently(ctx, vc)).verified, true);
    // verifyMatchingIssuers: the lists this credential points to are issued by the did:key too.
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: false, suspension: false });
    const revoked = await status({
      method: 'POST',
      url: statusUrl(),
      payload: {
        credentialId: vc.id,
        credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }],
      },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: true, suspension: false });
  });

  test('a did:key credential issued before a key rotation can still be revoked, and verifiers see it', async () => {
    const org = await createOrganisation(ctx, { prefix: 'vcapi-rot' });
    const orgIssue = withToken(ctx, await apiToken(ctx, org.slug, ['credentials:issue']));
    const orgStatus = withToken(ctx, await apiToken(ctx, org.slug, ['credentials:status']));
    const { issuer: oldDidKey } = await ctx.deps.services.keys.issuerFor({
      organisationId: org.id,
      didMethod: 'key',
    });
    const response = await orgIssue({
      method: 'POST',
      url: `/orgs/${org.slug}/vc-api/credentials/issue`,
      payload: { credential: openBadge({ id: oldDidKey, type: ['Profile'], name: 'Rotating Academy' }) },
    });
    assert.equal(response.statusCode, 201, response.body);
    const vc = json<{ verifiableCredential: Json }>(response).verifiableCredential;

    await ctx.deps.services.keys.rotateKey({ actor: systemActor('test'), slug: org.slug });
    const { issuer: newDidKey } = await ctx.deps.services.keys.issuerFor({
      organisationId: org.id,
      didMethod: 'key',
    });
    assert.notEqual(newDidKey, oldDidKey);

    const revoked = await orgStatus({
      method: 'POST',
      url: `/orgs/${org.slug}/vc-api/credentials/status`,
      payload: {
        credentialId: vc.id,
        credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }],
      },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    // The re-signed list is still issued by the credential's own did:key, so both verifiers read it.
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: true, suspension: false });
    const ours = await ctx.deps.services.verification.verifyCredential({ credential: vc });
    assert.equal(ours.verdict, 'invalid');
    assert.ok(ours.statuses.some((s) => s.purpose === 'revocation' && s.state === 'revoked'));
  });

  test('format vc+jwt: an EnvelopedVerifiableCredential around a JWS that verifies independently', async () => {
    const vc = await issued(plainCredential(), { format: 'vc+jwt' });
    assert.equal(vc.type, 'EnvelopedVerifiableCredential');
    assert.equal(vc['@context'], VC_V2);
    assert.match(vc.id, /^data:application\/vc\+jwt,[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const jwt = vc.id.slice('data:application/vc+jwt,'.length);
    const payload = await verifyJwtIndependently(ctx, jwt);
    assert.equal(payload.issuer, did);
    assert.equal((payload.credentialStatus as unknown[]).length, 2);
    assert.deepEqual(await independentStatusBits(ctx, payload), { revocation: false, suspension: false });
  });

  test('bad credentials are refused with 422 problem+json, and take no status list position', async () => {
    const positions = await countPositions();
    const cases: Array<[string, unknown, string, RegExp?, Json?]> = [
      [
        'a proof',
        plainCredential({ proof: { type: 'DataIntegrityProof' } }),
        'invalid_credential',
        /already has a proof/,
      ],
      [
        'a credentialStatus',
        plainCredential({ credentialStatus: { type: 'BitstringStatusListEntry' } }),
        'invalid_credential',
        /credentialStatus/,
      ],
      [
        'a remote context',
        plainCredential({ '@context': [VC_V2, 'https://schema.example/ctx.json'] }),
        'unknown_context',
        /https:\/\/schema\.example\/ctx\.json/,
      ],
      [
        'a remote context imported inline',
        plainCredential({ '@context': [VC_V2, { '@import': 'https://schema.example/ctx.json' }] }),
        'unknown_context',
        /never fetched/,
      ],
      [
        'a term no context defines',
        plainCredential({ credentialSubject: { id: 'did:example:1', favouriteColour: 'teal' } }),
        'invalid_credential',
        /"favouriteColour"/,
      ],
      [
        'a type no context defines',
        plainCredential({ type: ['VerifiableCredential', 'DiplomaCredential'] }),
        'invalid_credential',
        /"DiplomaCredential"/,
      ],
      [
        'a VC 1.1 credential',
        plainCredential({ '@context': ['https://www.w3.org/2018/credentials/v1'] }),
        'invalid_credential',
        /VC 2\.0/,
      ],
      ['no issuer', plainCredential({ issuer: undefined }), 'invalid_credential', /issuer/],
      [
        'another issuer',
        plainCredential({ issuer: 'did:web:credstack.test:orgs:someone-else' }),
        'invalid_credential',
        /is not this organisation/,
      ],
      [
        'a foreign did:key',
        plainCredential({ issuer: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' }),
        'invalid_credential',
        /is not this organisation/,
      ],
      [
        'no subject',
        plainCredential({ credentialSubject: undefined }),
        'invalid_credential',
        /credentialSubject/,
      ],
      ['a bad validFrom', plainCredential({ validFrom: 'yesterday' }), 'invalid_credential'],
      ['an array', [plainCredential()], 'validation_failed'],
      [
        'a cryptosuite with vc+jwt',
        plainCredential(),
        'validation_failed',
        undefined,
        { format: 'vc+jwt', cryptosuite: 'eddsa-jcs-2022' },
      ],
      ['an unknown option', plainCredential(), 'validation_failed', undefined, { credentialId: 'x' }],
      [
        'an unknown cryptosuite',
        plainCredential(),
        'validation_failed',
        undefined,
        { cryptosuite: 'bbs-2023' },
      ],
    ];
    for (const [what, credential, code, detail, options] of cases) {
      const response = await issue({
        method: 'POST',
        url: issueUrl(),
        payload: { credential, ...(options ? { options } : {}) },
      });
      assert.equal(response.statusCode, 422, `${what}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/, what);
      assert.equal(problem(response).code, code, `${what}: ${response.body}`);
      if (detail) assert.match(problem(response).detail, detail, what);
    }
    const malformed = await issue({
      method: 'POST',
      url: issueUrl(),
      payload: '{"credential": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(await countPositions(), positions);
  });

  test('who may call it: tokens with credentials:issue, members with the issuer role', async () => {
    const readOnly = withToken(ctx, await apiToken(ctx, slug, ['credentials:read', 'credentials:status']));
    const refused = await readOnly({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential() },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'insufficient_scope');

    const issuer = await memberWithRole(ctx, slug, 'issuer');
    const bySession = await issuer.request({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential() },
    });
    assert.equal(bySession.statusCode, 201, bySession.body);
    const noCsrf = await ctx.app.inject({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential() },
      headers: { cookie: issuer.cookie },
    });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(problem(noCsrf).code, 'csrf_failed');

    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const byViewer = await viewer.request({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential() },
    });
    assert.equal(byViewer.statusCode, 403);
    assert.equal(problem(byViewer).code, 'forbidden');

    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: issueUrl(),
      payload: { credential: plainCredential() },
    });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('POST /orgs/:slug/vc-api/credentials/status', () => {
  test('revoked, suspended and active, by the credential id; revocation is final', async () => {
    const vc = await issued(plainCredential());
    const update = (entry: Json, extra: Json = {}) =>
      status({
        method: 'POST',
        url: statusUrl(),
        payload: {
          credentialId: vc.id,
          credentialStatus: [{ type: 'BitstringStatusListEntry', ...entry }],
          ...extra,
        },
      });

    const suspended = await update(
      { status: 'suspended', statusPurpose: 'suspension' },
      { reason: 'Audit pending' },
    );
    assert.equal(suspended.statusCode, 200, suspended.body);
    assert.deepEqual(json(suspended), { credentialId: vc.id, status: 'suspended' });
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: false, suspension: true });

    const active = await update({ status: 'active' });
    assert.deepEqual(json(active), { credentialId: vc.id, status: 'active' });
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: false, suspension: false });

    const mismatch = await update({ status: 'revoked', statusPurpose: 'suspension' });
    assert.equal(mismatch.statusCode, 422);

    const revoked = await update({ status: 'revoked' });
    assert.deepEqual(json(revoked), { credentialId: vc.id, status: 'revoked' });
    assert.deepEqual(await independentStatusBits(ctx, vc), { revocation: true, suspension: false });
    const reinstate = await update({ status: 'active' });
    assert.equal(reinstate.statusCode, 409);
    assert.equal(problem(reinstate).code, 'credential_revoked');

    const id = vc.id.split('/').at(-1);
    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((event) => [event.type, event.data]),
      [
        ['credential.issued', events[0]!.data],
        ['credential.suspended', { reason: 'Audit pending', via: 'vc-api' }],
        ['credential.reinstated', { reason: 'Status changed through the VC-API', via: 'vc-api' }],
        ['credential.revoked', { reason: 'Status changed through the VC-API', via: 'vc-api' }],
      ],
    );
    assert.equal((events[0]!.data as Json).via, 'vc-api');
  });

  test('unknown credentials are 404; the scope is needed; the body is strict', async () => {
    const entry = [{ type: 'BitstringStatusListEntry', status: 'revoked' }];
    const unknown = await status({
      method: 'POST',
      url: statusUrl(),
      payload: { credentialId: 'urn:uuid:00000000-0000-4000-8000-000000000000', credentialStatus: entry },
    });
    assert.equal(unknown.statusCode, 404);
    const vc = await issued(plainCredential());
    const refused = await issue({
      method: 'POST',
      url: statusUrl(),
      payload: { credentialId: vc.id, credentialStatus: entry },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'insufficient_scope');
    for (const payload of [
      { credentialId: vc.id, credentialStatus: [] },
      { credentialId: vc.id, credentialStatus: [{ type: 'StatusList2021Entry', status: 'revoked' }] },
      { credentialId: vc.id, credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'deleted' }] },
      { credentialId: vc.id, credentialStatus: [...entry, ...entry] },
      { credentialId: vc.id, credentialStatus: entry, reason: '' },
      { credentialStatus: entry },
    ]) {
      const response = await status({ method: 'POST', url: statusUrl(), payload });
      assert.equal(response.statusCode, 422, JSON.stringify(payload));
    }
  });
});

describe('rate limits', () => {
  test('ISSUE_RATE_LIMIT_MAX caps issuing per client, with Retry-After', async () => {
    const limited = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', ISSUE_RATE_LIMIT_MAX: '2' } });
    try {
      const { slug: limitedSlug } = await createOrganisation(limited);
      const call = withToken(
        limited,
        await apiToken(limited, limitedSlug, ['credentials:issue', 'credentials:status']),
      );
      const credential = { ...plainCredential(), issuer: `did:web:credstack.test:orgs:${limitedSlug}` };
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await call({
          method: 'POST',
          url: `/orgs/${limitedSlug}/vc-api/credentials/issue`,
          payload: { credential },
        });
        codes.push(response.statusCode);
        if (response.statusCode === 429) {
          assert.equal(problem(response).code, 'rate_limited');
          assert.ok(Number(response.headers['retry-after']) >= 1);
        }
      }
      assert.deepEqual(codes, [201, 201, 429]);
      const statusCall = await call({
        method: 'POST',
        url: `/orgs/${limitedSlug}/vc-api/credentials/status`,
        payload: {
          credentialId: 'urn:uuid:x',
          credentialStatus: [{ type: 'BitstringStatusListEntry', status: 'revoked' }],
        },
      });
      assert.equal(statusCall.statusCode, 404, 'the status route has its own budget');
    } finally {
      await limited.close();
    }
  });
});
