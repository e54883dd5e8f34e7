import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import type { Db } from '../../src/db/database.ts';
import type {
  AssessmentInstruments,
  InstrumentReadiness,
} from '../../src/modules/catalogue/catalogue.ports.ts';
import {
  type CatalogueSkills,
  createCatalogueService,
} from '../../src/modules/catalogue/catalogue.service.ts';
import type { DefinitionContent } from '../../src/modules/catalogue/definition.model.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  createOrganisation,
  type LooseJson,
  memberWithRole,
  problem,
  withToken,
} from '../helpers/credentials.ts';
import { sampleDefinitionContent } from '../helpers/definitions.ts';
import type { Session } from '../helpers/factories.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'cat' }));
});
after(async () => {
  await ctx.close();
});

/** Complete content whose assessment comes from another system, so it can be published without instruments. */
function publishableContent(overrides: Partial<DefinitionContent> = {}): DefinitionContent {
  return sampleDefinitionContent({
    assessment: {
      type: 'external',
      supervision: 'supervised-online-id',
      gradingScheme: 'pass/fail',
      passCriteria: 'At least 70% in the final project review, marked by two assessors.',
    },
    ...overrides,
  });
}

const base = () => `/api/v1/orgs/${slug}/definitions`;

async function create(
  session: Session,
  content: DefinitionContent = publishableContent(),
): Promise<LooseJson> {
  const response = await session.request({ method: 'POST', url: base(), payload: content });
  assert.equal(response.statusCode, 201, response.body);
  return (response.json() as { definition: LooseJson }).definition;
}

async function act(session: Session, id: string, action: string, payload?: unknown) {
  return session.request({
    method: 'POST',
    url: `${base()}/${id}/${action}`,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function publishedDefinition(content?: DefinitionContent): Promise<LooseJson> {
  const draft = await create(owner, content);
  assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);
  const published = await act(owner, draft.id, 'publish');
  assert.equal(published.statusCode, 200, published.body);
  return (published.json() as { definition: LooseJson }).definition;
}

async function auditTypes(subjectId: string): Promise<string[]> {
  const rows = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select(['type'])
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.type);
}

describe('definition lifecycle', () => {
  test('draft → edit → review → returned → review → published, every step audited', async () => {
    const draft = await create(owner, publishableContent({ title: 'Prompt engineering basics' }));
    assert.equal(draft.status, 'draft');
    assert.equal(draft.version, 1);
    assert.equal(draft.source, 'own');
    assert.equal(draft.url, `http://credstack.test/definitions/${draft.id}`);
    assert.equal(draft.content.learningOutcomes[0].id, 'lo-1');
    assert.equal(draft.conformance.publishable, true);
    assert.equal(typeof draft.qualityReport.score, 'number');
    assert.equal(draft.quality.score, Math.round(draft.qualityReport.score));
    assert.deepEqual(
      draft.versions.map((version: LooseJson) => [version.version, version.status]),
      [[1, 'draft']],
    );

    const edited = await owner.request({
      method: 'PUT',
      url: `${base()}/${draft.id}`,
      payload: publishableContent({ title: 'Prompt engineering in practice' }),
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().definition.title, 'Prompt engineering in practice');

    const submitted = await act(owner, draft.id, 'submit');
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(submitted.json().definition.status, 'in_review');
    assert.ok(submitted.json().definition.submittedAt);

    const returned = await act(owner, draft.id, 'return', { comment: 'Name the evaluation metrics.' });
    assert.equal(returned.statusCode, 200, returned.body);
    assert.equal(returned.json().definition.status, 'draft');
    assert.equal(returned.json().definition.reviewComment, 'Name the evaluation metrics.');

    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);
    const published = await act(owner, draft.id, 'publish');
    assert.equal(published.statusCode, 200, published.body);
    const definition = published.json().definition;
    assert.equal(definition.status, 'published');
    assert.ok(definition.publishedAt);
    assert.equal(definition.reviewComment, null);

    assert.deepEqual(await auditTypes(draft.id), [
      'definition.created',
      'definition.updated',
      'definition.submitted',
      'definition.returned',
      'definition.submitted',
      'definition.published',
    ]);
    const updated = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['data'])
      .where('subject_id', '=', draft.id)
      .where('type', '=', 'definition.updated')
      .executeTakeFirstOrThrow();
    assert.deepEqual(updated.data, { fields: ['title'] });

    const list = await owner.request({ method: 'GET', url: `${base()}?status=published` });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().definitions.some((entry: LooseJson) => entry.id === draft.id));
    assert.ok(list.json().definitions.every((entry: LooseJson) => entry.status === 'published'));
  });

  test('a published definition never changes: every write is 409 invalid_state, saying what to do', async () => {
    const definition = await publishedDefinition();
    const put = await owner.request({
      method: 'PUT',
      url: `${base()}/${definition.id}`,
      payload: publishableContent({ title: 'Changed' }),
    });
    assert.equal(put.statusCode, 409);
    assert.equal(problem(put).code, 'invalid_state');
    assert.match(problem(put).detail, /never changes: make a new version/);
    for (const [action, payload] of [
      ['submit', undefined],
      ['publish', undefined],
      ['return', { comment: 'again' }],
    ] as const) {
      const response = await act(owner, definition.id, action, payload);
      assert.equal(response.statusCode, 409, `${action}: ${response.body}`);
      assert.equal(problem(response).code, 'invalid_state');
    }
    const stored = await owner.request({ method: 'GET', url: `${base()}/${definition.id}` });
    assert.equal(stored.json().definition.title, definition.title);
    assert.equal(stored.json().definition.updatedAt, definition.updatedAt);
  });

  test('illegal transitions from draft and in review are refused and change nothing', async () => {
    const draft = await create(owner);
    for (const [action, payload] of [
      ['publish', undefined],
      ['return', { comment: 'nothing to review' }],
      ['retire', { reason: 'not offered' }],
      ['versions', undefined],
    ] as const) {
      const response = await act(owner, draft.id, action, payload);
      assert.equal(response.statusCode, 409, `${action}: ${response.body}`);
      assert.equal(problem(response).code, 'invalid_state');
    }
    assert.match(problem(await act(owner, draft.id, 'publish')).detail, /submit it for review/);

    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);
    const edit = await owner.request({
      method: 'PUT',
      url: `${base()}/${draft.id}`,
      payload: publishableContent(),
    });
    assert.equal(edit.statusCode, 409);
    assert.match(problem(edit).detail, /return it to draft/);
    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 409);
    assert.equal((await act(owner, draft.id, 'retire', { reason: 'x' })).statusCode, 409);

    const retired = await publishedDefinition();
    assert.equal((await act(owner, retired.id, 'retire', { reason: 'No longer offered' })).statusCode, 200);
    assert.equal((await act(owner, retired.id, 'retire', { reason: 'again' })).statusCode, 409);
    assert.equal((await act(owner, retired.id, 'publish')).statusCode, 409);
    assert.deepEqual(await auditTypes(draft.id), ['definition.created', 'definition.submitted']);
  });

  test('the body is validated strictly; review comments and reasons are required', async () => {
    const unknown = await owner.request({
      method: 'POST',
      url: base(),
      payload: { ...publishableContent(), colour: 'blue' },
    });
    assert.equal(unknown.statusCode, 422);
    assert.equal(problem(unknown).code, 'validation_failed');
    const noTitle = await owner.request({ method: 'POST', url: base(), payload: { description: 'x' } });
    assert.equal(noTitle.statusCode, 422);
    const badLevel = await owner.request({
      method: 'POST',
      url: base(),
      payload: publishableContent({ level: { framework: 'XYZ' as 'EQF', value: '6' } }),
    });
    assert.equal(badLevel.statusCode, 422);
    const twins = await owner.request({
      method: 'POST',
      url: base(),
      payload: publishableContent({
        learningOutcomes: [
          { id: 'a', statement: 'The learner can do one thing.' },
          { id: 'a', statement: 'The learner can do another.' },
        ],
      }),
    });
    assert.equal(twins.statusCode, 422);
    assert.match(problem(twins).detail, /share the id "a"/);

    const draft = await create(owner);
    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);
    assert.equal((await act(owner, draft.id, 'return', {})).statusCode, 422);
    assert.equal((await act(owner, draft.id, 'return', { comment: '   ' })).statusCode, 422);
  });
});

describe('publishing rule', () => {
  test('refused with every missing mandatory element and the missing assessment listed', async () => {
    const { assessment: _a, learningOutcomes: _l, workload: _w, ...incomplete } = publishableContent();
    const draft = await create(owner, incomplete as DefinitionContent);
    assert.equal(draft.conformance.publishable, false);
    assert.equal(draft.assessment.ready, false);
    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);

    const refused = await act(owner, draft.id, 'publish');
    assert.equal(refused.statusCode, 422, refused.body);
    const body = refused.json() as { code: string; detail: string; errors: LooseJson[] };
    assert.equal(body.code, 'definition_not_publishable');
    const pointers = body.errors.map((error) => error.pointer);
    assert.ok(pointers.includes('/learningOutcomes'), JSON.stringify(pointers));
    assert.ok(pointers.includes('/workload'), JSON.stringify(pointers));
    assert.ok(
      body.errors.some((error) => error.in === 'assessment' && /completion-only/.test(error.message)),
      JSON.stringify(body.errors),
    );
    assert.match(body.detail, /cannot be published yet/);

    const after = await owner.request({ method: 'GET', url: `${base()}/${draft.id}` });
    assert.equal(after.json().definition.status, 'in_review');
    assert.deepEqual(await auditTypes(draft.id), ['definition.created', 'definition.submitted']);
  });

  test('a test-assessed definition needs a ready instrument: with none attached it is refused', async () => {
    const draft = await create(owner, sampleDefinitionContent());
    assert.equal(draft.conformance.publishable, true);
    assert.equal((await act(owner, draft.id, 'submit')).statusCode, 200);
    const refused = await act(owner, draft.id, 'publish');
    assert.equal(refused.statusCode, 422);
    const errors = (refused.json() as { errors: LooseJson[] }).errors;
    assert.deepEqual(
      errors.map((error) => error.in),
      ['assessment'],
    );
    assert.match(errors[0]!.message, /No test instrument is attached/);
  });
});

describe('versioning', () => {
  test('a new version supersedes the old one when published; the old one never changes', async () => {
    const v1 = await publishedDefinition(publishableContent({ title: 'Vector databases' }));
    const made = await act(owner, v1.id, 'versions');
    assert.equal(made.statusCode, 201, made.body);
    const v2 = made.json().definition;
    assert.equal(made.headers.location, `${base()}/${v2.id}`);
    assert.equal(v2.version, 2);
    assert.equal(v2.seriesId, v1.seriesId);
    assert.equal(v2.status, 'draft');
    assert.equal(v2.supersedesId, v1.id);
    assert.deepEqual(v2.content, v1.content);

    const again = await act(owner, v1.id, 'versions');
    assert.equal(again.statusCode, 409);
    assert.equal(problem(again).code, 'conflict');
    assert.match(problem(again).detail, /Version 2/);

    const edit = await owner.request({
      method: 'PUT',
      url: `${base()}/${v2.id}`,
      payload: publishableContent({ title: 'Vector databases (2nd edition)' }),
    });
    assert.equal(edit.statusCode, 200, edit.body);
    assert.equal((await act(owner, v2.id, 'submit')).statusCode, 200);
    const published = await act(owner, v2.id, 'publish');
    assert.equal(published.statusCode, 200, published.body);
    assert.deepEqual(
      published.json().definition.versions.map((version: LooseJson) => [version.version, version.status]),
      [
        [2, 'published'],
        [1, 'retired'],
      ],
    );

    const old = (await owner.request({ method: 'GET', url: `${base()}/${v1.id}` })).json().definition;
    assert.equal(old.status, 'retired');
    assert.equal(old.supersededById, v2.id);
    assert.equal(old.title, 'Vector databases');
    assert.deepEqual(old.content, v1.content);
    assert.deepEqual(await auditTypes(v1.id), [
      'definition.created',
      'definition.submitted',
      'definition.published',
      'definition.retired',
    ]);
    assert.deepEqual(await auditTypes(v2.id), [
      'definition.version_created',
      'definition.updated',
      'definition.submitted',
      'definition.published',
    ]);

    // Only the latest version can be versioned; a retired latest one can.
    const stale = await act(owner, v1.id, 'versions');
    assert.equal(stale.statusCode, 409);
    assert.match(problem(stale).detail, /latest is version 2/);
    // The superseded version's public page stays for credentials earned against it.
    const page = await ctx.app.inject({ method: 'GET', url: `/api/v1/catalogue/${v1.id}` });
    assert.equal(page.statusCode, 200);
    assert.equal(page.json().entry.status, 'retired');
    assert.equal(page.json().entry.supersededById, v2.id);
  });
});

describe('permissions', () => {
  test('viewer reads only; issuer writes and submits but cannot publish; tokens follow their scopes', async () => {
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    const draft = await create(owner);

    assert.equal((await viewer.request({ method: 'GET', url: `${base()}/${draft.id}` })).statusCode, 200);
    assert.equal((await viewer.request({ method: 'GET', url: base() })).statusCode, 200);
    const viewerCreate = await viewer.request({ method: 'POST', url: base(), payload: publishableContent() });
    assert.equal(viewerCreate.statusCode, 403);
    assert.equal(problem(viewerCreate).code, 'forbidden');
    const viewerEdit = await viewer.request({
      method: 'PUT',
      url: `${base()}/${draft.id}`,
      payload: publishableContent(),
    });
    assert.equal(viewerEdit.statusCode, 403);

    const mine = await create(issuer);
    assert.equal((await act(issuer, mine.id, 'submit')).statusCode, 200);
    const issuerPublish = await act(issuer, mine.id, 'publish');
    assert.equal(issuerPublish.statusCode, 403);
    assert.match(problem(issuerPublish).detail, /definitions:publish/);
    assert.equal((await act(issuer, mine.id, 'return', { comment: 'no' })).statusCode, 403);

    const reader = withToken(ctx, await apiToken(ctx, slug, ['definitions:read']));
    assert.equal((await reader({ method: 'GET', url: `${base()}/${draft.id}` })).statusCode, 200);
    const readerCreate = await reader({ method: 'POST', url: base(), payload: publishableContent() });
    assert.equal(readerCreate.statusCode, 403);
    assert.equal(problem(readerCreate).code, 'insufficient_scope');

    const manager = withToken(ctx, await apiToken(ctx, slug, ['definitions:manage']));
    const made = await manager({ method: 'POST', url: base(), payload: publishableContent() });
    assert.equal(made.statusCode, 201, made.body);
    const id = made.json().definition.id as string;
    assert.equal((await manager({ method: 'POST', url: `${base()}/${id}/submit` })).statusCode, 200);
    const tokenPublish = await manager({ method: 'POST', url: `${base()}/${id}/publish` });
    assert.equal(tokenPublish.statusCode, 403);
    assert.equal(problem(tokenPublish).code, 'insufficient_scope');
    assert.equal((await manager({ method: 'GET', url: `${base()}/${id}` })).statusCode, 403);

    const publisher = withToken(ctx, await apiToken(ctx, slug, ['definitions:publish']));
    assert.equal((await publisher({ method: 'POST', url: `${base()}/${id}/publish` })).statusCode, 200);
  });
});

describe('isolation', () => {
  test('another organisation’s definitions are 404 on every endpoint; drafts are 404 in public', async () => {
    const draft = await create(owner);
    const published = await publishedDefinition();
    const other = await createOrganisation(ctx, { prefix: 'cat-other' });
    const otherBase = `/api/v1/orgs/${other.slug}/definitions`;
    const stranger = other.owner;
    const otherToken = withToken(
      ctx,
      await apiToken(ctx, other.slug, ['definitions:read', 'definitions:manage']),
    );

    for (const id of [draft.id, published.id]) {
      const requests = [
        { method: 'GET', url: `${otherBase}/${id}` },
        { method: 'PUT', url: `${otherBase}/${id}`, payload: publishableContent() },
        { method: 'POST', url: `${otherBase}/${id}/submit` },
        { method: 'POST', url: `${otherBase}/${id}/return`, payload: { comment: 'x' } },
        { method: 'POST', url: `${otherBase}/${id}/publish` },
        { method: 'POST', url: `${otherBase}/${id}/retire`, payload: { reason: 'x' } },
        { method: 'POST', url: `${otherBase}/${id}/versions` },
        { method: 'GET', url: `${otherBase}/${id}/achievement` },
        { method: 'GET', url: `${otherBase}/${id}/ctdl` },
      ] as const;
      for (const request of requests) {
        const response = await stranger.request(request);
        assert.equal(response.statusCode, 404, `${request.method} ${request.url}: ${response.body}`);
        assert.equal(problem(response).code, 'not_found');
      }
      // The stranger cannot reach them through our slug either.
      for (const request of [
        { method: 'GET', url: `${base()}/${id}` },
        { method: 'POST', url: `${base()}/${id}/submit` },
        { method: 'GET', url: `${base()}/${id}/achievement` },
      ] as const) {
        assert.equal((await stranger.request(request)).statusCode, 404, request.url);
        assert.equal((await otherToken(request)).statusCode, 404, request.url);
      }
    }
    assert.equal((await stranger.request({ method: 'GET', url: base() })).statusCode, 404);
    assert.equal((await otherToken({ method: 'GET', url: base() })).statusCode, 404);
    const theirs = await stranger.request({ method: 'GET', url: otherBase });
    assert.equal(theirs.json().total, 0);

    for (const url of [
      `/api/v1/catalogue/${draft.id}`,
      `/api/v1/catalogue/${draft.id}/achievement`,
      `/api/v1/catalogue/${draft.id}/ctdl`,
      `/definitions/${draft.id}`,
      `/definitions/${draft.id}?format=json`,
      `/definitions/${crypto.randomUUID()}`,
      `/definitions/not-an-id`,
      `/api/v1/catalogue/${crypto.randomUUID()}`,
    ]) {
      const response = await ctx.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
    }
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: `/api/v1/orgs/${slug}/definitions/${draft.id}` }))
        .statusCode,
      401,
    );
    const unknownId = await owner.request({ method: 'GET', url: `${base()}/${crypto.randomUUID()}` });
    assert.equal(unknownId.statusCode, 404);
  });
});

describe('exports', () => {
  test('OB 3.0 Achievement and CTDL, for members (drafts too) and in public for published versions', async () => {
    const draft = await create(owner);
    const achievement = await owner.request({ method: 'GET', url: `${base()}/${draft.id}/achievement` });
    assert.equal(achievement.statusCode, 200, achievement.body);
    assert.match(String(achievement.headers['content-type']), /^application\/ld\+json/);
    const document = achievement.json() as LooseJson;
    assert.equal(document.id, draft.url);
    assert.ok([document.type].flat().includes('Achievement'));
    assert.equal(document.name, draft.title);
    assert.ok(document.criteria.narrative);
    assert.ok(Array.isArray(document['@context']));

    const ctdl = await owner.request({ method: 'GET', url: `${base()}/${draft.id}/ctdl` });
    assert.equal(ctdl.statusCode, 200);
    assert.equal(ctdl.json()['ceterms:ctid'], `ce-${draft.seriesId}`);
    assert.equal(ctdl.json()['@id'], draft.url);

    const published = await publishedDefinition();
    const publicAchievement = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/catalogue/${published.id}/achievement`,
    });
    assert.equal(publicAchievement.statusCode, 200);
    assert.equal(publicAchievement.json().id, published.url);
    const page = await ctx.app.inject({
      method: 'GET',
      url: `/definitions/${published.id}`,
      headers: { accept: 'application/ld+json' },
    });
    assert.equal(page.statusCode, 200);
    assert.deepEqual(page.json(), publicAchievement.json());
    const html = await ctx.app.inject({ method: 'GET', url: `/definitions/${published.id}` });
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.ok(html.body.includes('Retrieval-augmented generation in practice'));
    assert.match(html.body, /Why this quality score/);
    const refused = await ctx.app.inject({
      method: 'GET',
      url: `/definitions/${published.id}`,
      headers: { accept: 'image/png' },
    });
    assert.equal(refused.statusCode, 406);
  });
});

describe('the service with assessment instruments and a skills store', () => {
  test('publishing waits for a ready instrument; a new version copies it; skills are labelled', async () => {
    let ready: InstrumentReadiness = { ready: false, problems: ['the test has 2 items but draws 5'] };
    const copies: Array<{ from: string; to: string }> = [];
    const instrument: AssessmentInstruments = {
      readiness: async () => ready,
      copyForNewVersion: async ({ fromDefinitionId, toDefinitionId }) => {
        copies.push({ from: fromDefinitionId, to: toDefinitionId });
      },
    };
    const unrelated: AssessmentInstruments = {
      readiness: async () => null,
      copyForNewVersion: async () => {},
    };
    const esco = 'http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d';
    const skillCalls: Array<{ uris: string[]; trx: Db }> = [];
    const skills: CatalogueSkills = {
      resolveSkills: async (options) => {
        skillCalls.push(options);
        return new Map([[esco, { label: 'use databases', framework: 'esco', isFrameworkSkill: true }]]);
      },
      skillSignals: async () => new Map([[esco, { hot: true, inDemand: true, occupationCount: 12 }]]),
    };
    const { deps } = ctx;
    const catalogue = createCatalogueService({
      db: deps.database.db,
      clock: deps.clock,
      ids: deps.ids,
      config: deps.config,
      audit: deps.services.audit,
      organisations: deps.services.organisations,
      skills,
      instruments: [unrelated, instrument],
    });
    const actor = systemActor('test');
    const content = sampleDefinitionContent({
      skills: [{ uri: esco }, { uri: 'https://unknown.example/skill/x', label: 'mystery' }],
    });
    const draft = await catalogue.createDefinition({ actor, slug, content });
    assert.deepEqual(
      draft.record.skill_uris.sort(),
      [esco, 'https://skills.example/rag', 'https://unknown.example/skill/x'].sort(),
    );
    const stored = draft.record.content as unknown as DefinitionContent;
    assert.deepEqual(stored.skills?.[0], { uri: esco, label: 'use databases', framework: 'esco' });
    assert.deepEqual(stored.skills?.[1], { uri: 'https://unknown.example/skill/x', label: 'mystery' });
    assert.ok(skillCalls.length > 0);
    assert.deepEqual(draft.assessment, { ready: false, problems: ['the test has 2 items but draws 5'] });

    await catalogue.submitDefinition({ actor, slug, id: draft.record.id });
    await assert.rejects(
      catalogue.publishDefinition({ actor, slug, id: draft.record.id }),
      (error: LooseJson) => {
        assert.equal(error.code, 'definition_not_publishable');
        assert.deepEqual(
          error.fields.map((field: LooseJson) => field.message),
          ['the test has 2 items but draws 5'],
        );
        return true;
      },
    );
    ready = { ready: true, problems: [] };
    const published = await catalogue.publishDefinition({ actor, slug, id: draft.record.id });
    assert.equal(published.record.status, 'published');
    assert.equal(published.assessment.ready, true);

    const next = await catalogue.createVersion({ actor, slug, id: draft.record.id });
    assert.deepEqual(copies, [{ from: draft.record.id, to: next.record.id }]);

    const record = await catalogue.getDefinitionRecord({ definitionId: draft.record.id });
    assert.equal(record?.status, 'published');
    assert.equal(record?.organisationId, organisationId);
    assert.equal(record?.uri, `http://credstack.test/definitions/${draft.record.id}`);
    assert.equal(record?.content.title, content.title);
    assert.equal(await catalogue.getDefinitionRecord({ definitionId: crypto.randomUUID() }), null);
    assert.equal(await catalogue.getDefinitionRecord({ definitionId: 'nope' }), null);

    const award = await catalogue.achievementFor({ definitionId: draft.record.id });
    assert.equal(award.achievement.id, record?.uri);
    assert.equal(award.achievement.name, content.title);
    assert.equal(award.validityMonths, 36);
    assert.equal(award.organisationId, organisationId);
    assert.equal(award.title, content.title);
    await assert.rejects(catalogue.achievementFor({ definitionId: crypto.randomUUID() }), {
      code: 'not_found',
    });
  });
});
