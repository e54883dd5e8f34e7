import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, problem, withToken } from '../helpers/credentials.ts';
import {
  type InsertedDefinition,
  insertDefinition,
  sampleDefinitionContent,
} from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardADayLater } from '../helpers/issuance.ts';
import { allOfPathway, createPublishedPathway } from '../helpers/pathways.ts';

type Json = Record<string, unknown>;

let ctx: TestContext;
let ownerA: Session;
let slugA: string;
let orgA: string;
let orgB: string;
let learner: Session;
let stranger: Session;
let core: InsertedDefinition;
let advanced: InsertedDefinition;
let target: InsertedDefinition;
let fromB: InsertedDefinition;
let pathwayId: string;

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

async function definition(organisationId: string, title: string) {
  return insertDefinition(ctx, { organisationId, content: sampleDefinitionContent({ title }) });
}

/** Issued a day after whatever came before (`requires` is about the order of earning); its id. */
async function award(definitionId: string, email: string): Promise<string> {
  return (await awardADayLater(ctx, definitionId, email)).record.id;
}

function transcript(session: Session, credentialIds: string[], name?: string) {
  return session.request({
    method: 'POST',
    url: '/api/v1/me/transcripts',
    payload: { credentialIds, ...(name ? { name } : {}) },
  });
}

async function verify(credential: unknown): Promise<Json> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/verify',
    payload: { verifiableCredential: credential },
  });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Json;
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', VERIFY_RATE_LIMIT_MAX: '100000' } });
  ({ owner: ownerA, slug: slugA, id: orgA } = await createOrganisation(ctx, { prefix: 'clr-a' }));
  ({ id: orgB } = await createOrganisation(ctx, { prefix: 'clr-b' }));
  learner = await signedInUser(ctx);
  stranger = await signedInUser(ctx);
  core = await definition(orgA, 'Prompt engineering');
  advanced = await definition(orgA, 'Retrieval-augmented generation');
  target = await definition(orgA, 'Applied AI practitioner');
  fromB = await definition(orgB, 'Data protection basics');
  pathwayId = await createPublishedPathway(
    ownerA,
    slugA,
    allOfPathway({
      title: 'Applied AI pathway',
      target,
      components: [
        { id: 'core', seriesId: core.seriesId, title: 'Core' },
        { id: 'advanced', seriesId: advanced.seriesId, requires: ['core'] },
      ],
    }),
  );
});
after(async () => {
  await ctx.close();
});

describe('CLR 2.0 transcripts', () => {
  test('a transcript of chosen credentials: signed by their issuer, verifiable, audited', async () => {
    const first = await award(core.id, learner.email);
    const second = await award(advanced.id, learner.email);
    const response = await transcript(learner, [first, second], 'My AI transcript');
    assert.equal(response.statusCode, 201, response.body);
    assert.match(String(response.headers['content-type']), /^application\/vc\+ld\+json/);
    assert.match(
      String(response.headers['content-disposition']),
      /attachment; filename="transcript-clr\.json"/,
    );
    const clr = response.json() as Json;
    assert.deepEqual(clr.type, ['VerifiableCredential', 'ClrCredential']);
    assert.equal(clr.name, 'My AI transcript');
    const issuer = clr.issuer as Json;
    assert.match(String(issuer.id), /^did:web:/);
    assert.match(String(issuer.id), new RegExp(`orgs:${slugA}$`));
    const subject = clr.credentialSubject as Json;
    assert.equal(subject.type, 'ClrSubject');
    assert.equal(subject.id, `urn:uuid:${learner.userId}`);
    const embedded = subject.verifiableCredential as Json[];
    assert.deepEqual(
      embedded.map((credential) => String(credential.id).split('/').pop()),
      [first, second],
    );
    assert.equal((subject.achievement as Json[]).length, 2);

    const report = await verify(clr);
    assert.equal(report.verdict, 'valid', JSON.stringify(report.errors));
    assert.equal((report.embedded as Json[]).length, 2);
    assert.ok((report.embedded as Json[]).every((entry) => entry.verdict === 'valid'));

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['organisation_id', 'data'])
      .where('type', '=', 'transcript.issued')
      .execute();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.organisation_id, orgA);
    assert.deepEqual((events[0] as { data: Json }).data.credentialIds, [first, second]);
  });

  test('revoking an embedded credential makes the transcript invalid, saying which one', async () => {
    const held = await award(core.id, learner.email);
    const clr = (await transcript(learner, [held])).json() as Json;
    const revoked = await ownerA.request({
      method: 'POST',
      url: `/api/v1/orgs/${slugA}/credentials/${held}/revoke`,
      payload: { reason: 'Issued in error' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    const report = await verify(clr);
    assert.equal(report.verdict, 'invalid');
    const inner = (report.embedded as Json[])[0] as Json;
    assert.equal(inner.verdict, 'invalid');
    assert.equal((inner.statuses as Json[])[0]?.state, 'revoked');
  });

  test('bad input: mixed issuers, someone else’s credential, empty, malformed, not signed in, a token', async () => {
    const mine = await award(core.id, learner.email);
    const other = await award(fromB.id, learner.email);
    const mixed = await transcript(learner, [mine, other]);
    isProblem(mixed, 422, 'validation_failed');
    assert.match(problem(mixed).detail, /one transcript per issuer/);

    const notMine = await award(core.id, stranger.email);
    isProblem(await transcript(learner, [mine, notMine]), 404, 'not_found');
    isProblem(await transcript(learner, ['00000000-0000-4000-8000-000000000000']), 404, 'not_found');
    isProblem(await transcript(learner, []), 422, 'validation_failed');
    isProblem(await transcript(learner, ['not-a-uuid']), 422, 'validation_failed');
    isProblem(await transcript(learner, [mine, mine]), 422, 'validation_failed');
    isProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/transcripts',
        payload: { credentialIds: [mine] },
      }),
      401,
      'unauthenticated',
    );
    const token = await apiToken(ctx, slugA, ['credentials:read']);
    const byToken = await withToken(
      ctx,
      token,
    )({
      method: 'POST',
      url: '/api/v1/me/transcripts',
      payload: { credentialIds: [mine] },
    });
    assert.ok([401, 403, 404].includes(byToken.statusCode), byToken.body);
  });

  test('a completed pathway: its record with isPartOf and precedes, signed by the pathway’s organisation', async () => {
    const fresh = await signedInUser(ctx);
    isProblem(
      await fresh.request({ method: 'POST', url: `/api/v1/me/pathways/${pathwayId}/transcript` }),
      409,
      'invalid_state',
    );
    const coreId = await award(core.id, fresh.email);
    const advancedId = await award(advanced.id, fresh.email);
    // Completion is automatic once the last component is issued (after commit).
    await ctx.deps.services.credentials.whenEventsSettled();
    const response = await fresh.request({
      method: 'POST',
      url: `/api/v1/me/pathways/${pathwayId}/transcript`,
    });
    assert.equal(response.statusCode, 201, response.body);
    const clr = response.json() as Json;
    const subject = clr.credentialSubject as Json;
    const embedded = subject.verifiableCredential as Json[];
    assert.equal(embedded.length, 3);
    const ids = embedded.map((credential) => String(credential.id).split('/').pop());
    assert.deepEqual(ids.slice(1).sort(), [coreId, advancedId].sort());
    const achievementOf = (credential: Json) =>
      ((credential.credentialSubject as Json).achievement as Json).id as string;
    const [pathwayCredential, ...components] = embedded as [Json, ...Json[]];
    const byId = new Map(
      components.map((credential) => [String(credential.id).split('/').pop(), credential]),
    );
    const coreAchievement = achievementOf(byId.get(coreId) as Json);
    const advancedAchievement = achievementOf(byId.get(advancedId) as Json);
    const targetAchievement = achievementOf(pathwayCredential);
    const associations = (subject.association as Json[]).map(
      (association) => `${association.sourceId} ${association.associationType} ${association.targetId}`,
    );
    assert.deepEqual(
      associations.sort(),
      [
        `${coreAchievement} isPartOf ${targetAchievement}`,
        `${advancedAchievement} isPartOf ${targetAchievement}`,
        `${coreAchievement} precedes ${advancedAchievement}`,
      ].sort(),
    );
    const report = await verify(clr);
    assert.equal(report.verdict, 'valid', JSON.stringify(report.errors));
    assert.equal((report.embedded as Json[]).length, 3);

    isProblem(
      await fresh.request({
        method: 'POST',
        url: '/api/v1/me/pathways/00000000-0000-4000-8000-000000000000/transcript',
      }),
      404,
      'not_found',
    );
    isProblem(
      await fresh.request({ method: 'POST', url: '/api/v1/me/pathways/nope/transcript' }),
      400,
      'invalid_request',
    );
  });
});
