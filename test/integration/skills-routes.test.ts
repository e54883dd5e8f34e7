import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import { DEMO_SKILLS } from '../../src/modules/skills/demo-skills.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, memberWithRole, problem, withToken } from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';
import { ESCO, escoFiles, ONET, onetFiles, removeFolders, writeFolder } from './skills-fixtures.ts';

const actor = systemActor('test');
let ctx: TestContext;
let owner: Session;
let slug: string;
let otherOwner: Session;
let otherSlug: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  await ctx.deps.services.skills.importEsco({ actor, folder: writeFolder(escoFiles()) });
  await ctx.deps.services.skills.importOnet({ actor, folder: writeFolder(onetFiles()) });
  ({ owner, slug } = await createOrganisation(ctx, { prefix: 'skills' }));
  ({ owner: otherOwner, slug: otherSlug } = await createOrganisation(ctx, { prefix: 'skills-other' }));
});
after(async () => {
  await ctx.close();
  removeFolders();
});

const get = (url: string) => ctx.app.inject({ method: 'GET', url });

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

async function createSkill(session: Session, orgSlug: string, payload: Body): Promise<Body> {
  const response = await session.request({ method: 'POST', url: `/api/v1/orgs/${orgSlug}/skills`, payload });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ skill: Body }>(response).skill;
}

describe('public framework routes', () => {
  test('GET /skills: ranked full-text and prefix search, filters, pagination', async () => {
    const python = await get('/api/v1/skills?q=python');
    assert.equal(python.statusCode, 200, python.body);
    const found = json<{ skills: Body[]; nextCursor: string | null }>(python);
    assert.deepEqual(
      found.skills.map((skill) => skill.uri).slice(0, 2),
      [ONET.python, ESCO.python],
      'the exact label first, then the label starting with the query',
    );
    assert.deepEqual(found.skills[0], {
      id: found.skills[0]?.id,
      uri: ONET.python,
      label: 'Python',
      altLabels: [],
      description: null,
      type: 'technology',
      framework: 'onet',
      hotTechnology: true,
      inDemand: true,
    });

    const prefix = json<{ skills: Body[] }>(await get('/api/v1/skills?q=databa&framework=esco'));
    assert.deepEqual(
      prefix.skills.map((skill) => skill.label),
      ['use databases'],
    );
    const altLabel = json<{ skills: Body[] }>(await get('/api/v1/skills?q=teamwork'));
    assert.equal(altLabel.skills[0]?.uri, ESCO.teamwork);
    const symbols = json<{ skills: Body[] }>(await get(`/api/v1/skills?q=${encodeURIComponent('C++')}`));
    assert.equal(symbols.skills[0]?.uri, ONET.cpp);
    const fromDescription = json<{ skills: Body[] }>(await get('/api/v1/skills?q=scripting'));
    assert.deepEqual(
      fromDescription.skills.map((skill) => skill.uri),
      [ESCO.python],
    );

    const groups = json<{ skills: Body[] }>(await get('/api/v1/skills?type=skill-group'));
    assert.deepEqual(
      groups.skills.map((skill) => skill.label),
      ['information and communication technologies', 'software and applications development'],
    );

    const first = json<{ skills: Body[]; nextCursor: string }>(
      await get('/api/v1/skills?framework=esco&limit=4'),
    );
    assert.equal(first.skills.length, 4);
    assert.ok(first.nextCursor);
    const second = json<{ skills: Body[]; nextCursor: string | null }>(
      await get(`/api/v1/skills?framework=esco&limit=4&cursor=${first.nextCursor}`),
    );
    assert.equal(second.skills.length, 3);
    assert.equal(second.nextCursor, null);
    assert.equal(new Set([...first.skills, ...second.skills].map((skill) => skill.id)).size, 7);

    // Query syntax is never passed through to tsquery: operators, quotes and stop words are just text.
    for (const q of ["'&|!:*()", '\\', 'the', '%_', '"unclosed', 'a:* & !b', 'ü', '-']) {
      const odd = await get(`/api/v1/skills?q=${encodeURIComponent(q)}`);
      assert.equal(odd.statusCode, 200, `${q}: ${odd.body}`);
      const occupations = await get(`/api/v1/occupations?q=${encodeURIComponent(q)}`);
      assert.equal(occupations.statusCode, 200, `${q}: ${occupations.body}`);
    }
    const literal = json<{ skills: Body[] }>(await get('/api/v1/skills?q=%25'));
    assert.deepEqual(literal.skills, [], '% is not a wildcard');

    isProblem(await get('/api/v1/skills?cursor=not-a-cursor'), 400, 'invalid_request');
    isProblem(await get('/api/v1/skills?limit=0'), 400, 'invalid_request');
    isProblem(await get('/api/v1/skills?type=hobby'), 400, 'invalid_request');
    isProblem(await get('/api/v1/skills?colour=blue'), 400, 'invalid_request');
  });

  test('GET /skills/lookup: a skill with its hierarchy and occupations; 404 for unknown and org skills', async () => {
    const response = await get(`/api/v1/skills/lookup?uri=${encodeURIComponent(ESCO.python)}`);
    assert.equal(response.statusCode, 200, response.body);
    const skill = json<{ skill: Body }>(response).skill;
    assert.equal(skill.label, 'Python (computer programming)');
    assert.deepEqual(skill.broader, [
      {
        uri: ESCO.programmingGroup,
        label: 'software and applications development',
        type: 'skill-group',
        framework: 'esco',
      },
    ]);
    assert.deepEqual(skill.narrower, []);
    assert.equal(skill.occupationCount, 2);
    assert.deepEqual(
      skill.occupations.map((occupation: Body) => [occupation.code, occupation.relation]),
      [
        ['2511.4', 'essential'],
        ['2512.4', 'essential'],
      ],
    );
    isProblem(await get('/api/v1/skills/lookup?uri=http%3A%2F%2Fexample.org%2Fnope'), 404, 'not_found');
    isProblem(await get('/api/v1/skills/lookup?uri=not%20a%20uri'), 400, 'invalid_request');
    isProblem(await get('/api/v1/skills/lookup'), 400, 'invalid_request');

    const orgSkill = await createSkill(owner, slug, { label: 'Private craft' });
    isProblem(await get(`/api/v1/skills/lookup?uri=${encodeURIComponent(orgSkill.uri)}`), 404, 'not_found');
    const listed = json<{ skills: Body[] }>(await get('/api/v1/skills?q=private'));
    assert.deepEqual(listed.skills, [], 'organisation skills are not in the public search');
  });

  test('GET /skill-frameworks, GET /occupations and GET /occupations/lookup', async () => {
    const frameworks = json<{ frameworks: Body[] }>(await get('/api/v1/skill-frameworks')).frameworks;
    assert.deepEqual(
      frameworks.map((framework) => [framework.slug, framework.skillCount, framework.occupationCount]),
      [
        ['esco', 7, 2],
        ['onet', 5, 3],
      ],
    );
    assert.equal(
      frameworks[0]?.attribution,
      'This service uses the ESCO classification of the European Commission.',
    );

    const occupations = json<{ occupations: Body[] }>(await get('/api/v1/occupations?q=data%20scien'));
    assert.deepEqual(occupations.occupations.map((occupation) => occupation.uri).sort(), [
      ESCO.dataScientist,
      ONET.dataScientists,
    ]);
    const onet = json<{ occupations: Body[] }>(await get('/api/v1/occupations?framework=onet&q=software'));
    assert.deepEqual(
      onet.occupations.map((occupation) => occupation.code),
      ['15-1252.00'],
    );

    const detail = await get(`/api/v1/occupations/lookup?uri=${encodeURIComponent(ONET.dataScientists)}`);
    assert.equal(detail.statusCode, 200, detail.body);
    assert.deepEqual(json<{ occupation: Body }>(detail).occupation.skills, [
      {
        uri: ONET.python,
        label: 'Python',
        type: 'technology',
        framework: 'onet',
        relation: 'technology',
        hotTechnology: true,
        inDemand: true,
      },
      {
        uri: ONET.excel,
        label: 'Microsoft Excel',
        type: 'technology',
        framework: 'onet',
        relation: 'technology',
        hotTechnology: true,
        inDemand: false,
      },
    ]);
    isProblem(await get('/api/v1/occupations/lookup?uri=http%3A%2F%2Fexample.org%2Fnope'), 404, 'not_found');
  });
});

describe('organisation skills', () => {
  test('create, read, update, map and retire; audit events; conflicts and validation', async () => {
    const created = await createSkill(owner, slug, {
      label: 'Retrieval-augmented generation',
      altLabels: ['RAG', 'rag', 'Retrieval-augmented generation'],
      description: 'Grounds model answers in retrieved documents.',
      mappings: [{ targetUri: ESCO.machineLearning, match: 'narrowMatch' }],
    });
    assert.match(created.uri, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.equal(created.uri, `urn:uuid:${created.id}`);
    assert.equal(created.framework, `org:${slug}`);
    assert.equal(created.type, 'organisation');
    assert.deepEqual(created.altLabels, ['RAG'], 'duplicates and the label itself are dropped');
    assert.equal(created.frameworkAligned, true);
    assert.deepEqual(created.mappings, [
      {
        targetUri: ESCO.machineLearning,
        match: 'narrowMatch',
        target: { label: 'machine learning', type: 'knowledge', framework: 'esco' },
      },
    ]);
    const base = `/api/v1/orgs/${slug}/skills/${created.id}`;

    const read = await owner.request({ method: 'GET', url: base });
    assert.equal(read.statusCode, 200, read.body);
    assert.deepEqual(json<{ skill: Body }>(read).skill, created);

    const listed = json<{ skills: Body[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills?q=rag` }),
    );
    assert.deepEqual(
      listed.skills.map((skill) => skill.id),
      [created.id],
    );

    const duplicate = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: { label: 'retrieval-augmented   GENERATION' },
    });
    isProblem(duplicate, 409, 'conflict');

    const badTarget = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: {
        label: 'Vector search',
        mappings: [{ targetUri: 'http://example.org/not-a-skill', match: 'exactMatch' }],
      },
    });
    isProblem(badTarget, 422, 'validation_failed');
    assert.deepEqual(json<{ errors: Body[] }>(badTarget).errors, [
      {
        in: 'body',
        pointer: '/mappings/0/targetUri',
        message: 'is not a skill of an imported framework (ESCO, O*NET)',
      },
    ]);
    const orgTarget = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: { label: 'Vector search', mappings: [{ targetUri: created.uri, match: 'exactMatch' }] },
    });
    isProblem(orgTarget, 422, 'validation_failed');
    for (const payload of [
      {},
      { label: '' },
      { label: 'x'.repeat(201) },
      { label: 'ok', colour: 'blue' },
      { label: 'ok', mappings: [{ targetUri: ESCO.python, match: 'sameAs' }] },
      { label: 'ok', altLabels: 'RAG' },
    ]) {
      const response = await owner.request({ method: 'POST', url: `/api/v1/orgs/${slug}/skills`, payload });
      isProblem(response, 422, 'validation_failed');
    }
    const blank = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: { label: '   ' },
    });
    isProblem(blank, 422, 'validation_failed');

    const patched = await owner.request({
      method: 'PATCH',
      url: base,
      payload: { label: 'RAG pipelines', altLabels: ['retrieval-augmented generation'], description: null },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const updated = json<{ skill: Body }>(patched).skill;
    assert.equal(updated.label, 'RAG pipelines');
    assert.deepEqual(updated.altLabels, ['retrieval-augmented generation']);
    assert.equal(updated.description, null);
    isProblem(await owner.request({ method: 'PATCH', url: base, payload: {} }), 422, 'validation_failed');

    const mapped = await owner.request({
      method: 'PUT',
      url: `${base}/mappings`,
      payload: {
        mappings: [
          { targetUri: ESCO.machineLearning, match: 'closeMatch' },
          { targetUri: ONET.python, match: 'broadMatch' },
        ],
      },
    });
    assert.equal(mapped.statusCode, 200, mapped.body);
    assert.deepEqual(
      json<{ skill: Body }>(mapped).skill.mappings.map((mapping: Body) => [mapping.targetUri, mapping.match]),
      [
        [ESCO.machineLearning, 'closeMatch'],
        [ONET.python, 'broadMatch'],
      ],
    );
    const unmapped = await owner.request({
      method: 'PUT',
      url: `${base}/mappings`,
      payload: { mappings: [] },
    });
    assert.equal(json<{ skill: Body }>(unmapped).skill.frameworkAligned, false);
    const twice = await owner.request({
      method: 'PUT',
      url: `${base}/mappings`,
      payload: {
        mappings: [
          { targetUri: ESCO.python, match: 'closeMatch' },
          { targetUri: ESCO.python, match: 'exactMatch' },
        ],
      },
    });
    isProblem(twice, 422, 'validation_failed');

    const deleted = await owner.request({ method: 'DELETE', url: base });
    assert.equal(deleted.statusCode, 204, deleted.body);
    isProblem(await owner.request({ method: 'GET', url: base }), 404, 'not_found');
    isProblem(await owner.request({ method: 'DELETE', url: base }), 404, 'not_found');
    const afterDelete = json<{ skills: Body[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills` }),
    );
    assert.equal(
      afterDelete.skills.some((skill) => skill.id === created.id),
      false,
    );
    // Definitions that already name the URI still resolve it.
    const resolved = await ctx.deps.services.skills.resolveSkills({ uris: [created.uri] });
    assert.equal(resolved.get(created.uri)?.label, 'RAG pipelines');
    // And the label is free again.
    await createSkill(owner, slug, { label: 'RAG pipelines' });

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type'])
      .where('subject_id', '=', created.id)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((event) => event.type),
      ['skill.created', 'skill.updated', 'skill.mappings_changed', 'skill.mappings_changed', 'skill.deleted'],
    );
  });

  test('permissions: viewers read, issuers manage; token scopes definitions:read and skills:manage', async () => {
    const skill = await createSkill(owner, slug, { label: 'Prompt engineering' });
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const list = await viewer.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills` });
    assert.equal(list.statusCode, 200, list.body);
    const read = await viewer.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills/${skill.id}` });
    assert.equal(read.statusCode, 200, read.body);
    isProblem(
      await viewer.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/skills`,
        payload: { label: 'Viewer skill' },
      }),
      403,
      'forbidden',
    );
    isProblem(
      await viewer.request({
        method: 'PATCH',
        url: `/api/v1/orgs/${slug}/skills/${skill.id}`,
        payload: { label: 'x' },
      }),
      403,
      'forbidden',
    );
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    await createSkill(issuer, slug, { label: 'Issuer skill' });

    const reader = withToken(ctx, await apiToken(ctx, slug, ['definitions:read']));
    assert.equal((await reader({ method: 'GET', url: `/api/v1/orgs/${slug}/skills` })).statusCode, 200);
    isProblem(
      await reader({ method: 'POST', url: `/api/v1/orgs/${slug}/skills`, payload: { label: 'Token skill' } }),
      403,
      'insufficient_scope',
    );
    const manager = withToken(ctx, await apiToken(ctx, slug, ['skills:manage']));
    const made = await manager({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: { label: 'Token skill' },
    });
    assert.equal(made.statusCode, 201, made.body);

    isProblem(await get(`/api/v1/orgs/${slug}/skills`), 401, 'unauthenticated');
  });

  test("another organisation's skills answer 404 on every endpoint", async () => {
    const skill = await createSkill(owner, slug, { label: 'Confidential method' });
    const mine = await createSkill(otherOwner, otherSlug, { label: 'Their own skill' });
    const requests = (orgSlug: string, id: string) => [
      { method: 'GET' as const, url: `/api/v1/orgs/${orgSlug}/skills/${id}` },
      {
        method: 'PATCH' as const,
        url: `/api/v1/orgs/${orgSlug}/skills/${id}`,
        payload: { label: 'Taken over' },
      },
      {
        method: 'PUT' as const,
        url: `/api/v1/orgs/${orgSlug}/skills/${id}/mappings`,
        payload: { mappings: [] },
      },
      { method: 'DELETE' as const, url: `/api/v1/orgs/${orgSlug}/skills/${id}` },
    ];
    // Through their own organisation, by id.
    for (const request of requests(otherSlug, skill.id)) {
      isProblem(await otherOwner.request(request), 404, 'not_found');
    }
    // Through ours, which they are not a member of (every endpoint, list and create included).
    for (const request of [
      ...requests(slug, skill.id),
      { method: 'GET' as const, url: `/api/v1/orgs/${slug}/skills` },
      { method: 'POST' as const, url: `/api/v1/orgs/${slug}/skills`, payload: { label: 'Intruder' } },
    ]) {
      isProblem(await otherOwner.request(request), 404, 'not_found');
    }
    // A token of the other organisation cannot reach ours either.
    const token = withToken(ctx, await apiToken(ctx, otherSlug, ['definitions:read', 'skills:manage']));
    isProblem(
      await token({ method: 'GET', url: `/api/v1/orgs/${slug}/skills/${skill.id}` }),
      404,
      'not_found',
    );
    isProblem(await token({ method: 'GET', url: `/api/v1/orgs/${slug}/skills` }), 404, 'not_found');
    // Their skill is not in our list; ours is untouched.
    const ours = json<{ skills: Body[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills` }),
    );
    assert.equal(
      ours.skills.some((entry) => entry.id === mine.id),
      false,
    );
    const still = json<{ skill: Body }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills/${skill.id}` }),
    );
    assert.equal(still.skill.label, 'Confidential method');
    // A malformed id is a bad request, not a lookup.
    isProblem(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/skills/not-a-uuid` }),
      400,
      'invalid_request',
    );
  });

  test('seedDemoSkills creates the demo skill set once, mapped to ESCO by URI', async () => {
    const { slug: demoSlug } = await createOrganisation(ctx, { prefix: 'skills-demo' });
    const skills = ctx.deps.services.skills;
    const first = await skills.seedDemoSkills({ actor, slug: demoSlug });
    assert.equal(first.created, DEMO_SKILLS.length);
    assert.ok(DEMO_SKILLS.length >= 20 && DEMO_SKILLS.length <= 30);
    const again = await ctx.deps.database.db
      .transaction()
      .execute((trx) => skills.seedDemoSkills({ actor, slug: demoSlug, trx }));
    assert.equal(again.created, 0);

    const page = await skills.listOrgSkills({ actor, slug: demoSlug, q: 'wrangling' });
    const wrangling = page.items[0];
    assert.equal(wrangling?.skill.preferred_label, 'Python data wrangling');
    // The fixture ESCO import holds the Python concept, so that mapping resolves; the others wait for ESCO.
    const python = wrangling?.mappings.find((mapping) => mapping.targetUri === ESCO.python);
    assert.deepEqual(python?.target, {
      label: 'Python (computer programming)',
      type: 'knowledge',
      framework: 'esco',
    });
    const cleansing = wrangling?.mappings.find((mapping) => mapping.targetUri !== ESCO.python);
    assert.equal(cleansing?.target, null);
    const resolved = await skills.resolveSkills({ uris: [wrangling?.skill.uri ?? ''] });
    assert.equal(resolved.get(wrangling?.skill.uri ?? '')?.isFrameworkSkill, true);
  });
});
