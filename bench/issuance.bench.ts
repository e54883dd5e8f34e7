import assert from 'node:assert/strict';
import { argv } from 'node:process';
import { systemActor } from '../src/core/actor.ts';
import { checkRows, parseCsv } from '../src/modules/issuance/issuance.rows.ts';
import { buildTestApp } from '../test/helpers/app.ts';
import { createOrganisation } from '../test/helpers/credentials.ts';
import { insertExternalDefinition } from '../test/helpers/issuance.ts';

/**
 * Bulk issue at scale on the embedded database (PGlite), the slowest supported setup:
 *
 *   node --import tsx bench/issuance.bench.ts            10,000 rows (minutes)
 *   node --import tsx bench/issuance.bench.ts --rows 500 fewer rows
 *   node --import tsx bench/issuance.bench.ts --quick    300 rows
 *
 * Reports the whole-file check of 10,000 rows, a refused 10,000-row file end to end over HTTP (1 good row,
 * 9,999 bad ones: checked, stored as a rejected job, answered 422), and issuing N rows through the job
 * worker, per row and against one credential issued through the API in the same run (the baseline): a bulk
 * row costs about as much as a single issue (signing dominates), minus the per-request overhead.
 */
const quick = argv.includes('--quick');
const rowsArg = argv.indexOf('--rows');
const rowCount = rowsArg >= 0 ? Number(argv[rowsArg + 1]) : quick ? 300 : 10_000;
assert.ok(Number.isInteger(rowCount) && rowCount > 0 && rowCount <= 25_000, '--rows takes 1 to 25000');

const ctx = await buildTestApp({ env: { ISSUE_RATE_LIMIT_MAX: '1000000' } });
try {
  const { owner, slug, id } = await createOrganisation(ctx, { prefix: 'bench' });
  const definition = await insertExternalDefinition(ctx, id);
  const actor = systemActor('bench');

  const csvOf = (rows: string[]) => ['email,name,grade,external_ref', ...rows].join('\n');
  const good = Array.from({ length: 10_000 }, (_, i) => `learner${i}@example.org,Learner ${i},A,r-${i}`);

  let start = performance.now();
  const parsed = parseCsv(csvOf(good));
  const verdict = checkRows(definition.id, parsed.rows, new Date());
  const checkMs = performance.now() - start;
  assert.equal(verdict.valid.length, 10_000);

  const bad = [good[0]!, ...Array.from({ length: 9_999 }, (_, i) => `bad-${i},,,b-${i}`)];
  start = performance.now();
  const refused = await owner.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/definitions/${definition.id}/issue-jobs`,
    headers: { 'content-type': 'text/csv' },
    payload: csvOf(bad),
  });
  const refusedMs = performance.now() - start;
  assert.equal(refused.statusCode, 422);

  // Baseline: one credential issued through the API, the same signing work as one bulk row.
  const single = 20;
  start = performance.now();
  for (let i = 0; i < single; i++) {
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/definitions/${definition.id}/results`,
      payload: { email: `single${i}@example.org`, passed: true, externalRef: `s-${i}` },
    });
    assert.equal(response.statusCode, 201);
  }
  const singleMs = (performance.now() - start) / single;

  start = performance.now();
  let lastReport = start;
  const { job } = await ctx.deps.services.issuance.submitIssueJob({
    actor,
    slug,
    definitionId: definition.id,
    csv: csvOf(good.slice(0, rowCount)),
    wait: true,
    onProgress: (progress) => {
      const now = performance.now();
      if (now - lastReport > 10_000) {
        lastReport = now;
        console.log(
          `  … ${progress.processed_rows}/${rowCount} rows after ${((now - start) / 1000).toFixed(0)} s`,
        );
      }
    },
  });
  const bulkMs = performance.now() - start;
  assert.equal(job?.status, 'completed');
  assert.equal(job?.issued_rows, rowCount);

  const perRow = bulkMs / rowCount;
  console.log('\n## Bulk issue on PGlite');
  console.log(`check a 10,000-row CSV (parse + validate, no database):      ${checkMs.toFixed(0)} ms`);
  console.log(`refuse 1 good + 9,999 bad rows over HTTP (stored, 422):     ${refusedMs.toFixed(0)} ms`);
  console.log(`baseline: one credential through the results API:           ${singleMs.toFixed(1)} ms`);
  console.log(
    `issue ${rowCount.toLocaleString('en')} rows through the job worker:`.padEnd(61) +
      `${(bulkMs / 1000).toFixed(1)} s (${perRow.toFixed(1)} ms/row, ${(1000 / perRow).toFixed(1)} rows/s, ${(perRow / singleMs).toFixed(2)}× baseline)`,
  );
} finally {
  await ctx.close();
}
