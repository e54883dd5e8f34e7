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

const occupationQuery = `occupation=${encodeURIComponent(ESCO.dataScientist)}`;

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

  after(async () => {
    // Checked here so that a page asking for the network fails the file even if its own test passed.
    const offsite = h ? [...h.offsiteRequests] : [];
    const errors = h ? [...h.pageErrors] : [];
    await h?.close();
    removeFolders();
    assert.deepEqual(offsite, [], 'pages tried to reach the network');
    assert.deepEqual(errors, [], 'script errors on pages');
  });

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
    assert.deepEqual(h.offsiteRequests, []);
  });

  test('keyboard only: the reset form submits with Enter and shows its problem; a bad link says so', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/reset-password?token=bogus`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('first password 1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('second password 2');
    await Promise.all([page.waitForURL(/\/reset-password$/), page.keyboard.press('Enter')]);
    assert.match(await textOf(page, '[role=alert]'), /The two passwords do not match/);
    await checkLoadedPage(page, 'reset-password with a problem');

    // The confirm button is the only control: Tab, then Enter posts the (bogus) token.
    await page.goto(`${h.origin}/verify-email?token=bogus`);
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/\/verify-email$/), page.keyboard.press('Enter')]);
    assert.match(await textOf(page, 'h1'), /This link does not work/);
    await checkLoadedPage(page, 'verify-email with a bad token');
  });

  test('/me/skills and /me/path: the sign-in notice signed out; profile, gap and path signed in', async () => {
    const signedOut = await h.newPage();
    await checkPage(signedOut, '/me/skills', { screenshot: 'me-skills-signed-out' });
    assert.match(await textOf(signedOut, 'main'), /Sign in to Credstack/);
    await checkPage(signedOut, '/me/path');
    assert.match(await textOf(signedOut, 'main'), /Sign in to Credstack/);

    const page = await h.newPage({ cookie: learner.cookie });
    await checkPage(page, '/me/skills');
    assert.match(await textOf(page, 'main'), /Python \(computer programming\)/);
    // Keyboard only, from a fresh load: Tab to the occupation field, type, Enter submits the GET form.
    await page.reload();
    await page.keyboard.press('Tab');
    await page.keyboard.type(ESCO.dataScientist);
    await Promise.all([page.waitForURL(/occupation=/), page.keyboard.press('Enter')]);
    assert.match(await textOf(page, '#gap-heading'), /Gap to data scientist/);
    await checkLoadedPage(page, '/me/skills with a gap', { screenshot: 'me-skills-gap' });

    await checkPage(page, '/me/path');
    await checkPage(page, `/me/path?${occupationQuery}&objective=cost`, { screenshot: 'me-path' });
    assert.match(await textOf(page, '#path-heading'), /Recommended path/);
    assert.ok((await page.locator('ol.steps li').count()) >= 1, 'the path has steps');
    await checkPage(page, `/me/path?${occupationQuery}&maxHours=lots`);
    assert.match(await textOf(page, '[role=alert]'), /maxHours must be a number/);
  });
});
