import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_STATUS } from '../../src/core/errors.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

test('docs/errors.md documents every error code with its status', () => {
  const doc = read('docs/errors.md');
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const row = doc.split('\n').find((line) => line.includes(`\`${code}\``));
    assert.ok(row, `docs/errors.md lacks ${code}`);
    assert.match(row, new RegExp(`\\| ${status} +\\|`), `docs/errors.md gives the wrong status for ${code}`);
  }
});

test('every configuration variable is in .env.example and the README table', () => {
  const source = read('src/core/config.ts');
  const names = new Set([...source.matchAll(/(?:value|integer)\('([A-Z_]+)'/g)].map((m) => m[1]!));
  assert.ok(names.size > 15, 'expected to find the configuration variables in config.ts');
  const example = read('.env.example');
  const readme = read('README.md');
  for (const name of names) {
    assert.match(example, new RegExp(`^#? ?${name}=`, 'm'), `.env.example lacks ${name}`);
    assert.ok(readme.includes(`\`${name}\``), `README configuration table lacks ${name}`);
  }
});

test('the README starts with the two set-up commands', () => {
  const readme = read('README.md');
  const setup = readme.indexOf('## Set-up');
  assert.ok(setup > 0 && setup < 800, 'the set-up section comes first');
  const block = readme.slice(setup, readme.indexOf('```', readme.indexOf('```', setup) + 3));
  assert.match(block, /npm install\nnpm start/);
  assert.match(readme, /```sh\nnpm test\n```/);
});
