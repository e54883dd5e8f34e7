import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cliEnv, ROOT, removeTempDirs, runCli, tempDataDir } from './cli-helpers.ts';

after(() => removeTempDirs());

// One invocation (each costs seconds): the command reads the document and prints the extraction as JSON.
// With no framework imported into the fresh database there is nothing to match; the matching itself is
// covered by the unit and integration tests.
test('credstack skills extract FILE --json reads the document and prints the extraction', async () => {
  const file = join(ROOT, 'test', 'fixtures', 'documents', 'job.md');
  const result = await runCli(['skills', 'extract', file, '--json', '--limit', '5'], {
    env: cliEnv(tempDataDir()),
  });
  assert.equal(result.code, 0, result.stderr);
  const extraction = JSON.parse(result.stdout);
  assert.deepEqual(extraction, {
    skills: [],
    sentenceCount: 3,
    characterCount: 'Backend developer\n\nYou will use Python and manage databases.\nSQL is a plus.'.length,
    method: 'lexical',
    truncated: false,
  });
});
