import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { systemActor } from '../../src/core/actor.ts';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  checkScreen,
  closeHarnessChecked,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import {
  insertDefinition,
  markDefinitionPublished,
  sampleDefinitionContent,
} from '../helpers/definitions.ts';
import {
  createUser,
  DEFAULT_PASSWORD,
  type Session,
  signedInUser,
  uniqueEmail,
} from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';
import { submittedWork } from '../helpers/portfolio.ts';
import { escoFiles, removeFolders, writeFolder } from '../integration/skills-fixtures.ts';

/**
 * The issuer console in Chromium, driven the way a keyboard or screen-reader user finds things (roles and
 * labels): sign in, pick the organisation, write a definition while the conformance panel follows, pick a
 * skill, build its test, publish; issue to one learner and follow the job; revoke with a reason; settings,
 * analytics and the review queue. axe-core runs on every screen.
 */

let h: BrowserHarness;
let owner: Session;
let slug: string;
let page: Page;
let definitionUrl: string;
let organisationId: string;

async function heading(): Promise<string> {
  return ((await page.locator('main h1').textContent()) ?? '').trim();
}

const panelSummary = () => page.getByTestId('panel-summary');

// A plain SVG mark, big enough to see in the screenshots.
const LOGO_SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">' +
    '<rect width="160" height="48" rx="8" fill="#0b5cd5"/><circle cx="24" cy="24" r="12" fill="#fff"/>' +
    '<rect x="48" y="16" width="96" height="16" rx="4" fill="#fff"/></svg>',
);

describe('issuer console in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    await h.ctx.deps.services.skills.importEsco({
      actor: systemActor('test'),
      folder: writeFolder(escoFiles()),
    });
    owner = await signedInUser(h.ctx, { name: 'Olga Owner' });
    const organisation = await createOrganisation(h.ctx, { owner, prefix: 'console' });
    slug = organisation.slug;
    organisationId = organisation.id;
    // Bulk and one-by-one issue are for definitions assessed elsewhere (results from an LMS or a CSV).
    await insertExternalDefinition(h.ctx, organisation.id, { title: 'Crane operation' });
    page = await h.newPage();
  });

  after(() => closeHarnessChecked(h, 'console pages', removeFolders));

  test('sign in, pick the organisation, write a definition with live checks and a skill, build its test, publish', async () => {
    await page.goto(`${h.origin}/console`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to the issuer console' }).waitFor();
    await checkScreen(page, 'console sign-in', 'console-sign-in');
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByLabel('Password').press('Enter');

    await page.getByRole('heading', { level: 1, name: 'Your organisations' }).waitFor();
    await checkScreen(page, 'console organisations');
    await page.getByRole('link', { name: /^Academy / }).click();
    await page.getByRole('heading', { level: 1, name: 'Credential definitions' }).waitFor();
    assert.match(page.url(), new RegExp(`/console/orgs/${slug}/definitions$`));
    await checkScreen(page, 'console definitions (empty)');

    await page.getByRole('link', { name: 'New definition' }).click();
    await page.getByRole('heading', { level: 1, name: 'New definition' }).waitFor();
    await checkScreen(page, 'console new definition');
    await page.getByLabel('Title', { exact: true }).fill('Data analysis with Python');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.getByRole('heading', { level: 1, name: 'Data analysis with Python' }).waitFor();
    definitionUrl = page.url();
    assert.match(definitionUrl, /\/definitions\/[0-9a-f-]{36}$/);
    const missingAtFirst = Number(
      /(\d+) required elements? missing/.exec((await panelSummary().textContent()) ?? '')?.[1],
    );
    assert.ok(missingAtFirst > 5, `a title-only draft misses many elements (${missingAtFirst})`);

    // Each settled edit saves the draft and refreshes the panel.
    await page.getByLabel('Description').fill('Clean, explore and chart data with pandas.');
    await page
      .getByLabel('Criteria: how it is earned')
      .fill('Pass the test with at least 60% of the points.');
    await page.getByLabel('Issuer countries').fill('ES');
    await page.getByRole('button', { name: 'Add a learning outcome' }).click();
    await page
      .getByLabel('Learning outcome 1')
      .fill('The learner can clean and chart a data set with pandas.');
    await page.getByLabel('Search skills for outcome 1').fill('python');
    await page.getByRole('button', { name: 'Add Python (computer programming)' }).click();
    await page.getByRole('button', { name: 'Remove skill Python (computer programming)' }).waitFor();
    await page.getByLabel('Hours of learning').fill('25');
    await page.getByLabel('Credit points').fill('1');
    await page.getByLabel('Level framework').selectOption('EQF');
    await page.getByLabel('Level', { exact: true }).fill('5');
    await page.getByLabel('Duration').fill('P4W');
    await page.getByLabel('Delivery mode').selectOption('online');
    await page.getByLabel('Languages').fill('en');
    await page.getByLabel('Assessment type').selectOption('test');
    await page.getByLabel('Supervision and identity checks').selectOption('supervised-online-id');
    await page.getByLabel('Grading scheme').fill('pass/fail');
    await page.getByLabel('Pass mark (%)').fill('60');
    await page.getByLabel('Quality assurance statement').fill('Reviewed every year by the academic board.');
    await page.getByLabel('Valid for (months)').fill('36');
    await page.getByLabel('Cost').fill('0');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Saved and checked.').waitFor();
    await page.waitForFunction(() =>
      /no required element missing/.test(
        document.querySelector('[data-testid=panel-summary]')?.textContent ?? '',
      ),
    );
    // Only the test is missing now.
    assert.match((await panelSummary().textContent()) ?? '', /Not publishable yet/);
    await checkScreen(page, 'console definition editor', 'console-definition-editor');

    await page.getByRole('link', { name: 'Build the assessment (test items or rubric)' }).click();
    await page.getByRole('heading', { level: 1, name: 'Assessment of Data analysis with Python' }).waitFor();
    await page.getByLabel('Test pass mark (%)').fill('60');
    await page.getByRole('button', { name: 'Save test settings' }).click();
    await page.getByText('Test settings saved.').waitFor();
    await page.getByLabel('Question text').fill('Which library reads a CSV file into a data frame?');
    await page.getByLabel('Option 1', { exact: true }).fill('pandas');
    await page.getByLabel('Option 2', { exact: true }).fill('requests');
    await page.getByLabel('Option 3', { exact: true }).fill('flask');
    await page.getByRole('button', { name: 'Add item', exact: true }).click();
    await page.getByRole('cell', { name: 'Which library reads a CSV file into a data frame?' }).waitFor();
    await page.getByLabel('Item type').selectOption('true_false');
    await page.getByLabel('Question text').fill('A data frame can hold columns of different types.');
    await page.getByLabel('Correct answer').selectOption('true');
    await page.getByRole('button', { name: 'Add item', exact: true }).click();
    await page.getByRole('heading', { name: '2 items' }).waitFor();
    await page.getByText('The test is ready.').waitFor();
    await checkScreen(page, 'console assessment builder', 'console-assessment');

    await page.getByRole('link', { name: 'Back to the definition' }).click();
    await page.getByText('Ready to publish.').waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('button', { name: 'Start a new version' }).waitFor();
    assert.equal(await page.locator('.status-tag').first().textContent(), 'Published');
    assert.equal(
      await page.getByLabel('Title', { exact: true }).isDisabled(),
      true,
      'a published definition is read-only',
    );
  });

  test('issue to one learner and follow the job; find the credential; revoke it with a reason', async () => {
    const learner = uniqueEmail('console-learner');
    await page.getByRole('link', { name: 'Issue credentials' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issue credentials' }).waitFor();
    // A definition assessed by its own test is awarded by passing it, not by hand.
    await page
      .getByLabel('Credential to issue')
      .selectOption({ label: 'Data analysis with Python (version 1)' });
    await page.getByText(/learners earn it by passing that assessment/).waitFor();
    await page.getByLabel('Credential to issue').selectOption({ label: 'Crane operation (version 1)' });
    await page.getByLabel('Learner email').fill(learner);
    await page.getByLabel('Learner name').fill('Lena Learner');
    await page.getByRole('button', { name: 'Issue credential' }).click();
    await page.locator('[data-job-status=completed]').waitFor();
    assert.match((await page.locator('[data-job-status]').textContent()) ?? '', /^1 issued/);
    await checkScreen(page, 'console issue (job completed)', 'console-issue');

    // A file with a bad row is refused as a whole, with the row's problem shown.
    await page.getByLabel('CSV file').setInputFiles({
      name: 'learners.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email,name\nnot-an-address,Bad Row\n'),
    });
    await page.getByRole('button', { name: 'Upload and issue' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /row|email/i })
      .first()
      .waitFor();

    await page.getByRole('link', { name: 'See the issued credentials' }).click();
    await page.getByRole('heading', { level: 1, name: 'Issued credentials' }).waitFor();
    await page.getByLabel('Status').selectOption('revoked');
    await page.getByText('No credential matches.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search by recipient email').fill(learner);
    await page.getByText('1 credential shown.').waitFor();
    await checkScreen(page, 'console credentials', 'console-credentials');
    // The definition filter runs on the server and stays in the address.
    await page.getByLabel('Definition').selectOption({ label: 'Data analysis with Python' });
    await page.getByText('No credential matches.').waitFor();
    await page.getByLabel('Definition').selectOption({ label: 'Crane operation' });
    await page.getByText('1 credential shown.').waitFor();
    assert.match(page.url(), /[?&]definition=[0-9a-f-]{36}/);

    await page.getByRole('link', { name: learner }).click();
    await page.getByRole('heading', { level: 1, name: 'Crane operation' }).waitFor();
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Give a reason.').waitFor();
    await page.getByLabel('Reason').fill('Issued to the wrong learner.');
    await page.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke it' }).click();
    await page.getByText('The credential is revoked.').waitFor();
    assert.equal(await page.locator('[data-status]').getAttribute('data-status'), 'revoked');
    assert.match((await page.locator('[data-status]').textContent()) ?? '', /Issued to the wrong learner/);
    await checkScreen(page, 'console credential (revoked)', 'console-credential-revoked');
  });

  test('settings (rotate the key), analytics charts with data tables, the review queue', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organisation settings' }).waitFor();
    await page.getByLabel('Organisation name').fill('Academy of Data');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Rotate the signing key' }).click();
    await page.getByRole('button', { name: 'Yes, rotate the key' }).click();
    await page.getByText('A new signing key is active.').waitFor();
    await page.getByRole('cell', { name: 'Retired', exact: true }).waitFor();
    await checkScreen(page, 'console settings', 'console-settings');

    // The logo: an SVG with a script is refused with the reason; a plain one is previewed, saved and shown on
    // the public issuer page with alt text.
    await page.getByLabel('Logo file').setInputFiles({
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'),
    });
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByRole('alert').filter({ hasText: 'event handler' }).first().waitFor();
    await page
      .getByLabel('Logo file')
      .setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: LOGO_SVG });
    await page.getByRole('img', { name: 'Preview of the new logo' }).waitFor();
    await page.getByRole('button', { name: 'Upload logo' }).click();
    await page.getByText('Logo saved.').waitFor();
    const logoSrc = await page.getByRole('img', { name: 'The organisation’s logo' }).getAttribute('src');
    assert.match(logoSrc ?? '', new RegExp(`/orgs/${slug}/logo\\?v=[0-9a-f]{16}$`));
    await checkScreen(page, 'console settings with a logo', 'console-settings-logo');
    const issuerPage = await h.newPage();
    await issuerPage.goto(`${h.origin}/issuers/${slug}`);
    const publicLogo = issuerPage.getByRole('img', { name: 'Logo of Academy of Data' });
    assert.equal(await publicLogo.evaluate((image) => (image as HTMLImageElement).naturalWidth), 160);
    await assertNoSeriousAxeViolations(issuerPage, 'issuer page with a logo');
    await issuerPage.close();
    await page.getByRole('button', { name: 'Remove logo' }).click();
    await page.getByRole('button', { name: 'Yes, remove the logo' }).click();
    await page.getByText('Logo removed.').waitFor();
    await page.getByText('No logo yet.').waitFor();

    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    await page.getByText(/^1 issued, 1 revoked/).waitFor();
    assert.equal(await page.locator('figure.chart').count(), 4);
    assert.equal((await page.locator('figure.chart svg[aria-hidden=true]').count()) >= 2, true);
    await page
      .getByRole('table', { name: 'Data: Credentials issued and revoked over time' })
      .waitFor({ state: 'attached' });
    await checkScreen(page, 'console analytics', 'console-analytics');

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    await page.getByText('Nothing to review.').waitFor();
    await checkScreen(page, 'console review queue');

    // In Spanish, with the same screens.
    const spanish = await h.newPage({ cookie: 'lang=es' });
    await spanish.goto(`${h.origin}/console`);
    await spanish
      .getByRole('heading', { level: 1, name: 'Inicia sesión en la consola del emisor' })
      .waitFor();
    assert.equal(await spanish.getAttribute('html', 'lang'), 'es');

    // Unknown addresses inside the console and other people's organisations say so.
    await page.goto(`${h.origin}/console/orgs/not-an-org-of-yours/definitions`);
    await page.getByRole('alert').waitFor();
    await page.goto(`${h.origin}/console/nowhere`);
    assert.equal(await heading(), 'Not found');
  });

  test('build a portfolio rubric; mark a learner’s submission from the review queue', async () => {
    const portfolio = await insertDefinition(h.ctx, {
      organisationId,
      status: 'draft',
      content: sampleDefinitionContent({
        title: 'Dashboard portfolio',
        assessment: { type: 'portfolio', supervision: 'unsupervised-no-id', gradingScheme: 'pass/fail' },
      }),
    });
    await page.goto(`${h.origin}/console/orgs/${slug}/definitions/${portfolio.id}/assessment`);
    await page.getByRole('heading', { level: 2, name: 'Rubric' }).waitFor();
    await page.getByLabel('Name of criterion 1').fill('Dashboard design');
    await page.getByLabel('Criterion 1, level 1: name').fill('Not yet');
    await page
      .getByLabel('Criterion 1, level 1: what the work looks like')
      .fill('The dashboard is missing or unreadable.');
    await page.getByLabel('Criterion 1, level 2: name').fill('Competent');
    await page
      .getByLabel('Criterion 1, level 2: what the work looks like')
      .fill('Clear charts that answer the brief.');
    await page.getByLabel('Minimum total points to pass').fill('2');
    await page.getByRole('button', { name: 'Save rubric' }).click();
    await page.getByText('Rubric saved.').waitFor();
    // A saved rubric loads back and saves again unchanged (its settings go back as they were).
    await page.reload();
    assert.equal(await page.getByLabel('Name of criterion 1').inputValue(), 'Dashboard design');
    await page.getByRole('button', { name: 'Save rubric' }).click();
    await page.getByText('Rubric saved.').waitFor();
    await checkScreen(page, 'console rubric builder', 'console-rubric');

    // Published and submitted outside the console (the catalogue flow and the learner's side are tested elsewhere).
    await markDefinitionPublished(h.ctx, portfolio.id, new Date());
    const learner = await signedInUser(h.ctx, { name: 'Pat Portfolio' });
    await submittedWork(learner, portfolio.id, 'My sales dashboard, with notes on each chart.');

    await page.getByRole('link', { name: 'Review queue' }).click();
    await page.getByRole('link', { name: 'Pat Portfolio' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pat Portfolio: Dashboard portfolio' }).waitFor();
    await page.getByText('My sales dashboard, with notes on each chart.').waitFor();
    await page.getByRole('button', { name: 'Claim for marking' }).click();
    await page.getByRole('button', { name: 'Claim for marking' }).waitFor({ state: 'detached' });
    await page.getByRole('radio', { name: /^Competent \(2 points\)/ }).check();
    await page.getByLabel('Feedback for the learner').fill('Clear and well argued.');
    await checkScreen(page, 'console marking', 'console-marking');
    await page.getByRole('button', { name: 'Submit mark' }).click();
    await page.getByText(/first mark: 2 of 2 — pass/).waitFor();
    assert.equal(await page.locator('.status-tag').first().textContent(), 'Passed');
  });

  test('members and invitations; API tokens; return to draft and retire; sign out', async () => {
    const member = await createUser(h.ctx, { name: 'Mo Member' });
    await h.ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug,
      userId: member.id,
      role: 'viewer',
    });
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { level: 1, name: 'Members' }).waitFor();
    await page.getByLabel('Role of Mo Member', { exact: true }).selectOption('issuer');
    await page.getByRole('button', { name: 'Save role of Mo Member' }).click();
    await page.getByText('Mo Member is now Issuer.').waitFor();
    const invited = uniqueEmail('console-invited');
    await page.getByLabel('Email address to invite').fill(invited);
    await page.getByLabel('Role for the invited person').selectOption('assessor');
    await page.getByLabel('Email address to invite').press('Enter');
    await page.getByText(`Invitation sent to ${invited}.`).waitFor();
    await checkScreen(page, 'console members', 'console-members');
    await page.getByRole('button', { name: `Revoke invitation to ${invited}` }).click();
    await page.getByRole('cell', { name: 'Revoked', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove Mo Member' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByText('Mo Member was removed.').waitFor();
    await page.getByRole('cell', { name: 'Mo Member', exact: true }).waitFor({ state: 'detached' });

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
    await page.getByLabel('Token name').fill('LMS sync');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /scopes/ })
      .first()
      .waitFor();
    await page.getByRole('checkbox', { name: 'org:read' }).check();
    await page.getByRole('checkbox', { name: 'credentials:issue' }).check();
    await page.getByLabel('Expires on (optional)').fill('2099-12-31');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('New token').inputValue();
    assert.match(secret, /^cst_/);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.origin });
    await page.getByRole('button', { name: 'Copy token' }).click();
    await page.getByText('Copied').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const withToken = await h.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${slug}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(withToken.statusCode, 200, 'the new token works');
    await checkScreen(page, 'console API tokens (new token shown)', 'console-tokens');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByLabel('New token').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Revoke token LMS sync' }).click();
    await page.getByRole('button', { name: 'Yes, revoke the token' }).click();
    await page.getByText('The token “LMS sync” was revoked.').waitFor();
    const revoked = await h.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${slug}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(revoked.statusCode, 401, 'the revoked token no longer works');

    // Return a definition in review to its author; retire the published one.
    const inReview = await insertDefinition(h.ctx, {
      organisationId,
      status: 'in_review',
      content: sampleDefinitionContent({ title: 'Spreadsheet basics' }),
    });
    await page.goto(`${h.origin}/console/orgs/${slug}/definitions/${inReview.id}`);
    await page.getByRole('heading', { level: 1, name: 'Spreadsheet basics' }).waitFor();
    await page.getByRole('button', { name: 'Return to draft' }).click();
    await page.getByRole('button', { name: 'Return the definition to draft' }).click();
    await page.getByRole('alert').first().waitFor();
    await page.getByLabel('Comment for the author').fill('Add the learning outcomes, please.');
    await checkScreen(page, 'console return to draft');
    await page.getByRole('button', { name: 'Return the definition to draft' }).click();
    await page.getByRole('button', { name: 'Submit for review' }).waitFor();
    await page.getByText('Add the learning outcomes, please.').waitFor();
    assert.equal(await page.locator('.status-tag').first().textContent(), 'Draft');

    await page.goto(definitionUrl);
    await page.getByRole('button', { name: 'Retire', exact: true }).click();
    await page.getByLabel('Reason for retiring').fill('Replaced by the 2027 programme.');
    await page.getByRole('button', { name: 'Retire the definition' }).click();
    // The confirm form replaces the Retire button at once; the status changes when the server has answered.
    await page.locator('.status-tag', { hasText: 'Retired' }).first().waitFor();
    assert.equal(await page.locator('.status-tag').first().textContent(), 'Retired');
    assert.equal(await page.getByRole('button', { name: 'Retire', exact: true }).count(), 0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the issuer console' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in to the issuer console' }).waitFor();
  });
});
