import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bakeSvg } from '../../src/core/baking.ts';
import type { LooseJson } from '../helpers/credentials.ts';
import {
  type CliResult,
  cliEnv,
  migratedDataDir,
  ROOT,
  removeTempDirs,
  runCli,
  type ServerProcess,
  startServe,
  stopServer,
  tempDataDir,
} from './cli-helpers.ts';

after(removeTempDirs);

const PUBLIC_URL = 'http://credstack.test';
const STEP_IDS = ['format', 'proof', 'issuer', 'status', 'validity', 'schema'];
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'vc');
const fixture = (name: string) => join(FIXTURES, name);

type Run = CliResult;

/** `credstack <args>` in this process (runCli's default), so test/setup.ts's network guard covers it. */
function cli(args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<Run> {
  return runCli(args, { env, input: stdin });
}

interface Report {
  verified: boolean;
  verdict: 'valid' | 'invalid' | 'unknown';
  format: string;
  issuer: { id: string; name?: string } | null;
  statuses: Array<{ purpose: string; state: string; statusListCredential?: string }>;
  errors: Array<{ step: string; code: string }>;
  steps: Array<{ id: string; title: string; outcome: string; summary: string }>;
}

function parseReport(run: Run): Report {
  try {
    return JSON.parse(run.stdout) as Report;
  } catch {
    assert.fail(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

function outcomes(report: Report): Record<string, string> {
  return Object.fromEntries(report.steps.map((s) => [s.id, s.outcome]));
}

function statesByPurpose(report: Report): Record<string, string> {
  return Object.fromEntries(report.statuses.map((s) => [s.purpose, s.state]));
}

/** An operator-facing error: one `error:` line, nothing on stdout, no stack trace. */
function assertCleanError(run: Run, code: number, message: RegExp): void {
  assert.equal(run.code, code, run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stdout, '');
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(run.stderr, /DEBUG=1/, 'an expected failure, not an unexpected one');
}

/** A port that was free a moment ago. The server must listen on a fixed port to name its URL in the lock. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('credstack verify', { concurrency: 1 }, async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL });
  const verify = (args: string[], stdin?: string) => cli(['verify', ...args], env, stdin);

  test('a valid eddsa-rdfc-2022 credential: exit 0, --json has the whole step log', async () => {
    const run = await verify([fixture('valid-eddsa-rdfc-2022.json'), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = parseReport(run);
    assert.equal(report.verdict, 'valid');
    assert.equal(report.verified, true);
    assert.equal(report.format, 'data-integrity');
    assert.equal(report.issuer?.name, 'Fixture Academy');
    assert.deepEqual(
      report.steps.map((s) => s.id),
      STEP_IDS,
    );
    assert.deepEqual(outcomes(report), {
      format: 'passed',
      proof: 'passed',
      issuer: 'passed',
      status: 'skipped',
      validity: 'passed',
      schema: 'passed',
    });
    assert.ok(report.steps.every((s) => s.title !== '' && s.summary !== ''));
    assert.deepEqual(report.errors, []);
  });

  test('the text output: verdict line, format, issuer and one line per step', async () => {
    const json = parseReport(await verify([fixture('valid-eddsa-rdfc-2022.json'), '--json']));
    const run = await verify([fixture('valid-eddsa-rdfc-2022.json')]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'Verdict: VALID: every check passed.');
    assert.match(run.stdout, /^Checked at: \d{4}-\d{2}-\d{2}T\S+Z$/m);
    assert.match(run.stdout, /^Format: data-integrity$/m);
    assert.match(run.stdout, /^Issuer: Fixture Academy \(did:key:z6Mk\w+\)$/m);
    const stepLines = lines.filter((line) => /^\[(PASS|FAIL|SKIP|WARN|\?\?\?\?)\] /.test(line));
    assert.deepEqual(
      stepLines,
      json.steps.map((s) => `[${s.outcome === 'skipped' ? 'SKIP' : 'PASS'}] ${s.title}: ${s.summary}`),
    );
  });

  test('eddsa-jcs-2022 and a compact vc+jwt file are valid too', async () => {
    const jcs = await verify([fixture('valid-eddsa-jcs-2022.json'), '--json']);
    assert.equal(jcs.code, 0, jcs.stderr);
    assert.equal(parseReport(jcs).verdict, 'valid');

    const jwt = await verify([fixture('valid-vc-jwt.jwt'), '--json']);
    assert.equal(jwt.code, 0, jwt.stderr);
    const report = parseReport(jwt);
    assert.equal(report.verdict, 'valid');
    assert.equal(report.format, 'vc+jwt');
    assert.deepEqual(
      report.steps.map((s) => s.id),
      STEP_IDS,
    );
  });

  test('a baked SVG badge: the vc+jwt inside is verified', async () => {
    const baked = join(tempDataDir(), '..', 'baked.svg');
    const jws = readFileSync(fixture('valid-vc-jwt.jwt'), 'utf8').trim();
    writeFileSync(baked, bakeSvg('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"/>', jws));
    const run = await verify([baked, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([parseReport(run).verdict, parseReport(run).format], ['valid', 'vc+jwt']);
  });

  test('a tampered credential: exit 1, the proof step failed', async () => {
    const json = await verify([fixture('tampered.json'), '--json']);
    assert.equal(json.code, 1, json.stderr);
    const report = parseReport(json);
    assert.equal(report.verdict, 'invalid');
    assert.equal(report.verified, false);
    assert.equal(outcomes(report).proof, 'failed');
    assert.ok(report.errors.some((e) => e.step === 'proof'));

    const text = await verify([fixture('tampered.json')]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^Verdict: INVALID: at least one check failed\.$/m);
    assert.match(text.stdout, /^\[FAIL\] Signature: /m);
    assert.equal(text.stderr, '', 'an invalid credential is a result, not an error');
  });

  test('an expired credential: exit 1, the validity step failed', async () => {
    const run = await verify([fixture('expired.json'), '--json']);
    assert.equal(run.code, 1, run.stderr);
    const report = parseReport(run);
    assert.equal(report.verdict, 'invalid');
    assert.equal(outcomes(report).validity, 'failed');
    assert.equal(outcomes(report).proof, 'passed');
  });

  test('--offline with status lists on another host: exit 2, status unknown (never "not revoked")', async () => {
    const json = await verify([fixture('status-active.json'), '--offline', '--json']);
    assert.equal(json.code, 2, json.stderr);
    const report = parseReport(json);
    assert.equal(report.verdict, 'unknown');
    assert.equal(report.verified, false);
    assert.equal(outcomes(report).status, 'unknown');
    assert.equal(outcomes(report).proof, 'passed');
    assert.deepEqual(statesByPurpose(report), { revocation: 'unknown', suspension: 'unknown' });

    const text = await verify(['--offline', fixture('status-active.json')]);
    assert.equal(text.code, 2);
    assert.match(text.stdout, /^Verdict: COULD NOT CHECK: /m);
    assert.match(
      text.stdout,
      /^Status \(revocation\): unknown \(https:\/\/status\.example\/lists\/revocation\/1, index 8\)$/m,
    );
    assert.match(text.stdout, /^\[\?\?\?\?\] Revocation and suspension: /m);
  });

  test('- reads the credential from standard input (JSON or a compact JWT)', async () => {
    const json = await verify(['-', '--json'], readFileSync(fixture('valid-eddsa-rdfc-2022.json'), 'utf8'));
    assert.equal(json.code, 0, json.stderr);
    assert.equal(parseReport(json).verdict, 'valid');

    const jwt = await verify(['-'], `${readFileSync(fixture('valid-vc-jwt.jwt'), 'utf8').trim()}\n`);
    assert.equal(jwt.code, 0, jwt.stderr);
    assert.match(jwt.stdout, /^Format: vc\+jwt$/m);

    const tampered = await verify(['-'], readFileSync(fixture('tampered.json'), 'utf8'));
    assert.equal(tampered.code, 1, tampered.stderr);
  });

  test('input errors: missing file (1), empty input (2), bad JSON (1), no argument (2)', async () => {
    const missingPath = join(dirname(dataDir), 'no-such-credential.json');
    assertCleanError(
      await verify([missingPath]),
      1,
      new RegExp(`^error: no such file: ${missingPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`),
    );

    const emptyFile = join(dirname(dataDir), 'empty.json');
    writeFileSync(emptyFile, '  \n');
    const empty = await verify([emptyFile]);
    assertCleanError(empty, 2, /^error: .*empty\.json is empty\n/);
    assert.match(empty.stderr, /Usage: credstack verify FILE\|URL\|- \[--json\] \[--offline\]/);

    const emptyStdin = await verify(['-'], '');
    assertCleanError(emptyStdin, 2, /^error: standard input is empty\n/);

    const badJson = join(dirname(dataDir), 'bad.json');
    writeFileSync(badJson, '{"@context": [');
    assertCleanError(await verify([badJson]), 1, /^error: .*bad\.json is not valid JSON: /);

    const noArgument = await verify([]);
    assertCleanError(noArgument, 2, /^error: missing argument FILE\|URL\|-\n/);
  });

  test('--offline refuses to fetch a credential from another host', async () => {
    assertCleanError(
      await verify(['https://issuer.example/credentials/1', '--offline']),
      1,
      /^error: --offline: not fetching https:\/\/issuer\.example\/credentials\/1\n$/,
    );
  });

  test('text that is neither JSON nor a JWT is an invalid credential, reported at the format step', async () => {
    const run = await verify(['-', '--json'], 'hello, verifier\n');
    assert.equal(run.code, 1, run.stderr);
    const report = parseReport(run);
    assert.equal(report.verdict, 'invalid');
    assert.equal(outcomes(report).format, 'failed');
  });

  test('as a real process: piped standard input and the exit status', async () => {
    // The child loads the network guard too.
    const guarded = { ...env, NODE_OPTIONS: `--import tsx --import ${join(ROOT, 'test', 'setup.ts')}` };
    const run = await runCli(['verify', '-', '--offline'], {
      env: guarded,
      input: readFileSync(fixture('status-active.json'), 'utf8'),
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stdout, /^Verdict: COULD NOT CHECK: /m);
  });
});

describe('credstack verify on credentials issued in the same data directory', {
  concurrency: 1,
}, async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL });
  const run = (args: string[], stdin?: string) => cli(args, env, stdin);
  const issuedFile = join(dirname(dataDir), 'issued.json');
  let credentialId = '';
  let jwt = '';

  before(async () => {
    const created = await run(['org', 'create', '--slug', 'acme', '--name', 'Acme Training']);
    assert.equal(created.code, 0, created.stderr);
    const achievementFile = join(dirname(dataDir), 'achievement.json');
    writeFileSync(
      achievementFile,
      JSON.stringify({
        achievement: {
          name: 'First aid at work',
          description: 'Gives first aid in the workplace.',
          criteria: { narrative: 'Pass the practical assessment.' },
          achievementType: 'Certificate',
        },
      }),
    );
    const issued = await run([
      'issue',
      '--org',
      'acme',
      '--achievement',
      achievementFile,
      '--recipient-email',
      'ada@example.org',
      '--json',
    ]);
    assert.equal(issued.code, 0, issued.stderr);
    const details = JSON.parse(issued.stdout) as { id: string; verifiableCredential: LooseJson };
    credentialId = details.id;
    writeFileSync(issuedFile, JSON.stringify(details.verifiableCredential, null, 2));

    const issuedJwt = await run([
      'issue',
      '--org',
      'acme',
      '--achievement',
      achievementFile,
      '--recipient-email',
      'grace@example.org',
      '--format',
      'vc+jwt',
    ]);
    assert.equal(issuedJwt.code, 0, issuedJwt.stderr);
    jwt = issuedJwt.stdout.trim();
  });

  test('an active credential: exit 0, issuer DID and status lists read from the database', async () => {
    // No --offline: our own did:web and status lists must come from the database, never over the network.
    const json = await run(['verify', issuedFile, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = parseReport(json);
    assert.equal(report.verdict, 'valid');
    assert.equal(report.issuer?.id, 'did:web:credstack.test:orgs:acme');
    assert.deepEqual(outcomes(report), {
      format: 'passed',
      proof: 'passed',
      issuer: 'passed',
      status: 'passed',
      validity: 'passed',
      schema: 'passed',
    });
    assert.deepEqual(statesByPurpose(report), { revocation: 'active', suspension: 'active' });
    assert.ok(report.statuses.every((s) => s.statusListCredential?.startsWith(`${PUBLIC_URL}/`)));

    const text = await run(['verify', issuedFile, '--offline']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Verdict: VALID/m);
    assert.match(
      text.stdout,
      /^Status \(revocation\): active \(http:\/\/credstack\.test\/\S+, index \d+\)$/m,
    );

    const fromJwt = await run(['verify', '-', '--json'], jwt);
    assert.equal(fromJwt.code, 0, fromJwt.stderr);
    assert.equal(parseReport(fromJwt).format, 'vc+jwt');
    assert.deepEqual(statesByPurpose(parseReport(fromJwt)), { revocation: 'active', suspension: 'active' });
  });

  test('after credential revoke: exit 1, revocation status revoked', async () => {
    const revoked = await run(['credential', 'revoke', credentialId, '--reason', 'Failed the re-assessment']);
    assert.equal(revoked.code, 0, revoked.stderr);

    const json = await run(['verify', issuedFile, '--json']);
    assert.equal(json.code, 1, json.stderr);
    const report = parseReport(json);
    assert.equal(report.verdict, 'invalid');
    assert.equal(outcomes(report).status, 'failed');
    assert.equal(outcomes(report).proof, 'passed');
    assert.equal(statesByPurpose(report).revocation, 'revoked');

    const text = await run(['verify', issuedFile]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^Status \(revocation\): revoked /m);
    assert.match(text.stdout, /^\[FAIL\] Revocation and suspension: /m);

    // The other credential's bits are untouched.
    const other = await run(['verify', '-', '--json'], jwt);
    assert.equal(other.code, 0, other.stderr);
  });

  describe('while the server holds the embedded database', { concurrency: 1 }, () => {
    let server: ServerProcess | undefined;

    before(async () => {
      // A fixed port: the server names its URL in the data-directory lock only when PORT is not 0.
      const port = await freePort();
      server = await startServe([], { ...env, PORT: String(port) });
    });
    after(async () => {
      if (server) await stopServer(server);
    });

    test('verify goes through the running server and gives the same verdicts', async () => {
      const lock = JSON.parse(readFileSync(join(dataDir, 'credstack.lock'), 'utf8')) as {
        purpose: string;
        url?: string;
      };
      assert.equal(lock.purpose, 'server');
      assert.ok(lock.url, 'the lock names the server URL');

      // Another command that needs the database is refused: the lock is really held.
      const busy = await run(['org', 'show', 'acme']);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, /in use by another Credstack process/);

      const revoked = await run(['verify', issuedFile, '--json']);
      assert.equal(revoked.code, 1, revoked.stderr);
      const report = parseReport(revoked);
      assert.equal(report.verdict, 'invalid');
      assert.deepEqual(
        report.steps.map((s) => s.id),
        STEP_IDS,
      );
      assert.equal(statesByPurpose(report).revocation, 'revoked');

      const active = await run(['verify', '-'], jwt);
      assert.equal(active.code, 0, active.stderr);
      assert.match(active.stdout, /^Verdict: VALID: every check passed\.$/m);
      assert.match(active.stdout, /^Status \(revocation\): active /m);
      assert.match(active.stdout, /^Format: vc\+jwt$/m);

      const fixtureRun = await run(['verify', fixture('valid-eddsa-rdfc-2022.json'), '--json']);
      assert.equal(fixtureRun.code, 0, fixtureRun.stderr);
      assert.equal(parseReport(fixtureRun).verdict, 'valid');

      const tampered = await run(['verify', fixture('tampered.json')]);
      assert.equal(tampered.code, 1, tampered.stderr);
      assert.match(tampered.stdout, /^\[FAIL\] Signature: /m);

      // The server does not fetch other hosts either (REMOTE_FETCH is off by default).
      const unknown = await run(['verify', fixture('status-active.json'), '--offline']);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stdout, /^Verdict: COULD NOT CHECK: /m);
    });
  });
});
