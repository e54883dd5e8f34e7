import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import type { LearningPath, PathRequest } from '../../src/modules/learning-path/path.model.ts';
import type { SkillExtraction } from '../../src/modules/skill-extraction/extraction.model.ts';
import { createSkillProfileService } from '../../src/modules/skill-profile/skill-profile.service.ts';
import { cliEnv, removeTempDirs, runCli, tempDataDir } from '../cli/cli-helpers.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { ACHIEVEMENT, createOrganisation, issueAs, memberWithRole, problem } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardCredential } from '../helpers/issuance.ts';
import { ESCO, escoFiles, removeFolders, writeFolder } from './skills-fixtures.ts';

const system = systemActor('test');
const NOW = new Date('2026-06-01T12:00:00Z');
let ctx: TestContext;
let owner: Session;
let slug: string;
let orgId: string;
let learner: Session;
let stranger: Session;
let pythonSeries: string;
let mlSeries: string;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

async function definition(title: string, skillUri: string, validityMonths: number | null) {
  const base = sampleDefinitionContent({ title });
  const { validity: _validity, ...rest } = base;
  return insertDefinition(ctx, {
    organisationId: orgId,
    content: {
      ...rest,
      ...(validityMonths === null ? {} : { validity: { months: validityMonths } }),
      learningOutcomes: [
        { id: 'lo-1', statement: `The learner can use ${title}.`, skills: [{ uri: skillUri }] },
      ],
    },
  });
}

before(async () => {
  ctx = await buildTestApp({ now: NOW, env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  await ctx.deps.services.skills.importEsco({ actor: system, folder: writeFolder(escoFiles()) });
  ({ owner, slug, id: orgId } = await createOrganisation(ctx, { prefix: 'profile' }));
  learner = await signedInUser(ctx);
  stranger = await signedInUser(ctx);

  const python = await definition('Python basics', ESCO.python, null);
  pythonSeries = python.seriesId;
  await awardCredential(ctx, python.id, learner.email);
  const ml = await definition('Machine learning 2023', ESCO.machineLearning, 12);
  mlSeries = ml.seriesId;
  await awardCredential(ctx, ml.id, learner.email, { validFrom: new Date('2024-01-01T00:00:00Z') });
  const team = await definition('Teamwork', ESCO.teamwork, null);
  const revoked = await awardCredential(ctx, team.id, learner.email);
  await ctx.deps.services.credentials.revokeCredential({
    actor: system,
    slug,
    id: revoked.record.id,
    reason: 'issued in error',
  });
  // Without a definition: the signed achievement's alignment names the skill.
  await issueAs(owner, slug, {
    achievement: {
      ...ACHIEVEMENT,
      alignment: [{ targetName: 'use databases', targetUrl: ESCO.useDatabases, targetType: 'ext:ESCO' }],
    },
    recipient: { email: learner.email, name: 'Lea' },
  });
});
after(async () => {
  await ctx.close();
  removeFolders();
  removeTempDirs();
});

async function gap(session: Session, target: Body): Promise<LightMyRequestResponse> {
  return session.request({ method: 'POST', url: '/api/v1/me/gap', payload: { target } });
}

describe('profile and declared skills', () => {
  test('GET /me/skills: verified from definitions and alignments, expired, revoked left out; 401 signed out', async () => {
    const response = await learner.request({ method: 'GET', url: '/api/v1/me/skills' });
    assert.equal(response.statusCode, 200, response.body);
    const { profile } = json<{ profile: Body }>(response);
    assert.equal(profile.userId, learner.userId);
    assert.equal(profile.credentialCount, 3, 'the revoked credential does not count');
    assert.deepEqual(
      profile.skills.map((skill: Body) => [skill.uri, skill.status, skill.sources.map((s: Body) => s.via)]),
      [
        [ESCO.python, 'verified', ['definition']],
        [ESCO.useDatabases, 'verified', ['alignment']],
        [ESCO.machineLearning, 'expired', ['definition']],
      ],
    );
    assert.equal(profile.skills[0].label, 'Python (computer programming)');
    assert.equal(profile.skills[0].sources[0].title, 'Python basics');
    assert.equal(profile.skills[2].sources[0].state, 'expired');

    const empty = json<{ profile: Body }>(
      await stranger.request({ method: 'GET', url: '/api/v1/me/skills' }),
    );
    assert.deepEqual(empty.profile.skills, []);
    isProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me/skills' }), 401, 'unauthenticated');
  });

  test('declared skills: add (idempotent, audited once), shown unverified, remove, 404 when not declared', async () => {
    const add = () =>
      learner.request({
        method: 'POST',
        url: '/api/v1/me/skills/declared',
        payload: { skillUri: ESCO.writeSql },
      });
    const first = await add();
    assert.equal(first.statusCode, 200, first.body);
    await add();
    const declared = json<{ profile: Body }>(first).profile.skills.find((s: Body) => s.uri === ESCO.writeSql);
    assert.equal(declared.status, 'declared');
    assert.equal(declared.verified, false);
    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('type')
      .where('type', '=', 'declared_skill.added')
      .where('subject_id', '=', learner.userId)
      .execute();
    assert.equal(events.length, 1);

    isProblem(
      await learner.request({
        method: 'POST',
        url: '/api/v1/me/skills/declared',
        payload: { skillUri: 'http://data.europa.eu/esco/skill/unknown' },
      }),
      422,
      'validation_failed',
    );
    isProblem(
      await learner.request({
        method: 'POST',
        url: '/api/v1/me/skills/declared',
        payload: { skillUri: 'x', extra: 1 },
      }),
      422,
      'validation_failed',
    );
    const teamwork = encodeURIComponent(ESCO.teamwork);
    await learner.request({
      method: 'POST',
      url: '/api/v1/me/skills/declared',
      payload: { skillUri: ESCO.teamwork },
    });
    const removed = await learner.request({
      method: 'DELETE',
      url: `/api/v1/me/skills/declared?uri=${teamwork}`,
    });
    assert.equal(removed.statusCode, 204, removed.body);
    isProblem(
      await learner.request({ method: 'DELETE', url: `/api/v1/me/skills/declared?uri=${teamwork}` }),
      404,
      'not_found',
    );
    isProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/skills/declared',
        payload: { skillUri: ESCO.python },
      }),
      401,
      'unauthenticated',
    );
  });
});

describe('gap analysis', () => {
  test('occupation: covered, partly (expired) and weighted coverage', async () => {
    const response = await gap(learner, { kind: 'occupation', uri: ESCO.dataScientist });
    assert.equal(response.statusCode, 200, response.body);
    const result = json<{ gap: Body }>(response).gap;
    assert.equal(result.target.label, 'data scientist');
    assert.deepEqual(
      result.skills
        .map((s: Body) => [s.uri, s.importance, s.coverage, s.reasons.map((r: Body) => r.kind)])
        .sort(),
      [
        [ESCO.python, 'essential', 'covered', ['verified']],
        [ESCO.machineLearning, 'essential', 'partly', ['expired']],
        [ESCO.useDatabases, 'optional', 'covered', ['verified']],
      ].sort(),
    );
    // 2 + 0.5·2 + 1 of 5
    assert.equal(result.coveragePercent, 80);
    assert.deepEqual(result.counts, { covered: 2, partly: 1, missing: 0 });
  });

  test('skills: declared and a related (broader) verified skill partly cover; unknown skills are clear 422s', async () => {
    const result = json<{ gap: Body }>(
      await gap(learner, { kind: 'skills', uris: [ESCO.writeSql, ESCO.teamwork] }),
    ).gap;
    const writeSql = result.skills.find((s: Body) => s.uri === ESCO.writeSql);
    assert.equal(writeSql.coverage, 'partly');
    assert.deepEqual(
      writeSql.reasons.map((r: Body) => [r.kind, r.relatedUri ?? null, r.relation ?? null]),
      [
        ['declared', null, null],
        ['related', ESCO.useDatabases, 'broader'],
      ],
    );
    assert.equal(result.skills.find((s: Body) => s.uri === ESCO.teamwork).coverage, 'missing');

    isProblem(await gap(learner, { kind: 'skills', uris: ['urn:x:nothing'] }), 422, 'target_has_no_skills');
    isProblem(
      await gap(learner, { kind: 'skills', uris: [ESCO.python, 'urn:x:nothing'] }),
      422,
      'validation_failed',
    );
    isProblem(
      await gap(learner, { kind: 'occupation', uri: 'http://data.europa.eu/esco/occupation/none' }),
      404,
      'not_found',
    );
    // A pathway that is not published (here: no pathway at all) is not found; test/integration/pathways.test.ts
    // covers a real one.
    isProblem(await gap(learner, { kind: 'pathway', id: 'p-1' }), 404, 'not_found');
    const empty = await gap(learner, { kind: 'text', text: '  ' });
    isProblem(empty, 422, 'validation_failed');
    assert.match(problem(empty).detail, /The job text is empty/);
    const noUri = await gap(learner, { kind: 'occupation' });
    isProblem(noUri, 422, 'validation_failed');
    assert.match(problem(noUri).detail, /needs the occupation URI/);
    isProblem(await gap(learner, { kind: 'colour' }), 422, 'validation_failed');
    isProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/gap',
        payload: { target: { kind: 'skills', uris: [ESCO.python] } },
      }),
      401,
      'unauthenticated',
    );
  });
});

describe('role profiles', () => {
  const skills = [
    { uri: ESCO.python, importance: 'essential' },
    { uri: ESCO.teamwork, importance: 'optional' },
  ];

  test('mine: CRUD, private to me (404 to others), usable as a gap target, audited', async () => {
    const created = await learner.request({
      method: 'POST',
      url: '/api/v1/me/role-profiles',
      payload: { name: 'Backend developer', skills },
    });
    assert.equal(created.statusCode, 201, created.body);
    const profile = json<{ roleProfile: Body }>(created).roleProfile;
    assert.deepEqual(profile.owner, { type: 'user' });
    assert.equal(profile.skills[0].label, 'Python (computer programming)');
    const url = `/api/v1/me/role-profiles/${profile.id}`;

    const listed = json<{ roleProfiles: Body[] }>(
      await learner.request({ method: 'GET', url: '/api/v1/me/role-profiles' }),
    );
    assert.deepEqual(
      listed.roleProfiles.map((p) => p.id),
      [profile.id],
    );
    isProblem(await stranger.request({ method: 'GET', url }), 404, 'not_found');
    isProblem(
      await stranger.request({ method: 'PATCH', url, payload: { name: 'Mine now' } }),
      404,
      'not_found',
    );
    isProblem(await stranger.request({ method: 'DELETE', url }), 404, 'not_found');
    isProblem(await gap(stranger, { kind: 'role-profile', id: profile.id }), 404, 'not_found');

    const result = json<{ gap: Body }>(await gap(learner, { kind: 'role-profile', id: profile.id })).gap;
    assert.equal(result.target.label, 'Backend developer');
    // python covered (2), teamwork missing (1)
    assert.equal(result.coveragePercent, 66.7);

    const same = await learner.request({ method: 'PATCH', url, payload: { name: 'Backend developer' } });
    assert.equal(same.statusCode, 200, same.body);
    const renamed = await learner.request({
      method: 'PATCH',
      url,
      payload: { name: 'API developer', description: 'REST' },
    });
    assert.equal(json<{ roleProfile: Body }>(renamed).roleProfile.name, 'API developer');
    isProblem(
      await learner.request({ method: 'PATCH', url, payload: { public: true } }),
      422,
      'validation_failed',
    );
    isProblem(
      await learner.request({
        method: 'PATCH',
        url,
        payload: {
          skills: [
            { uri: ESCO.python, importance: 'essential' },
            { uri: ESCO.python, importance: 'optional' },
          ],
        },
      }),
      422,
      'validation_failed',
    );
    const updates = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('data')
      .where('type', '=', 'role_profile.updated')
      .where('subject_id', '=', profile.id)
      .execute();
    assert.deepEqual(
      updates.map((event) => (event.data as { fields: string[] }).fields),
      [['description', 'name']],
      'an unchanged PATCH records nothing',
    );
    assert.equal((await learner.request({ method: 'DELETE', url })).statusCode, 204);
    isProblem(await learner.request({ method: 'GET', url }), 404, 'not_found');
    isProblem(
      await learner.request({ method: 'GET', url: '/api/v1/me/role-profiles/not-a-uuid' }),
      400,
      'invalid_request',
    );
    isProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/me/role-profiles' }),
      401,
      'unauthenticated',
    );
  });

  test('organisation: skills:manage writes, members read, outsiders get 404, public ones are gap targets', async () => {
    const base = `/api/v1/orgs/${slug}/role-profiles`;
    const created = await owner.request({
      method: 'POST',
      url: base,
      payload: { name: 'Data analyst', skills },
    });
    assert.equal(created.statusCode, 201, created.body);
    const privateProfile = json<{ roleProfile: Body }>(created).roleProfile;
    assert.deepEqual(privateProfile.owner, { type: 'organisation', slug });
    const publicProfile = json<{ roleProfile: Body }>(
      await owner.request({
        method: 'POST',
        url: base,
        payload: { name: 'Open role', public: true, skills },
      }),
    ).roleProfile;
    assert.equal(publicProfile.public, true);

    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const seen = json<{ roleProfiles: Body[] }>(await viewer.request({ method: 'GET', url: base }));
    assert.equal(seen.roleProfiles.length, 2);
    isProblem(
      await viewer.request({ method: 'POST', url: base, payload: { name: 'No', skills } }),
      403,
      'forbidden',
    );
    isProblem(await stranger.request({ method: 'GET', url: base }), 404, 'not_found');
    isProblem(
      await stranger.request({ method: 'GET', url: `${base}/${privateProfile.id}` }),
      404,
      'not_found',
    );
    // Another organisation's profile through this organisation's path is 404 too.
    const other = await createOrganisation(ctx, { prefix: 'profile-other' });
    isProblem(
      await other.owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${other.slug}/role-profiles/${privateProfile.id}`,
      }),
      404,
      'not_found',
    );

    isProblem(await gap(learner, { kind: 'role-profile', id: privateProfile.id }), 404, 'not_found');
    // What the learner can aim at: the public profile, never the organisation's private one.
    const targets = json<{ roleProfiles: Array<{ id: string; mine: boolean }> }>(
      await learner.request({ method: 'GET', url: '/api/v1/me/target-role-profiles' }),
    ).roleProfiles;
    assert.ok(targets.some((target) => target.id === publicProfile.id && !target.mine));
    assert.ok(!targets.some((target) => target.id === privateProfile.id));
    assert.equal(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/me/target-role-profiles' })).statusCode,
      401,
    );
    const open = await gap(learner, { kind: 'role-profile', id: publicProfile.id });
    assert.equal(open.statusCode, 200, open.body);
    const asMember = await gap(viewer, { kind: 'role-profile', id: privateProfile.id });
    assert.equal(asMember.statusCode, 200, asMember.body);
    assert.equal(json<{ gap: Body }>(asMember).gap.coveragePercent, 0);

    isProblem(
      await owner.request({
        method: 'POST',
        url: base,
        payload: { name: 'Bad', skills: [{ uri: 'urn:x:unknown', importance: 'essential' }] },
      }),
      422,
      'validation_failed',
    );
    assert.equal(
      (await owner.request({ method: 'DELETE', url: `${base}/${publicProfile.id}` })).statusCode,
      204,
    );
  });
});

describe('service with fake ports', () => {
  const requests: PathRequest[] = [];
  let extraction: SkillExtraction;
  const path: LearningPath = {
    status: 'partial',
    objective: 'hours',
    steps: [],
    covered: [],
    uncovered: [],
    totals: { cost: 0, currency: null, hours: 0, count: 0 },
    solver: { method: 'greedy', optimal: false, timedOut: false, candidatesConsidered: 0, timeMs: 1 },
  };
  const service = () => {
    const services = ctx.deps.services;
    return createSkillProfileService({
      db: ctx.deps.database.db,
      clock: ctx.clock,
      ids: ctx.deps.ids,
      audit: services.audit,
      organisations: services.organisations,
      accounts: services.accounts,
      credentials: services.credentials,
      catalogue: services.catalogue,
      skills: services.skills,
      extraction: {
        extractSkills: async () => extraction,
        readDocumentText: async ({ content }) => content.toString('utf8'),
      },
      learningPath: {
        recommendPath: async ({ request }) => {
          requests.push(request);
          return path;
        },
      },
    });
  };
  const extracted = (uri: string, confidence: number) => ({
    uri,
    framework: 'esco',
    label: uri,
    type: 'skill' as const,
    confidence,
    score: confidence,
    spans: [],
  });

  test('text targets go through the extractor; the path gets the gap, weights and held series', async () => {
    extraction = {
      skills: [
        extracted(ESCO.python, 0.9),
        extracted(ESCO.machineLearning, 0.95),
        extracted(ESCO.teamwork, 0.6),
      ],
      sentenceCount: 2,
      characterCount: 80,
      method: 'lexical',
      truncated: false,
    };
    const learnerActor = { kind: 'system', reason: 'test' } as const;
    const result = await service().recommendPath({
      actor: learnerActor,
      userId: learner.userId,
      target: { kind: 'text', text: 'We need Python, machine learning and teamwork.' },
      objective: 'hours',
      budget: { maxHours: 40 },
    });
    assert.equal(result.path, path);
    assert.deepEqual(result.gap.extraction, { method: 'lexical', truncated: false, sentenceCount: 2 });
    assert.deepEqual(requests.at(-1), {
      gap: [
        { uri: ESCO.machineLearning, label: ESCO.machineLearning, weight: 2 },
        { uri: ESCO.teamwork, label: ESCO.teamwork, weight: 1 },
      ],
      heldSeriesIds: [pythonSeries],
      objective: 'hours',
      budget: { maxHours: 40 },
    });
    assert.ok(
      !requests.at(-1)?.heldSeriesIds.includes(mlSeries),
      'an expired credential meets no prerequisite',
    );

    extraction = { ...extraction, skills: [] };
    await assert.rejects(
      service().analyseGap({
        actor: learnerActor,
        userId: learner.userId,
        target: { kind: 'text', text: 'Lorem ipsum.' },
      }),
      { code: 'target_has_no_skills' },
    );
    await assert.rejects(
      service().recommendPath({
        actor: learnerActor,
        userId: learner.userId,
        target: { kind: 'skills', uris: [ESCO.python] },
        objective: 'cost',
        budget: { maxCost: 10 },
      }),
      { code: 'validation_failed' },
    );
    // A learner is named only by the system or a platform admin; to anyone else another learner is 404.
    await assert.rejects(
      service().getProfile({
        actor: {
          kind: 'user',
          userId: stranger.userId,
          isPlatformAdmin: false,
          emailVerified: true,
          sessionId: null,
        },
        userId: learner.userId,
      }),
      { code: 'not_found' },
    );
  });
});

describe('skills from results, definitions read in one call', () => {
  test('result alignments count, by targetCode where the registry knows the code and not the URL', async () => {
    const holder = await signedInUser(ctx);
    await issueAs(owner, slug, {
      achievement: ACHIEVEMENT,
      recipient: { email: holder.email, name: 'Rui' },
      result: [
        {
          status: 'Completed',
          alignment: [
            {
              targetName: 'working in teams',
              targetUrl: 'https://academy.example/skills/teamwork',
              targetCode: ESCO.teamwork,
            },
            { targetName: 'kiln safety', targetUrl: 'https://academy.example/skills/kiln-safety' },
          ],
        },
      ],
    });
    const profile = await ctx.deps.services.skillProfile.getProfile({ actor: system, userId: holder.userId });
    const found = profile.skills.map((skill) => [skill.uri, skill.label, skill.status]);
    // The registry knows the code, not the academy's page: the skill is the ESCO one, with its label.
    assert.ok(found.some((row) => row.join() === [ESCO.teamwork, 'work in teams', 'verified'].join()));
    assert.ok(!found.some((row) => row[0] === 'https://academy.example/skills/teamwork'));
    // Unknown to the registry: the URL, labelled with the alignment's name.
    assert.ok(
      found.some((row) => row.join() === 'https://academy.example/skills/kiln-safety,kiln safety,verified'),
    );
  });

  test('every definition version of the learner’s credentials is read in one call', async () => {
    const calls: string[][] = [];
    const services = ctx.deps.services;
    const counted = createSkillProfileService({
      db: ctx.deps.database.db,
      clock: ctx.clock,
      ids: ctx.deps.ids,
      audit: services.audit,
      organisations: services.organisations,
      accounts: services.accounts,
      credentials: services.credentials,
      catalogue: {
        getDefinitionRecords: (options) => {
          calls.push([...options.definitionIds]);
          return services.catalogue.getDefinitionRecords(options);
        },
      },
      skills: services.skills,
      extraction: { extractSkills: services.skillExtraction.extractSkills, readDocumentText: async () => '' },
      learningPath: services.learningPath,
    });
    const profile = await counted.getProfile({ actor: system, userId: learner.userId });
    assert.equal(calls.length, 1);
    // Python basics (active) and Machine learning 2023 (expired); the revoked Teamwork one is not read.
    assert.equal(new Set(calls[0]).size, 2);
    assert.deepEqual(profile.heldSeriesIds, [pythonSeries]);
    assert.ok(
      profile.skills.some((skill) => skill.uri === ESCO.machineLearning && skill.status === 'expired'),
    );
  });
});

describe('through the real extractor and optimiser', () => {
  test('POST /me/gap with a job text and POST /me/path answer through the wired services', async () => {
    const text = await gap(learner, {
      kind: 'text',
      text: 'We are hiring a data scientist. You program in Python and apply machine learning to our data.',
    });
    assert.equal(text.statusCode, 200, text.body);
    const textGap = json<{ gap: Body }>(text).gap;
    assert.equal(textGap.target.kind, 'text');
    assert.ok(textGap.extraction.sentenceCount >= 1);
    assert.ok(
      textGap.skills.some((s: Body) => s.uri === ESCO.python && s.coverage === 'covered'),
      JSON.stringify(textGap.skills.map((s: Body) => s.uri)),
    );

    // Machine learning is only partly covered (expired). Re-taking "Machine learning 2023" takes 25 hours;
    // a 3-hour refresher needing a 5-hour foundations course first is quicker.
    const course = (title: string, hours: number, skillUri: string, prerequisiteSeries?: string) =>
      insertDefinition(ctx, {
        organisationId: orgId,
        content: {
          ...sampleDefinitionContent({ title, workload: { hours } }),
          ...(prerequisiteSeries ? { prerequisites: { definitionIds: [prerequisiteSeries] } } : {}),
          learningOutcomes: [
            { id: 'lo-1', statement: `The learner can use ${title}.`, skills: [{ uri: skillUri }] },
          ],
        },
      });
    const foundations = await course('Statistics foundations', 5, 'https://skills.example/statistics');
    await course('Machine learning refresher', 3, ESCO.machineLearning, foundations.seriesId);

    const response = await learner.request({
      method: 'POST',
      url: '/api/v1/me/path',
      payload: {
        target: { kind: 'occupation', uri: ESCO.dataScientist },
        objective: 'hours',
        filters: { deliveryModes: ['online'] },
        budget: { maxCost: 1000, currency: 'EUR' },
      },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = json<{ gap: Body; path: Body }>(response);
    assert.equal(body.gap.coveragePercent, 80);
    const path = body.path;
    assert.equal(path.objective, 'hours');
    assert.equal(path.status, 'complete', response.body);
    assert.deepEqual(
      path.covered,
      [ESCO.machineLearning],
      'a covered skill (Python) is not part of the path',
    );
    assert.deepEqual(
      path.steps.map((step: Body) => step.title),
      ['Statistics foundations', 'Machine learning refresher'],
      'the prerequisite comes before its dependant',
    );
    const [first, second] = path.steps as Body[];
    assert.deepEqual(second!.coversGapSkills, [ESCO.machineLearning]);
    assert.deepEqual(second!.requires, [first!.seriesId]);
    assert.match(second!.reason, /^Covers 1 of 1 gap skill/);
    assert.deepEqual(first!.prerequisiteFor, [second!.seriesId]);
    assert.match(first!.reason, /Required first by Machine learning refresher/);
    assert.ok(
      second!.alternatives.some((alternative: Body) => alternative.title === 'Machine learning 2023'),
      JSON.stringify(second!.alternatives),
    );
    assert.deepEqual(path.totals, { cost: 0, currency: 'EUR', hours: 8, count: 2 });

    isProblem(
      await learner.request({
        method: 'POST',
        url: '/api/v1/me/path',
        payload: { target: { kind: 'occupation', uri: ESCO.dataScientist }, objective: 'speed' },
      }),
      422,
      'validation_failed',
    );
    isProblem(
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/me/path',
        payload: { target: { kind: 'occupation', uri: ESCO.dataScientist }, objective: 'cost' },
      }),
      401,
      'unauthenticated',
    );
  });
});

describe('pages', () => {
  test('/me/skills and /me/path moved into the wallet: permanent redirects keeping the query', async () => {
    const skills = await ctx.app.inject({ method: 'GET', url: '/me/skills?occupation=x%3Ay&maxHours=3' });
    assert.equal(skills.statusCode, 301);
    assert.equal(skills.headers.location, '/wallet/skills?occupation=x%3Ay&maxHours=3');
    const path = await ctx.app.inject({ method: 'GET', url: '/me/path' });
    assert.equal(path.statusCode, 301);
    assert.equal(path.headers.location, '/wallet/path');
  });
});

describe('CLI', () => {
  test('credstack path: a target that is neither a file nor a URI is a readable error, exit 1', async () => {
    const result = await runCli(
      ['path', '--learner', 'lea@example.test', '--target', 'no-such-job-post.pdf'],
      {
        env: cliEnv(tempDataDir()),
      },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /no-such-job-post\.pdf is neither a readable file, an occupation URI nor a role profile id/,
    );
    assert.equal(result.stdout, '');
  });
});
