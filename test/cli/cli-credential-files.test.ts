import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { unbakeCredential } from '../../src/core/baking.ts';
import { renderSvgToPng } from '../../src/modules/credential-files/badge-image.ts';
import { cliEnv, removeTempDirs, runCli, tempDataDir } from './cli-helpers.ts';

after(removeTempDirs);

const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'vc',
  'valid-eddsa-rdfc-2022.json',
);

describe('credstack credential bake', () => {
  test('bakes a JSON credential into a PNG that carries it (verify reads it: see cli-verify.test.ts)', async () => {
    // The parent of a fresh DATA_DIR: removed after the test.
    const dir = join(tempDataDir(), '..');
    const env = cliEnv(tempDataDir(), { PUBLIC_URL: 'http://credstack.test' });
    const image = join(dir, 'badge.png');
    const out = join(dir, 'baked.png');
    writeFileSync(image, renderSvgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'));

    const bake = await runCli(['credential', 'bake', '--in', FIXTURE, '--image', image, '--out', out], {
      env,
    });
    assert.equal(bake.code, 0, bake.stderr);
    assert.match(bake.stdout, /baked a JSON credential into .*baked\.png \(png\)/);
    assert.deepEqual(
      unbakeCredential(readFileSync(out)).credential,
      JSON.parse(readFileSync(FIXTURE, 'utf8')),
    );
  });
});
