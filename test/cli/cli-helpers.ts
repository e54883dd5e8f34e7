import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/command.ts';
import { migrateToLatest, openDatabase } from '../../src/db/database.ts';
import { migrationsFingerprint } from '../helpers/database.ts';

/**
 * Helpers for running the real `credstack` command as a child process. Children always use the embedded
 * database in a fresh temporary DATA_DIR (whatever TEST_DB says), so they never touch the developer's data
 * or a shared PostgreSQL server.
 */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
export const BIN = join(ROOT, 'bin', 'credstack.js');
export const TOKEN_REGEX = /^cst_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

const SECRET = 'cli-test-secret-cli-test-secret-0123456789';
const MASTER_KEY = '11'.repeat(32);

const tempDirs: string[] = [];

/** A fresh directory for one test's DATA_DIR (not created: the CLI creates it when it needs it). */
export function tempDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'credstack-cli-'));
  tempDirs.push(parent);
  return join(parent, 'data');
}

let templatePromise: Promise<string> | undefined;

/**
 * A DATA_DIR whose embedded database is created and migrated, cached on disk by migration files and PGlite
 * version. Creating a PGlite data directory costs about five seconds, copying this one a few hundred
 * milliseconds; only the first test process on a machine pays.
 */
function migratedTemplate(): Promise<string> {
  templatePromise ??= (async () => {
    const cacheDir = join(ROOT, 'node_modules', '.cache', 'credstack');
    const template = join(cacheDir, `cli-data-dir-${migrationsFingerprint()}`);
    if (existsSync(join(template, 'pglite', 'PG_VERSION'))) return template;
    mkdirSync(cacheDir, { recursive: true });
    const building = `${template}.${process.pid}.tmp`;
    rmSync(building, { recursive: true, force: true });
    const handle = await openDatabase({ kind: 'pglite', dataDir: join(building, 'pglite') });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    try {
      renameSync(building, template);
    } catch {
      // Another test process finished first: its template is the same.
      rmSync(building, { recursive: true, force: true });
    }
    return template;
  })();
  return templatePromise;
}

/**
 * A fresh DATA_DIR like `tempDataDir`, whose database already exists and is migrated: for tests about what
 * commands do, not about a first start (which `tempDataDir` keeps testing).
 */
export async function migratedDataDir(): Promise<string> {
  const template = await migratedTemplate();
  const dataDir = tempDataDir();
  cpSync(template, dataDir, { recursive: true });
  return dataDir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The child's environment: this process's, minus anything database- or secret-related, plus the test's. */
export function cliEnv(dataDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (
      /^(DATABASE_URL|TEST_DATABASE_URL|TEST_DB|SMTP_URL|PUBLIC_URL|TLS_CERT|TLS_KEY|DEMO_SEED|DEBUG|NODE_OPTIONS|NODE_TEST_CONTEXT)$/.test(
        name,
      )
    ) {
      delete env[name];
    }
  }
  Object.assign(env, {
    NODE_ENV: 'test',
    TZ: 'UTC',
    DATA_DIR: dataDir,
    CREDSTACK_SECRET: SECRET,
    CREDSTACK_MASTER_KEY: MASTER_KEY,
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_COST: '10', // cheap hashes in tests, as in test/helpers/app.ts
    PORT: '0',
    HOST: '127.0.0.1',
  });
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `credstack <args>` and collects its output. By default the command runs in this process through
 * `runCli` with its own output, input and environment (the CliIo every command writes through): the same
 * code as the binary, without a Node start and a TypeScript compile per call, which made the CLI tests the
 * slowest part of the suite; test/setup.ts's network guard covers them too. `spawn: true` runs a real child process through tsx, `bin: true` through
 * bin/credstack.js, for what only a process shows: exit codes set by the entry point, signals, the binary.
 */
export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string; bin?: boolean; spawn?: boolean; timeoutMs?: number },
): Promise<CliResult> {
  if (!options.bin && !options.spawn) return runCliInProcess(args, options);
  const nodeArgs = options.bin ? [BIN, ...args] : ['--import', 'tsx', MAIN, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: options.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`credstack ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

async function runCliInProcess(
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string },
): Promise<CliResult> {
  // Imported on first use, so test files that only spawn processes never load the application.
  const { runCli: run } = await import('../../src/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    stdin: Readable.from(options.input ? [options.input] : []),
    env: { ...options.env },
  };
  const code = await run(args, io);
  return { code, signal: null, stdout, stderr };
}

export interface ServerProcess {
  child: ChildProcess;
  /** The `http://127.0.0.1:<port>` the server printed once it listened. */
  url: string;
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `credstack serve` and waits until it printed its listening address and answers /healthz. PGlite
 * takes seconds to create a data directory, hence the generous limit.
 */
export async function startServe(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const server: Omit<ServerProcess, 'url'> = { child, output: () => ({ stdout, stderr }), exited };
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (done) throw new Error('the server exited before it was ready');
      const match = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (match) {
        const url = match[1]!;
        const ok = await fetch(`${url}/healthz`)
          .then((response) => response.ok)
          .catch(() => false);
        if (ok) return { ...server, url };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the server did not become ready in time');
  } catch (error) {
    if (!done) child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
}

/** Sends a signal and waits for the exit, failing after `timeoutMs` (then kills it). */
export async function stopServer(
  server: ServerProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 30_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      server.child.kill('SIGKILL');
      reject(new Error(`the server did not stop within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
