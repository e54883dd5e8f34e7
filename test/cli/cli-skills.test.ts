import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  escoFiles,
  escoSkillsCsv,
  onetFiles,
  removeFolders,
  writeFolder,
} from '../integration/skills-fixtures.ts';
import { cliEnv, migratedDataDir, removeTempDirs, runCli } from './cli-helpers.ts';

after(() => {
  removeTempDirs();
  removeFolders();
});

test('credstack skills import esco|onet: usage errors, bad files, summaries and JSON', async () => {
  const env = cliEnv(await migratedDataDir());
  const cli = (args: string[]) => runCli(args, { env });

  const help = await cli(['skills', 'import', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /Usage: credstack skills import SOURCE FOLDER/);

  const noArgs = await cli(['skills', 'import']);
  assert.equal(noArgs.code, 2);
  assert.match(noArgs.stderr, /error: missing argument SOURCE/);

  const badSource = await cli(['skills', 'import', 'lightcast', '/tmp']);
  assert.equal(badSource.code, 2);
  assert.match(badSource.stderr, /error: SOURCE must be esco or onet, got "lightcast"/);

  const missing = await cli(['skills', 'import', 'esco', '/nonexistent/esco']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /error: The folder \/nonexistent\/esco does not exist/);

  const malformed = await cli([
    'skills',
    'import',
    'esco',
    writeFolder(
      escoFiles({
        'skills_en.csv': `${escoSkillsCsv()}\nKnowledgeSkillCompetence,http://x.example/1,knowledge`,
      }),
    ),
  ]);
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /error: skills_en\.csv line 10: Invalid Record Length/);

  const esco = writeFolder(escoFiles());
  const imported = await cli(['skills', 'import', 'esco', esco, '--json', '--release', 'v1.1.1']);
  assert.equal(imported.code, 0, imported.stderr);
  const summary = JSON.parse(imported.stdout) as Record<string, unknown>;
  assert.equal(summary.framework, 'esco');
  assert.equal(summary.version, 'v1.1.1');
  assert.equal(summary.skills, 5);
  assert.equal(summary.occupationSkills, 5);
  assert.equal(typeof summary.durationMs, 'number');
  assert.match(imported.stderr, /read skills_en\.csv: 5 records/);
  assert.match(imported.stderr, /occupation skills: 5 \/ 5/);

  const onet = await cli(['skills', 'import', 'onet', writeFolder(onetFiles()), '--quiet']);
  assert.equal(onet.code, 0, onet.stderr);
  assert.equal(onet.stderr, '', '--quiet prints no progress');
  assert.match(onet.stdout, /Imported O\*NET into the framework "onet" in \d+\.\d s:/);
  assert.match(onet.stdout, /technology skills\s+3\n/);
  assert.match(onet.stdout, /occupation skills\s+4\n/);
  assert.match(onet.stdout, /O\*NET® is a trademark of USDOL\/ETA/);
});
