import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import type { CreditFramework, PathwayContent } from '../../src/modules/pathways/pathway.model.ts';
import { cliEnv, removeTempDirs, runCli, tempDataDir } from '../cli/cli-helpers.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, memberWithRole, problem, withToken } from '../helpers/credentials.ts';
import { testDatabaseKind } from '../helpers/database.ts';
import {
  type InsertedDefinition,
  insertDefinition,
  sampleDefinitionContent,
} from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import {
  awardADayLater,
  awardCredential,
  insertExternalDefinition,
  revokeHeldCredential,
} from '../helpers/issuance.ts';
import { allOfPathway, createPublishedPathway } from '../helpers/pathways.ts';
import { ESCO, escoFiles, removeFolders, writeFolder } from './skills-fixtures.ts';

const system = systemActor('test');
let ctx: TestContext;
let owner: Session;
let slug: string;
let orgId: string;
let otherOrg: { owner: Session; slug: string };
let learner: Session;
let core: InsertedDefinition;
let electiveA: InsertedDefinition;
let electiveB: InsertedDefinition;
let retired: InsertedDefinition;
let target: InsertedDefinition;
let pathwayId: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

async function definition(
  title: string,
  options: {
    skill?: string;
    cost?: number;
    hours?: number;
    credits?: { value: number; framework: CreditFramework };
  } = {},
) {
  return insertDefinition(ctx, {
    organisationId: orgId,
    content: sampleDefinitionContent({
      title,
      learningOutcomes: [
        {
          id: 'lo-1',
          statement: `The learner can do ${title}.`,
          skills: [{ uri: options.skill ?? ESCO.python }],
        },
      ],
      workload: {
        hours: options.hours ?? 10,
        creditPoints: options.credits ?? { value: 2, framework: 'ECTS' },
      },
      cost: { amount: options.cost ?? 100, currency: 'EUR' },
    }),
  });
}

/** core, then one of two electives (core must come first), 4 credits overall; the target is issued. */
function content(overrides: Partial<PathwayContent> = {}): PathwayContent {
  return {
    title: 'Data engineering pathway',
    target: { kind: 'definition', seriesId: target.seriesId },
    mustBeValidAtCompletion: true,
    root: {
      id: 'root',
      type: 'all',
      minCreditPoints: 4,
      children: [
        { id: 'core', type: 'component', seriesId: core.seriesId, title: 'Core' },
        {
          id: 'electives',
          type: 'n-of',
          n: 1,
          children: [
            { id: 'el-a', type: 'component', seriesId: electiveA.seriesId, requires: ['core'] },
            { id: 'el-b', type: 'component', seriesId: electiveB.seriesId, requires: ['core'] },
          ],
        },
      ],
    },
    ...overrides,
  };
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  await ctx.deps.services.skills.importEsco({ actor: system, folder: writeFolder(escoFiles()) });
  ({ owner, slug, id: orgId } = await createOrganisation(ctx, { prefix: 'pathways' }));
  otherOrg = await createOrganisation(ctx, { prefix: 'pathways-other' });
  learner = await signedInUser(ctx);
  core = await definition('Core data skills', { skill: ESCO.python, cost: 100, hours: 10 });
  electiveA = await definition('Elective A', { skill: ESCO.machineLearning, cost: 300, hours: 5 });
  electiveB = await definition('Elective B', { skill: ESCO.teamwork, cost: 50, hours: 40 });
  retired = await insertDefinition(ctx, { organisationId: orgId, status: 'retired' });
  target = await definition('Data engineer (pathway)');
  pathwayId = await createPublishedPathway(owner, slug, content());
});
after(async () => {
  await ctx.close();
  removeFolders();
  removeTempDirs();
});

describe('authoring', () => {
  test('bad rules are refused with every problem: cycle, N > M, retired definition', async () => {
    const bad = content({
      root: {
        id: 'root',
        type: 'all',
        children: [
          { id: 'a', type: 'component', seriesId: core.seriesId, requires: ['b'] },
          { id: 'b', type: 'component', seriesId: electiveA.seriesId, requires: ['a'] },
          {
            id: 'group',
            type: 'n-of',
            n: 3,
            children: [{ id: 'old', type: 'component', seriesId: retired.seriesId }],
          },
        ],
      },
    });
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways`,
      payload: { content: bad },
    });
    isProblem(response, 422, 'pathway_invalid');
    const messages = (response.json() as { errors: Array<{ pointer: string; message: string }> }).errors;
    const codes = messages.map((entry) => entry.message.split(':')[0]);
    assert.ok(codes.includes('cyclic_requirement'), response.body);
    assert.ok(codes.includes('invalid_n'), response.body);
    assert.ok(codes.includes('retired_definition'), response.body);
    assert.ok(messages.some((entry) => entry.pointer === '/content/root/children/2/children/0/seriesId'));
    const list = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/pathways` });
    assert.equal(json<{ pathways: Body[] }>(list).pathways.length, 1, 'nothing half-written');

    const check = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/validate`,
      payload: { content: bad },
    });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal(json<Body>(check).valid, false);
  });

  test('drafts are private, published versions immutable and public; other organisations get 404', async () => {
    const draft = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways`,
      payload: { content: content({ title: 'Draft only' }) },
    });
    assert.equal(draft.statusCode, 201, draft.body);
    const draftId = json<{ pathway: Body }>(draft).pathway.id as string;
    isProblem(await ctx.app.inject({ method: 'GET', url: `/api/v1/pathways/${draftId}` }), 404, 'not_found');
    isProblem(
      await otherOrg.owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/pathways/${draftId}` }),
      404,
      'not_found',
    );
    isProblem(
      await otherOrg.owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${otherOrg.slug}/pathways/${draftId}`,
      }),
      404,
      'not_found',
    );
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    isProblem(
      await viewer.request({ method: 'POST', url: `/api/v1/orgs/${slug}/pathways/${draftId}/publish` }),
      403,
      'forbidden',
    );

    // Saving a draft of a published pathway starts version 2; publishing it retires version 1.
    const saved = await owner.request({
      method: 'PUT',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/draft`,
      payload: { content: content({ title: 'Data engineering pathway' }) },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const versions = json<{ pathway: Body }>(saved).pathway.versions as Body[];
    assert.deepEqual(
      versions.map((version) => [version.version, version.status]),
      [
        [2, 'draft'],
        [1, 'published'],
      ],
    );
    const publicView = await ctx.app.inject({ method: 'GET', url: `/api/v1/pathways/${pathwayId}` });
    assert.equal(json<{ pathway: Body }>(publicView).pathway.version, 1, 'the draft is not public');
    const list = await ctx.app.inject({ method: 'GET', url: '/api/v1/pathways' });
    assert.ok(json<{ pathways: Body[] }>(list).pathways.every((item) => item.id !== draftId));
  });

  test('CTDL export reads back through import as the same content', async () => {
    const exported = await ctx.app.inject({ method: 'GET', url: `/api/v1/pathways/${pathwayId}/ctdl` });
    assert.equal(exported.statusCode, 200, exported.body);
    const document = exported.json() as Body;
    assert.equal(document['@type'], 'ceterms:Pathway');
    const imported = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/import-ctdl`,
      payload: { document },
    });
    assert.equal(imported.statusCode, 201, imported.body);
    const versions = json<{ pathway: Body }>(imported).pathway.versions as Body[];
    assert.deepEqual(versions[0]?.content, content());

    const forged = structuredClone(document);
    forged['@graph'] = (forged['@graph'] as Body[]).map((node) =>
      node['ceterms:proxyFor'] ? { ...node, 'ceterms:proxyFor': 'https://elsewhere.example/x' } : node,
    );
    isProblem(
      await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/pathways/import-ctdl`,
        payload: { document: forged },
      }),
      422,
      'pathway_invalid',
    );
  });
});

describe('progress and completion', () => {
  test('progress counts held credentials in order and plans the cheapest and shortest ways to finish', async () => {
    await awardADayLater(ctx, core.id, learner.email);
    const response = await learner.request({
      method: 'GET',
      url: `/api/v1/me/pathways/${pathwayId}/progress`,
    });
    assert.equal(response.statusCode, 200, response.body);
    const { progress } = json<{ progress: Body }>(response);
    assert.equal(progress.satisfied, false);
    const nodes = new Map((progress.nodes as Body[]).map((node) => [node.id, node]));
    assert.equal(nodes.get('core')?.satisfied, true);
    assert.equal(nodes.get('core')?.countedBy.kind, 'credential');
    assert.equal(nodes.get('el-a')?.reason, 'not-held');
    assert.deepEqual(progress.cheapest.components, ['el-b']);
    assert.deepEqual(progress.shortest.components, ['el-a']);

    isProblem(
      await learner.request({ method: 'POST', url: `/api/v1/me/pathways/${pathwayId}/completion` }),
      409,
      'invalid_state',
    );
    isProblem(
      await ctx.app.inject({ method: 'GET', url: `/api/v1/me/pathways/${pathwayId}/progress` }),
      401,
      'unauthenticated',
    );
    const token = await apiToken(ctx, slug, ['definitions:read']);
    isProblem(
      await withToken(ctx, token)({ method: 'GET', url: `/api/v1/me/pathways/${pathwayId}/progress` }),
      404,
      'not_found',
    );
    isProblem(
      await learner.request({
        method: 'GET',
        url: '/api/v1/me/pathways/00000000-0000-4000-8000-000000000000/progress',
      }),
      404,
      'not_found',
    );
  });

  test('gap analysis against a pathway asks for the skills of the components still to earn', async () => {
    const response = await learner.request({
      method: 'POST',
      url: '/api/v1/me/gap',
      payload: { target: { kind: 'pathway', id: pathwayId } },
    });
    assert.equal(response.statusCode, 200, response.body);
    const { gap } = json<{ gap: Body }>(response);
    const uris = (gap.skills as Body[]).map((skill) => skill.uri).sort();
    // core (Python) is counted; the electives' skills are left.
    assert.deepEqual(uris, [ESCO.machineLearning, ESCO.teamwork].sort());
  });

  test('issuing the last component completes the pathway on its own, once; asking again returns it', async () => {
    await awardADayLater(ctx, electiveB.id, learner.email);
    const completion = await ctx.deps.database.db
      .selectFrom('pathway_completions')
      .select('id')
      .where('pathway_id', '=', pathwayId)
      .where('user_id', '=', learner.userId)
      .executeTakeFirstOrThrow();
    const completed = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['actor_type', 'data'])
      .where('type', '=', 'pathway.completed')
      .where('subject_id', '=', completion.id)
      .execute();
    assert.equal(completed.length, 1, 'completed once, automatically');
    assert.equal(completed[0]?.actor_type, 'system');
    assert.equal((completed[0]?.data as Body | undefined)?.automatic, true);
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        learner.request({ method: 'POST', url: `/api/v1/me/pathways/${pathwayId}/completion` }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200], responses.map((response) => response.body).join('\n'));
    const completions = responses.map((response) => json<{ completion: Body }>(response).completion);
    assert.equal(new Set(completions.map((completion) => completion.id)).size, 1);
    const credentialId = completions[0]?.credentialId as string;
    assert.ok(credentialId);
    const issued = await ctx.deps.database.db
      .selectFrom('credentials')
      .select(['id', 'issued_via'])
      .where('definition_id', '=', target.id)
      .execute();
    assert.deepEqual(issued, [{ id: credentialId, issued_via: 'pathway' }]);
    assert.deepEqual(
      (completions[0]?.components as Body[] | undefined)?.map((component) => component.componentId).sort(),
      ['core', 'el-b'],
    );
  });

  test('a completion racing another instance waits for its key and returns that completion (PostgreSQL)', {
    skip: testDatabaseKind !== 'postgres' && 'PGlite has one connection: nothing runs concurrently',
  }, async () => {
    const racer = await signedInUser(ctx);
    await awardADayLater(ctx, core.id, racer.email);
    await awardADayLater(ctx, electiveB.id, racer.email);
    // Published after the awards, so nothing completed it on its own.
    const raceId = await createPublishedPathway(owner, slug, content({ title: 'Race' }));
    const published = await ctx.app.inject({ method: 'GET', url: `/api/v1/pathways/${raceId}` });
    const versionId = (
      await ctx.deps.database.db
        .selectFrom('pathway_versions')
        .select('id')
        .where('pathway_id', '=', raceId)
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow()
    ).id;
    assert.equal(published.statusCode, 200);
    // Another instance holds the (pathway, learner) key in an open transaction.
    const otherId = randomUUID();
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let inserted = () => {};
    const holding = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const other = ctx.deps.database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('pathway_completions')
        .values({
          pathway_id: raceId,
          user_id: racer.userId,
          id: otherId,
          pathway_version_id: versionId,
          status: 'complete',
          completed_at: new Date(),
          components: '[]',
        })
        .execute();
      inserted();
      await gate;
    });
    await holding;
    const racing = ctx.deps.services.pathways.completePathway({
      actor: system,
      id: raceId,
      userId: racer.userId,
    });
    // Let the racing request reach the key before the other instance commits (how far it gets is not asserted).
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await other;
    const outcome = await racing;
    assert.equal(outcome.created, false);
    assert.equal(outcome.completion.id, otherId);
    const issued = await ctx.deps.services.credentials.listHeldCredentialsOf({ userId: racer.userId });
    assert.equal(
      issued.filter((item) => item.record.definition_id === target.id).length,
      1,
      'the main pathway’s credential only, none for the race',
    );
  });

  test('revoking a component credential flags the completion at once (audited); recheck finds nothing more', async () => {
    await revokeHeldCredential(ctx, { slug, userId: learner.userId, definitionId: core.id });
    isProblem(
      await otherOrg.owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${otherOrg.slug}/pathways/${pathwayId}/completions/recheck`,
      }),
      404,
      'not_found',
    );
    const flagged = await ctx.deps.database.db
      .selectFrom('pathway_completions')
      .select(['id', 'status', 'flag_reason'])
      .where('pathway_id', '=', pathwayId)
      .where('user_id', '=', learner.userId)
      .executeTakeFirstOrThrow();
    assert.equal(flagged.status, 'flagged');
    assert.match(flagged.flag_reason ?? '', /component "core" was revoked/);
    const event = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['actor_type', 'data'])
      .where('type', '=', 'pathway_completion.flagged')
      .where('subject_id', '=', flagged.id)
      .executeTakeFirstOrThrow();
    assert.equal(event.actor_type, 'system');
    assert.equal((event.data as Body).automatic, true);
    const recheck = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/completions/recheck`,
    });
    assert.equal(recheck.statusCode, 200, recheck.body);
    assert.deepEqual(json<{ flaggedCompletions: Body[] }>(recheck).flaggedCompletions, []);

    await learner.request({ method: 'PUT', url: `/api/v1/me/pathways/${pathwayId}/subscription` });
    const cohort = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/learners`,
    });
    assert.equal(cohort.statusCode, 200, cohort.body);
    const [row] = json<{ learners: Body[] }>(cohort).learners;
    assert.equal(row?.userId, learner.userId);
    assert.equal(row?.completion.status, 'flagged');
    assert.equal(row?.satisfied, false, 'the revoked core no longer counts');
    isProblem(
      await otherOrg.owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/learners`,
      }),
      404,
      'not_found',
    );
  });

  test('under a suspend policy, suspending a component suspends the pathway credential', async () => {
    const created = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways`,
      payload: {
        content: content({
          title: 'Core only',
          mustBeValidAtCompletion: false,
          root: {
            id: 'root',
            type: 'all',
            children: [{ id: 'core', type: 'component', seriesId: core.seriesId }],
          },
        }),
        onComponentRevoked: 'suspend',
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const id = json<{ pathway: Body }>(created).pathway.id as string;
    await owner.request({ method: 'POST', url: `/api/v1/orgs/${slug}/pathways/${id}/publish` });
    const fifth = await signedInUser(ctx);
    const component = await awardADayLater(ctx, core.id, fifth.email);
    const done = await fifth.request({ method: 'POST', url: `/api/v1/me/pathways/${id}/completion` });
    assert.equal(done.statusCode, 200, 'completed when the component was issued');
    const credentialId = json<{ completion: Body }>(done).completion.credentialId as string;
    await ctx.deps.services.credentials.suspendCredential({
      actor: system,
      slug,
      id: component.record.id,
      reason: 'assessment irregularity',
    });
    const completion = await ctx.deps.database.db
      .selectFrom('pathway_completions')
      .select(['status', 'flag_reason'])
      .where('pathway_id', '=', id)
      .where('user_id', '=', fifth.userId)
      .executeTakeFirstOrThrow();
    assert.equal(completion.status, 'suspended');
    assert.match(completion.flag_reason ?? '', /was suspended/);
    const pathwayCredential = await ctx.deps.database.db
      .selectFrom('credentials')
      .select(['status', 'status_reason'])
      .where('id', '=', credentialId)
      .executeTakeFirstOrThrow();
    assert.equal(pathwayCredential.status, 'suspended');
    assert.match(pathwayCredential.status_reason ?? '', /component "core" was suspended/);
  });

  test('recognition of prior learning counts for a component; withdrawing it flags the completion', async () => {
    const second = await signedInUser(ctx);
    await awardADayLater(ctx, core.id, second.email);
    const grant = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions`,
      payload: { userId: second.userId, componentId: 'el-a', note: 'Prior degree module', creditPoints: 2 },
    });
    assert.equal(grant.statusCode, 201, grant.body);
    const recognitionId = json<{ recognition: Body }>(grant).recognition.id as string;
    isProblem(
      await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions`,
        payload: { userId: second.userId, componentId: 'nope' },
      }),
      422,
      'validation_failed',
    );
    isProblem(
      await otherOrg.owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${otherOrg.slug}/pathways/${pathwayId}/recognitions`,
        payload: { userId: second.userId, componentId: 'el-a' },
      }),
      404,
      'not_found',
    );

    // The grant completed the pathway on its own (it was the last rule left); asking returns that completion.
    const automatic = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('data')
      .where('type', '=', 'pathway.completed')
      .where('data', '@>', JSON.stringify({ userId: second.userId, pathwayId }) as never)
      .execute();
    assert.equal(automatic.length, 1);
    assert.equal((automatic[0] as { data: Body }).data.automatic, true);
    const done = await second.request({ method: 'POST', url: `/api/v1/me/pathways/${pathwayId}/completion` });
    assert.equal(done.statusCode, 200, done.body);
    const components = json<{ completion: Body }>(done).completion.components as Body[];
    assert.deepEqual(
      components.find((component) => component.componentId === 'el-a'),
      { componentId: 'el-a', kind: 'recognition', id: recognitionId },
    );

    const revoked = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions/${recognitionId}/revoke`,
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(json<Body>(revoked).flaggedCompletions[0]?.userId, second.userId);
    isProblem(
      await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions/${recognitionId}/revoke`,
      }),
      409,
      'invalid_state',
    );
    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('type')
      .where('type', 'like', 'pathway%')
      .execute();
    const types = new Set(events.map((event) => event.type));
    for (const type of [
      'pathway.created',
      'pathway.published',
      'pathway.draft_saved',
      'pathway.completed',
      'pathway_recognition.granted',
      'pathway_recognition.revoked',
      'pathway_completion.flagged',
      'pathway.subscribed',
    ]) {
      assert.ok(types.has(type), `audit event ${type}`);
    }
  });
});

describe('automatic completion and flagging', () => {
  /** An all-of pathway over the components' series, no ordering; the target is `target`. */
  function allOf(title: string, components: InsertedDefinition[], targetSeries = target.seriesId) {
    return allOfPathway({
      title,
      target: { seriesId: targetSeries },
      components: components.map((component, index) => ({ id: `c${index}`, seriesId: component.seriesId })),
    });
  }

  async function completionOf(id: string, userId: string) {
    return ctx.deps.database.db
      .selectFrom('pathway_completions')
      .selectAll()
      .where('pathway_id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async function pathwayCredentials(id: string, userId: string) {
    return ctx.deps.database.db
      .selectFrom('credentials')
      .select(['id', 'issued_via'])
      .where('award_key', '=', `pathway:${id}:${userId}`)
      .execute();
  }

  test('two components issued at the same moment give one completion and one pathway credential', async () => {
    const id = await createPublishedPathway(owner, slug, allOf('Both at once', [core, electiveA]));
    const holder = await signedInUser(ctx);
    // On PostgreSQL the two issuances and their listeners run side by side; the completion key decides.
    await Promise.all([core, electiveA].map((component) => awardCredential(ctx, component.id, holder.email)));
    await ctx.deps.services.credentials.whenEventsSettled();
    const completion = await completionOf(id, holder.userId);
    assert.equal(completion?.status, 'complete');
    const issued = await pathwayCredentials(id, holder.userId);
    assert.deepEqual(issued, [{ id: completion?.credential_id, issued_via: 'pathway' }]);
  });

  test('issued in a caller’s transaction: announced once it commits, never after a rollback; stacked pathways follow', async () => {
    const id = await createPublishedPathway(owner, slug, allOf('Elective B only', [electiveB]));
    // Its component is the first pathway's target: completing the first completes this one in turn.
    const stacked = await createPublishedPathway(owner, slug, allOf('Stacked', [target], electiveA.seriesId));
    const holder = await signedInUser(ctx);
    const issueInside = (after: () => void) =>
      ctx.deps.database.db.transaction().execute(async (trx) => {
        await ctx.deps.services.credentials.issueForDefinition({
          actor: system,
          definitionId: electiveB.id,
          recipient: { email: holder.email },
          via: 'bulk',
          notifyRecipient: false,
          trx,
        });
        after();
      });
    await assert.rejects(
      issueInside(() => {
        throw new Error('the caller changed its mind');
      }),
      /changed its mind/,
    );
    await ctx.deps.services.credentials.whenEventsSettled();
    assert.equal(await completionOf(id, holder.userId), undefined, 'nothing after a rollback');

    await issueInside(() => {});
    await ctx.deps.services.credentials.whenEventsSettled();
    const completion = await completionOf(id, holder.userId);
    assert.equal(completion?.status, 'complete');
    const next = await completionOf(stacked, holder.userId);
    assert.equal(next?.status, 'complete', 'the stacked pathway completed on the first one’s credential');
    assert.deepEqual(
      next?.components.map((component) => component.id),
      [completion?.credential_id],
    );
    assert.equal((await pathwayCredentials(stacked, holder.userId)).length, 1);
  });

  test('a credential to an address nobody holds yet completes the pathway when it is claimed', async () => {
    const external = await insertExternalDefinition(ctx, orgId, { title: 'Forklift licence' });
    const id = await createPublishedPathway(owner, slug, allOf('Forklift', [external]));
    const address = `unclaimed.${randomUUID()}@example.org`;
    const result = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/definitions/${external.id}/results`,
      payload: { email: address, passed: true },
    });
    assert.equal(result.statusCode, 201, result.body);
    await ctx.deps.services.credentials.whenEventsSettled();
    await ctx.deps.services.mail.flush();
    const mail = [...ctx.mail.sent].reverse().find((message) => message.to === address);
    const token = /\/claim\?token=([A-Za-z0-9_%-]+)/.exec(mail?.text ?? '')?.[1];
    assert.ok(token, 'a claim link was mailed');
    const holder = await signedInUser(ctx);
    const claimed = await holder.request({
      method: 'POST',
      url: '/api/v1/claims',
      payload: { token: decodeURIComponent(token) },
    });
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal((await completionOf(id, holder.userId))?.status, 'complete');
  });

  test('a failing pathway listener does not fail the issuance; the learner can still ask', async () => {
    const id = await createPublishedPathway(owner, slug, allOf('Core and B', [core, electiveB]));
    const holder = await signedInUser(ctx);
    const pathways = ctx.deps.services.pathways;
    const listener = pathways.onCredentialsIssued;
    pathways.onCredentialsIssued = async () => {
      throw new Error('pathways are down');
    };
    try {
      await awardADayLater(ctx, core.id, holder.email);
      const issued = await awardADayLater(ctx, electiveB.id, holder.email);
      assert.equal(issued.record.status, 'active');
    } finally {
      pathways.onCredentialsIssued = listener;
    }
    assert.equal(await completionOf(id, holder.userId), undefined);
    const asked = await holder.request({ method: 'POST', url: `/api/v1/me/pathways/${id}/completion` });
    assert.equal(asked.statusCode, 201, asked.body);
  });
});

describe('recognition submitted by learners', () => {
  test('a verified credential of the component is accepted at once; a forged one is refused', async () => {
    const third = await signedInUser(ctx);
    const issued = await awardADayLater(ctx, electiveA.id, third.email);
    const document = issued.verifiableCredential as Body;
    const accepted = await third.request({
      method: 'POST',
      url: `/api/v1/me/pathways/${pathwayId}/recognitions`,
      payload: { componentId: 'el-a', credential: document },
    });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const recognition = json<{ recognition: Body }>(accepted).recognition;
    assert.equal(recognition.status, 'active');
    assert.equal(recognition.source, 'credential');
    assert.equal(recognition.submission.verdict, 'valid');

    const forged = structuredClone(document);
    forged.name = 'Something I did not earn';
    isProblem(
      await third.request({
        method: 'POST',
        url: `/api/v1/me/pathways/${pathwayId}/recognitions`,
        payload: { componentId: 'el-a', credential: forged },
      }),
      422,
      'credential_not_verified',
    );
    // Someone else's genuine credential waits for a reviewer instead of counting.
    const other = await signedInUser(ctx);
    const queued = await other.request({
      method: 'POST',
      url: `/api/v1/me/pathways/${pathwayId}/recognitions`,
      payload: { componentId: 'el-a', credential: document },
    });
    assert.equal(queued.statusCode, 201, queued.body);
    assert.equal(json<{ recognition: Body }>(queued).recognition.status, 'pending');
    assert.match(json<{ recognition: Body }>(queued).recognition.submission.queuedBecause, /e-mail/);
  });

  test('evidence goes to the reviewer queue; the decision is audited and then counts', async () => {
    const learnerFour = await signedInUser(ctx);
    const submitted = await learnerFour.request({
      method: 'POST',
      url: `/api/v1/me/pathways/${pathwayId}/recognitions`,
      payload: { componentId: 'core', evidence: { narrative: 'Five years as a data engineer' } },
    });
    assert.equal(submitted.statusCode, 201, submitted.body);
    const id = json<{ recognition: Body }>(submitted).recognition.id as string;
    isProblem(
      await learnerFour.request({
        method: 'POST',
        url: `/api/v1/me/pathways/${pathwayId}/recognitions`,
        payload: { componentId: 'core' },
      }),
      422,
      'validation_failed',
    );

    const queue = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions`,
    });
    assert.equal(queue.statusCode, 200, queue.body);
    assert.ok(json<{ recognitions: Body[] }>(queue).recognitions.some((item) => item.id === id));
    isProblem(
      await otherOrg.owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions`,
      }),
      404,
      'not_found',
    );
    const decided = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions/${id}/decision`,
      payload: { decision: 'accept', note: 'Checked the employer reference' },
    });
    assert.equal(decided.statusCode, 200, decided.body);
    assert.equal(json<{ recognition: Body }>(decided).recognition.status, 'active');
    isProblem(
      await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/pathways/${pathwayId}/recognitions/${id}/decision`,
        payload: { decision: 'reject' },
      }),
      409,
      'invalid_state',
    );
    const progress = await learnerFour.request({
      method: 'GET',
      url: `/api/v1/me/pathways/${pathwayId}/progress`,
    });
    const core = (json<{ progress: Body }>(progress).progress.nodes as Body[]).find(
      (node) => node.id === 'core',
    );
    assert.deepEqual(core?.countedBy, { kind: 'recognition', id });
  });
});

describe('credit frameworks', () => {
  test('an ECTS pathway counts a CATS component converted; ECVET and unstated mixes are refused', async () => {
    const cats = await definition('UK module (CATS)', { credits: { value: 20, framework: 'CATS' } });
    const ecvet = await definition('VET unit (ECVET)', { credits: { value: 8, framework: 'ECVET' } });
    // core: 2 ECTS; the UK module: 20 CATS = 10 ECTS; 12 ECTS overall.
    const rules = (children: InsertedDefinition[]): PathwayContent['root'] => ({
      id: 'root',
      type: 'all',
      minCreditPoints: 12,
      children: [core, ...children].map((item, index) => ({
        id: `c${index}`,
        type: 'component' as const,
        seriesId: item.seriesId,
      })),
    });
    const validate = async (body: PathwayContent) => {
      const response = await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/pathways/validate`,
        payload: { content: body },
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ valid: boolean; problems: Array<{ code: string; pointer: string }> }>(response);
    };

    // No framework named and the definitions mix ECTS and CATS: the pathway must say which it counts in.
    const unstated = await validate(content({ title: 'Mixed', root: rules([cats]) }));
    assert.equal(unstated.valid, false);
    assert.deepEqual(
      unstated.problems.map(({ code, pointer }) => `${code} ${pointer}`),
      ['mixed_credit_frameworks /creditFramework'],
    );
    // ECVET has no official conversion to ECTS: refused at the component, on save too.
    const withEcvet = content({ title: 'With ECVET', creditFramework: 'ECTS', root: rules([cats, ecvet]) });
    assert.deepEqual(
      (await validate(withEcvet)).problems.map(({ code, pointer }) => `${code} ${pointer}`),
      ['incompatible_credit_framework /root/children/2'],
    );
    const refused = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/pathways`,
      payload: { content: withEcvet },
    });
    isProblem(refused, 422, 'pathway_invalid');
    assert.ok(
      (refused.json() as { errors: Array<{ pointer: string; message: string }> }).errors.some(
        (entry) =>
          entry.pointer === '/content/root/children/2' &&
          entry.message.startsWith('incompatible_credit_framework:'),
      ),
      refused.body,
    );

    // ECTS named: the CATS component converts, and progress counts it as 10 ECTS.
    const body = content({ title: 'ECTS with a UK module', creditFramework: 'ECTS', root: rules([cats]) });
    assert.deepEqual(await validate(body), { valid: true, problems: [] });
    const id = await createPublishedPathway(owner, slug, body);
    const holder = await signedInUser(ctx);
    await awardADayLater(ctx, cats.id, holder.email);
    const progressOf = async () => {
      const response = await holder.request({ method: 'GET', url: `/api/v1/me/pathways/${id}/progress` });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ progress: Body }>(response).progress;
    };
    const halfway = await progressOf();
    assert.equal(halfway.creditFramework, 'ECTS');
    assert.equal(halfway.creditPoints, 10);
    const root = (halfway.nodes as Body[]).find((node) => node.id === 'root');
    assert.deepEqual(root?.remaining, { children: 1, creditPoints: 2 });
    assert.deepEqual(halfway.cheapest.components, ['c0']);
    await awardADayLater(ctx, core.id, holder.email);
    const done = await progressOf();
    assert.equal(done.satisfied, true);
    assert.equal(done.creditPoints, 12, '2 ECTS + 20 CATS as 10 ECTS, not 22');
    assert.equal((done.nodes as Body[]).find((node) => node.id === 'c1')?.creditPoints, 10);
    assert.equal(done.completion?.status, 'complete', 'completed automatically on the converted credits');
  });
});

describe('CLI', () => {
  // Checked before the database is opened, so the one CLI run stays cheap; the progress it prints is the
  // presenter's, tested through GET /me/pathways/:id/progress above.
  test('credstack pathway progress: a pathway that is not an id is a readable error, exit 1', async () => {
    const result = await runCli(
      ['pathway', 'progress', '--learner', 'lea@example.test', '--pathway', 'p-1'],
      {
        env: cliEnv(tempDataDir()),
      },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /--pathway must be a pathway id \(a UUID\), got "p-1"/);
    assert.equal(result.stdout, '');
  });
});
