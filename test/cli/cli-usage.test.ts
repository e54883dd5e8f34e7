import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { COMMANDS } from '../../src/cli/main.ts';
import { cliEnv, ROOT, removeTempDirs, runCli, tempDataDir } from './cli-helpers.ts';

after(removeTempDirs);

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('help and version', () => {
  test('--help lists every command and exits 0', async () => {
    const result = await runCli(['--help'], { env: cliEnv(tempDataDir()) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: credstack <command> \[options\]$/m);
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^ {2}${command.name} `, 'm'));
    assert.match(result.stdout, /Exit codes: 0 success, 1 failure, 2 usage error/);
    assert.equal(result.stderr, '');
  });

  test('--version prints the package version', async () => {
    const result = await runCli(['--version'], { env: cliEnv(tempDataDir()) });
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
  });

  test('every command has its own --help, exit 0, without opening the database', async () => {
    const dataDir = tempDataDir();
    const results = await Promise.all(
      COMMANDS.map((command) => runCli([...command.name.split(' '), '--help'], { env: cliEnv(dataDir) })),
    );
    COMMANDS.forEach((command, index) => {
      const result = results[index]!;
      assert.equal(result.code, 0, `${command.name}: ${result.stderr}`);
      assert.ok(result.stdout.startsWith(`Usage: credstack ${command.name}`), result.stdout);
      assert.match(result.stdout, /-h, --help/);
    });
    assert.equal(existsSync(dataDir), false, 'help must not create DATA_DIR');
  });

  test('a command group without a command lists its commands; with --help exits 0', async () => {
    const env = cliEnv(tempDataDir());
    const missing = await runCli(['user'], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs a command/);
    assert.match(missing.stderr, /user create/);
    assert.match(missing.stderr, /user set-password/);
    const help = await runCli(['org', '--help'], { env });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /org add-member/);
  });

  test('bin/credstack.js runs without a build (tsx fallback)', async () => {
    const result = await runCli(['--help'], { env: cliEnv(tempDataDir()), bin: true });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Usage: credstack <command>/);
    const version = await runCli(['--version'], { env: cliEnv(tempDataDir()), bin: true });
    assert.equal(version.code, 0, version.stderr);
  });
});

describe('usage errors exit 2 with the usage on stderr and never touch the data', () => {
  const cases: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'no command', args: [], message: /Usage: credstack <command>/ },
    { name: 'unknown command', args: ['frobnicate'], message: /unknown command "frobnicate"/ },
    { name: 'unknown subcommand', args: ['user', 'delete'], message: /unknown command "user delete"/ },
    { name: 'unknown root option', args: ['--frobnicate'], message: /unknown option --frobnicate/ },
    {
      name: 'unknown flag',
      args: ['user', 'create', '--email', 'a@example.org', '--name', 'A', '--admin'],
      message: /unknown option '--admin'/i,
    },
    {
      name: 'missing required flag',
      args: ['user', 'create', '--email', 'a@example.org'],
      message: /missing required option --name/,
    },
    { name: 'missing flag value', args: ['org', 'create', '--slug'], message: /argument missing/ },
    { name: 'positional argument', args: ['audit', 'verify', 'now'], message: /unexpected argument/i },
    {
      name: 'both password options',
      args: [
        'user',
        'create',
        '--email',
        'a@example.org',
        '--name',
        'A',
        '--password',
        'x',
        '--password-stdin',
      ],
      message: /either --password or --password-stdin/,
    },
    {
      name: 'bad --expires',
      args: ['token', 'create', '--org', 'acme', '--scopes', 'org:read', '--expires', 'soon'],
      message: /--expires must be/,
    },
    {
      name: 'unknown scope',
      args: ['token', 'create', '--org', 'acme', '--scopes', 'org:read,everything'],
      message: /unknown scope everything; known scopes: org:read/,
    },
    {
      name: 'bad role',
      args: ['org', 'add-member', '--org', 'acme', '--email', 'a@example.org', '--role', 'boss'],
      message: /--role must be one of owner, admin, issuer, assessor, viewer/,
    },
  ];
  for (const { name, args, message } of cases) {
    test(name, async () => {
      const dataDir = tempDataDir();
      const result = await runCli(args, { env: cliEnv(dataDir) });
      assert.equal(result.code, 2, `${result.stdout}\n${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage: credstack/);
      assert.equal(result.stdout, '');
      assert.equal(existsSync(dataDir), false, 'a usage error must not create DATA_DIR');
    });
  }
});

test('an invalid configuration prints every problem and exits 1', async () => {
  const dataDir = tempDataDir();
  const env = cliEnv(dataDir, {
    NODE_ENV: 'production',
    CREDSTACK_SECRET: undefined,
    CREDSTACK_MASTER_KEY: undefined,
    PORT: 'eighty',
  });
  const result = await runCli(['audit', 'verify'], { env });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^Invalid configuration:/);
  assert.match(result.stderr, /CREDSTACK_SECRET is required in production/);
  assert.match(result.stderr, /PORT must be an integer/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(join(dataDir, 'pglite')), false);
});
