import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { cliEnv, migratedDataDir, removeTempDirs, runCli } from './cli-helpers.ts';

after(removeTempDirs);

interface Identity {
  slug: string;
  name: string;
  dids: { web: string; key: string };
  verificationMethods: Array<{
    id: string;
    type: string;
    controller: string;
    publicKeyMultibase: string;
    status: string;
    createdAt: string;
    retiredAt: string | null;
  }>;
  didDocumentUrl: string;
}

/** `org show` and `org rotate-key` on one data directory, in order, as an operator would run them. */
describe('credstack org show / org rotate-key', { concurrency: 1 }, async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL: 'http://localhost:3000' });
  const cli = (args: string[]) => runCli(args, { env });
  const did = 'did:web:localhost%3A3000:orgs:acme';
  const outputs: string[] = [];

  before(async () => {
    const created = await cli(['org', 'create', '--slug', 'acme', '--name', 'Acme Training']);
    assert.equal(created.code, 0, created.stderr);
  });

  test('org show --json prints the DIDs and the one active verification method', async () => {
    const result = await cli(['org', 'show', 'acme', '--json']);
    assert.equal(result.code, 0, result.stderr);
    outputs.push(result.stdout);
    const identity = JSON.parse(result.stdout) as Identity;
    assert.equal(identity.slug, 'acme');
    assert.equal(identity.name, 'Acme Training');
    assert.equal(identity.dids.web, did);
    assert.equal(identity.didDocumentUrl, 'http://localhost:3000/orgs/acme/did.json');
    assert.equal(identity.verificationMethods.length, 1);
    const [method] = identity.verificationMethods;
    assert.equal(method?.id, `${did}#key-1`);
    assert.equal(method?.type, 'Multikey');
    assert.equal(method?.controller, did);
    assert.equal(method?.status, 'active');
    assert.equal(identity.dids.key, `did:key:${method?.publicKeyMultibase}`);
  });

  test('org rotate-key retires key-1 and activates key-2; org show lists both', async () => {
    const rotated = await cli(['org', 'rotate-key', 'acme']);
    assert.equal(rotated.code, 0, rotated.stderr);
    outputs.push(rotated.stdout);
    assert.match(rotated.stdout, /^Rotated the signing key of acme\.$/m);
    assert.match(rotated.stdout, new RegExp(`active +${escapeRegExp(did)}#key-2`));
    assert.match(rotated.stdout, new RegExp(`retired +${escapeRegExp(did)}#key-1`));

    const shown = await cli(['org', 'show', 'acme']);
    assert.equal(shown.code, 0, shown.stderr);
    outputs.push(shown.stdout);
    assert.match(shown.stdout, /^Acme Training \(acme\)$/m);
    assert.match(shown.stdout, new RegExp(`^did:web +${escapeRegExp(did)}$`, 'm'));
    assert.match(shown.stdout, /published at http:\/\/localhost:3000\/orgs\/acme\/did\.json/);
    assert.match(
      shown.stdout,
      new RegExp(`${escapeRegExp(did)}#key-1\\n +retired +created \\S+, retired \\S+`),
    );
    assert.match(shown.stdout, new RegExp(`${escapeRegExp(did)}#key-2\\n +active +created \\S+\\n`));
  });

  test('an unknown organisation exits 1; a missing slug is a usage error (2)', async () => {
    const unknown = await cli(['org', 'show', 'no-such-org']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: Organisation not found/);
    const missing = await cli(['org', 'rotate-key']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing argument SLUG/);
  });

  test('no output carries the stored private keys', async () => {
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    let rows: Array<{ private_key_sealed: string; public_key_multibase: string }>;
    try {
      rows = await database.db
        .selectFrom('issuer_keys')
        .select(['private_key_sealed', 'public_key_multibase'])
        .execute();
    } finally {
      await database.close();
    }
    assert.equal(rows.length, 2);
    const all = outputs.join('\n');
    for (const row of rows) {
      assert.ok(all.includes(row.public_key_multibase));
      assert.equal(all.includes(row.private_key_sealed.split('.')[3]!), false);
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
