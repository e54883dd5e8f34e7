#!/usr/bin/env node
// Runs the test suite on the embedded database (PGlite) and, when TEST_DATABASE_URL is set, again on
// PostgreSQL. Extra arguments are test files: `npm test -- test/integration/auth.test.ts`.
//
// Test files run in Node processes TEST_CONCURRENCY at a time (default 2), several files per process (see
// makeJobs). Running the pool here rather than through `node --test` gives what CI needs: every file's own
// time in the log, a time limit per file (TEST_FILE_TIMEOUT_S, default 600), so one file that hangs fails
// alone instead of eating the whole CI budget, and a list of the slowest files at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

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
const missing = files.filter((file) => !existsSync(file));
if (missing.length > 0) {
  console.error(`No such test file: ${missing.join(', ')}`);
  process.exit(2);
}
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? 2) || 2);
const fileTimeoutSeconds = Math.max(1, Number(process.env.TEST_FILE_TIMEOUT_S ?? 600) || 600);

const databases = ['pglite'];
if (process.env.TEST_DATABASE_URL) databases.push('postgres');
else console.log('# TEST_DATABASE_URL is not set: running on PGlite only (set it to also run on PostgreSQL)');

// Which files reach a database: those whose relative imports lead, at any depth, to the test database
// helper. Only they can behave differently on PostgreSQL; the others (pure code) run once.
const DATABASE_HELPER = resolve('test/helpers/database.ts');
const importPattern =
  /(?:^|\s)(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
const reachesDatabase = new Map();
function usesDatabase(file, seen = new Set()) {
  const path = resolve(file);
  if (path === DATABASE_HELPER) return true;
  if (reachesDatabase.has(path)) return reachesDatabase.get(path);
  if (seen.has(path) || !existsSync(path)) return false;
  seen.add(path);
  const source = readFileSync(path, 'utf8');
  let found = false;
  for (const match of source.matchAll(importPattern)) {
    const target = resolve(dirname(path), match[1] ?? match[2]);
    if (target.endsWith('.ts') && usesDatabase(target, seen)) {
      found = true;
      break;
    }
  }
  reachesDatabase.set(path, found);
  return found;
}

// The CLI tests run the `credstack` command in a fresh DATA_DIR on the embedded database whatever TEST_DB
// says (see test/cli/cli-helpers.ts): on the PostgreSQL pass they would only repeat the PGlite pass. The
// browser tests (test/browser/) check pages in Chromium, which no database changes: they run once too.
const folderOf = (file) => file.split(/[\\/]/).slice(-3, -1).join('/');
const isBrowserTest = (file) => folderOf(file) === 'test/browser';
const isOncePerRun = (file) => isBrowserTest(file) || (args.length === 0 && folderOf(file) === 'test/cli');
const browserFiles = files.filter(isBrowserTest);

// Longest first packs the pool best; browser, CLI and fuzz files are the long ones, then bigger files.
function weight(file) {
  const folder = folderOf(file);
  const kind = isBrowserTest(file) ? 3 : folder === 'test/cli' || file.includes('fuzz') ? 2 : 1;
  return kind * 1e9 + statSync(file).size;
}

// Starting Node, loading the application through tsx and warming it up costs several seconds per process,
// more than many files take to run. So files share processes, TEST_BATCH_SIZE at a time (default 8): each
// file's tests run inside a suite named after the file, with the file's own hooks, one file after another.
// The route fuzzer keeps a process of its own, and browser files share one two by two: they are the longest
// files, so smaller jobs keep both workers busy to the end of the pass.
const batchSize = Math.max(1, Number(process.env.TEST_BATCH_SIZE ?? 8) || 8);
const isFuzzTest = (file) => file.includes('fuzz');

function makeJobs(runFiles) {
  const ordered = [...runFiles].sort((a, b) => weight(b) - weight(a));
  const browser = ordered.filter(isBrowserTest);
  const alone = [
    ...ordered.filter(isFuzzTest).map((file) => [file]),
    // The longest with the shortest, the second longest with the second shortest…
    ...Array.from({ length: Math.ceil(browser.length / 2) }, (_, index) =>
      index === browser.length - 1 - index
        ? [browser[index]]
        : [browser[index], browser[browser.length - 1 - index]],
    ),
  ];
  const shared = ordered.filter((file) => !isFuzzTest(file) && !isBrowserTest(file));
  // Dealt like cards, heaviest first, so every batch gets a mix of long and short files.
  const batchCount = Math.ceil(shared.length / batchSize);
  const batches = Array.from({ length: batchCount }, () => []);
  shared.forEach((file, index) => {
    batches[index % batchCount].push(file);
  });
  return [...alone, ...batches];
}

const reportDir = mkdtempSync(join(tmpdir(), 'credstack-test-'));
let jobCounter = 0;

/** After the last test, a process still held open by a leaked handle is ended (and said so). */
const EXIT_GRACE_MS = 15_000;

function entryModule(jobFiles) {
  const lines = [
    "import { after, describe } from 'node:test';",
    'after(() => {',
    '  setTimeout(() => {',
    `    console.log('# open handles kept this process alive ${EXIT_GRACE_MS / 1000} s after its last test: ended');`,
    '    process.exit(process.exitCode ?? 0);',
    `  }, ${EXIT_GRACE_MS}).unref();`,
    '});',
  ];
  for (const file of jobFiles) {
    const name = JSON.stringify(relative('.', file));
    const url = JSON.stringify(pathToFileURL(resolve(file)).href);
    lines.push(
      `describe(${name}, { timeout: ${fileTimeoutSeconds * 1000} }, async () => {`,
      `  await import(${url});`,
      '});',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Each file's suite, its result and time, from the TAP report (top-level entries only). */
function fileResults(tap) {
  const results = new Map();
  const lines = tap.split('\n');
  lines.forEach((line, index) => {
    const match = /^(not )?ok \d+ - (.+?)(?: # .*)?$/.exec(line);
    if (!match) return;
    let seconds = 0;
    for (let next = index + 1; next < lines.length && lines[next].startsWith('  '); next++) {
      const duration = /^ {2}duration_ms: ([\d.]+)/.exec(lines[next]);
      if (duration) seconds = Number(duration[1]) / 1000;
    }
    results.set(match[2], { ok: !match[1], seconds });
  });
  return results;
}

function runJob(jobFiles, database) {
  const id = ++jobCounter;
  const tapFile = join(reportDir, `${database}-${id}.tap`);
  const entry = join(reportDir, `${database}-${id}.entry.mjs`);
  writeFileSync(entry, entryModule(jobFiles));
  // The backstop for a process that a file's own time limit cannot stop (a busy loop, a stuck native call).
  const limitSeconds = fileTimeoutSeconds + 120 * jobFiles.length;
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/setup.ts',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tapFile}`,
        entry,
      ],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_ENV: 'test',
          TZ: 'UTC',
          TEST_DB: database,
          LOG_LEVEL: 'silent',
          FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
        },
      },
    );
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the whole group: servers and browsers the files started
      } catch {}
    }, limitSeconds * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
      const count = (key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
      const job = {
        files: jobFiles,
        seconds,
        pass: count('pass'),
        fail: count('fail'),
        skipped: count('skipped'),
      };
      job.failed = timedOut || code !== 0;
      // A process that died before reporting (a crash, a time-out) counts as one failure, never as none.
      if (job.failed && job.fail === 0) job.fail = 1;
      const perFile = fileResults(tap);
      job.fileResults = jobFiles.map((file) => {
        const result = perFile.get(relative('.', file));
        return { file, seconds: result?.seconds ?? 0, ok: result ? result.ok : !job.failed };
      });
      const names = jobFiles.length === 1 ? relative('.', jobFiles[0]) : `${jobFiles.length} files`;
      process.stdout.write(`\n# ── ${names} · ${database} · ${seconds.toFixed(1)} s\n`);
      process.stdout.write(Buffer.concat(output));
      for (const result of job.fileResults) {
        process.stdout.write(
          `# ${result.ok ? '✔' : '✖'} ${relative('.', result.file)} ${result.seconds.toFixed(1)} s\n`,
        );
      }
      if (timedOut) console.log(`# ✖ the process was stopped after ${limitSeconds} s`);
      else if (job.failed) console.log(`# ✖ the process exited with ${code ?? signal}`);
      done(job);
    });
  });
}

async function runPool(jobs, database) {
  const results = [];
  const pending = [...jobs];
  async function worker() {
    while (pending.length > 0) results.push(await runJob(pending.shift(), database));
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
  return results;
}

let failed = false;
const totals = { pass: 0, fail: 0, skipped: 0 };
const slowest = [];
for (const database of databases) {
  const runFiles =
    database === 'postgres'
      ? files.filter((f) => !isOncePerRun(f) && (args.length > 0 || usesDatabase(f)))
      : files;
  console.log(
    `\n# ===== test suite on ${database} (${runFiles.length} files, ${concurrency} at a time) =====`,
  );
  if (runFiles.length < files.length) {
    console.log(
      `# ${files.length - runFiles.length} files (CLI, browser, and code that reaches no database) ran on the embedded database above only`,
    );
  }
  if (runFiles.length === 0) continue;
  const passStarted = Date.now();
  const jobs = await runPool(makeJobs(runFiles), database);
  const failures = [];
  for (const job of jobs) {
    for (const key of ['pass', 'fail', 'skipped']) totals[key] += job[key];
    for (const result of job.fileResults) {
      slowest.push({ ...result, database });
      if (!result.ok) failures.push(result.file);
    }
    if (job.failed && job.fileResults.every((result) => result.ok)) failures.push(...job.files);
  }
  console.log(
    `\n# ${database}: ${runFiles.length} files in ${jobs.length} processes, ${((Date.now() - passStarted) / 1000).toFixed(0)} s`,
  );
  if (failures.length > 0 || jobs.some((job) => job.failed)) {
    failed = true;
    console.log(`# test suite FAILED on ${database} in ${failures.length} file(s):`);
    for (const failure of new Set(failures)) console.log(`#   ${failure}`);
  }
}

slowest.sort((a, b) => b.seconds - a.seconds);
console.log('\n# slowest files:');
for (const entry of slowest.slice(0, 12)) {
  console.log(`#   ${entry.seconds.toFixed(1).padStart(6)} s  ${entry.database.padEnd(8)} ${entry.file}`);
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
