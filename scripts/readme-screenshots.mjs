// Copies the README's screenshots from the last browser test run (test-output/screenshots/, written by
// test/browser/*.browser.test.ts) into docs/screenshots/. Run after `npm test -- test/browser/*.test.ts`.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const SHOTS = [
  'landing',
  'journey-verify-revoked',
  'credential',
  'journey-wallet-credential',
  'wallet-test',
  'console-definition-editor',
  'console-analytics',
  'verify-es',
];
const from = join('test-output', 'screenshots');
const to = join('docs', 'screenshots');
mkdirSync(to, { recursive: true });
const missing = SHOTS.filter((name) => !existsSync(join(from, `${name}.png`)));
if (missing.length > 0) {
  console.error(`Missing screenshots (run the browser tests first): ${missing.join(', ')}`);
  process.exit(1);
}
for (const name of SHOTS) copyFileSync(join(from, `${name}.png`), join(to, `${name}.png`));
console.log(`Copied ${SHOTS.length} screenshots to ${to}/`);
