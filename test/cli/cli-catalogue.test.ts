import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { cliEnv, migratedDataDir, removeTempDirs, runCli } from './cli-helpers.ts';

after(removeTempDirs);

const HEADER = 'id,title,provider,description,outcomes,hours,assessment_type';
const GOOD =
  'aws-cp,Cloud Practitioner,Cloud Academy,Foundational cloud knowledge.,The learner can describe cloud services.,20,exam';
const BAD = 'bad-1,,Cloud Academy,,,,';

test('credstack catalogue import: report, idempotent re-import, refused files, usage errors', async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir);
  const cli = (args: string[]) => runCli(args, { env });
  const folder = dirname(dataDir);
  const good = join(folder, 'providers.csv');
  const mixed = join(folder, 'mixed.csv');
  const unknown = join(folder, 'providers.txt');
  writeFileSync(good, `${HEADER}\n${GOOD}\n`);
  writeFileSync(mixed, `${HEADER}\n${GOOD.replace('aws-cp', 'gcp-ace')}\n${BAD}\n`);
  writeFileSync(unknown, `${HEADER}\n${GOOD}\n`);

  // Usage errors come before the database is opened.
  const noFormat = await cli(['catalogue', 'import', unknown, '--org', 'acme']);
  assert.equal(noFormat.code, 2, noFormat.stderr);
  assert.match(noFormat.stderr, /cannot tell the format of .*providers\.txt.*--format ctdl\|ob3\|csv/);
  assert.match(noFormat.stderr, /Usage: credstack catalogue import FILE --org SLUG/);
  assert.equal((await cli(['org', 'create', '--slug', 'acme', '--name', 'Acme Training'])).code, 0);

  const first = await cli(['catalogue', 'import', good, '--org', 'acme']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /csv file .*providers\.csv: 1 created, 0 updated, 0 unchanged/);

  const again = await cli(['catalogue', 'import', good, '--org', 'acme', '--json']);
  assert.equal(again.code, 0, again.stderr);
  const report = JSON.parse(again.stdout) as { created: number; unchanged: number; entries: unknown[] };
  assert.equal(report.created, 0);
  assert.equal(report.unchanged, 1);

  const refused = await cli(['catalogue', 'import', mixed, '--org', 'acme']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /mixed\.csv: \d+ problems?; nothing was imported/);
  assert.match(refused.stderr, /--skip-invalid/);

  const dry = await cli(['catalogue', 'import', mixed, '--org', 'acme', '--skip-invalid', '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /^Dry run: csv file .*: 1 would be created, 0 would be updated, 0 unchanged, 1 skipped/,
  );
  assert.match(dry.stdout, /skipped /);

  const skipped = await cli(['catalogue', 'import', mixed, '--org', 'acme', '--skip-invalid']);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /1 created, 0 updated, 0 unchanged, 1 skipped/);
});
