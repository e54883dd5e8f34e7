import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, memberWithRole, problem, withToken } from '../helpers/credentials.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import {
  type AwardCall,
  body,
  buildPortfolioTestApp,
  type Loose,
  publishedDefinitionWithRubric,
  recordingAwards,
  rubricBody,
  submittedWork,
} from '../helpers/portfolio.ts';

/**
 * The assessor queue, marking, second marking and moderation. The award port is a recording stand-in
 * (test/helpers/portfolio.ts), so these tests pin down exactly what the portfolio module asks the
 * credentials module for; portfolio-award.test.ts runs the same pass through the real credentials module.
 */

let ctx: TestContext;
let awards: ReturnType<typeof recordingAwards>;
let owner: Session;
let slug: string;
let organisationId: string;
let assessor: Session;
let secondAssessor: Session;
let other: { owner: Session; slug: string; id: string };
let otherAssessor: Session;

before(async () => {
  awards = recordingAwards();
  ctx = await buildPortfolioTestApp(awards.port);
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'mark' }));
  assessor = await memberWithRole(ctx, slug, 'assessor');
  secondAssessor = await memberWithRole(ctx, slug, 'assessor');
  other = await createOrganisation(ctx, { prefix: 'mark-other' });
  otherAssessor = await memberWithRole(ctx, other.slug, 'assessor');
});
after(async () => {
  await ctx.close();
});

const orgUrl = (id: string, action = '', orgSlug = slug) =>
  `/api/v1/orgs/${orgSlug}/portfolio/submissions/${id}${action ? `/${action}` : ''}`;

const PASS = {
  levels: [
    { criterionId: 'retrieval', levelId: 'excellent', feedback: 'Clean chunking and a sensible index.' },
    { criterionId: 'evaluation', levelId: 'competent' },
  ],
  feedback: 'A solid pipeline, well evaluated.',
};
const PASS_HIGH = {
  levels: [
    { criterionId: 'retrieval', levelId: 'excellent' },
    { criterionId: 'evaluation', levelId: 'excellent' },
  ],
  feedback: 'Excellent throughout.',
};
const FAIL = {
  levels: [
    { criterionId: 'retrieval', levelId: 'competent' },
    { criterionId: 'evaluation', levelId: 'not-yet', feedback: 'No evaluation set was used.' },
  ],
  feedback: 'Add an evaluation with a held-out question set.',
};

function mark(session: Session, id: string, payload: Loose = PASS, orgSlug = slug) {
  return session.request({ method: 'POST', url: orgUrl(id, 'marks', orgSlug), payload });
}

async function submissionRow(id: string) {
  return ctx.deps.database.db
    .selectFrom('portfolio_submissions')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
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

async function markCount(submissionId: string): Promise<number> {
  const rows = await ctx.deps.database.db
    .selectFrom('portfolio_marks')
    .select('id')
    .where('submission_id', '=', submissionId)
    .execute();
  return rows.length;
}

function callsFor(submissionId: string): AwardCall[] {
  return awards.calls.filter((call) => call.options.idempotencyKey === `submission:${submissionId}`);
}

function mailsTo(email: string) {
  return ctx.mail.sent.filter((message) => message.to === email);
}

async function flushMail() {
  await ctx.deps.services.mail.flush();
}

describe('the assessor queue', () => {
  let definitionId: string;
  before(async () => {
    definitionId = await publishedDefinitionWithRubric(ctx, owner, slug, organisationId);
  });

  test('lists handed-in work oldest first, with filters; drafts stay private', async () => {
    const first = await submittedWork(await signedInUser(ctx, { name: 'Ada' }), definitionId);
    ctx.clock.advance(60_000);
    const second = await submittedWork(await signedInUser(ctx, { name: 'Bo' }), definitionId);
    const draftLearner = await signedInUser(ctx);
    const draft = await draftLearner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId, text: 'Not yet' },
    });
    const draftId = body(draft).submission.id;

    const queue = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?definitionId=${definitionId}`,
      }),
    );
    const ids = queue.submissions.map((s: Loose) => s.id);
    assert.deepEqual(ids, [first, second]);
    assert.equal(queue.submissions[0].learner.name, 'Ada');
    assert.equal(queue.submissions[0].status, 'submitted');
    assert.equal(queue.submissions[0].fileCount, 0);
    assert.equal((await assessor.request({ method: 'GET', url: orgUrl(draftId) })).statusCode, 404);

    const page = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?definitionId=${definitionId}&limit=1`,
      }),
    );
    assert.deepEqual(
      page.submissions.map((s: Loose) => s.id),
      [first],
    );
    const next = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?definitionId=${definitionId}&limit=1&cursor=${page.nextCursor}`,
      }),
    );
    assert.deepEqual(
      next.submissions.map((s: Loose) => s.id),
      [second],
    );

    const claimed = await assessor.request({ method: 'POST', url: orgUrl(second, 'claim') });
    assert.equal(claimed.statusCode, 200, claimed.body);
    assert.equal(body(claimed).submission.claimedByYou, true);
    const mine = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?claimed=mine`,
      }),
    );
    assert.deepEqual(
      mine.submissions.map((s: Loose) => s.id),
      [second],
    );
    const unclaimed = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?claimed=unclaimed&definitionId=${definitionId}`,
      }),
    );
    assert.deepEqual(
      unclaimed.submissions.map((s: Loose) => s.id),
      [first],
    );
    // Someone else's claim: no marking, no release — unless one manages assessments.
    const blocked = await mark(secondAssessor, second);
    assert.equal(blocked.statusCode, 409, blocked.body);
    assert.equal(
      (await secondAssessor.request({ method: 'POST', url: orgUrl(second, 'release') })).statusCode,
      403,
    );
    const released = await owner.request({ method: 'POST', url: orgUrl(second, 'release') });
    assert.equal(released.statusCode, 200, released.body);
    assert.equal(body(released).submission.claimedBy, null);
    assert.deepEqual(await auditTypes(second), [
      'portfolio.submission_created',
      'portfolio.submission_submitted',
      'portfolio.submission_claimed',
      'portfolio.submission_released',
    ]);
  });

  test('another organisation’s assessor sees and changes nothing (404)', async () => {
    const id = await submittedWork(await signedInUser(ctx), definitionId);
    const outside = [
      { method: 'GET', url: `/api/v1/orgs/${slug}/portfolio/submissions` },
      { method: 'GET', url: orgUrl(id) },
      { method: 'GET', url: orgUrl(id, '', other.slug) },
      { method: 'POST', url: orgUrl(id, 'claim', other.slug) },
      { method: 'POST', url: orgUrl(id, 'claim') },
      { method: 'POST', url: orgUrl(id, 'release', other.slug) },
      { method: 'POST', url: orgUrl(id, 'marks', other.slug), payload: PASS },
      { method: 'POST', url: orgUrl(id, 'marks'), payload: PASS },
      { method: 'GET', url: `${orgUrl(id, '', other.slug)}/files/${randomUUID()}` },
    ] as const;
    for (const session of [otherAssessor, other.owner]) {
      for (const request of outside) {
        const response = await session.request(request);
        assert.equal(response.statusCode, 404, `${request.method} ${request.url}: ${response.body}`);
      }
    }
    // Their owner may moderate in their own organisation, where our submission does not exist.
    const moderation = await other.owner.request({
      method: 'POST',
      url: orgUrl(id, 'moderation', other.slug),
      payload: PASS,
    });
    assert.equal(moderation.statusCode, 404);
    const theirQueue = body(
      await otherAssessor.request({ method: 'GET', url: `/api/v1/orgs/${other.slug}/portfolio/submissions` }),
    );
    assert.deepEqual(theirQueue.submissions, []);
    const row = await submissionRow(id);
    assert.equal(row.status, 'submitted');
    assert.equal(row.claimed_by, null);
    assert.equal(await markCount(id), 0);
  });

  test('a learner outside the organisation is 404; a viewer is 403; the learner cannot mark their own work', async () => {
    const learner = await signedInUser(ctx);
    const id = await submittedWork(learner, definitionId);
    assert.equal(
      (await learner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/portfolio/submissions` }))
        .statusCode,
      404,
    );
    assert.equal((await mark(learner, id)).statusCode, 404);
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    assert.equal(
      (await viewer.request({ method: 'GET', url: `/api/v1/orgs/${slug}/portfolio/submissions` })).statusCode,
      403,
    );
    assert.equal((await mark(viewer, id)).statusCode, 403);

    // An assessor who is also a learner of their own organisation's credential.
    const assessorLearner = await memberWithRole(ctx, slug, 'assessor');
    const own = await submittedWork(assessorLearner, definitionId);
    const self = await mark(assessorLearner, own);
    assert.equal(self.statusCode, 403, self.body);
    assert.match(problem(self).detail, /your own submission/);
    assert.equal(
      (await assessorLearner.request({ method: 'POST', url: orgUrl(own, 'claim') })).statusCode,
      403,
    );
    assert.equal(await markCount(own), 0);
  });

  test('API tokens may read the queue but not mark', async () => {
    const token = await apiToken(ctx, slug, ['assessments:mark']);
    const as = withToken(ctx, token);
    const id = await submittedWork(await signedInUser(ctx), definitionId);
    const queue = await as({ method: 'GET', url: `/api/v1/orgs/${slug}/portfolio/submissions` });
    assert.equal(queue.statusCode, 200, queue.body);
    assert.equal((await as({ method: 'GET', url: orgUrl(id) })).statusCode, 200);
    const marked = await as({ method: 'POST', url: orgUrl(id, 'marks'), payload: PASS });
    assert.equal(marked.statusCode, 403);
    assert.match(problem(marked).detail, /API tokens cannot mark/);
  });

  test('an invalid mark is a 422 and records nothing', async () => {
    const id = await submittedWork(await signedInUser(ctx), definitionId);
    const missing = await mark(assessor, id, { levels: [PASS.levels[0]], feedback: 'Half a mark' });
    assert.equal(missing.statusCode, 422);
    assert.match(problem(missing).detail, /criterion "evaluation" has no level/);
    const unknown = await mark(assessor, id, {
      levels: [{ criterionId: 'retrieval', levelId: 'superb' }, PASS.levels[1]],
      feedback: 'x',
    });
    assert.equal(unknown.statusCode, 422);
    const blank = await mark(assessor, id, { ...PASS, feedback: '   ' });
    assert.equal(blank.statusCode, 422);
    assert.equal(await markCount(id), 0);
    assert.equal((await submissionRow(id)).status, 'submitted');
  });
});

describe('marking without a second marker', () => {
  let definitionId: string;
  before(async () => {
    definitionId = await publishedDefinitionWithRubric(
      ctx,
      owner,
      slug,
      organisationId,
      rubricBody({ maxAttempts: 3, resubmitAfterHours: 24 }),
    );
  });

  test('a pass awards the credential once, with results and evidence, and tells the learner', async () => {
    const learner = await signedInUser(ctx, { name: 'Pat Pass' });
    const id = await submittedWork(learner, definitionId);
    const response = await mark(assessor, id, PASS);
    assert.equal(response.statusCode, 200, response.body);
    const view = body(response).submission;
    assert.equal(view.status, 'passed');
    assert.equal(view.totalPoints, 5);
    assert.equal(view.maxPoints, 6);
    assert.equal(view.marks.length, 1);
    assert.equal(view.marks[0].final, true);
    assert.deepEqual(
      view.marks[0].criteria.map((c: Loose) => [c.criterionName, c.levelName, c.points]),
      [
        ['Retrieval pipeline', 'Excellent', 3],
        ['Evaluation', 'Competent', 2],
      ],
    );

    const calls = callsFor(id);
    assert.equal(calls.length, 1);
    const call = calls[0]!;
    assert.equal(view.credentialId, call.credentialId);
    assert.equal(call.options.definitionId, definitionId);
    assert.equal(call.options.via, 'assessment');
    assert.equal(call.options.recipient.email, learner.email.toLowerCase());
    assert.equal(call.options.recipient.name, 'Pat Pass');
    const base = `http://credstack.test/api/v1/portfolio/definitions/${definitionId}/rubric`;
    assert.deepEqual(call.options.result, [
      { resultDescription: `${base}#total`, value: '5', status: 'Completed' },
      {
        resultDescription: `${base}#criterion-retrieval`,
        achievedLevel: `${base}#criterion-retrieval-level-excellent`,
        value: '3',
      },
      {
        resultDescription: `${base}#criterion-evaluation`,
        achievedLevel: `${base}#criterion-evaluation-level-competent`,
        value: '2',
      },
    ]);
    const evidence = call.options.evidence?.[0];
    assert.equal(evidence?.id, `http://credstack.test/api/v1/me/portfolio/submissions/${id}`);
    assert.match(evidence?.description ?? '', /5 of 6 points.*supervised-online-id/);

    await flushMail();
    const passMail = mailsTo(learner.email.toLowerCase()).find((m) => m.subject.startsWith('You passed'));
    assert.ok(passMail, 'the learner is told');
    assert.match(passMail.text, /A solid pipeline, well evaluated\./);
    assert.match(passMail.text, /Clean chunking/);

    const seen = body(
      await learner.request({ method: 'GET', url: `/api/v1/me/portfolio/submissions/${id}` }),
    );
    assert.equal(seen.submission.result.passed, true);
    assert.equal(seen.submission.result.feedback, 'A solid pipeline, well evaluated.');
    assert.equal(seen.submission.credentialId, call.credentialId);

    const again = await mark(secondAssessor, id, PASS);
    assert.equal(again.statusCode, 409);
    assert.equal(callsFor(id).length, 1, 'nothing is awarded twice');
    const retry = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId, text: 'Once more' },
    });
    assert.equal(retry.statusCode, 409);
    assert.match(problem(retry).detail, /passed; there is nothing to resubmit/);
    assert.deepEqual(await auditTypes(id), [
      'portfolio.submission_created',
      'portfolio.submission_submitted',
      'portfolio.submission_marked',
      'portfolio.submission_passed',
    ]);
  });

  test('a fail sends the feedback and the resubmission rules; a new attempt follows them', async () => {
    const learner = await signedInUser(ctx, { name: 'Fay Fail' });
    const id = await submittedWork(learner, definitionId);
    const response = await mark(assessor, id, FAIL);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(body(response).submission.status, 'failed');
    assert.equal(callsFor(id).length, 0);
    await flushMail();
    const failMail = mailsTo(learner.email.toLowerCase()).find((m) => m.subject.includes('did not pass'));
    assert.ok(failMail);
    assert.match(failMail.text, /Add an evaluation with a held-out question set\./);
    assert.match(failMail.text, /No evaluation set was used\./);
    assert.match(failMail.text, /new submission from .* You have 2 attempts left\./);
    const seen = body(
      await learner.request({ method: 'GET', url: `/api/v1/me/portfolio/submissions/${id}` }),
    );
    assert.equal(seen.submission.result.passed, false);
    assert.equal(seen.submission.result.criteria[1].feedback, 'No evaluation set was used.');

    const tooEarly = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId, text: 'Second go' },
    });
    assert.equal(tooEarly.statusCode, 429, tooEarly.body);
    assert.equal(problem(tooEarly).code, 'cooldown_active');
    assert.equal(tooEarly.headers['retry-after'], String(24 * 3600));
    ctx.clock.advance(24 * 3600 * 1000);
    const second = await submittedWork(learner, definitionId, 'Second go, with an evaluation');
    assert.equal((await submissionRow(second)).attempt, 2);
    assert.equal((await mark(assessor, second, FAIL)).statusCode, 200);
    ctx.clock.advance(24 * 3600 * 1000);
    const third = await submittedWork(learner, definitionId, 'Third go');
    assert.equal((await mark(assessor, third, FAIL)).statusCode, 200);
    await flushMail();
    const last = mailsTo(learner.email.toLowerCase()).at(-1);
    assert.match(last?.text ?? '', /used all 3 attempts/);
    ctx.clock.advance(24 * 3600 * 1000);
    const fourth = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId, text: 'Fourth' },
    });
    assert.equal(fourth.statusCode, 409);
    assert.equal(problem(fourth).code, 'attempt_limit_reached');
  });
});

describe('second marking and moderation', () => {
  let definitionId: string;
  before(async () => {
    definitionId = await publishedDefinitionWithRubric(
      ctx,
      owner,
      slug,
      organisationId,
      rubricBody({ secondMarker: { required: true, maxPointsDifference: 0 } }),
    );
  });

  test('a first pass waits for a blind, independent second mark; agreement awards once', async () => {
    const learner = await signedInUser(ctx);
    const id = await submittedWork(learner, definitionId);
    const first = await mark(assessor, id, PASS);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(body(first).submission.status, 'awaiting_second_mark');
    assert.equal(callsFor(id).length, 0, 'no award before the second mark');

    const again = await mark(assessor, id, PASS);
    assert.equal(again.statusCode, 403);
    assert.match(problem(again).detail, /first mark/);
    assert.equal((await assessor.request({ method: 'POST', url: orgUrl(id, 'claim') })).statusCode, 403);

    const blind = body(await secondAssessor.request({ method: 'GET', url: orgUrl(id) }));
    assert.deepEqual(blind.submission.marks, [], 'the second marker does not see the first mark');
    const own = body(await assessor.request({ method: 'GET', url: orgUrl(id) }));
    assert.equal(own.submission.marks.length, 1);

    const second = await mark(secondAssessor, id, PASS);
    assert.equal(second.statusCode, 200, second.body);
    const view = body(second).submission;
    assert.equal(view.status, 'passed');
    assert.equal(view.marks.length, 2);
    assert.equal(callsFor(id).length, 1);
    assert.deepEqual(await auditTypes(id), [
      'portfolio.submission_created',
      'portfolio.submission_submitted',
      'portfolio.submission_marked',
      'portfolio.submission_marked',
      'portfolio.submission_passed',
    ]);
  });

  test('disagreement goes to moderation; an owner or admin decides', async () => {
    const learner = await signedInUser(ctx);
    const id = await submittedWork(learner, definitionId);
    assert.equal((await mark(assessor, id, PASS)).statusCode, 200);
    const second = await mark(secondAssessor, id, PASS_HIGH);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(body(second).submission.status, 'in_moderation');
    assert.equal(callsFor(id).length, 0);
    const queue = body(
      await assessor.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/portfolio/submissions?status=in_moderation`,
      }),
    );
    assert.ok(queue.submissions.some((s: Loose) => s.id === id));
    assert.equal((await mark(assessor, id, PASS)).statusCode, 409);

    const byAssessor = await assessor.request({
      method: 'POST',
      url: orgUrl(id, 'moderation'),
      payload: PASS,
    });
    assert.equal(byAssessor.statusCode, 403);
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    const byIssuer = await issuer.request({ method: 'POST', url: orgUrl(id, 'moderation'), payload: PASS });
    assert.equal(byIssuer.statusCode, 403);
    assert.match(problem(byIssuer).detail, /owner or admin/);

    const admin = await memberWithRole(ctx, slug, 'admin');
    const moderated = await admin.request({ method: 'POST', url: orgUrl(id, 'moderation'), payload: PASS });
    assert.equal(moderated.statusCode, 200, moderated.body);
    const view = body(moderated).submission;
    assert.equal(view.status, 'passed');
    assert.equal(view.totalPoints, 5);
    assert.equal(view.marks.find((m: Loose) => m.final).stage, 'moderation');
    assert.equal(callsFor(id).length, 1);
    const twice = await admin.request({ method: 'POST', url: orgUrl(id, 'moderation'), payload: PASS });
    assert.equal(twice.statusCode, 409);
    assert.deepEqual((await auditTypes(id)).slice(-3), [
      'portfolio.submission_marked',
      'portfolio.submission_moderated',
      'portfolio.submission_passed',
    ]);
  });

  test('a first fail decides without a second mark', async () => {
    const id = await submittedWork(await signedInUser(ctx), definitionId);
    const first = await mark(assessor, id, FAIL);
    assert.equal(body(first).submission.status, 'failed');
    assert.equal(await markCount(id), 1);
  });

  test('a second fail against a first pass goes to moderation, which may fail it', async () => {
    const id = await submittedWork(await signedInUser(ctx), definitionId);
    await mark(assessor, id, PASS);
    const second = await mark(secondAssessor, id, FAIL);
    assert.equal(body(second).submission.status, 'in_moderation');
    const moderated = await owner.request({ method: 'POST', url: orgUrl(id, 'moderation'), payload: FAIL });
    assert.equal(body(moderated).submission.status, 'failed');
    assert.equal(callsFor(id).length, 0);
  });
});
