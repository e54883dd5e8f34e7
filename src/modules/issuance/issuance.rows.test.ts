import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../core/errors.ts';
import { awardKeyOf, checkRows, MAX_ROWS, parseAchievedAt, parseCsv } from './issuance.rows.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const DEFINITION = '7c1f0d43-5a4e-4a43-9d5e-0d2b8b2f6a11';

function fileProblem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'validation_failed');
    return error.message;
  }
  assert.fail('expected a whole-file problem');
}

test('CSV: BOM, header names in any case, quoted commas and newlines, blank lines', () => {
  const { rows, problems } = parseCsv(
    '\uFEFFEmail, Evidence URL ,Name\n"ada@example.org",https://e.example/1,"Lovelace, Ada\nCountess"\n\n',
  );
  assert.equal(problems.size, 0);
  assert.deepEqual(rows, [
    { email: 'ada@example.org', evidence_url: 'https://e.example/1', name: 'Lovelace, Ada\nCountess' },
  ]);
});

test('CSV: whole-file problems are refused at once', () => {
  assert.match(
    fileProblem(() => parseCsv('')),
    /empty/,
  );
  assert.match(
    fileProblem(() => parseCsv('email,"oops\na@b.org,x')),
    /cannot be read/,
  );
  assert.match(
    fileProblem(() => parseCsv('email,mail\na@b.org,x')),
    /unknown columns \("mail"\)/,
  );
  assert.match(
    fileProblem(() => parseCsv('email,Email\na@b.org,x')),
    /more than once/,
  );
  assert.match(
    fileProblem(() => parseCsv('name\nAda')),
    /"email" column/,
  );
  assert.match(
    fileProblem(() => parseCsv('email\n')),
    /no rows/,
  );
  const tooMany = `email\n${'a@b.org\n'.repeat(MAX_ROWS + 1)}`;
  assert.match(
    fileProblem(() => parseCsv(tooMany)),
    /split the file/,
  );
});

test('rows: every problem of every row is reported, with the column', () => {
  const { rows, problems } = parseCsv(
    [
      'email,did,evidence_url,score,passed,date,grade',
      'ok@example.org,did:example:1,https://e.example,88.5,yes,2026-05-31,A',
      'bad,not a did,ftp://x,eighty,maybe,2026-02-30,B',
      'late@example.org,,,,false,2027-01-01,',
      'short@example.org',
    ].join('\n'),
  );
  const verdict = checkRows(DEFINITION, rows, NOW, problems);
  assert.equal(verdict.total, 4);
  assert.deepEqual(
    verdict.valid.map((row) => [row.rowNumber, row.data.score, row.data.date]),
    [[1, 88.5, '2026-05-31T00:00:00.000Z']],
  );
  assert.deepEqual(
    verdict.invalid.map((row) => [row.rowNumber, row.problems.map((p) => p.column)]),
    [
      [2, ['email', 'did', 'evidence_url', 'score', 'passed', 'date']],
      [3, ['passed', 'date']],
      [4, ['']],
    ],
  );
  assert.match(verdict.invalid[1]!.problems[0]!.message, /awards passes only/);
  assert.match(verdict.invalid[1]!.problems[1]!.message, /future/);
  assert.match(verdict.invalid[2]!.problems[0]!.message, /has 1 cells but the header names 7 columns/);
});

test('rows: duplicates and the same learner twice are reported against the first row', () => {
  const verdict = checkRows(
    DEFINITION,
    [
      { email: 'A@example.org', external_ref: '1' },
      { email: 'a@example.org ', external_ref: '1' },
      { email: 'a@example.org', external_ref: '2' },
      { email: 'b@example.org' },
      { email: 'b@example.org', grade: 'B' },
    ],
    NOW,
  );
  assert.deepEqual(
    verdict.valid.map((row) => row.rowNumber),
    [1, 3, 4],
  );
  assert.deepEqual(
    verdict.invalid.map((row) => [row.rowNumber, row.problems[0]?.message]),
    [
      [2, 'duplicates row 1'],
      [5, 'names the same learner as row 4; give both rows an external_ref to award twice'],
    ],
  );
});

test('award keys: stable per learner and reference (or content), whatever the case of the address', () => {
  const base = {
    name: null,
    did: null,
    narrative: null,
    evidenceUrl: null,
    grade: 'A',
    score: null,
    date: null,
  };
  const one = awardKeyOf(DEFINITION, { ...base, email: 'a@example.org', externalRef: 'r-1' });
  assert.equal(
    one,
    awardKeyOf(DEFINITION, { ...base, grade: 'B', email: 'a@example.org', externalRef: 'r-1' }),
  );
  assert.notEqual(one, awardKeyOf(DEFINITION, { ...base, email: 'a@example.org', externalRef: 'r-2' }));
  assert.notEqual(
    one,
    awardKeyOf('another-definition', { ...base, email: 'a@example.org', externalRef: 'r-1' }),
  );
  const byContent = awardKeyOf(DEFINITION, { ...base, email: 'a@example.org', externalRef: null });
  assert.notEqual(
    byContent,
    awardKeyOf(DEFINITION, { ...base, grade: 'B', email: 'a@example.org', externalRef: null }),
  );
  assert.match(one, /^issuance:7c1f0d43-[0-9a-f-]+:[0-9a-f]{64}$/);
  const [row] = checkRows(
    DEFINITION,
    [{ email: 'A@Example.org', external_ref: 'r-1', grade: 'A' }],
    NOW,
  ).valid;
  assert.equal(row?.awardKey, one);
});

test('dates: a day or a zoned date-time, real and not in the future', () => {
  assert.deepEqual(parseAchievedAt('2026-05-31', NOW), new Date('2026-05-31T00:00:00Z'));
  assert.deepEqual(parseAchievedAt('2026-05-31T10:00:00+02:00', NOW), new Date('2026-05-31T08:00:00Z'));
  assert.match(String(parseAchievedAt('2026-05-31T10:00:00', NOW)), /time zone/);
  assert.equal(parseAchievedAt('2026-02-30', NOW), 'is not a real date');
  assert.equal(parseAchievedAt('2026-06-05', NOW), 'is in the future');
});
