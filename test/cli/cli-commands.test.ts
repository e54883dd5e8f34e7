import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { cliEnv, migratedDataDir, removeTempDirs, runCli, TOKEN_REGEX, tempDataDir } from './cli-helpers.ts';

after(removeTempDirs);

/**
 * Commands run in order on a data directory, as an operator would. Two independent groups, each with its
 * own directory, run side by side to keep the wall-clock time down (every command is a fresh process that
 * opens the embedded database).
 */
async function dataDirCli(options: { migrated?: boolean } = {}) {
  const dataDir = options.migrated ? await migratedDataDir() : tempDataDir();
  const env = cliEnv(dataDir);
  return { dataDir, cli: (args: string[], input?: string) => runCli(args, { env, input }) };
}

describe('credstack commands', { concurrency: true }, () => {
  describe('database and accounts', { concurrency: 1 }, async () => {
    const { dataDir, cli } = await dataDirCli();

    before(async () => {
      const migrated = await cli(['db', 'migrate']);
      assert.equal(migrated.code, 0, migrated.stderr);
      assert.match(migrated.stdout, /Applied \d+ migrations? to .*pglite/);
      assert.match(migrated.stdout, /0001-foundation/);
    });

    test('db migrate again has nothing to do', async () => {
      const result = await cli(['db', 'migrate']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /up to date/);
    });

    test('user create without a password generates and prints one', async () => {
      const result = await cli(['user', 'create', '--email', 'Ada@Example.org', '--name', 'Ada Lovelace']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Created user ada@example\.org \(id [0-9a-f-]{36}\)\.$/m);
      assert.match(result.stdout, /^Password: [A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/m);
      assert.equal(result.stderr, '');
    });

    test('user create with --password-stdin, as platform admin, prints no password', async () => {
      const result = await cli(
        [
          'user',
          'create',
          '--email',
          'root@example.org',
          '--name',
          'Root',
          '--password-stdin',
          '--platform-admin',
        ],
        'a long enough password\n',
      );
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Created user root@example\.org .*platform administrator/);
      assert.doesNotMatch(result.stdout, /Password:/);
      assert.doesNotMatch(result.stdout + result.stderr, /a long enough password/);
    });

    test('user create --unverified sends a verification mail to the outbox', async () => {
      const result = await cli([
        'user',
        'create',
        '--email',
        'new@example.org',
        '--name',
        'New',
        '--password',
        'another good password',
        '--unverified',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /unverified: a verification mail was sent/);
      const outbox = join(dataDir, 'outbox');
      assert.ok(existsSync(outbox), 'the CLI delivers queued mail before it exits');
      const mails = readdirSync(outbox).map((file) => readFileSync(join(outbox, file), 'utf8'));
      assert.ok(mails.some((mail) => mail.includes('To: new@example.org')));
    });

    test('a service error prints "error: <detail>" without a stack trace and exits 1', async () => {
      const duplicate = await cli(['user', 'create', '--email', 'ada@example.org', '--name', 'Ada again']);
      assert.equal(duplicate.code, 1);
      assert.match(duplicate.stderr, /^error: An account with this e-mail address already exists/);
      assert.doesNotMatch(duplicate.stderr, /\n\s+at /);
      assert.equal(duplicate.stdout, '');

      const weak = await cli([
        'user',
        'create',
        '--email',
        'weak@example.org',
        '--name',
        'W',
        '--password',
        'short',
      ]);
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /^error: The password must be at least 10 characters/);
    });

    test('user set-password: from stdin, or generated', async () => {
      const fromStdin = await cli(
        ['user', 'set-password', '--email', 'ada@example.org', '--password-stdin'],
        'brand new password\n',
      );
      assert.equal(fromStdin.code, 0, fromStdin.stderr);
      assert.match(fromStdin.stdout, /Password set for ada@example\.org/);
      assert.doesNotMatch(fromStdin.stdout, /New password:/);

      const generated = await cli(['user', 'set-password', '--email', 'ada@example.org']);
      assert.equal(generated.code, 0, generated.stderr);
      assert.match(generated.stdout, /^New password: \S{23}$/m);

      const unknown = await cli(['user', 'set-password', '--email', 'nobody@example.org']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^error: User not found/);

      const empty = await cli(['user', 'set-password', '--email', 'ada@example.org', '--password-stdin'], '');
      assert.equal(empty.code, 2);
      assert.match(empty.stderr, /standard input is empty/);
    });

    test('no lock file is left behind by one-shot commands', () => {
      assert.equal(existsSync(join(dataDir, 'credstack.lock')), false);
    });
  });

  describe('organisations and tokens', { concurrency: 1 }, async () => {
    const { dataDir, cli } = await dataDirCli();

    before(async () => {
      // No `db migrate` first: every command brings the schema up to date itself.
      for (const [email, name] of [
        ['ada@example.org', 'Ada Lovelace'],
        ['root@example.org', 'Root'],
      ] as const) {
        const created = await cli(['user', 'create', '--email', email, '--name', name]);
        assert.equal(created.code, 0, created.stderr);
      }
    });

    test('org create, org add-member and org list', async () => {
      const created = await cli([
        'org',
        'create',
        '--slug',
        'acme',
        '--name',
        'Acme Training',
        '--owner',
        'ada@example.org',
      ]);
      assert.equal(created.code, 0, created.stderr);
      assert.match(
        created.stdout,
        /Created organisation acme \(Acme Training\), id [0-9a-f-]{36}, owned by ada@example\.org/,
      );

      const noOwner = await cli([
        'org',
        'create',
        '--slug',
        'ghost',
        '--name',
        'Ghost',
        '--owner',
        'nobody@example.org',
      ]);
      assert.equal(noOwner.code, 1);
      assert.match(noOwner.stderr, /^error: No user has the e-mail address nobody@example\.org/);

      const taken = await cli(['org', 'create', '--slug', 'acme', '--name', 'Again']);
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /^error: The slug "acme" is already taken/);

      const added = await cli([
        'org',
        'add-member',
        '--org',
        'acme',
        '--email',
        'root@example.org',
        '--role',
        'issuer',
      ]);
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /Added root@example\.org to acme as issuer/);

      const again = await cli([
        'org',
        'add-member',
        '--org',
        'acme',
        '--email',
        'root@example.org',
        '--role',
        'viewer',
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already a member/);

      const table = await cli(['org', 'list']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^SLUG\s+NAME\s+MEMBERS\s+CREATED$/m);
      assert.match(table.stdout, /^acme\s+Acme Training\s+2\s+\d{4}-\d{2}-\d{2}$/m);

      const json = await cli(['org', 'list', '--json']);
      assert.equal(json.code, 0, json.stderr);
      const rows = JSON.parse(json.stdout) as Array<{ slug: string; members: number }>;
      assert.deepEqual(
        rows.map((row) => [row.slug, row.members]),
        [['acme', 2]],
      );
    });

    test('token create prints only the token', async () => {
      const result = await cli([
        'token',
        'create',
        '--org',
        'acme',
        '--scopes',
        'org:read,credentials:issue',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.split('\n').length, 2, 'one line and its newline');
      assert.match(result.stdout.trim(), TOKEN_REGEX);
      assert.equal(result.stderr, '');
    });

    test('token create --json gives the details and the token', async () => {
      const before = Date.now();
      const result = await cli([
        'token',
        'create',
        '--org',
        'acme',
        '--scopes',
        'org:read',
        '--expires',
        '30d',
        '--name',
        'CI pipeline',
        '--json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const details = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.match(details.token as string, TOKEN_REGEX);
      assert.ok((details.token as string).startsWith(`${details.prefix as string}_`));
      assert.match(details.id as string, /^[0-9a-f-]{36}$/);
      assert.equal(details.name, 'CI pipeline');
      assert.deepEqual(details.scopes, ['org:read']);
      const expiresAt = Date.parse(details.expiresAt as string);
      const thirtyDays = 30 * 86_400_000;
      assert.ok(expiresAt >= before + thirtyDays - 1000 && expiresAt <= Date.now() + thirtyDays + 1000);
    });

    test('token create for an unknown organisation fails with exit 1', async () => {
      const result = await cli(['token', 'create', '--org', 'nope', '--scopes', 'org:read']);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /^error: Organisation not found/);
      assert.equal(result.stdout, '');
    });

    test('no lock file is left behind by one-shot commands', () => {
      assert.equal(existsSync(join(dataDir, 'credstack.lock')), false);
    });
  });

  describe('demo and audit', { concurrency: 1 }, async () => {
    const { dataDir, cli } = await dataDirCli({ migrated: true });

    test('demo seed creates the demo once, prints the logins and keeps them in a 0600 file', async () => {
      const result = await cli(['demo', 'seed']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Created Demo Academy \(demo-academy\)/);
      const logins = [...result.stdout.matchAll(/^ {2}(.+?)\s{2,}(\S+@\S+)\s+(\S+)$/gm)].map((m) => ({
        label: m[1]!.trim(),
        email: m[2]!,
        password: m[3]!,
      }));
      assert.deepEqual(
        logins.map((login) => login.label),
        ['owner', 'issuer', 'assessor', 'learner', 'platform admin'],
      );
      const file = join(dataDir, 'demo-logins.txt');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const saved = readFileSync(file, 'utf8');
      for (const login of logins) assert.ok(saved.includes(login.password), `${login.label} is in the file`);
      assert.equal(new Set(logins.map((login) => login.password)).size, logins.length, 'distinct passwords');

      const again = await cli(['demo', 'seed']);
      assert.equal(again.code, 1);
      assert.match(
        again.stderr,
        /^error: The demo organisation "demo-academy" already exists; nothing was changed/,
      );

      const list = await cli(['org', 'list']);
      assert.match(list.stdout, /^demo-academy\s+Demo Academy\s+3\s/m);
    });

    test('audit verify: ok with the event count, then 1 with the first broken link after tampering', async () => {
      const ok = await cli(['audit', 'verify']);
      assert.equal(ok.code, 0, ok.stderr);
      const count = Number(
        /^ok: the audit chain is intact \((\d+) events verified\)\.$/m.exec(ok.stdout)?.[1],
      );
      assert.ok(count >= 10, ok.stdout);

      // The CLI has exited, so the data directory is free: alter one event behind the application's back.
      const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
      let target: { seq: number; id: string };
      let earlier: number;
      try {
        target = await database.db
          .selectFrom('audit_events')
          .select(['seq', 'id'])
          .where('type', '=', 'organisation.created')
          .orderBy('seq')
          .executeTakeFirstOrThrow();
        earlier = (
          await database.db.selectFrom('audit_events').select('seq').where('seq', '<', target.seq).execute()
        ).length;
        await database.db
          .updateTable('audit_events')
          .set({ data: JSON.stringify({ slug: 'acme', name: 'Evil Corp' }) })
          .where('seq', '=', target.seq)
          .execute();
      } finally {
        await database.close();
      }

      const broken = await cli(['audit', 'verify']);
      assert.equal(broken.code, 1, broken.stderr);
      assert.match(
        broken.stdout,
        new RegExp(
          `^BROKEN: the audit chain breaks at event seq ${target.seq} \\(id ${target.id}\\): content does not match its hash`,
          'm',
        ),
      );
      assert.match(broken.stdout, new RegExp(`^${earlier} events? before it verified\\.$`, 'm'));

      const json = await cli(['audit', 'verify', '--json']);
      assert.equal(json.code, 1);
      const parsed = JSON.parse(json.stdout) as { ok: boolean; brokenAt: { seq: number; id: string } };
      assert.equal(parsed.ok, false);
      assert.deepEqual([parsed.brokenAt.seq, parsed.brokenAt.id], [target.seq, target.id]);
    });

    test('no lock file is left behind by one-shot commands', () => {
      assert.equal(existsSync(join(dataDir, 'credstack.lock')), false);
    });
  });
});
