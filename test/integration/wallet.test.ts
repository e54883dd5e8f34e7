import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { systemActor } from '../../src/core/actor.ts';
import { bakePng, bakeSvg } from '../../src/core/baking.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  type CredentialBody,
  createOrganisation,
  issueAs,
  memberWithRole,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies are walked deep in assertions
type Body = Record<string, any>;

let ctx: TestContext;
let owner: Session;
let slug: string;
let holder: Session;
let stranger: Session;
let held: CredentialBody;

function multipart(filename: string, content: string | Uint8Array) {
  const boundary = 'wallet-test-boundary';
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  };
}

before(async () => {
  ctx = await buildTestApp();
  ({ owner, slug } = await createOrganisation(ctx, { prefix: 'wallet' }));
  holder = await signedInUser(ctx);
  stranger = await signedInUser(ctx);
  held = await issueAs(owner, slug, { recipient: { email: holder.email, name: 'Lea Learner' } });
});
after(() => ctx.close());

describe('imported credentials', () => {
  let importedId: string;

  test('a credential is verified on import and kept with its verdict; the same one again is 409', async () => {
    const credential = held.verifiableCredential;
    const created = await holder.request({
      method: 'POST',
      url: '/api/v1/me/imported-credentials',
      payload: { credential },
    });
    assert.equal(created.statusCode, 201, created.body);
    const body = (created.json() as Body).importedCredential;
    assert.equal(body.verdict, 'verified');
    assert.equal(body.source, 'json');
    assert.ok(body.verification.steps.length > 0);
    assert.equal(body.achievementName, 'Data Analysis with SQL');
    importedId = body.id;

    // The same credential baked into an SVG is the same content: 409, whatever the wrapping.
    const svg = bakeSvg(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
      credential as object,
    );
    const again = await holder.request({
      method: 'POST',
      url: '/api/v1/me/imported-credentials/upload',
      ...multipart('badge.svg', svg),
    });
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(problem(again).code, 'conflict');
  });

  test('a tampered credential is kept as not verified; a file that is no credential is 415', async () => {
    const tampered = structuredClone(held.verifiableCredential) as Body;
    tampered.credentialSubject.achievement.name = 'Something else entirely';
    const svg = bakeSvg('<svg xmlns="http://www.w3.org/2000/svg"></svg>', tampered);
    const response = await holder.request({
      method: 'POST',
      url: '/api/v1/me/imported-credentials/upload',
      ...multipart('tampered.svg', svg),
    });
    assert.equal(response.statusCode, 201, response.body);
    const body = (response.json() as Body).importedCredential;
    assert.equal(body.source, 'svg');
    assert.equal(body.verdict, 'not_verified');

    const junk = await holder.request({
      method: 'POST',
      url: '/api/v1/me/imported-credentials/upload',
      ...multipart('notes.txt', 'just some words'),
    });
    assert.equal(junk.statusCode, 415, junk.body);
  });

  test('a baked PNG is unbaked and imported; deleting it removes it', async () => {
    const other = await issueAs(owner, slug, { recipient: { email: holder.email, name: 'Lea Learner' } });
    const image = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
      .render()
      .asPng();
    const png = bakePng(image, other.verifiableCredential as object);
    const response = await holder.request({
      method: 'POST',
      url: '/api/v1/me/imported-credentials/upload',
      ...multipart('badge.png', png),
    });
    assert.equal(response.statusCode, 201, response.body);
    const body = (response.json() as Body).importedCredential;
    assert.deepEqual([body.source, body.verdict], ['png', 'verified']);
    const removed = await holder.request({
      method: 'DELETE',
      url: `/api/v1/me/imported-credentials/${body.id}`,
    });
    assert.equal(removed.statusCode, 204);
    const gone = await holder.request({ method: 'GET', url: `/api/v1/me/imported-credentials/${body.id}` });
    assert.equal(gone.statusCode, 404);
  });

  test('only the holder sees, re-verifies and deletes an import; anyone else gets 404', async () => {
    for (const request of [
      { method: 'GET' as const, url: `/api/v1/me/imported-credentials/${importedId}` },
      { method: 'POST' as const, url: `/api/v1/me/imported-credentials/${importedId}/verify` },
      { method: 'DELETE' as const, url: `/api/v1/me/imported-credentials/${importedId}` },
    ]) {
      const response = await stranger.request(request);
      assert.equal(response.statusCode, 404, `${request.method} ${request.url}`);
    }
    const list = await stranger.request({ method: 'GET', url: '/api/v1/me/imported-credentials' });
    assert.deepEqual((list.json() as Body).importedCredentials, []);
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/imported-credentials' });
    assert.equal(anonymous.statusCode, 401);

    const mine = await holder.request({ method: 'GET', url: '/api/v1/me/imported-credentials' });
    assert.equal((mine.json() as Body).importedCredentials.length, 2);
    const reverified = await holder.request({
      method: 'POST',
      url: `/api/v1/me/imported-credentials/${importedId}/verify`,
    });
    assert.equal(reverified.statusCode, 200, reverified.body);
    assert.equal((reverified.json() as Body).importedCredential.verdict, 'verified');
  });
});

describe('public profile', () => {
  test('handles follow slug rules, reserved words are refused, and a handle is one learner’s', async () => {
    const reserved = await holder.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'admin',
        displayName: 'Lea',
        public: true,
        credentialIds: [],
        importedCredentialIds: [],
      },
    });
    assert.equal(reserved.statusCode, 422);
    const bad = await holder.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'a--b',
        displayName: 'Lea',
        public: true,
        credentialIds: [],
        importedCredentialIds: [],
      },
    });
    assert.equal(bad.statusCode, 422);

    const notHeld = await stranger.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'someone',
        displayName: 'S',
        public: true,
        credentialIds: [held.id],
        importedCredentialIds: [],
      },
    });
    assert.equal(notHeld.statusCode, 422, notHeld.body);
    assert.equal((await stranger.request({ method: 'GET', url: '/api/v1/me/profile' })).statusCode, 404);
  });

  test('shows the chosen credentials; revoked ones stay listed, flagged; a private profile is 404', async () => {
    const imports = (
      (await holder.request({ method: 'GET', url: '/api/v1/me/imported-credentials' })).json() as Body
    ).importedCredentials as Body[];
    const unverified = imports.find((item) => item.verdict !== 'verified')!;
    const refused = await holder.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'Lea-Learner',
        displayName: 'Lea',
        public: true,
        credentialIds: [held.id],
        importedCredentialIds: [unverified.id],
      },
    });
    assert.equal(refused.statusCode, 422, refused.body);

    const saved = await holder.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'Lea-Learner',
        displayName: 'Lea',
        bio: 'Data person',
        public: true,
        credentialIds: [held.id],
        importedCredentialIds: [],
      },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal((saved.json() as Body).profile.handle, 'lea-learner');

    const taken = await stranger.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'lea-learner',
        displayName: 'S',
        public: true,
        credentialIds: [],
        importedCredentialIds: [],
      },
    });
    assert.equal(taken.statusCode, 409);

    await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials/${held.id}/revoke`,
      payload: { reason: 'Issued in error' },
    });
    const shown = await ctx.app.inject({ method: 'GET', url: '/api/v1/profiles/lea-learner' });
    assert.equal(shown.statusCode, 200, shown.body);
    const profile = (shown.json() as Body).profile;
    assert.equal(profile.items.length, 1);
    assert.equal(profile.items[0].state, 'revoked');
    assert.ok(!shown.body.includes(holder.email));

    await holder.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle: 'lea-learner',
        displayName: 'Lea',
        public: false,
        credentialIds: [],
        importedCredentialIds: [],
      },
    });
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/profiles/lea-learner' })).statusCode,
      404,
    );
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/profiles/nobody-here' })).statusCode,
      404,
    );
  });
});

describe('issuer page and analytics', () => {
  test('the issuer page shows public data and counts; an unknown or silent organisation is 404', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/api/v1/issuers/${slug}` });
    assert.equal(response.statusCode, 200, response.body);
    const issuer = (response.json() as Body).issuer;
    // Two issued to the holder above; the first was revoked.
    assert.deepEqual(issuer.counts, { issued: 2, active: 1 });
    assert.match(issuer.dids.web, /^did:web:/);
    assert.match(issuer.dids.key, /^did:key:/);
    const { slug: silent } = await createOrganisation(ctx, { prefix: 'silent' });
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/v1/issuers/${silent}` })).statusCode, 404);
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/issuers/no-such-org' })).statusCode,
      404,
    );
  });

  test('analytics count issued, revoked and public verifications; only issuers and admins see them', async () => {
    const verify = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      payload: { verifiableCredential: held.verifiableCredential },
    });
    assert.equal(verify.statusCode, 200, verify.body);
    const response = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/analytics?bucket=week`,
    });
    assert.equal(response.statusCode, 200, response.body);
    const analytics = (response.json() as Body).analytics;
    // The imports above were not counted: only the public verification was.
    assert.deepEqual(analytics.totals, { issued: 2, revoked: 1, verifications: 1 });
    assert.equal(
      analytics.verifications.reduce((n: number, row: Body) => n + row.valid, 0),
      0,
    );
    assert.ok(analytics.issued.length >= 5);

    const viewer = await memberWithRole(ctx, slug, 'viewer');
    for (const session of [viewer, stranger]) {
      const hidden = await session.request({ method: 'GET', url: `/api/v1/orgs/${slug}/analytics` });
      assert.equal(hidden.statusCode, 404);
    }
    const reader = withToken(ctx, await apiToken(ctx, slug, ['org:read', 'credentials:read']));
    assert.equal((await reader({ method: 'GET', url: `/api/v1/orgs/${slug}/analytics` })).statusCode, 404);
    const issuing = withToken(ctx, await apiToken(ctx, slug, ['credentials:issue']));
    assert.equal((await issuing({ method: 'GET', url: `/api/v1/orgs/${slug}/analytics` })).statusCode, 200);
    const backwards = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/analytics?from=2026-02-01&to=2026-01-01`,
    });
    assert.equal(backwards.statusCode, 400);
    const tooLong = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/analytics?from=2000-01-01&bucket=day`,
    });
    assert.equal(tooLong.statusCode, 400);
  });

  test('pass rates come from closed attempts and final decisions; top skills from issued definitions', async () => {
    const {
      owner: admin,
      slug: academy,
      id: organisationId,
    } = await createOrganisation(ctx, { prefix: 'rates' });
    const skillUri = 'https://skills.example/rag';
    const definition = await insertDefinition(ctx, { organisationId, content: sampleDefinitionContent() });
    const learner = await signedInUser(ctx);
    await ctx.deps.services.credentials.issueForDefinition({
      actor: systemActor('test'),
      definitionId: definition.id,
      recipient: { email: learner.email },
      via: 'bulk',
    });
    const db = ctx.deps.database.db;
    const now = ctx.clock.now();
    const testId = randomUUID();
    await db
      .insertInto('assessment_tests')
      .values({
        id: testId,
        definition_id: definition.id,
        organisation_id: organisationId,
        pass_mark: 70,
        cooldown_seconds: 0,
        shuffle_items: false,
        shuffle_options: false,
        supervision: 'supervised-no-id',
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const [number, passed] of [
      [1, false],
      [2, true],
      [3, null],
    ] as const) {
      await db
        .insertInto('assessment_attempts')
        .values({
          id: randomUUID(),
          test_id: testId,
          definition_id: definition.id,
          organisation_id: organisationId,
          user_id: learner.userId,
          attempt_number: number,
          status: passed === null ? 'open' : 'submitted',
          layout: '[]',
          started_at: now,
          closed_at: passed === null ? null : now,
          pass_mark: 70,
          supervision: 'supervised-no-id',
          score: passed === null ? null : passed ? 8 : 2,
          max_score: passed === null ? null : 10,
          passed,
        })
        .execute();
    }
    await db
      .insertInto('portfolio_submissions')
      .values({
        id: randomUUID(),
        organisation_id: organisationId,
        definition_id: definition.id,
        definition_title: 'RAG',
        learner_user_id: learner.userId,
        learner_email: learner.email,
        learner_name: 'L',
        attempt: 1,
        status: 'passed',
        links: '[]',
        created_at: now,
        updated_at: now,
        decided_at: now,
      })
      .execute();

    const response = await admin.request({
      method: 'GET',
      url: `/api/v1/orgs/${academy}/analytics?bucket=month`,
    });
    assert.equal(response.statusCode, 200, response.body);
    const analytics = (response.json() as Body).analytics;
    assert.deepEqual(analytics.passRates, [
      {
        definitionId: definition.id,
        title: definition.content.title,
        attempts: 2,
        attemptsPassed: 1,
        decisions: 1,
        decisionsPassed: 1,
        passRate: 2 / 3,
      },
    ]);
    assert.deepEqual(analytics.topSkills, [
      { uri: skillUri, label: 'retrieval-augmented generation', credentials: 1 },
    ]);
    const issuer = (
      await ctx.app.inject({ method: 'GET', url: `/api/v1/issuers/${academy}` })
    ).json() as Body;
    assert.deepEqual(
      issuer.issuer.definitions.map((d: Body) => d.id),
      [definition.id],
    );
  });
});
