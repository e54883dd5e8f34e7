import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import type { IssueJobRow } from '../../src/db/tables/issuance.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { apiToken, createOrganisation, memberWithRole, problem, withToken } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import type { Session } from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;
let definitionId: string;
let other: { owner: Session; slug: string; id: string };
let otherDefinitionId: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', ISSUE_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'iss' }));
  definitionId = (await insertExternalDefinition(ctx, organisationId, { title: 'Forklift safety' })).id;
  other = await createOrganisation(ctx, { prefix: 'iss-other' });
  otherDefinitionId = (await insertExternalDefinition(ctx, other.id)).id;
});
after(async () => {
  await ctx.close();
});

let counter = 0;
function learner(prefix = 'learner'): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}@example.org`;
}

async function credentialCount(definition = definitionId): Promise<number> {
  const row = await ctx.deps.database.db
    .selectFrom('credentials')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('definition_id', '=', definition)
    .executeTakeFirstOrThrow();
  return Number(row.count);
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

function resultsUrl(definition = definitionId, orgSlug = slug) {
  return `/api/v1/orgs/${orgSlug}/definitions/${definition}/results`;
}
function jobsUrl(definition = definitionId, orgSlug = slug) {
  return `/api/v1/orgs/${orgSlug}/definitions/${definition}/issue-jobs`;
}

interface JobBody {
  id: string;
  status: string;
  total: number;
  valid: number;
  invalid: number;
  processed: number;
  issued: number;
  alreadyIssued: number;
  failed: number;
  pending: number;
  links: { self: string; rows: string; errors: string };
}
interface RowBody {
  row: number;
  status: string;
  credentialId: string | null;
  errors: Array<{ column: string; message: string }>;
  data: { email: string | null };
}

function csvOf(rows: string[][], header = 'email,name,grade,external_ref'): string {
  return [
    header,
    ...rows.map((cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')),
  ].join('\n');
}

async function postCsv(csv: string, query = '', session: Session = owner, definition = definitionId) {
  return session.request({
    method: 'POST',
    url: `${jobsUrl(definition)}${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  });
}

async function finishedJob(id: string, definition = definitionId): Promise<JobBody> {
  await ctx.deps.services.issuance.whenIdle();
  const response = await owner.request({ method: 'GET', url: `${jobsUrl(definition)}/${id}` });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ job: JobBody }>(response).job;
}

async function jobRows(id: string, query = ''): Promise<{ rows: RowBody[]; total: number }> {
  const response = await owner.request({ method: 'GET', url: `${jobsUrl()}/${id}/rows${query}` });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ rows: RowBody[]; total: number }>(response);
}

describe('external results', () => {
  test('a pass awards the credential once; the supervision level is recorded', async () => {
    const email = learner();
    const before = await credentialCount();
    const body = {
      email: email.toUpperCase(),
      name: 'Pat Learner',
      did: 'did:example:pat',
      score: 87.5,
      grade: 'B+',
      passed: true,
      date: '2026-01-15',
      supervision: 'supervised-online-id',
      narrative: 'Passed the practical on site.',
      evidenceUrl: 'https://lms.example/attempts/1',
      externalRef: `lms-${counter}`,
    };
    const response = await owner.request({ method: 'POST', url: resultsUrl(), payload: body });
    assert.equal(response.statusCode, 201, response.body);
    const recorded = json<{
      result: {
        id: string;
        passed: boolean;
        supervision: string;
        learner: { email: string };
        credentialId: string;
      };
      credential: { id: string; url: string; alreadyIssued: boolean };
      created: boolean;
    }>(response);
    assert.equal(recorded.created, true);
    assert.equal(recorded.result.passed, true);
    assert.equal(recorded.result.supervision, 'supervised-online-id');
    assert.equal(recorded.result.learner.email, email);
    assert.equal(recorded.credential.alreadyIssued, false);
    assert.equal(recorded.result.credentialId, recorded.credential.id);
    assert.equal(await credentialCount(), before + 1);

    const credential = await ctx.deps.database.db
      .selectFrom('credentials')
      .selectAll()
      .where('id', '=', recorded.credential.id)
      .executeTakeFirstOrThrow();
    assert.equal(credential.issued_via, 'external-result');
    assert.equal(credential.definition_id, definitionId);
    assert.equal(credential.recipient_email, email);
    assert.equal(credential.recipient_did, 'did:example:pat');
    const document = JSON.parse(credential.document) as {
      credentialSubject: { id: string; result?: Array<{ value?: string }>; evidence?: unknown };
    };
    assert.equal(document.credentialSubject.id, 'did:example:pat');
    assert.deepEqual(await auditTypes(recorded.result.id), ['external_result.recorded']);

    // The same result again changes nothing.
    const again = await owner.request({ method: 'POST', url: resultsUrl(), payload: body });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(json<{ created: boolean; result: { id: string } }>(again).created, false);
    assert.equal(json<{ result: { id: string } }>(again).result.id, recorded.result.id);
    assert.equal(await credentialCount(), before + 1);
  });

  test('a fail is recorded and awards nothing; the definition’s supervision level is the default', async () => {
    const before = await credentialCount();
    const response = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email: learner(), passed: false, score: 31 },
    });
    assert.equal(response.statusCode, 201, response.body);
    const recorded = json<{
      result: { passed: boolean; supervision: string; credentialId: null };
      credential: null;
    }>(response);
    assert.equal(recorded.result.passed, false);
    assert.equal(recorded.credential, null);
    assert.equal(recorded.result.credentialId, null);
    assert.equal(recorded.result.supervision, 'supervised-onsite-id');
    assert.equal(await credentialCount(), before);

    const list = await owner.request({ method: 'GET', url: `${resultsUrl()}?limit=5` });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(json<{ results: unknown[] }>(list).results.length >= 2);
  });

  test('only published, externally assessed definitions take results', async () => {
    const tested = await insertDefinition(ctx, { organisationId, content: sampleDefinitionContent() });
    const draft = await insertExternalDefinition(ctx, organisationId, { status: 'draft' });
    for (const id of [tested.id, draft.id]) {
      const response = await owner.request({
        method: 'POST',
        url: resultsUrl(id),
        payload: { email: learner(), passed: true },
      });
      assert.equal(response.statusCode, 422, response.body);
      assert.equal(problem(response).code, 'definition_not_issuable');
    }
    const wrongType = await owner.request({
      method: 'POST',
      url: resultsUrl(tested.id),
      payload: { email: learner(), passed: true },
    });
    assert.match(problem(wrongType).detail, /assessed by a test .*"external"/);
  });

  test('bad input is a 422 naming the field', async () => {
    const response = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email: 'not-an-address', passed: true, did: 'nope', date: '2026-13-45' },
    });
    assert.equal(response.statusCode, 422, response.body);
    const pointers = (json<{ errors: Array<{ pointer: string }> }>(response).errors ?? []).map(
      (e) => e.pointer,
    );
    assert.deepEqual(pointers.sort(), ['/date', '/did', '/email']);
    const unknown = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email: learner(), passed: true, supervision: 'proctored-by-cat' },
    });
    assert.equal(unknown.statusCode, 422);
  });

  test('permissions and isolation', async () => {
    const payload = { email: learner(), passed: true };
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    const denied = await viewer.request({ method: 'POST', url: resultsUrl(), payload });
    assert.equal(denied.statusCode, 403, denied.body);
    assert.equal((await viewer.request({ method: 'GET', url: resultsUrl() })).statusCode, 403);

    const readOnly = withToken(ctx, await apiToken(ctx, slug, ['credentials:read']));
    assert.equal(
      problem(await readOnly({ method: 'POST', url: resultsUrl(), payload })).code,
      'insufficient_scope',
    );
    const recorder = withToken(ctx, await apiToken(ctx, slug, ['results:record']));
    const byToken = await recorder({ method: 'POST', url: resultsUrl(), payload });
    assert.equal(byToken.statusCode, 201, byToken.body);

    // Another organisation's definition, through our slug or theirs, does not exist for us.
    for (const url of [
      resultsUrl(otherDefinitionId),
      resultsUrl(otherDefinitionId, other.slug),
      resultsUrl(randomUUID()),
    ]) {
      const response = await owner.request({ method: 'POST', url, payload });
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
      assert.equal((await owner.request({ method: 'GET', url })).statusCode, 404);
    }
    assert.equal(
      (await recorder({ method: 'POST', url: resultsUrl(otherDefinitionId, other.slug), payload }))
        .statusCode,
      404,
    );
    const anonymous = await ctx.app.inject({ method: 'POST', url: resultsUrl(), payload });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('results from a CSV file', () => {
  const importUrl = (definition = definitionId, orgSlug = slug) =>
    `/api/v1/orgs/${orgSlug}/definitions/${definition}/results/import`;
  const sendCsv = (session: Session, csv: string, url = importUrl()) =>
    session.request({ method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload: csv });

  test('passes and fails are recorded, passes awarded; the same file again changes nothing', async () => {
    const [pass1, pass2, fail1] = [learner('csv-pass'), learner('csv-pass'), learner('csv-fail')];
    const csv = [
      'email,name,score,passed,supervision,external_ref',
      `${pass1},Ada,91,yes,supervised-online-id,csv-import-1`,
      `${pass2},Ben,75,pass,,csv-import-2`,
      `${fail1},Cy,40,no,,csv-import-3`,
    ].join('\n');
    const credentialsBefore = await credentialCount();
    const response = await sendCsv(owner, csv);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(json<{ report: Record<string, number> }>(response).report, {
      total: 3,
      recorded: 3,
      unchanged: 0,
      passed: 2,
      failed: 1,
      issued: 2,
    });
    assert.equal(await credentialCount(), credentialsBefore + 2);
    const recorded = await ctx.deps.database.db
      .selectFrom('external_results')
      .select(['learner_email', 'passed', 'supervision'])
      .where('definition_id', '=', definitionId)
      .where('learner_email', 'in', [pass1, fail1])
      .orderBy('learner_email')
      .execute();
    // The row's own level, or the definition's (supervised-onsite-id) when the cell is empty.
    const byEmail = new Map(recorded.map((row) => [row.learner_email, [row.passed, row.supervision]]));
    assert.deepEqual(byEmail.get(pass1), [true, 'supervised-online-id']);
    assert.deepEqual(byEmail.get(fail1), [false, 'supervised-onsite-id']);

    const again = await owner.request({ method: 'POST', url: importUrl(), payload: { csv } });
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(json<{ report: Record<string, number> }>(again).report, {
      total: 3,
      recorded: 0,
      unchanged: 3,
      passed: 2,
      failed: 1,
      issued: 0,
    });
    assert.equal(await credentialCount(), credentialsBefore + 2);
  });

  test('a file with a bad row records nothing and names every problem', async () => {
    const credentialsBefore = await credentialCount();
    const good = learner('csv-good');
    const csv = [
      'email,passed,supervision,score',
      `${good},true,,80`,
      'not-an-email,true,,80',
      `${learner()},,,80`,
      `${learner()},maybe,,80`,
      `${learner()},false,proctored-by-a-cat,80`,
      `${good},true,,80`,
    ].join('\n');
    const response = await sendCsv(owner, csv);
    assert.equal(response.statusCode, 422, response.body);
    const body = json<{ detail: string; errors: Array<{ pointer: string; message: string }> }>(response);
    assert.match(body.detail, /5 of 6 rows have problems; nothing was recorded/);
    const pointers = body.errors.map((error) => error.pointer);
    for (const pointer of [
      '/rows/2/email',
      '/rows/3/passed',
      '/rows/4/passed',
      '/rows/5/supervision',
      '/rows/6',
    ]) {
      assert.ok(pointers.includes(pointer), `${pointer} in ${pointers.join(', ')}`);
    }
    const stored = await ctx.deps.database.db
      .selectFrom('external_results')
      .select('id')
      .where('learner_email', '=', good)
      .execute();
    assert.equal(stored.length, 0);
    assert.equal(await credentialCount(), credentialsBefore);

    // An external reference already recorded for another learner is refused, in a file and alone.
    const first = learner('csv-ref');
    const recordedOnce = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email: first, passed: false, externalRef: 'csv-ref-taken' },
    });
    assert.equal(recordedOnce.statusCode, 201, recordedOnce.body);
    const reused = await sendCsv(owner, `email,passed,external_ref\n${good},true,csv-ref-taken`);
    assert.equal(reused.statusCode, 422, reused.body);
    assert.match(problem(reused).detail, /reuse an external_ref recorded for another learner/);
    const alone = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email: good, passed: true, externalRef: 'csv-ref-taken' },
    });
    assert.equal(problem(alone).code, 'conflict');
    assert.equal(await credentialCount(), credentialsBefore);

    const unknownColumn = await sendCsv(owner, `email,passed,colour\n${good},true,blue`);
    assert.equal(unknownColumn.statusCode, 422);
    assert.match(problem(unknownColumn).detail, /unknown columns/);
    assert.equal((await owner.request({ method: 'POST', url: importUrl() })).statusCode, 422);
  });

  test('permissions and isolation', async () => {
    const csv = `email,passed\n${learner()},true`;
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    assert.equal((await sendCsv(viewer, csv)).statusCode, 403);
    for (const url of [
      importUrl(otherDefinitionId),
      importUrl(otherDefinitionId, other.slug),
      importUrl(randomUUID()),
    ]) {
      const response = await sendCsv(owner, csv, url);
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
    }
    const internal = await insertDefinition(ctx, { organisationId });
    const refused = await sendCsv(owner, csv, importUrl(internal.id));
    assert.equal(problem(refused).code, 'definition_not_issuable');
  });
});

describe('bulk issue', () => {
  test('a valid CSV issues every row in the background; the same file again issues nothing twice', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => [learner('bulk'), `Learner ${i}`, 'A', `ref-${i}`]);
    const csv = csvOf(rows);
    const before = await credentialCount();
    const response = await postCsv(csv);
    assert.equal(response.statusCode, 202, response.body);
    const accepted = json<{ job: JobBody }>(response).job;
    assert.equal(accepted.total, 12);
    assert.equal(accepted.valid, 12);
    assert.equal(response.headers.location, accepted.links.self);

    const job = await finishedJob(accepted.id);
    assert.equal(job.status, 'completed');
    assert.deepEqual(
      [job.processed, job.issued, job.alreadyIssued, job.failed, job.pending],
      [12, 12, 0, 0, 0],
    );
    assert.equal(await credentialCount(), before + 12);
    const { rows: reported } = await jobRows(job.id);
    assert.ok(reported.every((row) => row.status === 'issued' && row.credentialId !== null));
    assert.deepEqual(await auditTypes(job.id), ['issue_job.created', 'issue_job.completed']);

    const again = await postCsv(csv);
    assert.equal(again.statusCode, 202, again.body);
    const second = await finishedJob(json<{ job: JobBody }>(again).job.id);
    assert.deepEqual([second.issued, second.alreadyIssued], [0, 12]);
    assert.equal(await credentialCount(), before + 12);
    const secondRows = await jobRows(second.id, '?status=already_issued');
    assert.equal(secondRows.total, 12);
    assert.deepEqual(
      secondRows.rows.map((row) => row.credentialId),
      reported.map((row) => row.credentialId),
    );

    // A result with the same learner and reference awards nothing new either.
    const [email, name, , ref] = rows[0]!;
    const result = await owner.request({
      method: 'POST',
      url: resultsUrl(),
      payload: { email, name, grade: 'A', passed: true, externalRef: ref },
    });
    assert.equal(result.statusCode, 201, result.body);
    assert.equal(json<{ credential: { alreadyIssued: boolean } }>(result).credential.alreadyIssued, true);
    assert.equal(await credentialCount(), before + 12);
  });

  test('1 good row and 9,999 bad ones: 422 with the problems, every bad row listed, nothing issued', async () => {
    const rows = [[learner('good'), 'Good', 'A', 'g-1']];
    for (let i = 0; i < 9_999; i++) rows.push([`bad-${i}`, '', '', `b-${i}`]);
    const before = await credentialCount();
    const response = await postCsv(csvOf(rows));
    assert.equal(response.statusCode, 422, response.body.slice(0, 500));
    const body = json<{ code: string; detail: string; errors: Array<{ pointer: string; message: string }> }>(
      response,
    );
    assert.equal(body.code, 'validation_failed');
    assert.match(body.detail, /9,999 rows of 10,000 are invalid, so nothing was issued/);
    assert.equal(body.errors.length, 100);
    assert.deepEqual(body.errors[0], {
      in: 'body',
      pointer: '/rows/1/email',
      message: 'row 2: email is not a valid e-mail address',
    });
    assert.equal(await credentialCount(), before);

    const jobId = /job ([0-9a-f-]{36}), rejected/.exec(body.detail)?.[1];
    assert.ok(jobId, body.detail);
    const job = await finishedJob(jobId);
    assert.deepEqual(
      [job.status, job.total, job.invalid, job.issued, job.pending],
      ['rejected', 10_000, 9_999, 0, 0],
    );
    const invalid = await jobRows(jobId, '?status=invalid&limit=1000&offset=9000');
    assert.equal(invalid.total, 9_999);
    assert.equal(invalid.rows.length, 999);
    assert.equal(invalid.rows.at(-1)?.row, 10_000);
    assert.equal((await jobRows(jobId)).total, 9_999, 'a refused file keeps only its bad rows');
    assert.equal(await credentialCount(), before);
  });

  test('skipInvalid issues the good rows and reports the bad ones', async () => {
    const csv = csvOf([
      [learner(), 'One', 'A', ''],
      ['broken', 'Two', 'A', ''],
      [learner(), 'Three', 'x'.repeat(201), ''],
      [learner(), 'Four', 'B', ''],
    ]);
    const refused = await postCsv(csv);
    assert.equal(refused.statusCode, 422);
    assert.match(problem(refused).detail, /send the file again with skipInvalid to issue the 2 valid rows/);

    const before = await credentialCount();
    const response = await postCsv(csv, '?skipInvalid=true');
    assert.equal(response.statusCode, 202, response.body);
    const job = await finishedJob(json<{ job: JobBody }>(response).job.id);
    assert.deepEqual([job.total, job.valid, job.invalid, job.issued], [4, 2, 2, 2]);
    assert.equal(await credentialCount(), before + 2);
    const invalid = await jobRows(job.id, '?status=invalid');
    assert.deepEqual(
      invalid.rows.map((row) => [row.row, row.errors[0]?.column]),
      [
        [2, 'email'],
        [3, 'grade'],
      ],
    );
  });

  test('duplicate rows in a file are reported', async () => {
    const email = learner();
    const csv = csvOf([
      [email, 'Same', 'A', 'r-1'],
      [email, 'Same', 'A', 'r-1'],
      [learner(), 'Plain', 'A', ''],
      [email, 'Again', 'B', ''],
      [email, 'Once more', 'C', ''],
    ]);
    const response = await postCsv(csv);
    assert.equal(response.statusCode, 422, response.body);
    const messages = json<{ errors: Array<{ message: string }> }>(response).errors.map((e) => e.message);
    assert.deepEqual(messages, [
      'row 2: duplicates row 1',
      'row 5: email names the same learner as row 4; give both rows an external_ref to award twice',
    ]);
  });

  test('JSON rows, JSON csv, dry runs and whole-file problems', async () => {
    const dry = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      payload: { rows: [{ email: learner(), score: 90 }, { email: 'nope' }], dryRun: true },
    });
    assert.equal(dry.statusCode, 200, dry.body);
    const report = json<{
      dryRun: { total: number; valid: number; invalid: number; invalidRows: RowBody[] };
    }>(dry).dryRun;
    assert.deepEqual([report.total, report.valid, report.invalid], [2, 1, 1]);
    assert.equal(report.invalidRows[0]?.row, 2);

    // Bigger than the application's 1 MB body limit: this route takes up to 20 MB and 25,000 rows.
    const big = Array.from(
      { length: 25_000 },
      (_, i) => `learner-number-${i}@big.example.org,Learner number ${i}`,
    );
    const large = await owner.request({
      method: 'POST',
      url: `${jobsUrl()}?dryRun=true`,
      payload: { csv: `email,name\n${big.join('\n')}` },
    });
    assert.equal(large.statusCode, 200, large.body.slice(0, 300));
    assert.equal(json<{ dryRun: { valid: number } }>(large).dryRun.valid, 25_000);
    const tooMany = await postCsv(`email,name\n${big.join('\n')}\nx@example.org,X`, '?dryRun=true');
    assert.match(problem(tooMany).detail, /25001 rows; at most 25000 .* split the file/);

    const before = await credentialCount();
    const byRows = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      payload: {
        rows: [
          { email: learner(), score: 90, passed: true, date: '2026-02-01', did: 'https://me.example/pat' },
        ],
      },
    });
    assert.equal(byRows.statusCode, 202, byRows.body);
    assert.equal((await finishedJob(json<{ job: JobBody }>(byRows).job.id)).issued, 1);
    const byCsv = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      payload: { csv: `Email,Evidence URL\n${learner()},https://evidence.example/1\n` },
    });
    assert.equal(byCsv.statusCode, 202, byCsv.body);
    assert.equal((await finishedJob(json<{ job: JobBody }>(byCsv).job.id)).issued, 1);
    assert.equal(await credentialCount(), before + 2);

    const cases: Array<[string, RegExp]> = [
      ['email,name\n"unterminated,x\n', /cannot be read/],
      ['email,shoe_size\na@example.org,44\n', /unknown columns \("shoe_size"\)/],
      ['name\nPat\n', /must include an "email" column/],
      ['email\n', /no rows/],
    ];
    for (const [csv, message] of cases) {
      const response = await postCsv(csv);
      assert.equal(response.statusCode, 422, csv);
      assert.match(problem(response).detail, message);
    }
    const both = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      payload: { csv: 'email\na@b.org', rows: [{ email: 'a@b.org' }] },
    });
    assert.equal(both.statusCode, 422);
    const xml = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      headers: { 'content-type': 'application/xml' },
      payload: '<rows/>',
    });
    assert.equal(xml.statusCode, 415);
    assert.equal(await credentialCount(), before + 2);
  });

  test('progress is reported batch by batch, and an interrupted job resumes', async () => {
    const issuance = ctx.deps.services.issuance;
    const rows = Array.from({ length: 120 }, (_, i) => ({ email: learner('many'), external_ref: `m-${i}` }));
    const seen: IssueJobRow[] = [];
    const { job } = await issuance.submitIssueJob({
      actor: systemActor('test'),
      slug,
      definitionId,
      rows,
      wait: true,
      onProgress: (progress) => seen.push(progress),
    });
    assert.equal(job?.status, 'completed');
    assert.equal(job?.issued_rows, 120);
    const processed = seen.map((progress) => progress.processed_rows);
    assert.deepEqual(
      processed,
      [...processed].sort((a, b) => a - b),
      'progress only grows',
    );
    assert.ok(seen.some((progress) => progress.processed_rows > 0 && progress.processed_rows < 120));
    assert.equal(seen.at(-1)?.status, 'completed');

    // Stop the worker, submit, and resume as a restarted server would.
    await issuance.stopWorker();
    const response = await owner.request({
      method: 'POST',
      url: jobsUrl(),
      payload: { rows: [{ email: learner() }, { email: learner() }] },
    });
    assert.equal(response.statusCode, 202, response.body);
    const id = json<{ job: JobBody }>(response).job.id;
    assert.equal((await finishedJob(id)).status, 'queued');
    assert.equal(await issuance.resumeUnfinishedJobs(), 1);
    const resumed = await finishedJob(id);
    assert.deepEqual([resumed.status, resumed.issued], ['completed', 2]);

    const list = await owner.request({ method: 'GET', url: `${jobsUrl()}?limit=200` });
    assert.equal(list.statusCode, 200);
    const listed = json<{ jobs: JobBody[] }>(list).jobs.find((entry) => entry.id === id);
    assert.deepEqual([listed?.status, listed?.issued], ['completed', 2]);
  });

  test('a row the credentials module refuses fails alone; the others are issued', async () => {
    const credentials = ctx.deps.services.credentials;
    const original = credentials.issueForDefinition;
    credentials.issueForDefinition = async (options) => {
      if (options.recipient.email.startsWith('refused')) {
        throw new AppError('validation_failed', 'The recipient cannot receive this credential');
      }
      return original(options);
    };
    try {
      const { job } = await ctx.deps.services.issuance.submitIssueJob({
        actor: systemActor('test'),
        slug,
        definitionId,
        rows: [{ email: learner() }, { email: learner('refused') }, { email: learner() }],
        wait: true,
      });
      assert.deepEqual([job?.status, job?.issued_rows, job?.failed_rows], ['completed', 2, 1]);
      const failed = await jobRows(job?.id ?? '', '?status=failed');
      assert.deepEqual(
        failed.rows.map((row) => [row.row, row.errors[0]?.message]),
        [[2, 'The recipient cannot receive this credential']],
      );
    } finally {
      credentials.issueForDefinition = original;
    }
  });

  test('only published, externally assessed definitions; permissions and isolation', async () => {
    const csv = csvOf([[learner(), 'x', 'A', '']]);
    const tested = await insertDefinition(ctx, { organisationId, content: sampleDefinitionContent() });
    const wrongType = await postCsv(csv, '', owner, tested.id);
    assert.equal(problem(wrongType).code, 'definition_not_issuable');

    const response = await postCsv(csv);
    assert.equal(response.statusCode, 202);
    const jobId = json<{ job: JobBody }>(response).job.id;
    await finishedJob(jobId);

    const viewer = await memberWithRole(ctx, slug, 'viewer');
    assert.equal((await postCsv(csv, '', viewer)).statusCode, 403);
    assert.equal((await viewer.request({ method: 'GET', url: `${jobsUrl()}/${jobId}` })).statusCode, 200);
    const reader = withToken(ctx, await apiToken(ctx, slug, ['credentials:read']));
    const byReader = await reader({
      method: 'POST',
      url: jobsUrl(),
      payload: { csv },
    });
    assert.equal(problem(byReader).code, 'insufficient_scope');

    // Another organisation's members and tokens see none of it.
    const outsider = other.owner;
    const otherToken = withToken(
      ctx,
      await apiToken(ctx, other.slug, ['credentials:issue', 'credentials:read']),
    );
    const urls = [
      `${jobsUrl()}/${jobId}`,
      `${jobsUrl()}/${jobId}/rows`,
      jobsUrl(),
      `${jobsUrl(otherDefinitionId)}/${jobId}`,
      `${jobsUrl(otherDefinitionId, other.slug)}/${jobId}`,
      `${jobsUrl(otherDefinitionId, other.slug)}/${jobId}/rows`,
      `${jobsUrl()}/${randomUUID()}`,
    ];
    for (const [index, url] of urls.entries()) {
      const session = index < 3 ? outsider : owner;
      assert.equal(
        (await session.request({ method: 'GET', url })).statusCode,
        404,
        `${url} as ${index < 3 ? 'outsider' : 'owner'}`,
      );
    }
    assert.equal((await otherToken({ method: 'GET', url: `${jobsUrl()}/${jobId}` })).statusCode, 404);
    assert.equal((await otherToken({ method: 'POST', url: jobsUrl(), payload: { csv } })).statusCode, 404);
    assert.equal((await postCsv(csv, '', outsider)).statusCode, 404);
    assert.equal((await postCsv(csv, '', owner, otherDefinitionId)).statusCode, 404);
    assert.equal((await ctx.app.inject({ method: 'GET', url: jobsUrl() })).statusCode, 401);
  });
});
