#!/usr/bin/env node
// Runs the test suite on the embedded database (PGlite) and, when TEST_DATABASE_URL is set, again on
// PostgreSQL. Extra arguments are test files or globs: `npm test -- test/integration/auth.test.ts`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const files = args.length > 0 ? args : [...findTests('src'), ...findTests('test')].sort();
const databases = ['pglite'];
if (process.env.TEST_DATABASE_URL) databases.push('postgres');
else console.log('# TEST_DATABASE_URL is not set: running on PGlite only (set it to also run on PostgreSQL)');

let failed = false;
const totals = { pass: 0, fail: 0, skipped: 0 };
const reportDir = mkdtempSync(join(tmpdir(), 'credstack-test-'));
// The CLI tests run the `credstack` command in a fresh DATA_DIR on the embedded database whatever TEST_DB
// says (see test/cli/cli-helpers.ts): on the PostgreSQL pass they would only repeat the PGlite pass. The
// browser tests (test/browser/) check pages in Chromium, which no database changes: they run once too.
const folderOf = (file) => file.split(/[\\/]/).slice(-3, -1).join('/');
const isBrowserTest = (file) => folderOf(file) === 'test/browser';
const isOncePerRun = (file) => isBrowserTest(file) || (args.length === 0 && folderOf(file) === 'test/cli');
const browserFiles = files.filter(isBrowserTest);
for (const database of databases) {
  const tapFile = join(reportDir, `${database}.tap`);
  const runFiles = database === 'postgres' ? files.filter((f) => !isOncePerRun(f)) : files;
  console.log(`\n# ===== test suite on ${database} (${runFiles.length} files) =====`);
  if (runFiles.length < files.length) {
    console.log(
      `# ${files.length - runFiles.length} CLI and browser test files ran on the embedded database above only`,
    );
  }
  // `node --test` with no file runs every test it can find: never that.
  if (runFiles.length === 0) continue;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/setup.ts',
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
      ...runFiles,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'test', TZ: 'UTC', TEST_DB: database, LOG_LEVEL: 'silent' },
    },
  );
  // A run that crashed before writing its report counts as failed, not as a crash of this script.
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  for (const key of ['pass', 'fail', 'skipped']) {
    const match = new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap);
    totals[key] += match ? Number(match[1]) : 0;
  }
  if (result.status !== 0) {
    failed = true;
    console.log(`# test suite FAILED on ${database} (exit ${result.status ?? result.signal})`);
  }
}
// One plain closing line across both databases, for people and CI logs alike.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserNote =
  browserFiles.length === 0
    ? ''
    : existsSync(chromium)
      ? ` (${browserFiles.length} browser test file(s) ran once, on PGlite, in Chromium)`
      : ` (browser tests SKIPPED: no Chromium at ${chromium})`;
console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped${browserNote}`);
process.exit(failed || totals.pass === 0 ? 1 : 0);
