import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import type { ExtractedSkill, SkillReranker } from '../../src/modules/skill-extraction/extraction.model.ts';
import { createSkillExtractionService } from '../../src/modules/skill-extraction/skill-extraction.service.ts';
import { createSkillsService } from '../../src/modules/skills/skills.service.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, problem, withToken } from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';
import { multipartBody } from '../helpers/portfolio.ts';
import { ESCO, escoFiles, removeFolders, writeFolder } from './skills-fixtures.ts';

const actor = systemActor('test');
let ctx: TestContext;
let owner: Session;
let slug: string;
let otherOwner: Session;

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;

const JOB =
  'Data engineer\nYou build data pipelines in Python and use databases every day. You work in a team.';

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  await ctx.deps.services.skills.importEsco({ actor, folder: writeFolder(escoFiles()) });
  ({ owner, slug } = await createOrganisation(ctx, { prefix: 'extract' }));
  ({ owner: otherOwner } = await createOrganisation(ctx, { prefix: 'extract-other' }));
  await ctx.deps.services.skills.seedDemoSkills({ actor, slug });
});
after(async () => {
  await ctx.close();
  removeFolders();
});

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}
const extract = (session: Session, payload: Body) =>
  session.request({ method: 'POST', url: '/api/v1/skills/extract', payload });
function uploadAs(session: Session, fileName: string, content: Buffer, query = '') {
  const body = multipartBody(fileName, content);
  return session.request({
    method: 'POST',
    url: `/api/v1/skills/extract/file${query}`,
    payload: body.payload,
    headers: body.headers,
  });
}

describe('POST /skills/extract', () => {
  test('ranks framework skills with confidence and spans; only whitelisted fields', async () => {
    const response = await extract(owner, { text: JOB, limit: 5 });
    assert.equal(response.statusCode, 200, response.body);
    const body = json<Body>(response);
    const uris = body.skills.map((skill: Body) => skill.uri);
    assert.ok(uris.includes(ESCO.python), response.body);
    assert.ok(uris.includes(ESCO.useDatabases), response.body);
    assert.ok(!uris.some((uri: string) => uri.startsWith('urn:')), 'no organisation skills unless asked');
    assert.deepEqual(Object.keys(body).sort(), [
      'characterCount',
      'method',
      'sentenceCount',
      'skills',
      'truncated',
    ]);
    assert.equal(body.method, 'lexical');
    assert.equal(body.sentenceCount, 3);
    const python = body.skills.find((skill: Body) => skill.uri === ESCO.python);
    assert.deepEqual(Object.keys(python).sort(), [
      'confidence',
      'framework',
      'label',
      'spans',
      'type',
      'uri',
    ]);
    assert.equal(JOB.slice(python.spans[0].start, python.spans[0].end), 'Python');
  });

  test('adds the organisation’s own skills for its members and API tokens', async () => {
    const response = await extract(owner, { text: JOB, organisation: slug, frameworks: ['esco'] });
    assert.equal(response.statusCode, 200, response.body);
    const frameworks = json<Body>(response).skills.map((skill: Body) => skill.framework);
    assert.ok(frameworks.includes(`org:${slug}`), response.body);
    assert.ok(frameworks.includes('esco'));
    const token = await apiToken(ctx, slug, ['definitions:read']);
    const viaToken = await withToken(
      ctx,
      token,
    )({
      method: 'POST',
      url: '/api/v1/skills/extract',
      payload: { text: JOB, organisation: slug },
    });
    assert.equal(viaToken.statusCode, 200, viaToken.body);
  });

  test('another organisation’s skills are 404, like an unknown organisation', async () => {
    isProblem(await extract(otherOwner, { text: JOB, organisation: slug }), 404, 'not_found');
    isProblem(await extract(owner, { text: JOB, organisation: 'no-such-org' }), 404, 'not_found');
  });

  test('anonymous is 401; no words, binary or an unknown field is 422', async () => {
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/skills/extract',
      payload: { text: JOB },
    });
    isProblem(anonymous, 401, 'unauthenticated');
    isProblem(await extract(owner, { text: '  1 2 3 ... ' }), 422, 'validation_failed');
    isProblem(await extract(owner, { text: 'ab\u0000\u0001\u0002\u0003\u0004' }), 422, 'validation_failed');
    isProblem(await extract(owner, { text: JOB, extra: true }), 422, 'validation_failed');
  });
});

describe('POST /skills/extract/file', () => {
  test('reads a .docx upload', async () => {
    const docx = readFileSync(new URL('../fixtures/documents/job.docx', import.meta.url));
    const response = await uploadAs(owner, 'job.docx', docx, '?framework=esco&limit=3');
    assert.equal(response.statusCode, 200, response.body);
    const body = json<Body>(response);
    assert.ok(body.skills.length <= 3);
    assert.ok(
      body.skills.some((skill: Body) => skill.uri === ESCO.python),
      response.body,
    );
  });

  test('a 50 MB upload is 413; binary, empty and unsupported uploads are 422 / 415; anonymous 401', async () => {
    isProblem(
      await uploadAs(owner, 'huge.txt', Buffer.alloc(50 * 1024 * 1024, 0x41)),
      413,
      'payload_too_large',
    );
    isProblem(
      await uploadAs(owner, 'a.txt', Buffer.from([0, 1, 2, 0xfe, 0xff, 0x41])),
      422,
      'document_unreadable',
    );
    isProblem(await uploadAs(owner, 'a.txt', Buffer.alloc(0)), 422, 'document_unreadable');
    isProblem(await uploadAs(owner, 'a.png', Buffer.from('not an image')), 415, 'unsupported_media_type');
    const body = multipartBody('job.txt', Buffer.from(JOB));
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/skills/extract/file',
      payload: body.payload,
      headers: body.headers,
    });
    isProblem(anonymous, 401, 'unauthenticated');
  });
});

describe('re-ranker port', () => {
  const fake = (rerank: SkillReranker['rerank']): SkillReranker => ({ name: 'fake', rerank });
  const serviceWith = (reranker: SkillReranker) =>
    createSkillExtractionService({
      skills: ctx.deps.services.skills,
      organisations: ctx.deps.services.organisations,
      reranker,
      rerankTimeoutMs: 50,
    });
  const user = { kind: 'system', reason: 'test' } as const;

  test('re-orders the lexical candidates and ignores invented ones', async () => {
    const reversed = serviceWith(
      fake(async ({ candidates }) => [
        { uri: 'urn:invented', confidence: 1 } as ExtractedSkill,
        ...[...candidates].reverse(),
      ]),
    );
    const plain = await ctx.deps.services.skillExtraction.extractSkills({
      actor: user,
      text: JOB,
      limit: 50,
    });
    const result = await reversed.extractSkills({ actor: user, text: JOB, limit: 50 });
    assert.equal(result.method, 'lexical+rerank:fake');
    assert.deepEqual(
      result.skills.map((skill) => skill.uri),
      plain.skills.map((skill) => skill.uri).reverse(),
    );
  });

  test('falls back to the lexical order on error and on timeout', async () => {
    const plain = await ctx.deps.services.skillExtraction.extractSkills({ actor: user, text: JOB });
    for (const reranker of [
      fake(async () => {
        throw new Error('model offline');
      }),
      fake(
        ({ signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      ),
    ]) {
      const result = await serviceWith(reranker).extractSkills({ actor: user, text: JOB });
      assert.equal(result.method, 'lexical');
      assert.deepEqual(result.skills, plain.skills);
    }
  });

  test('the skills fingerprint: own writes at once, other processes’ within the check interval', async () => {
    const services = ctx.deps.services;
    let now = 0;
    const shared = {
      db: ctx.deps.database.db,
      clock: ctx.clock,
      ids: ctx.deps.ids,
      audit: services.audit,
      organisations: services.organisations,
      config: ctx.deps.config,
    };
    const skills = createSkillsService({ ...shared, versionCheckIntervalMs: 5000, monotonicNow: () => now });
    // Another process (the CLI importing) shares the database, not the in-process revision.
    const otherProcess = createSkillsService(shared);
    const first = await skills.skillsIndexVersion();
    await otherProcess.createOrgSkill({ actor: user, slug, label: 'fingerprint one' });
    now = 4999;
    assert.equal(await skills.skillsIndexVersion(), first, 'no table read inside the interval');
    now = 5000;
    const second = await skills.skillsIndexVersion();
    assert.notEqual(second, first);
    await skills.createOrgSkill({ actor: user, slug, label: 'fingerprint two' });
    assert.notEqual(await skills.skillsIndexVersion(), second, 'its own write shows at once');
  });

  test('the cached index is rebuilt when the skills change', async () => {
    const text = 'You will practise quantum knitting with care.';
    const service = ctx.deps.services.skillExtraction;
    const before = await service.extractSkills({ actor: user, text, organisationSlug: slug });
    assert.ok(!before.skills.some((skill) => skill.label === 'quantum knitting'));
    const created = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/skills`,
      payload: { label: 'quantum knitting' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const afterChange = await service.extractSkills({ actor: user, text, organisationSlug: slug });
    assert.equal(afterChange.skills[0]?.label, 'quantum knitting');
  });
});
