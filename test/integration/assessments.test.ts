import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { unzip } from '../helpers/assessments.ts';
import { apiToken, createOrganisation, memberWithRole, problem, withToken } from '../helpers/credentials.ts';
import { insertDefinition } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies inspected by tests
type Body = Record<string, any>;

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;
let stranger: { owner: Session; slug: string; id: string };

/** Markers that appear only in answer keys: no learner response may contain them. */
const SECRET_TEXT = 'zanzibar-secret-answer';
const SECRET_NUMBER = 7321.5;

const ITEMS = {
  single: {
    type: 'single_choice',
    prompt: 'Which component stores embeddings?',
    learningOutcomeId: 'lo-1',
    feedback: 'Embeddings live in a vector index.',
    options: [
      { id: 'vector', text: 'A vector index', correct: true },
      { id: 'csv', text: 'A CSV file' },
      { id: 'cookie', text: 'A browser cookie' },
    ],
  },
  multiple: {
    type: 'multiple_response',
    prompt: 'Which are retrieval strategies?',
    points: 2,
    options: [
      { id: 'bm25', text: 'BM25', correct: true },
      { id: 'dense', text: 'Dense retrieval', correct: true },
      { id: 'gzip', text: 'gzip' },
    ],
  },
  trueFalse: { type: 'true_false', prompt: 'Chunk size affects recall.', correctAnswer: true },
  numeric: { type: 'numeric', prompt: 'The magic number?', value: SECRET_NUMBER, tolerance: 0.5 },
  text: {
    type: 'short_text',
    prompt: 'The secret word?',
    acceptedAnswers: [SECRET_TEXT],
    feedback: 'See chapter 2.',
  },
} as const;
type ItemName = keyof typeof ITEMS;

/** Correct answers by item name. */
const RIGHT: Record<ItemName, unknown> = {
  single: 'vector',
  multiple: ['dense', 'bm25'],
  trueFalse: true,
  numeric: SECRET_NUMBER + 0.25,
  text: ` ${SECRET_TEXT.toUpperCase()} `,
};
const WRONG: Record<ItemName, unknown> = {
  single: 'csv',
  multiple: ['bm25'],
  trueFalse: false,
  numeric: 1,
  text: 'nope',
};

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'assess' }));
  stranger = await createOrganisation(ctx, { prefix: 'other' });
});
after(async () => {
  await ctx.close();
});

const testUrl = (definitionId: string, orgSlug = slug) =>
  `/api/v1/orgs/${orgSlug}/definitions/${definitionId}/test`;

async function draft(orgId = organisationId) {
  return insertDefinition(ctx, { organisationId: orgId, status: 'draft' });
}

async function publish(definitionId: string) {
  await ctx.deps.database.db
    .updateTable('credential_definitions')
    .set({ status: 'published', published_at: ctx.clock.now() })
    .where('id', '=', definitionId)
    .execute();
}

async function ok(response: LightMyRequestResponse, status = 200): Promise<Body> {
  assert.equal(response.statusCode, status, response.body);
  return status === 204 ? {} : (response.json() as Body);
}

/** A published definition with a test of the given settings and items; returns item ids by name. */
async function publishedTest(
  settings: Body,
  names: ItemName[] = ['single', 'multiple', 'trueFalse', 'numeric', 'text'],
): Promise<{ definitionId: string; itemIds: Record<ItemName, string> }> {
  const definition = await draft();
  await ok(await owner.request({ method: 'PUT', url: testUrl(definition.id), payload: settings }), 201);
  const itemIds = {} as Record<ItemName, string>;
  for (const name of names) {
    const body = await ok(
      await owner.request({ method: 'POST', url: `${testUrl(definition.id)}/items`, payload: ITEMS[name] }),
      201,
    );
    itemIds[name] = body.item.id;
  }
  await publish(definition.id);
  return { definitionId: definition.id, itemIds };
}

function nameOf(itemIds: Record<string, string>, id: string): ItemName {
  const entry = Object.entries(itemIds).find(([, value]) => value === id);
  assert.ok(entry, `unknown item ${id}`);
  return entry[0] as ItemName;
}

async function start(learner: Session, definitionId: string) {
  return learner.request({ method: 'POST', url: `/api/v1/definitions/${definitionId}/attempts` });
}

async function answer(learner: Session, attemptId: string, itemId: string, value: unknown) {
  return learner.request({
    method: 'PUT',
    url: `/api/v1/attempts/${attemptId}/responses/${itemId}`,
    payload: { answer: value },
  });
}

async function answerAll(
  learner: Session,
  attempt: Body,
  itemIds: Record<string, string>,
  choose: (name: ItemName) => unknown,
) {
  for (const item of attempt.items as Body[]) {
    await ok(await answer(learner, attempt.id, item.id, choose(nameOf(itemIds, item.id))));
  }
}

async function submit(learner: Session, attemptId: string) {
  return learner.request({ method: 'POST', url: `/api/v1/attempts/${attemptId}/submit` });
}

function assertNoKeys(text: string) {
  assert.ok(!text.includes(SECRET_TEXT), 'an accepted answer leaked');
  assert.ok(!text.includes(String(SECRET_NUMBER)), 'a numeric key leaked');
  assert.ok(
    !/"correct"\s*:\s*(true|false)\s*,\s*"text"|"correctAnswer"|"acceptedAnswers"|"tolerance"/.test(text),
  );
  for (const item of JSON.parse(text).attempt?.items ?? []) {
    for (const option of item.options ?? []) assert.deepEqual(Object.keys(option).sort(), ['id', 'text']);
  }
}

async function auditTypes(subjectId: string): Promise<string[]> {
  const rows = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select('type')
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.type);
}

describe('managing a test', () => {
  test('settings, items of every type with keys, readiness, audit', async () => {
    const definition = await draft();
    const missing = await owner.request({ method: 'GET', url: testUrl(definition.id) });
    assert.equal(missing.statusCode, 404);

    const created = await ok(
      await owner.request({
        method: 'PUT',
        url: testUrl(definition.id),
        payload: {
          passMark: 60,
          attemptLimit: 3,
          cooldownSeconds: 30,
          timeLimitSeconds: 600,
          itemsPerAttempt: 4,
        },
      }),
      201,
    );
    assert.equal(created.test.passMark, 60);
    assert.equal(
      created.test.supervision,
      'supervised-online-id',
      'the definition’s supervision level by default',
    );
    assert.equal(created.test.editable, true);
    assert.deepEqual(created.test.readiness, {
      ready: false,
      problems: ['the test has no items', 'the test has 0 item(s) but draws 4 per attempt'],
    });

    const ids: string[] = [];
    for (const item of Object.values(ITEMS)) {
      const body = await ok(
        await owner.request({ method: 'POST', url: `${testUrl(definition.id)}/items`, payload: item }),
        201,
      );
      ids.push(body.item.id);
    }
    const test0 = (await ok(await owner.request({ method: 'GET', url: testUrl(definition.id) }))).test;
    assert.equal(test0.items.length, 5);
    assert.deepEqual(test0.readiness, { ready: true, problems: [] });
    assert.equal(test0.totalPoints, 6);
    const [single, multiple, trueFalse, numeric, text] = test0.items;
    assert.deepEqual(
      single.options,
      ITEMS.single.options.map((o) => ({ ...o, correct: 'correct' in o })),
    );
    assert.equal(single.learningOutcomeId, 'lo-1');
    assert.equal(single.feedback, 'Embeddings live in a vector index.');
    assert.deepEqual(
      multiple.options.filter((o: Body) => o.correct).map((o: Body) => o.id),
      ['bm25', 'dense'],
    );
    assert.equal(trueFalse.correctAnswer, true);
    assert.deepEqual([numeric.value, numeric.tolerance], [SECRET_NUMBER, 0.5]);
    assert.deepEqual([text.acceptedAnswers, text.caseSensitive], [[SECRET_TEXT], false]);
    assert.deepEqual(
      test0.items.map((item: Body) => item.position),
      [1, 2, 3, 4, 5],
    );

    const updated = await ok(
      await owner.request({
        method: 'PUT',
        url: `${testUrl(definition.id)}/items/${ids[2]}`,
        payload: { type: 'true_false', prompt: 'Chunk size never matters.', correctAnswer: false, points: 2 },
      }),
    );
    assert.deepEqual([updated.item.correctAnswer, updated.item.points, updated.item.position], [false, 2, 3]);
    const removed = await owner.request({
      method: 'DELETE',
      url: `${testUrl(definition.id)}/items/${ids[4]}`,
    });
    assert.equal(removed.statusCode, 204);
    const again = await owner.request({ method: 'DELETE', url: `${testUrl(definition.id)}/items/${ids[4]}` });
    assert.equal(again.statusCode, 404);

    const same = await ok(
      await owner.request({
        method: 'PUT',
        url: testUrl(definition.id),
        payload: {
          passMark: 60,
          attemptLimit: 3,
          cooldownSeconds: 30,
          timeLimitSeconds: 600,
          itemsPerAttempt: 4,
        },
      }),
    );
    assert.equal(same.test.items.length, 4);
    await ok(await owner.request({ method: 'PUT', url: testUrl(definition.id), payload: { passMark: 75 } }));

    assert.deepEqual(await auditTypes(created.test.id), [
      'assessment.test_settings_changed',
      ...Array(5).fill('assessment.item_added'),
      'assessment.item_updated',
      'assessment.item_removed',
      // The unchanged PUT wrote nothing; the last one changed five settings.
      'assessment.test_settings_changed',
    ]);
    const last = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('data')
      .where('subject_id', '=', created.test.id)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    assert.deepEqual((last.data as Body).fields, [
      'passMark',
      'attemptLimit',
      'cooldownSeconds',
      'timeLimitSeconds',
      'itemsPerAttempt',
    ]);
  });

  test('bad items and settings are refused with the offending fields; nothing is written', async () => {
    const definition = await draft();
    const bad = [
      {
        type: 'single_choice',
        prompt: 'p',
        options: [
          { text: 'a', correct: true },
          { text: 'b', correct: true },
        ],
      },
      { type: 'numeric', prompt: 'p', acceptedAnswers: ['x'], value: 1 },
      { type: 'short_text', prompt: 'p', learningOutcomeId: 'lo-404', acceptedAnswers: ['x'] },
      { type: 'essay', prompt: 'p' },
      { type: 'true_false', prompt: 'p', correctAnswer: true, extra: 1 },
    ];
    for (const payload of bad) {
      const response = await owner.request({
        method: 'POST',
        url: `${testUrl(definition.id)}/items`,
        payload,
      });
      assert.equal(response.statusCode, 422, response.body);
      assert.equal(problem(response).code, 'validation_failed');
      assert.ok((response.json() as Body).errors.length > 0);
    }
    const settings = await owner.request({
      method: 'PUT',
      url: testUrl(definition.id),
      payload: { passMark: 101 },
    });
    assert.equal(settings.statusCode, 422);
    assert.equal((await owner.request({ method: 'GET', url: testUrl(definition.id) })).statusCode, 404);
  });

  test('a published version’s test never changes: 409 invalid_state', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 50 }, ['single']);
    const attempts = [
      owner.request({ method: 'PUT', url: testUrl(definitionId), payload: { passMark: 10 } }),
      owner.request({ method: 'POST', url: `${testUrl(definitionId)}/items`, payload: ITEMS.trueFalse }),
      owner.request({
        method: 'PUT',
        url: `${testUrl(definitionId)}/items/${itemIds.single}`,
        payload: ITEMS.trueFalse,
      }),
      owner.request({ method: 'DELETE', url: `${testUrl(definitionId)}/items/${itemIds.single}` }),
    ];
    for (const response of await Promise.all(attempts)) {
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(problem(response).code, 'invalid_state');
    }
    const view = await ok(await owner.request({ method: 'GET', url: testUrl(definitionId) }));
    assert.equal(view.test.editable, false);
    assert.equal(view.test.passMark, 50);
    assert.equal(view.test.items.length, 1);
  });

  test('other organisations’ tests are not found; members without the permission are forbidden', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 50 }, ['single']);
    const theirs = await insertDefinition(ctx, { organisationId: stranger.id, status: 'draft' });
    const itemUrl = (id: string, s = slug) => `${testUrl(id, s)}/items/${itemIds.single}`;
    const requests = (id: string, s: string) => [
      { method: 'GET' as const, url: testUrl(id, s) },
      { method: 'PUT' as const, url: testUrl(id, s), payload: { passMark: 10 } },
      { method: 'POST' as const, url: `${testUrl(id, s)}/items`, payload: ITEMS.trueFalse },
      { method: 'PUT' as const, url: itemUrl(id, s), payload: ITEMS.trueFalse },
      { method: 'DELETE' as const, url: itemUrl(id, s) },
      { method: 'GET' as const, url: `${testUrl(id, s)}/statistics` },
      { method: 'GET' as const, url: `${testUrl(id, s)}/qti` },
    ];
    // The stranger through our slug, and through their own slug with our definition.
    for (const request of [...requests(definitionId, slug), ...requests(definitionId, stranger.slug)]) {
      const response = await stranger.owner.request(request);
      assert.equal(response.statusCode, 404, `${request.method} ${request.url}: ${response.body}`);
    }
    // Our owner, through our slug, with the stranger's definition.
    for (const request of requests(theirs.id, slug)) {
      const response = await owner.request(request);
      assert.equal(response.statusCode, 404, `${request.method} ${request.url}: ${response.body}`);
    }
    // A viewer sees the organisation but may not manage assessments.
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    for (const request of requests(definitionId, slug)) {
      const response = await viewer.request(request);
      assert.equal(response.statusCode, 403, `${request.method} ${request.url}: ${response.body}`);
    }
    // API tokens: the scope decides.
    const scoped = withToken(ctx, await apiToken(ctx, slug, ['assessments:manage']));
    assert.equal((await scoped({ method: 'GET', url: testUrl(definitionId) })).statusCode, 200);
    const unscoped = withToken(ctx, await apiToken(ctx, slug, ['definitions:read']));
    const refused = await unscoped({ method: 'GET', url: testUrl(definitionId) });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'insufficient_scope');
  });
});

describe('taking a test', () => {
  test('a pass: drawn items without keys, answers saved, scored, the credential awarded once', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 80, timeLimitSeconds: 900 });
    const learner = await signedInUser(ctx, { name: 'Lea Learner' });
    const started = await start(learner, definitionId);
    const attempt = (await ok(started, 201)).attempt;
    assert.equal(started.headers.location, `/api/v1/attempts/${attempt.id}`);
    assertNoKeys(started.body);
    assert.equal(attempt.status, 'open');
    assert.equal(attempt.attemptNumber, 1);
    assert.equal(attempt.items.length, 5);
    assert.equal(attempt.secondsLeft, 900);
    assert.equal(attempt.deadlineAt, new Date(ctx.clock.now().getTime() + 900_000).toISOString());
    assert.equal(attempt.supervision, 'supervised-online-id');
    assert.equal(attempt.result, null);
    const tf = attempt.items.find((item: Body) => item.id === itemIds.trueFalse);
    assert.equal(tf.options, null, 'true/false is answered with a boolean');

    // Starting again continues the open attempt.
    const resumed = await ok(await start(learner, definitionId));
    assert.equal(resumed.attempt.id, attempt.id);

    await answerAll(learner, attempt, itemIds, (name) => RIGHT[name]);
    const saved = await ok(await answer(learner, attempt.id, itemIds.single, 'vector'));
    assertNoKeys(JSON.stringify(saved));
    assert.equal(saved.attempt.items.find((item: Body) => item.id === itemIds.single).answer, 'vector');

    const submitted = await submit(learner, attempt.id);
    const result = (await ok(submitted)).attempt;
    assertNoKeys(submitted.body);
    assert.equal(result.status, 'submitted');
    assert.deepEqual(
      { ...result.result, credentialId: typeof result.result.credentialId },
      { score: 6, maxScore: 6, percent: 100, passed: true, credentialId: 'string' },
    );
    assert.equal(result.retake, null);
    for (const item of result.items) assert.equal(item.result.correct, true);

    const credential = await ctx.deps.database.db
      .selectFrom('credentials')
      .selectAll()
      .where('id', '=', result.result.credentialId)
      .executeTakeFirstOrThrow();
    assert.equal(credential.recipient_email, learner.email.toLowerCase());
    assert.equal(credential.issued_via, 'assessment');
    assert.equal(credential.definition_id, definitionId);
    assert.equal(credential.award_key, `attempt:${attempt.id}`);
    const vc = JSON.parse(credential.document) as Body;
    assert.deepEqual(vc.credentialSubject.result, [{ type: ['Result'], value: '100', status: 'Completed' }]);
    assert.equal(vc.evidence[0].id, `http://credstack.test/api/v1/attempts/${attempt.id}`);
    assert.match(vc.evidence[0].description, /6 of 6 points \(100%; pass mark 80%\).*supervised-online-id/);

    // Exactly once: a second submit is refused and no second credential appears; no new attempt after a pass.
    const twice = await submit(learner, attempt.id);
    assert.equal(twice.statusCode, 409);
    const credentials = await ctx.deps.database.db
      .selectFrom('credentials')
      .select('id')
      .where('definition_id', '=', definitionId)
      .execute();
    assert.equal(credentials.length, 1);
    const another = await start(learner, definitionId);
    assert.equal(another.statusCode, 409);
    assert.equal(problem(another).code, 'invalid_state');

    const read = await learner.request({ method: 'GET', url: `/api/v1/attempts/${attempt.id}` });
    assertNoKeys(read.body);
    assert.equal((await ok(read)).attempt.result.passed, true);
    const mine = await ok(await learner.request({ method: 'GET', url: '/api/v1/me/attempts' }));
    assert.deepEqual(
      mine.attempts.map((a: Body) => a.id),
      [attempt.id],
    );
    assertNoKeys(JSON.stringify({ attempt: mine.attempts[0] }));

    assert.deepEqual(await auditTypes(attempt.id), [
      'assessment.attempt_started',
      ...Array(6).fill('assessment.response_saved'),
      'assessment.attempt_submitted',
    ]);
  });

  test('a fail: per-item feedback, no credential, retake rules; then the attempt limit', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 70, attemptLimit: 2 });
    const learner = await signedInUser(ctx);
    const first = (await ok(await start(learner, definitionId), 201)).attempt;
    await answerAll(learner, first, itemIds, (name) =>
      name === 'text' || name === 'single' ? RIGHT[name] : WRONG[name],
    );
    const failed = (await ok(await submit(learner, first.id))).attempt;
    assert.deepEqual(failed.result, {
      score: 2,
      maxScore: 6,
      percent: 33.33,
      passed: false,
      credentialId: null,
    });
    assert.deepEqual(
      failed.retake,
      { allowed: true, attemptsLeft: 1, availableAt: null },
      'no cooldown: now',
    );
    const byName = Object.fromEntries(
      failed.items.map((item: Body) => [nameOf(itemIds, item.id), item.result]),
    );
    assert.deepEqual(byName.single, {
      correct: true,
      earned: 1,
      feedback: 'Embeddings live in a vector index.',
    });
    assert.deepEqual(byName.multiple, { correct: false, earned: 0, feedback: null });
    assert.deepEqual(byName.text, { correct: true, earned: 1, feedback: 'See chapter 2.' });

    const second = (await ok(await start(learner, definitionId), 201)).attempt;
    assert.equal(second.attemptNumber, 2);
    const lastFail = (await ok(await submit(learner, second.id))).attempt;
    assert.deepEqual(lastFail.result.score, 0, 'unanswered items earn nothing');
    assert.deepEqual(lastFail.retake, { allowed: false, attemptsLeft: 0, availableAt: null });
    const third = await start(learner, definitionId);
    assert.equal(third.statusCode, 409);
    assert.equal(problem(third).code, 'attempt_limit_reached');
    const count = await ctx.deps.database.db
      .selectFrom('credentials')
      .select('id')
      .where('definition_id', '=', definitionId)
      .execute();
    assert.equal(count.length, 0);
  });

  test('a new attempt inside the cooldown: 429 with Retry-After, allowed once it has passed', async () => {
    const { definitionId } = await publishedTest({ passMark: 100, cooldownSeconds: 600 }, ['single']);
    const learner = await signedInUser(ctx);
    const first = (await ok(await start(learner, definitionId), 201)).attempt;
    await ok(await submit(learner, first.id));
    ctx.clock.advance(100_000);
    const early = await start(learner, definitionId);
    assert.equal(early.statusCode, 429);
    assert.equal(problem(early).code, 'cooldown_active');
    assert.equal(early.headers['retry-after'], '500');
    ctx.clock.advance(500_000);
    assert.equal((await start(learner, definitionId)).statusCode, 201);
  });

  test('after the time limit: answers and submission refused, the attempt closed and scored as it stood', async () => {
    const { definitionId, itemIds } = await publishedTest(
      { passMark: 100, timeLimitSeconds: 60, cooldownSeconds: 120 },
      ['single', 'trueFalse'],
    );
    const learner = await signedInUser(ctx);
    const attempt = (await ok(await start(learner, definitionId), 201)).attempt;
    await ok(await answer(learner, attempt.id, itemIds.single, 'vector'));
    ctx.clock.advance(60_000);
    await ok(await answer(learner, attempt.id, itemIds.trueFalse, false)); // exactly at the deadline: in time
    ctx.clock.advance(1_000);
    const late = await answer(learner, attempt.id, itemIds.trueFalse, true);
    assert.equal(late.statusCode, 409);
    assert.equal(problem(late).code, 'time_limit_exceeded');

    const closed = (await ok(await learner.request({ method: 'GET', url: `/api/v1/attempts/${attempt.id}` })))
      .attempt;
    assert.equal(closed.status, 'expired');
    assert.equal(closed.closedAt, attempt.deadlineAt, 'closed at its deadline');
    assert.deepEqual(closed.result, {
      score: 1,
      maxScore: 2,
      percent: 50,
      passed: false,
      credentialId: null,
    });
    assert.equal(
      closed.items.find((item: Body) => item.id === itemIds.trueFalse).answer,
      false,
      'the late answer was not kept',
    );
    const again = await submit(learner, attempt.id);
    assert.equal(again.statusCode, 409);
    assert.equal(problem(again).code, 'invalid_state');
    assert.deepEqual((await auditTypes(attempt.id)).at(-1), 'assessment.attempt_expired');

    // Submitting late, and an overdue attempt closed when it is next touched (listing).
    const other = await signedInUser(ctx);
    const second = (await ok(await start(other, definitionId), 201)).attempt;
    ctx.clock.advance(61_000);
    const lateSubmit = await submit(other, second.id);
    assert.equal(problem(lateSubmit).code, 'time_limit_exceeded');
    const third = await signedInUser(ctx);
    const untouched = (await ok(await start(third, definitionId), 201)).attempt;
    ctx.clock.advance(3_600_000);
    const listed = await ok(await third.request({ method: 'GET', url: '/api/v1/me/attempts' }));
    assert.equal(listed.attempts[0].id, untouched.id);
    assert.equal(listed.attempts[0].status, 'expired');
    assert.equal(listed.attempts[0].result.passed, false);
  });

  test('an overdue open attempt is closed when the learner starts again; its cooldown runs from the deadline', async () => {
    const { definitionId } = await publishedTest(
      { passMark: 100, timeLimitSeconds: 60, cooldownSeconds: 300 },
      ['single'],
    );
    const learner = await signedInUser(ctx);
    const first = (await ok(await start(learner, definitionId), 201)).attempt;
    ctx.clock.advance(120_000);
    const refused = await start(learner, definitionId);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '240');
    const closed = (await ok(await learner.request({ method: 'GET', url: `/api/v1/attempts/${first.id}` })))
      .attempt;
    assert.equal(closed.status, 'expired', 'the close stands although the start was refused');
  });

  test('bad answers, unknown items, other learners’ attempts, drafts, unverified users and tokens', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 50 }, ['single', 'numeric']);
    const learner = await signedInUser(ctx);
    const attempt = (await ok(await start(learner, definitionId), 201)).attempt;
    const wrongType = await answer(learner, attempt.id, itemIds.numeric, 'seven');
    assert.equal(wrongType.statusCode, 422);
    assert.equal(problem(wrongType).code, 'validation_failed');
    assert.equal((await answer(learner, attempt.id, itemIds.single, 'nope')).statusCode, 422);
    const bodyShape = await learner.request({
      method: 'PUT',
      url: `/api/v1/attempts/${attempt.id}/responses/${itemIds.single}`,
      payload: { answer: 'vector', extra: true },
    });
    assert.equal(bodyShape.statusCode, 422);
    const otherTest = await publishedTest({ passMark: 50 }, ['single']);
    assert.equal((await answer(learner, attempt.id, otherTest.itemIds.single, 'vector')).statusCode, 404);

    const intruder = await signedInUser(ctx);
    for (const response of [
      await intruder.request({ method: 'GET', url: `/api/v1/attempts/${attempt.id}` }),
      await answer(intruder, attempt.id, itemIds.single, 'vector'),
      await submit(intruder, attempt.id),
    ]) {
      assert.equal(response.statusCode, 404, response.body);
    }
    const mine = await ok(await intruder.request({ method: 'GET', url: '/api/v1/me/attempts' }));
    assert.deepEqual(mine.attempts, []);

    const unpublished = await draft();
    await ok(
      await owner.request({ method: 'PUT', url: testUrl(unpublished.id), payload: { passMark: 50 } }),
      201,
    );
    await ok(
      await owner.request({ method: 'POST', url: `${testUrl(unpublished.id)}/items`, payload: ITEMS.single }),
      201,
    );
    assert.equal((await start(learner, unpublished.id)).statusCode, 404, 'drafts cannot be taken');
    const noTest = await insertDefinition(ctx, { organisationId, status: 'published' });
    assert.equal((await start(learner, noTest.id)).statusCode, 404);
    assert.equal((await start(learner, '00000000-0000-4000-8000-000000000000')).statusCode, 404);

    const unverified = await signedInUser(ctx, { verified: false });
    const refused = await start(unverified, definitionId);
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'email_not_verified');
    const token = withToken(ctx, await apiToken(ctx, slug, ['assessments:manage']));
    assert.equal(
      (await token({ method: 'POST', url: `/api/v1/definitions/${definitionId}/attempts` })).statusCode,
      401,
    );
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/api/v1/me/attempts' })).statusCode, 401);
  });
});

describe('statistics and QTI export', () => {
  test('item statistics over closed attempts', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 100 }, [
      'single',
      'trueFalse',
      'numeric',
    ]);
    // Three learners: both right, single right only, both wrong; nobody answers the numeric item; a fourth
    // leaves an open attempt (not counted).
    const plans: Array<Record<string, unknown>> = [
      { single: 'vector', trueFalse: true },
      { single: 'vector', trueFalse: false },
      { single: 'cookie', trueFalse: false },
    ];
    for (const plan of plans) {
      const learner = await signedInUser(ctx);
      const attempt = (await ok(await start(learner, definitionId), 201)).attempt;
      for (const [name, value] of Object.entries(plan))
        await ok(await answer(learner, attempt.id, itemIds[name as ItemName], value));
      await ok(await submit(learner, attempt.id));
    }
    await ok(await start(await signedInUser(ctx), definitionId), 201);
    const stats = (
      await ok(await owner.request({ method: 'GET', url: `${testUrl(definitionId)}/statistics` }))
    ).statistics;
    assert.equal(stats.attempts, 3);
    const [single, trueFalse, numeric] = stats.items;
    assert.deepEqual([numeric.attempts, numeric.answered, numeric.correct, numeric.difficulty], [3, 0, 0, 0]);
    assert.equal(numeric.discrimination, null, 'an item nobody gets right does not discriminate');
    assert.equal(numeric.options, null);
    assert.equal(single.itemId, itemIds.single);
    assert.deepEqual([single.attempts, single.answered, single.correct], [3, 3, 2]);
    assert.ok(Math.abs(single.difficulty - 2 / 3) < 1e-9);
    assert.deepEqual(
      single.options.map((option: Body) => [option.id, option.chosen, option.correct]),
      [
        ['vector', 2, true],
        ['csv', 0, false],
        ['cookie', 1, false],
      ],
    );
    assert.ok(Math.abs(trueFalse.difficulty - 1 / 3) < 1e-9);
    // single: item 1,1,0 vs rest ½,0,0 → r = 0.5; trueFalse: item 1,0,0 vs rest ½,½,0 → r = 0.5.
    assert.ok(Math.abs(single.discrimination - 0.5) < 1e-9);
    assert.ok(Math.abs(trueFalse.discrimination - 0.5) < 1e-9);
    assert.deepEqual(
      trueFalse.options.map((option: Body) => [option.id, option.chosen]),
      [
        ['true', 1],
        ['false', 2],
      ],
    );
  });

  test('the QTI 3.0 package and single files', async () => {
    const { definitionId, itemIds } = await publishedTest({ passMark: 50, itemsPerAttempt: 3 });
    const response = await owner.request({ method: 'GET', url: `${testUrl(definitionId)}/qti` });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/zip');
    assert.match(String(response.headers['content-disposition']), /^attachment; filename="qti-.*\.zip"$/);
    const files = await unzip(response.rawPayload);
    assert.equal(files.size, 2 + 5);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });
    for (const id of Object.values(itemIds)) {
      const xml = files.get(`items/item-${id}.xml`);
      assert.ok(xml, `item ${id} is in the package`);
      const item = parser.parse(String(xml))['qti-assessment-item'];
      assert.equal(item['@xmlns'], 'http://www.imsglobal.org/xsd/imsqtiasi_v3p0');
      assert.equal(item['@identifier'], `item-${id}`);
    }
    const numeric = parser.parse(String(files.get(`items/item-${itemIds.numeric}.xml`)))[
      'qti-assessment-item'
    ];
    assert.equal(
      numeric['qti-response-declaration']['qti-correct-response']['qti-value'],
      String(SECRET_NUMBER),
    );
    const testXml = parser.parse(String(files.get('assessment-test.xml')))['qti-assessment-test'];
    assert.equal(testXml['qti-test-part']['qti-assessment-section']['qti-selection']['@select'], '3');

    const single = await owner.request({
      method: 'GET',
      url: `${testUrl(definitionId)}/qti?format=xml&item=${itemIds.text}`,
    });
    assert.equal(single.statusCode, 200);
    assert.match(String(single.headers['content-type']), /^application\/xml/);
    const text = parser.parse(single.body)['qti-assessment-item'];
    assert.equal(text['qti-response-declaration']['qti-mapping']['qti-map-entry']['@map-key'], SECRET_TEXT);
    const whole = await owner.request({ method: 'GET', url: `${testUrl(definitionId)}/qti?format=xml` });
    assert.ok(parser.parse(whole.body)['qti-assessment-test']);
    const unknown = await owner.request({
      method: 'GET',
      url: `${testUrl(definitionId)}/qti?format=xml&item=00000000-0000-4000-8000-000000000000`,
    });
    assert.equal(unknown.statusCode, 404);
    const mixed = await owner.request({
      method: 'GET',
      url: `${testUrl(definitionId)}/qti?item=${itemIds.text}`,
    });
    assert.equal(mixed.statusCode, 422);
  });
});

describe('the catalogue’s port', () => {
  test('readiness and copyForNewVersion', async () => {
    const { assessments } = ctx.deps.services;
    const db = ctx.deps.database.db;
    const none = await draft();
    assert.equal(await assessments.readiness({ definitionId: none.id, trx: db }), null);

    const definition = await draft();
    await ok(
      await owner.request({
        method: 'PUT',
        url: testUrl(definition.id),
        payload: { passMark: 50, itemsPerAttempt: 2 },
      }),
      201,
    );
    await ok(
      await owner.request({ method: 'POST', url: `${testUrl(definition.id)}/items`, payload: ITEMS.single }),
      201,
    );
    assert.deepEqual(await assessments.readiness({ definitionId: definition.id, trx: db }), {
      ready: false,
      problems: ['the test has 1 item(s) but draws 2 per attempt'],
    });
    await ok(
      await owner.request({ method: 'POST', url: `${testUrl(definition.id)}/items`, payload: ITEMS.text }),
      201,
    );
    assert.deepEqual(await assessments.readiness({ definitionId: definition.id, trx: db }), {
      ready: true,
      problems: [],
    });
    await publish(definition.id);

    const next = await insertDefinition(ctx, {
      organisationId,
      status: 'draft',
      seriesId: definition.seriesId,
      version: 2,
    });
    await db
      .transaction()
      .execute((trx) =>
        assessments.copyForNewVersion({ fromDefinitionId: definition.id, toDefinitionId: next.id, trx }),
      );
    const original = (await ok(await owner.request({ method: 'GET', url: testUrl(definition.id) }))).test;
    const copy = (await ok(await owner.request({ method: 'GET', url: testUrl(next.id) }))).test;
    assert.notEqual(copy.id, original.id);
    assert.equal(copy.editable, true);
    assert.deepEqual([copy.passMark, copy.itemsPerAttempt], [50, 2]);
    const strip = (items: Body[]) => items.map(({ id: _id, ...rest }) => rest);
    assert.deepEqual(strip(copy.items), strip(original.items));
    assert.ok(copy.items.every((item: Body, i: number) => item.id !== original.items[i].id));
    // The copy is the draft's own: editing it leaves the published version's test alone.
    await ok(
      await owner.request({ method: 'DELETE', url: `${testUrl(next.id)}/items/${copy.items[0].id}` }),
      204,
    );
    assert.equal(
      (await ok(await owner.request({ method: 'GET', url: testUrl(definition.id) }))).test.items.length,
      2,
    );
    assert.deepEqual(await auditTypes(copy.id), ['assessment.test_copied', 'assessment.item_removed']);
  });
});
