import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import {
  cliEnv,
  migratedDataDir,
  removeTempDirs,
  runCli,
  startServe,
  stopServer,
  tempDataDir,
} from './cli-helpers.ts';

after(removeTempDirs);

interface Login {
  label: string;
  email: string;
  password: string;
}

function parseLogins(stdout: string): Login[] {
  return [
    ...stdout.matchAll(/^ {2}(owner|issuer|assessor|learner|platform admin)\s+(\S+@\S+)\s+(\S+)$/gm),
  ].map((m) => ({
    label: m[1]!,
    email: m[2]!,
    password: m[3]!,
  }));
}

describe('credstack serve on an empty data directory', { concurrency: 1 }, () => {
  const dataDir = tempDataDir();
  const env = cliEnv(dataDir);
  let logins: Login[] = [];

  test('--seed-if-empty seeds, prints the logins and the banner; a printed login signs in', async () => {
    // Logging on (JSON lines, as in production) to check that no password reaches the log.
    const server = await startServe(['--seed-if-empty'], { ...env, LOG_LEVEL: 'info' });
    try {
      const { stdout } = server.output();
      assert.match(stdout, /^Credstack is listening on http:\/\/127\.0\.0\.1:\d+$/m);
      assert.match(stdout, /API docs: {2}http:\/\/localhost:\d+\/api\/docs/);
      assert.match(stdout, /Database: {2}embedded PGlite in .*pglite/);
      assert.match(stdout, /Mail: {6}outbox/);
      assert.match(stdout, /Demo data created: Demo Academy \(demo-academy\)/);
      logins = parseLogins(stdout);
      assert.deepEqual(
        logins.map((login) => login.label),
        ['owner', 'issuer', 'assessor', 'learner', 'platform admin'],
      );

      const file = join(dataDir, 'demo-logins.txt');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const saved = readFileSync(file, 'utf8');
      assert.deepEqual(parseLogins(saved), logins);

      for (const login of [logins[0]!, logins[4]!]) {
        const response = await fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: login.email, password: login.password }),
        });
        const text = await response.text();
        assert.equal(response.status, 200, `${login.label}: ${text}`);
        const body = JSON.parse(text) as { user: { email: string } };
        assert.equal(body.user.email, login.email);
      }
      const owner = logins[0]!;
      const wrong = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: owner.email, password: `${owner.password}x` }),
      });
      assert.equal(wrong.status, 401);
    } finally {
      const exit = await stopServer(server);
      assert.deepEqual(exit, { code: 0, signal: null }, server.output().stderr);
    }
    // Request logs carry request ids; no log line carries a generated password (only the banner shows them).
    const { stdout, stderr } = server.output();
    const logLines = `${stdout}\n${stderr}`.split('\n').filter((line) => line.startsWith('{'));
    const entries = logLines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string });
    assert.ok(entries.some((entry) => entry.msg === 'incoming request' && typeof entry.reqId === 'string'));
    assert.ok(entries.some((entry) => entry.msg === 'shutting down'));
    for (const login of logins) {
      assert.ok(
        !logLines.some((line) => line.includes(login.password)),
        `${login.label}'s password is not logged`,
      );
    }
  });

  test('while the server runs, a CLI command on the same DATA_DIR stops with "in use" and changes nothing', async () => {
    const server = await startServe(['--seed-if-empty'], env);
    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      assert.doesNotMatch(
        server.output().stdout,
        /Demo data created/,
        'an existing database is not seeded again',
      );
      assert.match(server.output().stdout, /Demo logins: .*demo-logins\.txt/);
      const lock = JSON.parse(readFileSync(join(dataDir, 'credstack.lock'), 'utf8')) as {
        pid: number;
        purpose: string;
      };
      assert.equal(lock.pid, server.child.pid);
      assert.equal(lock.purpose, 'server');

      const refused = await runCli(
        ['user', 'create', '--email', 'intruder@example.org', '--name', 'Intruder'],
        { env },
      );
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(
        refused.stderr,
        /^error: The data directory .* is in use by another Credstack process \(pid \d+, server at http:\/\/localhost:\d+\)/,
      );
      assert.doesNotMatch(refused.stderr, /\n\s+at /);
      assert.equal(refused.stdout, '');

      // The server is unharmed and still serves the data.
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: logins[1]!.email, password: logins[1]!.password }),
      });
      assert.equal(login.status, 200);
    } finally {
      exit = await stopServer(server, 'SIGTERM');
    }
    assert.deepEqual(exit, { code: 0, signal: null }, 'graceful shutdown exits 0');
    assert.equal(existsSync(join(dataDir, 'credstack.lock')), false, 'the lock is released');

    // The refused command wrote nothing: the users are exactly the five demo users.
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    try {
      const users = await database.db.selectFrom('users').select('email').orderBy('email').execute();
      assert.deepEqual(users.map((u) => u.email).sort(), logins.map((l) => l.email).sort());
    } finally {
      await database.close();
    }
  });
});

test('serve without --seed-if-empty leaves an empty database empty; SIGINT stops it gracefully', async () => {
  const dataDir = await migratedDataDir();
  const server = await startServe([], cliEnv(dataDir));
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  try {
    assert.doesNotMatch(server.output().stdout, /Demo data created/);
  } finally {
    exit = await stopServer(server, 'SIGINT');
  }
  assert.deepEqual(exit, { code: 0, signal: null }, server.output().stderr);
  assert.equal(existsSync(join(dataDir, 'credstack.lock')), false, 'the lock is released');
  assert.equal(existsSync(join(dataDir, 'demo-logins.txt')), false);
});
