import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../core/errors.ts';
import type { IssueRowData, RowProblem } from '../../db/tables/issuance.ts';

/**
 * Reading and checking bulk-issue rows, without any database: CSV text or JSON rows in, one verdict per
 * row out. The whole file is checked before anything is issued, so every problem is reported at once.
 */

/** The columns a bulk-issue file may have, in the order the docs list them. `email` is required. */
export const ROW_COLUMNS = [
  'email',
  'name',
  'did',
  'narrative',
  'evidence_url',
  'grade',
  'score',
  'passed',
  'date',
  'external_ref',
] as const;
export type RowColumn = (typeof ROW_COLUMNS)[number] | 'supervision';

/** A results file has the bulk-issue columns plus `supervision`; `passed` is required there. */
export const RESULT_COLUMNS = [...ROW_COLUMNS, 'supervision'] as const;

/** At most this many results are recorded in one (synchronous) import; larger passes-only files: bulk issue. */
export const MAX_RESULT_ROWS = 2_000;

/** More rows than this in one file are refused: split the file. */
export const MAX_ROWS = 25_000;

export const LIMITS = {
  email: 254,
  name: 500,
  did: 2000,
  narrative: 10_000,
  evidenceUrl: 2000,
  grade: 200,
  externalRef: 200,
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DID = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]*[A-Za-z0-9._%-]$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const NUMBER = /^[+-]?(\d+(\.\d+)?|\.\d+)$/;
const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'pass', 'passed']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'fail', 'failed']);

/** One raw row: column → cell, as read from the CSV or sent as JSON. */
export type RawRow = Partial<Record<RowColumn, string | number | boolean | null>>;

/** A row that may be issued. */
export interface ValidRow {
  rowNumber: number;
  data: IssueRowData & { email: string };
  /** When the learning was achieved (the `date` column), if given. */
  achievedAt: Date | null;
  awardKey: string;
}

export interface InvalidRow {
  rowNumber: number;
  data: IssueRowData;
  problems: RowProblem[];
}

export interface RowsVerdict {
  total: number;
  valid: ValidRow[];
  invalid: InvalidRow[];
}

function fileError(message: string, detail: string): AppError {
  return new AppError('validation_failed', message, {
    detail,
    fields: [{ in: 'body', pointer: '', message: detail }],
  });
}

/** The canonical name of a CSV header cell: trimmed, lower-case, spaces and dashes as underscores. */
function columnName(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/**
 * Parses a CSV file (first line: the header) into raw rows. Whole-file problems (not CSV, no header, an
 * unknown or repeated column, no `email` column, no rows, too many rows) are a 422 at once; a row with the
 * wrong number of cells becomes that row's problem.
 */
export function parseCsv(
  text: string,
  allowedColumns: readonly RowColumn[] = ROW_COLUMNS,
): { rows: RawRow[]; problems: Map<number, RowProblem[]> } {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw fileError('The CSV file cannot be read', `The CSV file cannot be read: ${reason}`);
  }
  const [header, ...body] = records;
  if (!header || header.every((cell) => cell === '')) {
    throw fileError('The CSV file is empty', 'The CSV file is empty: its first line must name the columns');
  }
  const columns = header.map(columnName);
  const known = new Set<string>(allowedColumns);
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw fileError(
      'The CSV header names unknown columns',
      `The CSV header names unknown columns (${unknown.map((c) => `"${c}"`).join(', ')}); the columns are ${allowedColumns.join(', ')}`,
    );
  }
  const repeated = columns.filter((column, index) => columns.indexOf(column) !== index);
  if (repeated.length > 0) {
    throw fileError(
      'The CSV header repeats a column',
      `The CSV header names ${[...new Set(repeated)].map((c) => `"${c}"`).join(', ')} more than once`,
    );
  }
  if (!columns.includes('email')) {
    throw fileError('The CSV file has no email column', 'The CSV header must include an "email" column');
  }
  checkRowCount(body.length);
  const problems = new Map<number, RowProblem[]>();
  const rows = body.map((cells, index) => {
    if (cells.length !== columns.length) {
      problems.set(index + 1, [
        {
          column: '',
          message: `has ${cells.length} cells but the header names ${columns.length} columns`,
        },
      ]);
    }
    const row: RawRow = {};
    columns.forEach((column, position) => {
      row[column as RowColumn] = cells[position] ?? '';
    });
    return row;
  });
  return { rows, problems };
}

export function checkRowCount(count: number): void {
  if (count === 0) throw fileError('The file has no rows', 'The file has a header but no rows to issue');
  if (count > MAX_ROWS) {
    throw fileError(
      'The file has too many rows',
      `The file has ${count} rows; at most ${MAX_ROWS} are issued in one job: split the file`,
    );
  }
}

function text(value: RawRow[RowColumn]): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

/** The row as sent, for the report of an invalid row (long cells shortened). */
function rawData(row: RawRow): IssueRowData {
  const cell = (column: RowColumn, max = 500) => {
    const value = text(row[column]);
    return value === null ? null : value.slice(0, max);
  };
  const score = text(row.score);
  return {
    email: cell('email', 320),
    name: cell('name'),
    did: cell('did', 2000),
    narrative: cell('narrative', 500),
    evidenceUrl: cell('evidence_url', 2000),
    grade: cell('grade', 200),
    score: score !== null && NUMBER.test(score) ? Number(score) : null,
    date: cell('date', 40),
    externalRef: cell('external_ref', 200),
  };
}

function tooLong(value: string | null, max: number): boolean {
  return value !== null && value.length > max;
}

/** A date (2026-05-31, midnight UTC) or a date-time with a time zone, not in the future. */
export function parseAchievedAt(value: string, now: Date): Date | string {
  const iso = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value;
  if (!DATE_ONLY.test(value) && !DATE_TIME.test(value)) {
    return 'must be a date (2026-05-31) or a date-time with a time zone (2026-05-31T14:00:00Z)';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime()) || (DATE_ONLY.test(value) && date.toISOString().slice(0, 10) !== value)) {
    return 'is not a real date';
  }
  if (date.getTime() > now.getTime() + 24 * 3_600_000) return 'is in the future';
  return date;
}

/** A DID or an http(s) URL: what may identify the learner in credentialSubject.id. */
export function isLearnerId(value: string): boolean {
  return DID.test(value) || HTTP_URL.test(value);
}

export function isEvidenceUrl(value: string): boolean {
  return HTTP_URL.test(value);
}

export function isEmail(value: string): boolean {
  return value.length <= LIMITS.email && EMAIL.test(value);
}

/**
 * The award key of a result or row: the same learner (normalised e-mail) with the same external reference,
 * or, without one, the same content, for the same definition version, always gives the same key — so a
 * re-submitted file or a re-sent result never awards twice, whichever way it arrives.
 */
export function awardKeyOf(definitionId: string, data: IssueRowData & { email: string }): string {
  const identity =
    data.externalRef !== null
      ? `ref\n${data.externalRef}`
      : `content\n${JSON.stringify([data.name, data.did, data.narrative, data.evidenceUrl, data.grade, data.score, data.date])}`;
  const digest = createHash('sha256').update(`${data.email}\n${identity}`, 'utf8').digest('hex');
  return `issuance:${definitionId}:${digest}`;
}

/**
 * Checks one row; `problems` starts with what the parser found (a wrong cell count). Bulk issue awards
 * passes only; a results file (`results: true`) records fails too, and must say which each row is.
 */
function checkRow(row: RawRow, now: Date, problems: RowProblem[], results = false) {
  const email = text(row.email)?.toLowerCase() ?? null;
  const name = text(row.name);
  const did = text(row.did);
  const narrative = text(row.narrative);
  const evidenceUrl = text(row.evidence_url);
  const grade = text(row.grade);
  const scoreText = text(row.score);
  const passedText = text(row.passed);
  const dateText = text(row.date);
  const externalRef = text(row.external_ref);

  if (email === null) problems.push({ column: 'email', message: 'is required' });
  else if (!isEmail(email)) problems.push({ column: 'email', message: 'is not a valid e-mail address' });
  if (tooLong(name, LIMITS.name))
    problems.push({ column: 'name', message: `must be at most ${LIMITS.name} characters` });
  if (did !== null && (tooLong(did, LIMITS.did) || !isLearnerId(did))) {
    problems.push({ column: 'did', message: 'must be a DID (did:…) or an http(s) profile URL' });
  }
  if (tooLong(narrative, LIMITS.narrative)) {
    problems.push({ column: 'narrative', message: `must be at most ${LIMITS.narrative} characters` });
  }
  if (evidenceUrl !== null && (tooLong(evidenceUrl, LIMITS.evidenceUrl) || !isEvidenceUrl(evidenceUrl))) {
    problems.push({ column: 'evidence_url', message: 'must be an http(s) URL' });
  }
  if (tooLong(grade, LIMITS.grade))
    problems.push({ column: 'grade', message: `must be at most ${LIMITS.grade} characters` });
  let score: number | null = null;
  if (scoreText !== null) {
    if (!NUMBER.test(scoreText) || !Number.isFinite(Number(scoreText))) {
      problems.push({ column: 'score', message: 'must be a number' });
    } else score = Number(scoreText);
  }
  let passed: boolean | null = null;
  if (passedText === null && results) {
    problems.push({ column: 'passed', message: 'is required in a results file (true or false)' });
  }
  if (passedText !== null) {
    const word = passedText.toLowerCase();
    if (TRUE_WORDS.has(word)) passed = true;
    else if (FALSE_WORDS.has(word) && results) passed = false;
    else if (FALSE_WORDS.has(word)) {
      problems.push({
        column: 'passed',
        message: 'says the learner did not pass: bulk issue awards passes only (record fails as results)',
      });
    } else if (!TRUE_WORDS.has(word)) {
      problems.push({ column: 'passed', message: 'must be true or false (yes/no, 1/0, pass/fail)' });
    }
  }
  let achievedAt: Date | null = null;
  if (dateText !== null) {
    const parsed = parseAchievedAt(dateText, now);
    if (typeof parsed === 'string') problems.push({ column: 'date', message: parsed });
    else achievedAt = parsed;
  }
  if (tooLong(externalRef, LIMITS.externalRef)) {
    problems.push({ column: 'external_ref', message: `must be at most ${LIMITS.externalRef} characters` });
  }
  const data: IssueRowData = {
    email,
    name,
    did,
    narrative,
    evidenceUrl,
    grade,
    score,
    date: achievedAt === null ? null : achievedAt.toISOString(),
    externalRef,
  };
  return { data, achievedAt, passed };
}

/** One row of a results file, ready for the service's `recordResult`. */
export interface ResultRow {
  rowNumber: number;
  email: string;
  name: string | null;
  did: string | null;
  narrative: string | null;
  evidenceUrl: string | null;
  grade: string | null;
  score: number | null;
  passed: boolean;
  date: string | null;
  supervision: string | null;
  externalRef: string | null;
}

/**
 * Checks every row of a results file (columns {@link RESULT_COLUMNS}; `passed` required, fails allowed;
 * `supervision` one of `supervisionLevels`) and finds duplicate rows, before anything is recorded.
 */
export function checkResultRows(
  rows: RawRow[],
  now: Date,
  supervisionLevels: readonly string[],
  parseProblems: Map<number, RowProblem[]> = new Map(),
): { valid: ResultRow[]; invalid: InvalidRow[] } {
  if (rows.length > MAX_RESULT_ROWS) {
    throw fileError(
      'The file has too many rows',
      `The file has ${rows.length} rows; at most ${MAX_RESULT_ROWS} results are recorded in one import: split the file, or bulk-issue passes`,
    );
  }
  const valid: ResultRow[] = [];
  const invalid: InvalidRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowNumber = index + 1;
    const problems = [...(parseProblems.get(rowNumber) ?? [])];
    const { data, passed } = checkRow(row, now, problems, true);
    const supervision = text(row.supervision);
    if (supervision !== null && !supervisionLevels.includes(supervision)) {
      problems.push({ column: 'supervision', message: `must be one of ${supervisionLevels.join(', ')}` });
    }
    if (problems.length > 0 || data.email === null || passed === null) {
      invalid.push({ rowNumber, data: rawData(row), problems });
      return;
    }
    const key = JSON.stringify([data, passed, supervision]);
    const first = seen.get(key);
    if (first !== undefined) {
      invalid.push({ rowNumber, data, problems: [{ column: '', message: `duplicates row ${first}` }] });
      return;
    }
    seen.set(key, rowNumber);
    valid.push({ rowNumber, ...data, email: data.email, passed, supervision });
  });
  return { valid, invalid };
}

/**
 * Checks every row and finds duplicates: the same award key twice (an identical row, or the same learner
 * and external reference), and the same learner twice without external references to tell the rows apart.
 */
export function checkRows(
  definitionId: string,
  rows: RawRow[],
  now: Date,
  parseProblems: Map<number, RowProblem[]> = new Map(),
): RowsVerdict {
  const valid: ValidRow[] = [];
  const invalid: InvalidRow[] = [];
  const firstByKey = new Map<string, number>();
  const firstUnreferenced = new Map<string, number>();
  rows.forEach((row, index) => {
    const rowNumber = index + 1;
    const problems = [...(parseProblems.get(rowNumber) ?? [])];
    const { data, achievedAt } = checkRow(row, now, problems);
    if (problems.length > 0 || data.email === null) {
      invalid.push({ rowNumber, data: rawData(row), problems });
      return;
    }
    const email = data.email;
    const awardKey = awardKeyOf(definitionId, { ...data, email });
    const sameKey = firstByKey.get(awardKey);
    const sameLearner = data.externalRef === null ? firstUnreferenced.get(email) : undefined;
    if (sameKey !== undefined) {
      invalid.push({
        rowNumber,
        data,
        problems: [{ column: '', message: `duplicates row ${sameKey}` }],
      });
      return;
    }
    if (sameLearner !== undefined) {
      invalid.push({
        rowNumber,
        data,
        problems: [
          {
            column: 'email',
            message: `names the same learner as row ${sameLearner}; give both rows an external_ref to award twice`,
          },
        ],
      });
      return;
    }
    firstByKey.set(awardKey, rowNumber);
    if (data.externalRef === null) firstUnreferenced.set(email, rowNumber);
    valid.push({ rowNumber, data: { ...data, email }, achievedAt, awardKey });
  });
  return { total: rows.length, valid, invalid };
}

/** SHA-256 of what was sent, to recognise a re-submitted file in the job list. */
export function fileDigest(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}
