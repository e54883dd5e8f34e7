import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import pino from 'pino';
import { openDatabase } from '../../src/db/database.ts';
import { buildDeps } from '../../src/deps.ts';
import { buildApp } from '../../src/http/app.ts';
import { createMemoryTransport } from '../../src/modules/mail/mail.transport.ts';
import { testConfig } from '../helpers/app.ts';
import type { LooseJson } from '../helpers/credentials.ts';
import {
  independentStatusBits,
  verifyDataIntegrityIndependently,
  verifyJwtIndependently,
} from '../helpers/independent-vc.ts';
import { cliEnv, migratedDataDir, removeTempDirs, runCli } from './cli-helpers.ts';

after(removeTempDirs);

const PUBLIC_URL = 'http://credstack.test';

test('credstack issue and credential revoke|suspend|reinstate, checked by an independent verifier', async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL });
  const cli = (args: string[]) => runCli(args, { env });

  // Usage errors are caught before the database is opened.
  const usage = await cli([
    'issue',
    '--org',
    'acme',
    '--achievement',
    'x.json',
    '--recipient-email',
    'a@b.org',
    '--cryptosuite',
    'rsa',
  ]);
  assert.equal(usage.code, 2, usage.stderr);
  assert.match(usage.stderr, /--cryptosuite must be one of eddsa-rdfc-2022, eddsa-jcs-2022/);
  assert.match(usage.stderr, /Usage: credstack issue --org SLUG/);

  const created = await cli([
    'org',
    'create',
    '--slug',
    'acme',
    '--name',
    'Acme Training',
    '--url',
    'https://acme.example',
  ]);
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
      result: [{ status: 'Completed' }],
    }),
  );

  const issued = await cli([
    'issue',
    '--org',
    'acme',
    '--achievement',
    achievementFile,
    '--recipient-email',
    'ada@example.org',
    '--recipient-name',
    'Ada',
    '--valid-until',
    '2030-12-31',
    '--json',
  ]);
  assert.equal(issued.code, 0, issued.stderr);
  const details = JSON.parse(issued.stdout) as {
    id: string;
    url: string;
    status: string;
    verifiableCredential: LooseJson;
  };
  assert.equal(details.status, 'active');
  assert.equal(details.url, `${PUBLIC_URL}/credentials/${details.id}`);
  const credential = details.verifiableCredential;
  assert.equal(credential.issuer.id, 'did:web:credstack.test:orgs:acme');
  assert.equal(credential.validUntil, '2030-12-31T00:00:00Z');
  assert.equal(credential.proof.cryptosuite, 'eddsa-rdfc-2022');

  const jwtRun = await cli([
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
  assert.equal(jwtRun.code, 0, jwtRun.stderr);
  const jwt = jwtRun.stdout.trim();
  assert.match(jwt, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'only the JWT on stdout');

  const suspended = await cli(['credential', 'suspend', details.id, '--reason', 'Certificate under review']);
  assert.equal(suspended.code, 0, suspended.stderr);
  assert.match(suspended.stdout, new RegExp(`Credential ${details.id} suspended; it is now suspended\\.`));
  const revoked = await cli([
    'credential',
    'revoke',
    details.url,
    '--reason',
    'Failed the re-assessment',
    '--json',
  ]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.deepEqual(
    (({ status, reason }) => ({ status, reason }))(
      JSON.parse(revoked.stdout) as { status: string; reason: string },
    ),
    { status: 'revoked', reason: 'Failed the re-assessment' },
  );
  const refused = await cli(['credential', 'reinstate', details.id, '--reason', 'Oops']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^error: .*revocation is final/m);
  const missing = await cli(['credential', 'revoke', '--reason', 'x']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing argument ID/);

  // The data directory as a server would serve it, read by the independent verifier.
  const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
  try {
    const deps = await buildDeps(testConfig({ PUBLIC_URL, DATA_DIR: dataDir }), pino({ level: 'silent' }), {
      database,
      mailTransport: createMemoryTransport(),
    });
    const app = await buildApp(deps);
    await app.ready();
    try {
      const server = { app, deps };
      const result = await verifyDataIntegrityIndependently(server, credential);
      assert.equal(result.verified, true, String(result.error));
      assert.deepEqual(await independentStatusBits(server, credential), {
        revocation: true,
        suspension: true,
      });
      const payload = await verifyJwtIndependently(server, jwt);
      assert.deepEqual(await independentStatusBits(server, payload), {
        revocation: false,
        suspension: false,
      });
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
});
