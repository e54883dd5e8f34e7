import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation, memberWithRole, problem } from '../helpers/credentials.ts';
import { insertDefinition } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import {
  body,
  FILES,
  type Loose,
  multipartBody,
  publishedDefinitionWithRubric,
  rubricBody,
  upload,
} from '../helpers/portfolio.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;
let other: { owner: Session; slug: string; id: string };

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'pf' }));
  other = await createOrganisation(ctx, { prefix: 'pf-other' });
});
after(async () => {
  await ctx.close();
});

const rubricUrl = (definitionId: string, orgSlug = slug) =>
  `/api/v1/orgs/${orgSlug}/definitions/${definitionId}/rubric`;
const submissionUrl = (id: string) => `/api/v1/me/portfolio/submissions/${id}`;

async function auditTypes(subjectId: string): Promise<string[]> {
  const rows = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select(['type'])
    .where('subject_id', '=', subjectId)
    .orderBy('seq')
    .execute();
  return rows.map((row) => row.type);
}

async function countFiles(submissionId: string): Promise<number> {
  const rows = await ctx.deps.database.db
    .selectFrom('portfolio_files')
    .select('id')
    .where('submission_id', '=', submissionId)
    .execute();
  return rows.length;
}

async function draftSubmission(learner: Session, definitionId: string, payload: Loose = {}): Promise<string> {
  const response = await learner.request({
    method: 'POST',
    url: '/api/v1/me/portfolio/submissions',
    payload: { definitionId, ...payload },
  });
  assert.equal(response.statusCode, 201, response.body);
  return body(response).submission.id;
}

describe('rubrics', () => {
  test('a draft version gets a rubric (201), replaced later (200), read back with its readiness', async () => {
    const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
    const created = await owner.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: rubricBody(),
    });
    assert.equal(created.statusCode, 201, created.body);
    const view = body(created);
    assert.equal(view.definition.id, definition.id);
    assert.equal(view.rubric.revision, 1);
    assert.equal(view.rubric.maxPoints, 6);
    assert.deepEqual(view.rubric.passRule, { minimumTotalPoints: 4, minimumLevelOnEveryCriterion: false });
    assert.equal(view.rubric.criteria[0].learningOutcomeId, 'lo-1');
    assert.deepEqual(view.rubric.settings.allowedFileExtensions, [
      '.pdf',
      '.png',
      '.jpg',
      '.jpeg',
      '.zip',
      '.txt',
      '.md',
      '.markdown',
    ]);
    // The definition's own supervision level is the default.
    assert.equal(view.rubric.settings.supervision, 'supervised-online-id');
    assert.deepEqual(view.readiness, { ready: true, problems: [] });

    const replaced = await owner.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: { criteria: [], passRule: {}, settings: { secondMarker: { required: true } } },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    assert.equal(body(replaced).rubric.revision, 2);
    assert.equal(body(replaced).readiness.ready, false);
    assert.match(body(replaced).readiness.problems.join('; '), /no criteria.*no pass rule/);

    const read = await owner.request({ method: 'GET', url: rubricUrl(definition.id) });
    assert.equal(read.statusCode, 200);
    assert.equal(body(read).rubric.settings.secondMarker.required, true);
    assert.deepEqual(await auditTypes(definition.id), ['portfolio.rubric_saved', 'portfolio.rubric_saved']);
  });

  test('an inconsistent rubric is a 422 listing each problem; nothing is saved', async () => {
    const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
    const bad = rubricBody({}, { minimumTotalPoints: 7 });
    bad.criteria[1].id = 'retrieval';
    bad.criteria[0].learningOutcomeId = 'lo-404';
    const response = await owner.request({ method: 'PUT', url: rubricUrl(definition.id), payload: bad });
    assert.equal(response.statusCode, 422, response.body);
    const details = problem(response) as unknown as Loose;
    assert.equal(details.code, 'validation_failed');
    const pointers = (details.errors as Array<{ pointer: string }>).map((f) => f.pointer);
    assert.ok(pointers.includes('/criteria/1/id'));
    assert.ok(pointers.includes('/criteria/0/learningOutcomeId'));
    assert.ok(pointers.includes('/passRule/minimumTotalPoints'));
    const schemaBad = await owner.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: { ...rubricBody(), extra: true },
    });
    assert.equal(schemaBad.statusCode, 422);
    const read = await owner.request({ method: 'GET', url: rubricUrl(definition.id) });
    assert.equal(body(read).rubric, null);
    assert.deepEqual(await auditTypes(definition.id), []);
  });

  test('a published (or in-review) version’s rubric cannot change: 409 invalid_state', async () => {
    const definitionId = await publishedDefinitionWithRubric(ctx, owner, slug, organisationId);
    const put = await owner.request({ method: 'PUT', url: rubricUrl(definitionId), payload: rubricBody() });
    assert.equal(put.statusCode, 409, put.body);
    assert.equal(problem(put).code, 'invalid_state');
    assert.match(problem(put).detail, /new version/);
    const del = await owner.request({ method: 'DELETE', url: rubricUrl(definitionId) });
    assert.equal(del.statusCode, 409);
    const inReview = await insertDefinition(ctx, { organisationId, status: 'in_review' });
    const review = await owner.request({ method: 'PUT', url: rubricUrl(inReview.id), payload: rubricBody() });
    assert.equal(review.statusCode, 409);
  });

  test('a draft’s rubric can be deleted', async () => {
    const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
    await owner.request({ method: 'PUT', url: rubricUrl(definition.id), payload: rubricBody() });
    const deleted = await owner.request({ method: 'DELETE', url: rubricUrl(definition.id) });
    assert.equal(deleted.statusCode, 204, deleted.body);
    const again = await owner.request({ method: 'DELETE', url: rubricUrl(definition.id) });
    assert.equal(again.statusCode, 404);
  });

  test('who may read and edit: roles, other organisations (404), anonymous (401)', async () => {
    const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
    const assessor = await memberWithRole(ctx, slug, 'assessor');
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    assert.equal((await assessor.request({ method: 'GET', url: rubricUrl(definition.id) })).statusCode, 200);
    const denied = await assessor.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: rubricBody(),
    });
    assert.equal(denied.statusCode, 403);
    const allowed = await issuer.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: rubricBody(),
    });
    assert.equal(allowed.statusCode, 201, allowed.body);
    // Another organisation's owner: through their own slug the definition does not exist; ours is not theirs.
    for (const url of [rubricUrl(definition.id, other.slug), rubricUrl(definition.id)]) {
      for (const method of ['GET', 'PUT', 'DELETE'] as const) {
        const response = await other.owner.request({
          method,
          url,
          ...(method === 'PUT' ? { payload: rubricBody() } : {}),
        });
        assert.equal(response.statusCode, 404, `${method} ${url}: ${response.body}`);
      }
    }
    const anonymous = await ctx.app.inject({ method: 'GET', url: rubricUrl(definition.id) });
    assert.equal(anonymous.statusCode, 401);
  });

  test('learners read a published rubric publicly; drafts are 404', async () => {
    const definitionId = await publishedDefinitionWithRubric(ctx, owner, slug, organisationId);
    const published = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/portfolio/definitions/${definitionId}/rubric`,
    });
    assert.equal(published.statusCode, 200, published.body);
    assert.equal(body(published).rubric.criteria.length, 2);
    const draft = await insertDefinition(ctx, { organisationId, status: 'draft' });
    await owner.request({ method: 'PUT', url: rubricUrl(draft.id), payload: rubricBody() });
    const hidden = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/portfolio/definitions/${draft.id}/rubric`,
    });
    assert.equal(hidden.statusCode, 404);
  });
});

describe('the catalogue’s AssessmentInstruments port', () => {
  test('readiness: null without a rubric, the report with one', async () => {
    const { portfolio } = ctx.deps.services;
    const db = ctx.deps.database.db;
    const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
    assert.equal(await portfolio.readiness({ definitionId: definition.id, trx: db }), null);
    await owner.request({
      method: 'PUT',
      url: rubricUrl(definition.id),
      payload: rubricBody({}, { minimumTotalPoints: 0 }),
    });
    const report = await portfolio.readiness({ definitionId: definition.id, trx: db });
    assert.equal(report?.ready, false);
    assert.match(report?.problems.join(';') ?? '', /no one can fail/);
  });

  test('copyForNewVersion copies the rubric onto the new draft, in the caller’s transaction', async () => {
    const { portfolio } = ctx.deps.services;
    const fromId = await publishedDefinitionWithRubric(
      ctx,
      owner,
      slug,
      organisationId,
      rubricBody({ maxFiles: 3 }),
    );
    const next = await insertDefinition(ctx, { organisationId, status: 'draft', version: 2 });
    await ctx.deps.database.db.transaction().execute(async (trx) => {
      await portfolio.copyForNewVersion({ fromDefinitionId: fromId, toDefinitionId: next.id, trx });
    });
    const copied = body(await owner.request({ method: 'GET', url: rubricUrl(next.id) }));
    assert.equal(copied.rubric.settings.maxFiles, 3);
    assert.deepEqual(
      copied.rubric.criteria.map((c: Loose) => c.id),
      ['retrieval', 'evaluation'],
    );
    assert.deepEqual(await auditTypes(next.id), ['portfolio.rubric_saved']);
    // The new draft's rubric is editable; the published one is not.
    const edit = await owner.request({
      method: 'PUT',
      url: rubricUrl(next.id),
      payload: rubricBody({ maxFiles: 4 }),
    });
    assert.equal(edit.statusCode, 200, edit.body);
    const none = await insertDefinition(ctx, { organisationId, status: 'draft' });
    const target = await insertDefinition(ctx, { organisationId, status: 'draft' });
    await portfolio.copyForNewVersion({
      fromDefinitionId: none.id,
      toDefinitionId: target.id,
      trx: ctx.deps.database.db,
    });
    assert.equal(body(await owner.request({ method: 'GET', url: rubricUrl(target.id) })).rubric, null);
  });
});

describe('learners’ submissions', () => {
  let definitionId: string;
  before(async () => {
    definitionId = await publishedDefinitionWithRubric(ctx, owner, slug, organisationId);
  });

  test('create, edit, list and read a draft; one open submission per definition', async () => {
    const learner = await signedInUser(ctx, { name: 'Lea Learner' });
    const id = await draftSubmission(learner, definitionId, { text: 'First notes' });
    const second = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId },
    });
    assert.equal(second.statusCode, 409);
    assert.equal(problem(second).code, 'conflict');

    const edited = await learner.request({
      method: 'PATCH',
      url: submissionUrl(id),
      payload: { text: 'Final report', links: [{ url: 'https://git.example/lea/rag' }] },
    });
    assert.equal(edited.statusCode, 200, edited.body);
    const submission = body(edited).submission;
    assert.equal(submission.text, 'Final report');
    assert.deepEqual(submission.links, [{ url: 'https://git.example/lea/rag', title: null }]);
    assert.equal(submission.status, 'draft');
    assert.equal(submission.attempt, 1);
    assert.equal(submission.result, null);

    const list = body(await learner.request({ method: 'GET', url: '/api/v1/me/portfolio/submissions' }));
    assert.deepEqual(
      list.submissions.map((s: Loose) => s.id),
      [id],
    );
    assert.deepEqual(await auditTypes(id), ['portfolio.submission_created', 'portfolio.submission_updated']);
  });

  test('only signed-in learners with a verified address, only published definitions', async () => {
    const unverified = await signedInUser(ctx, { verified: false });
    const refused = await unverified.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId },
    });
    assert.equal(refused.statusCode, 403);
    assert.equal(problem(refused).code, 'email_not_verified');
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId },
    });
    assert.equal(anonymous.statusCode, 401);
    const learner = await signedInUser(ctx);
    const draft = await insertDefinition(ctx, { organisationId, status: 'draft' });
    const notPublished = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId: draft.id },
    });
    assert.equal(notPublished.statusCode, 404);
    const noRubric = await insertDefinition(ctx, { organisationId, status: 'published' });
    const notPortfolio = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId: noRubric.id },
    });
    assert.equal(notPortfolio.statusCode, 404);
    assert.match(problem(notPortfolio).detail, /not assessed by portfolio/);
  });

  test('kinds the rubric does not take are refused', async () => {
    const filesOnly = await publishedDefinitionWithRubric(
      ctx,
      owner,
      slug,
      organisationId,
      rubricBody({ allowedKinds: ['files'] }),
    );
    const learner = await signedInUser(ctx);
    const response = await learner.request({
      method: 'POST',
      url: '/api/v1/me/portfolio/submissions',
      payload: { definitionId: filesOnly, text: 'Here is my essay' },
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.match(problem(response).detail, /does not take text; it accepts: files/);
  });

  test('another learner’s submission is 404 everywhere', async () => {
    const learner = await signedInUser(ctx);
    const id = await draftSubmission(learner, definitionId, { text: 'Mine' });
    const uploaded = await upload(learner, id, 'report.pdf', FILES.pdf);
    const fileId = body(uploaded).file.id;
    const stranger = await signedInUser(ctx);
    const attempts = [
      { method: 'GET', url: submissionUrl(id) },
      { method: 'PATCH', url: submissionUrl(id), payload: { text: 'Hijacked' } },
      { method: 'POST', url: `${submissionUrl(id)}/submit` },
      { method: 'GET', url: `${submissionUrl(id)}/files/${fileId}` },
      { method: 'DELETE', url: `${submissionUrl(id)}/files/${fileId}` },
    ] as const;
    for (const attempt of attempts) {
      const response = await stranger.request(attempt);
      assert.equal(response.statusCode, 404, `${attempt.method} ${attempt.url}: ${response.body}`);
    }
    const strangerUpload = await upload(stranger, id, 'x.pdf', FILES.pdf);
    assert.equal(strangerUpload.statusCode, 404);
    const list = body(await stranger.request({ method: 'GET', url: '/api/v1/me/portfolio/submissions' }));
    assert.deepEqual(list.submissions, []);
    // An organisation owner is no learner: the /me routes show them only their own.
    assert.equal((await owner.request({ method: 'GET', url: submissionUrl(id) })).statusCode, 404);
    assert.equal(await countFiles(id), 1);
  });

  test('submitting: empty work is refused; submitted work no longer changes', async () => {
    const learner = await signedInUser(ctx);
    const id = await draftSubmission(learner, definitionId);
    const empty = await learner.request({ method: 'POST', url: `${submissionUrl(id)}/submit` });
    assert.equal(empty.statusCode, 422);
    assert.match(problem(empty).detail, /empty/);
    await upload(learner, id, 'notes.md', FILES.markdown);
    const submitted = await learner.request({ method: 'POST', url: `${submissionUrl(id)}/submit` });
    assert.equal(submitted.statusCode, 200, submitted.body);
    assert.equal(body(submitted).submission.status, 'submitted');
    assert.equal(body(submitted).submission.supervision, 'supervised-online-id');
    assert.ok(body(submitted).submission.submittedAt);
    for (const change of [
      learner.request({ method: 'PATCH', url: submissionUrl(id), payload: { text: 'late' } }),
      learner.request({ method: 'POST', url: `${submissionUrl(id)}/submit` }),
      upload(learner, id, 'late.pdf', FILES.pdf),
    ]) {
      const response = await change;
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(problem(response).code, 'invalid_state');
    }
    assert.equal(await countFiles(id), 1);
  });
});

describe('uploads', () => {
  let definitionId: string;
  let learner: Session;
  let id: string;
  before(async () => {
    definitionId = await publishedDefinitionWithRubric(
      ctx,
      owner,
      slug,
      organisationId,
      rubricBody({ maxFileBytes: 1024, maxFiles: 2, allowedFileTypes: ['pdf', 'markdown'] }),
    );
    learner = await signedInUser(ctx);
    id = await draftSubmission(learner, definitionId, { text: 'Report attached' });
  });

  test('a PDF is stored and downloads byte for byte, with a safe disposition', async () => {
    const response = await upload(learner, id, 'My report.pdf', FILES.pdf);
    assert.equal(response.statusCode, 201, response.body);
    const file = body(response).file;
    assert.equal(file.fileName, 'My report.pdf');
    assert.equal(file.fileType, 'pdf');
    assert.equal(file.mediaType, 'application/pdf');
    assert.equal(file.sizeBytes, FILES.pdf.length);
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    assert.equal(response.headers.location, file.downloadUrl);
    const download = await learner.request({ method: 'GET', url: file.downloadUrl });
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.match(String(download.headers['content-disposition']), /^attachment; filename="My report.pdf"/);
    assert.equal(download.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(download.rawPayload, FILES.pdf);
    const read = body(await learner.request({ method: 'GET', url: submissionUrl(id) }));
    assert.equal(read.submission.files.length, 1);

    const removed = await learner.request({ method: 'DELETE', url: file.downloadUrl });
    assert.equal(removed.statusCode, 204);
    assert.equal(await countFiles(id), 0);
    assert.deepEqual(await auditTypes(id), [
      'portfolio.submission_created',
      'portfolio.file_added',
      'portfolio.file_removed',
    ]);
  });

  test('an oversized file is 413 and writes nothing', async () => {
    const before = await auditTypes(id);
    const big = Buffer.concat([FILES.pdf, Buffer.alloc(2048, 0x20)]);
    const response = await upload(learner, id, 'big.pdf', big);
    assert.equal(response.statusCode, 413, response.body);
    assert.equal(problem(response).code, 'payload_too_large');
    assert.match(
      problem(response).detail,
      /"big.pdf" is 2\.\d KB; files for this assessment may be at most 1 KB/,
    );
    assert.equal(await countFiles(id), 0);
    assert.deepEqual(await auditTypes(id), before);
  });

  test('beyond the hard cap (25 MB) the upload is cut off with 413', async () => {
    const huge = Buffer.alloc(25 * 1024 * 1024 + 10, 0x41);
    const response = await upload(learner, id, 'huge.md', huge);
    assert.equal(response.statusCode, 413, response.body);
    assert.match(problem(response).detail, /25 MB/);
    assert.equal(await countFiles(id), 0);
  });

  test('the wrong type is 415 naming the allowed types, also when the extension lies', async () => {
    const lying = await upload(learner, id, 'report.pdf', FILES.png);
    assert.equal(lying.statusCode, 415, lying.body);
    assert.equal(problem(lying).code, 'unsupported_media_type');
    assert.match(problem(lying).detail, /named as PDF but its content is a PNG image/);
    assert.match(problem(lying).detail, /Allowed: PDF \(\.pdf\), Markdown \(\.md, \.markdown\)/);
    const notAllowed = await upload(learner, id, 'photo.png', FILES.png);
    assert.equal(notAllowed.statusCode, 415);
    assert.match(problem(notAllowed).detail, /"photo.png" is not an allowed file type/);
    const binaryMarkdown = await upload(learner, id, 'notes.md', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    assert.equal(binaryMarkdown.statusCode, 415);
    assert.equal(await countFiles(id), 0);
  });

  test('too many files is 422; requests that are not a single file part are refused', async () => {
    assert.equal((await upload(learner, id, 'a.pdf', FILES.pdf)).statusCode, 201);
    assert.equal((await upload(learner, id, 'b.md', FILES.markdown)).statusCode, 201);
    const third = await upload(learner, id, 'c.pdf', FILES.pdf);
    assert.equal(third.statusCode, 422, third.body);
    assert.match(problem(third).detail, /at most 2 files/);
    assert.equal(await countFiles(id), 2);

    const json = await learner.request({
      method: 'POST',
      url: `${submissionUrl(id)}/files`,
      payload: { file: 'not a file' },
    });
    assert.equal(json.statusCode, 415);
    const wrongField = multipartBody('a.pdf', FILES.pdf, { field: 'attachment' });
    const misnamed = await learner.request({
      method: 'POST',
      url: `${submissionUrl(id)}/files`,
      payload: wrongField.payload,
      headers: wrongField.headers,
    });
    assert.equal(misnamed.statusCode, 422);
    assert.match(String(misnamed.headers['content-type']), /problem\+json/);
    const garbage = await learner.request({
      method: 'POST',
      url: `${submissionUrl(id)}/files`,
      payload: 'no boundary here',
      headers: { 'content-type': 'multipart/form-data' },
    });
    assert.ok([400, 415, 422].includes(garbage.statusCode), garbage.body);
    assert.equal(await countFiles(id), 2);
  });
});
