import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/core/actor.ts';
import {
  assertNoSeriousAxeViolations,
  assertPageBasics,
  assertVisibleFocus,
  type BrowserHarness,
  browserSkip,
  closeHarnessChecked,
  focusableElements,
  saveScreenshot,
  startBrowserHarness,
  tabThrough,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser, uniqueEmail } from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';
import { ESCO, escoFiles, removeFolders, writeFolder } from '../integration/skills-fixtures.ts';

/**
 * Every server-rendered page in a real browser (Debian's Chromium, headless): axe-core finds no serious or
 * critical WCAG 2.2 AA violation; Tab walks the controls in document order with a visible focus indicator;
 * forms submit with Enter; each page has a language, a title, one h1 and labelled controls; no page asks
 * for anything outside the server. Screenshots of the key pages go to test-output/screenshots/.
 */

const system = systemActor('test');
let h: BrowserHarness;
let learner: Session;
let definitionPath: string;
let credentialPath: string;
let claimToken: string;

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Opens `path` and runs the checks every page gets; `screenshot` names its PNG. */
async function checkPage(page: Page, path: string, options: { screenshot?: string } = {}) {
  const response = await page.goto(`${h.origin}${path}`);
  assert.ok(response, `no response for ${path}`);
  assert.match(String(response.headers()['content-type']), /^text\/html/, `${path} is not a page`);
  await checkLoadedPage(page, path, options);
}

async function checkLoadedPage(page: Page, label: string, options: { screenshot?: string } = {}) {
  await assertPageBasics(page, label);
  await assertNoSeriousAxeViolations(page, label);
  const expected = await focusableElements(page);
  const visited = await tabThrough(page, expected.length);
  assert.deepEqual(
    visited.map((state) => state?.element ?? 'body'),
    expected,
    `${label}: Tab order differs from document order`,
  );
  for (const state of visited) assertVisibleFocus(state, label);
  if (options.screenshot) await saveScreenshot(page, options.screenshot);
}

describe('server-rendered pages in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    const { ctx } = h;
    await ctx.deps.services.skills.importEsco({ actor: system, folder: writeFolder(escoFiles()) });
    const { owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'browser' });
    learner = await signedInUser(ctx);

    const definition = (title: string, skillUri: string, cost: number) =>
      insertDefinition(ctx, {
        organisationId,
        content: sampleDefinitionContent({
          title,
          cost: { amount: cost, currency: 'EUR' },
          learningOutcomes: [
            { id: 'lo-1', statement: `The learner can use ${title}.`, skills: [{ uri: skillUri }] },
          ],
        }),
      });
    const python = await definition('Python basics', ESCO.python, 0);
    // Candidates for the learning path: the gap to data scientist is machine learning and databases.
    await definition('Machine learning foundations', ESCO.machineLearning, 120);
    await definition('Databases for analysts', ESCO.useDatabases, 80);
    definitionPath = `/definitions/${python.id}`;
    const issued = await ctx.deps.services.credentials.issueForDefinition({
      actor: system,
      definitionId: python.id,
      recipient: { email: learner.email },
      via: 'bulk',
      notifyRecipient: false,
    });
    credentialPath = `/credentials/${issued.record.id}`;

    // A recipient without an account gets a claim link by mail.
    const external = await insertExternalDefinition(ctx, organisationId, { title: 'Crane operation' });
    const recipient = uniqueEmail('claim');
    const recorded = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/definitions/${external.id}/results`,
      payload: { email: recipient, name: 'Robin Recipient', passed: true, grade: 'Pass' },
    });
    assert.equal(recorded.statusCode, 201, recorded.body);
    await ctx.deps.services.mail.flush();
    const mail = ctx.mail.sent.find((m) => m.to === recipient && /^Claim your credential/.test(m.subject));
    const token = mail && /\/claim\?token=([A-Za-z0-9_%-]+)/.exec(mail.text)?.[1];
    assert.ok(token, 'a claim mail with a link');
    claimToken = decodeURIComponent(token);
  });

  after(() => closeHarnessChecked(h, 'pages', removeFolders));

  test('public pages: landing, credential, definition, claim (valid and not), mailed-link forms', async () => {
    const page = await h.newPage();
    await checkPage(page, '/', { screenshot: 'landing' });
    await checkPage(page, credentialPath, { screenshot: 'credential' });
    assert.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'valid');
    await checkPage(page, definitionPath, { screenshot: 'definition' });
    await checkPage(page, `/claim?token=${encodeURIComponent(claimToken)}`, { screenshot: 'claim' });
    assert.match(await textOf(page, 'h1'), /Claim your credential/);
    await checkPage(page, '/claim?token=not-a-real-token', { screenshot: 'claim-invalid' });
    assert.match(await textOf(page, 'h1'), /This link does not work/);
    await checkPage(page, '/invitations/accept?token=some-invitation-token');
    await checkPage(page, '/verify-email?token=bogus');
    await checkPage(page, '/confirm-email?token=bogus');
    await checkPage(page, '/reset-password?token=bogus', { screenshot: 'reset-password' });
    // The same pages in Spanish (the language cookie), where the longer texts could break the layout.
    const spanish = await h.newPage({ cookie: 'lang=es' });
    await checkPage(spanish, definitionPath, { screenshot: 'definition-es' });
    assert.match(await textOf(spanish, 'main'), /Por qué esta puntuación de calidad/);
    await checkPage(spanish, `/claim?token=${encodeURIComponent(claimToken)}`);
    assert.equal(await textOf(spanish, 'h1'), 'Reclame su credencial');
    await checkPage(spanish, '/reset-password?token=bogus');
    assert.equal(await textOf(spanish, 'h1'), 'Elija una contraseña nueva');
    assert.deepEqual(h.offsiteRequests, []);
  });

  test('keyboard only: the reset form submits with Enter and shows its problem; a bad link says so', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/reset-password?token=bogus`);
    // The shared header comes first in the Tab order; start at the form's first field.
    await page.getByLabel('New password (at least 10 characters)').focus();
    await page.keyboard.type('first password 1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('second password 2');
    await Promise.all([page.waitForURL(/\/reset-password$/), page.keyboard.press('Enter')]);
    assert.match(await textOf(page, '[role=alert]'), /The two passwords do not match/);
    await checkLoadedPage(page, 'reset-password with a problem');

    // The confirm button is the form's only control: Enter on it posts the (bogus) token.
    await page.goto(`${h.origin}/verify-email?token=bogus`);
    await page.getByRole('button', { name: 'Confirm my e-mail address' }).focus();
    await Promise.all([page.waitForURL(/\/verify-email$/), page.keyboard.press('Enter')]);
    assert.match(await textOf(page, 'h1'), /This link does not work/);
    await checkLoadedPage(page, 'verify-email with a bad token');
  });

  test('the web app: public pages hydrate without errors; verify by paste and by baked badge; Spanish', async () => {
    const page = await h.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`${h.origin}${credentialPath}`);
    await page.waitForSelector('html[data-app=ready]');
    const credentialJson = await page.evaluate(async () => (await fetch('?format=json')).text());

    await checkPage(page, '/verify', { screenshot: 'verify' });
    await page.getByLabel('Credential (JSON or compact vc+jwt)').fill(credentialJson);
    await page.getByRole('button', { name: 'Verify' }).first().click();
    await page.waitForSelector('#result [data-verdict]');
    assert.equal(await page.locator('#result [data-verdict]').getAttribute('data-verdict'), 'valid');
    await checkLoadedPage(page, 'verify result', { screenshot: 'verify-valid' });

    const badge = await learner.request({
      method: 'GET',
      url: `/api/v1/me/credentials/${credentialPath.split('/').pop()}/badge.png`,
    });
    assert.equal(badge.statusCode, 200, badge.body.slice(0, 300));
    await page.goto(`${h.origin}/verify`);
    await page.getByLabel('File: JSON, or a baked badge image (PNG or SVG)').setInputFiles({
      name: 'badge.png',
      mimeType: 'image/png',
      buffer: badge.rawPayload,
    });
    await page.getByRole('button', { name: 'Verify' }).nth(1).click();
    await page.waitForSelector('#result [data-verdict]');
    assert.equal(await page.locator('#result [data-verdict]').getAttribute('data-verdict'), 'valid');
    assert.match(await textOf(page, '#result'), /PNG/);

    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('button', { name: 'Change' }).click();
    await page.waitForSelector('html[lang=es]');
    assert.equal(await textOf(page, 'h1'), 'Verificar una credencial');
    await page.waitForSelector('html[data-app=ready]');
    await checkLoadedPage(page, 'verify in Spanish', { screenshot: 'verify-es' });

    assert.deepEqual(consoleErrors, [], 'no console errors (hydration mismatches show up here)');
    assert.deepEqual(h.pageErrors, []);
    assert.deepEqual(h.offsiteRequests, []);
  });
});
