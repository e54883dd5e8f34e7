import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { extractText } from 'unpdf';
import { systemActor } from '../../src/core/actor.ts';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  closeHarnessChecked,
  saveScreenshot,
  signInToConsole,
  signInToWallet,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { escoFiles, removeFolders, writeFolder } from '../integration/skills-fixtures.ts';

/**
 * The journeys of issue 5, end to end in Chromium, each person in their own browser context, driven by
 * labels and roles only: an issuer defines a credential with a test and publishes it → a learner passes →
 * the credential is in the wallet → PDF and baked PNG downloaded → the public verify page says valid (and
 * the PDF's verification link leads to the same result) → the issuer revokes → the verify page says
 * revoked, with the reason. Then the failures: failing the test, a tampered credential, an expired one.
 */

const TITLE = 'Spreadsheet modelling';
const RIGHT = 'A named range';
const WRONG = 'A pivot chart';
let h: BrowserHarness;
let owner: Session;
let learner: Session;
let slug: string;
let organisationName: string;
let definitionId: string;
let issuerPage: Page;
let badgePng: Buffer;
let credentialJson: string;

/** Takes the published test, answering the choice question with `choice`; ends on the result screen. */
async function takeTest(page: Page, choice: string) {
  await page.goto(`${h.origin}/wallet/tests/${definitionId}`);
  await page.getByRole('button', { name: 'Start the test' }).click();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await page.getByRole('radio', { name: choice }).check();
  await page.getByText('1 of 2 answered').waitFor();
  await page
    .getByRole('group', { name: /formula can refer to another sheet/ })
    .getByRole('radio', { name: 'True' })
    .check();
  await page.getByText('2 of 2 answered').waitFor();
  await page.getByRole('button', { name: 'Submit the test' }).click();
  await page.getByRole('heading', { level: 1, name: `Result: ${TITLE}` }).waitFor();
}

/** Uploads `file` on the public verify page (signed out) and returns the result element's attributes. */
async function verifyUpload(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await page.goto(`${h.origin}/verify`);
  await page.getByLabel('File: JSON, or a baked badge image (PNG or SVG)').setInputFiles(file);
  await page.getByRole('button', { name: 'Verify' }).nth(1).click();
  const verdict = page.locator('#result [data-verdict]');
  await verdict.waitFor();
  return {
    verdict: await verdict.getAttribute('data-verdict'),
    standing: await verdict.getAttribute('data-standing'),
    text: (await page.locator('#result').textContent()) ?? '',
  };
}

async function verifyPasted(page: Page, text: string) {
  await page.goto(`${h.origin}/verify`);
  await page.getByLabel('Credential (JSON or compact vc+jwt)').fill(text);
  await page.getByRole('button', { name: 'Verify' }).first().click();
  const verdict = page.locator('#result [data-verdict]');
  await verdict.waitFor();
  return {
    verdict: await verdict.getAttribute('data-verdict'),
    standing: await verdict.getAttribute('data-standing'),
    text: (await page.locator('#result').textContent()) ?? '',
  };
}

describe('journeys of issue 5 in Chromium', { skip: browserSkip, timeout: 180_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    await h.ctx.deps.services.skills.importEsco({
      actor: systemActor('test'),
      folder: writeFolder(escoFiles()),
    });
    owner = await signedInUser(h.ctx, { name: 'Ines Issuer' });
    const organisation = await createOrganisation(h.ctx, { owner, prefix: 'journey' });
    slug = organisation.slug;
    const details = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}` });
    organisationName = (details.json() as { organisation: { name: string } }).organisation.name;
    learner = await signedInUser(h.ctx, { name: 'Lea Learner' });
    issuerPage = await h.newPage();
  });

  after(() => closeHarnessChecked(h, 'journey pages', removeFolders));

  test('define with a test → pass → wallet → PDF and baked PNG → verify valid → revoke → verify revoked', async () => {
    // The issuer defines the credential and its test in the console, then publishes it.
    const page = issuerPage;
    await signInToConsole(h, page, owner);
    await page.getByRole('link', { name: organisationName }).click();
    await page.getByRole('link', { name: 'New definition' }).click();
    await page.getByLabel('Title', { exact: true }).fill(TITLE);
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    definitionId = /\/definitions\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    assert.ok(definitionId, page.url());
    await page.getByLabel('Description').fill('Builds clear, checkable spreadsheet models.');
    await page
      .getByLabel('Criteria: how it is earned')
      .fill('Pass the test with at least 50% of the points.');
    await page.getByLabel('Issuer countries').fill('ES');
    await page.getByRole('button', { name: 'Add a learning outcome' }).click();
    await page
      .getByLabel('Learning outcome 1')
      .fill('The learner can build a spreadsheet model with named ranges.');
    await page.getByLabel('Search skills for outcome 1').fill('python');
    await page.getByRole('button', { name: 'Add Python (computer programming)' }).click();
    await page.getByLabel('Hours of learning').fill('10');
    await page.getByLabel('Credit points').fill('1');
    await page.getByLabel('Level framework').selectOption('EQF');
    await page.getByLabel('Level', { exact: true }).fill('4');
    await page.getByLabel('Duration').fill('P2W');
    await page.getByLabel('Delivery mode').selectOption('online');
    await page.getByLabel('Languages').fill('en');
    await page.getByLabel('Assessment type').selectOption('test');
    await page.getByLabel('Supervision and identity checks').selectOption('supervised-online-id');
    await page.getByLabel('Grading scheme').fill('pass/fail');
    await page.getByLabel('Pass mark (%)').fill('50');
    await page.getByLabel('Quality assurance statement').fill('Reviewed yearly by the board.');
    await page.getByLabel('Valid for (months)').fill('24');
    await page.getByLabel('Cost').fill('0');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Saved and checked.').waitFor();

    await page.getByRole('link', { name: 'Build the assessment (test items or rubric)' }).click();
    await page.getByLabel('Test pass mark (%)').fill('100');
    await page.getByRole('button', { name: 'Save test settings' }).click();
    await page.getByText('Test settings saved.').waitFor();
    await page.getByLabel('Question text').fill('What names a cell range so formulas read clearly?');
    await page.getByLabel('Option 1', { exact: true }).fill(RIGHT);
    await page.getByLabel('Option 2', { exact: true }).fill(WRONG);
    await page.getByLabel('Option 3', { exact: true }).fill('A macro');
    await page.getByRole('button', { name: 'Add item', exact: true }).click();
    await page.getByRole('cell', { name: 'What names a cell range so formulas read clearly?' }).waitFor();
    await page.getByLabel('Item type').selectOption('true_false');
    await page.getByLabel('Question text').fill('A formula can refer to another sheet.');
    await page.getByLabel('Correct answer').selectOption('true');
    await page.getByRole('button', { name: 'Add item', exact: true }).click();
    await page.getByText('The test is ready.').waitFor();
    await page.getByRole('link', { name: 'Back to the definition' }).click();
    await page.getByText('Ready to publish.').waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('button', { name: 'Start a new version' }).waitFor();

    // The learner signs in to the wallet, takes the test and passes.
    const wallet = await h.newPage();
    await signInToWallet(h, wallet, learner);
    await takeTest(wallet, RIGHT);
    await wallet.getByText('You passed').waitFor();
    await assertNoSeriousAxeViolations(wallet, 'test result');
    await wallet.getByRole('link', { name: 'Open your new credential' }).click();
    await wallet.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    await saveScreenshot(wallet, 'journey-wallet-credential');
    const [pdf] = await Promise.all([
      wallet.waitForEvent('download'),
      wallet.getByRole('link', { name: 'Download the PDF certificate' }).click(),
    ]);
    const pdfBytes = readFileSync((await pdf.path()) ?? '');
    assert.equal(pdfBytes.subarray(0, 5).toString(), '%PDF-');
    const [png] = await Promise.all([
      wallet.waitForEvent('download'),
      wallet.getByRole('link', { name: 'Download the badge image (PNG)' }).click(),
    ]);
    badgePng = readFileSync((await png.path()) ?? '');
    const publicLink = await wallet.getByLabel('Public link').inputValue();
    assert.match(publicLink, new RegExp(`^${h.origin}/credentials/[0-9a-f-]{36}$`));
    // The certificate names the verification page its QR code encodes.
    const pdfText = (await extractText(new Uint8Array(pdfBytes), { mergePages: true })).text;
    assert.ok(pdfText.replace(/\s+/g, '').includes(publicLink), 'the PDF carries the verification link');

    // Anyone checks it: the baked badge on the verify page, and the PDF's link.
    const verifier = await h.newPage();
    const valid = await verifyUpload(verifier, {
      name: 'badge.png',
      mimeType: 'image/png',
      buffer: badgePng,
    });
    assert.equal(valid.verdict, 'valid', valid.text);
    assert.match(valid.text, new RegExp(TITLE));
    await saveScreenshot(verifier, 'journey-verify-valid');
    await verifier.goto(publicLink);
    assert.equal(await verifier.locator('[data-verdict]').first().getAttribute('data-verdict'), 'valid');
    credentialJson = await verifier.evaluate(async () => (await fetch('?format=json')).text());

    // The issuer revokes it with a reason.
    await page.getByRole('link', { name: 'Issued credentials' }).click();
    await page.getByLabel('Search by recipient email').fill(learner.email);
    await page.getByRole('link', { name: learner.email }).first().click();
    await page.getByLabel('Reason').fill('Exam irregularity found on review');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke it' }).click();
    await page.getByText('The credential is revoked.').waitFor();

    // The same badge now verifies as revoked, with when and why.
    const revoked = await verifyUpload(verifier, {
      name: 'badge.png',
      mimeType: 'image/png',
      buffer: badgePng,
    });
    assert.equal(revoked.verdict, 'invalid');
    assert.equal(revoked.standing, 'revoked');
    assert.match(revoked.text, /Revoked by the issuer/);
    assert.match(revoked.text, /Exam irregularity found on review/);
    await assertNoSeriousAxeViolations(verifier, 'verify: revoked');
    await saveScreenshot(verifier, 'journey-verify-revoked');
    await verifier.goto(publicLink);
    assert.equal(await verifier.locator('[data-verdict]').first().getAttribute('data-standing'), 'revoked');
  });

  test('failures: failing the test, a tampered credential, an expired one', async () => {
    // Another learner fails the test: told so, and no credential appears.
    const other = await signedInUser(h.ctx, { name: 'Otto Other' });
    const wallet = await h.newPage();
    await signInToWallet(h, wallet, other);
    await takeTest(wallet, WRONG);
    await wallet.getByText('You did not pass this time').waitFor();
    await assertNoSeriousAxeViolations(wallet, 'failed test result');
    await saveScreenshot(wallet, 'journey-test-failed');
    assert.equal(await wallet.getByRole('link', { name: 'Open your new credential' }).count(), 0);
    const held = await other.request({ method: 'GET', url: '/api/v1/me/credentials' });
    assert.equal((held.json() as { credentials: unknown[] }).credentials.length, 0);

    // A tampered credential: the signature step fails and says so.
    const verifier = await h.newPage();
    const tampered = JSON.parse(credentialJson) as Record<string, unknown>;
    tampered.name = 'A credential I did not earn';
    const forged = await verifyPasted(verifier, JSON.stringify(tampered));
    assert.equal(forged.verdict, 'invalid');
    assert.equal(await verifier.locator('#result [data-step=proof]').getAttribute('data-outcome'), 'failed');
    await assertNoSeriousAxeViolations(verifier, 'verify: tampered');
    await saveScreenshot(verifier, 'journey-verify-tampered');

    // An expired credential: said to be expired, with its date.
    const { ctx } = h;
    const issued = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials`,
      payload: {
        achievement: {
          name: 'First aid refresher',
          description: 'Keeps first-aid skills current.',
          criteria: { narrative: 'Pass the yearly practical check.' },
        },
        recipient: { email: other.email, name: 'Otto Other' },
        validUntil: new Date(ctx.clock.now().getTime() + 24 * 3600 * 1000).toISOString(),
      },
    });
    assert.equal(issued.statusCode, 201, issued.body);
    const expiring = (issued.json() as { credential: { verifiableCredential: unknown } }).credential;
    ctx.clock.advance(3 * 24 * 3600 * 1000);
    try {
      const expired = await verifyPasted(verifier, JSON.stringify(expiring.verifiableCredential));
      assert.equal(expired.verdict, 'invalid');
      assert.equal(expired.standing, 'expired');
      assert.match(expired.text, /Expired/);
      await saveScreenshot(verifier, 'journey-verify-expired');
    } finally {
      ctx.clock.advance(-3 * 24 * 3600 * 1000);
    }
  });
});
