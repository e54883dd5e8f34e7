import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { publishedDefinitionWithTest } from '../helpers/assessments.ts';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  checkScreenWithHeading,
  closeHarnessChecked,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { DEFAULT_PASSWORD, type Session, signedInUser, uniqueEmail } from '../helpers/factories.ts';

/**
 * The learner's wallet in Chromium, driven by role and label as a person (and the end-to-end journey)
 * would: sign up, sign in and out; take a timed test, pass it, open the credential and download its PDF
 * and baked PNG; share and privacy; import the PNG back; the profile, skills, path and practical-work
 * screens. axe-core on every screen.
 */

let h: BrowserHarness;
let learner: Session;
let definitionId: string;

describe('the wallet in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    const { ctx } = h;
    const { owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'wallet-ui' });
    learner = await signedInUser(ctx, { name: 'Wanda Wallet' });
    definitionId = await publishedDefinitionWithTest(ctx, owner, {
      slug,
      organisationId,
      title: 'Prompt engineering basics',
      settings: { passMark: 60, timeLimitSeconds: 900, shuffleItems: false, shuffleOptions: false },
      items: [
        {
          type: 'single_choice',
          prompt: 'Which one is a prompt?',
          feedback: 'A prompt is the text you give the model.',
          options: [
            { id: 'A', text: 'An instruction to the model', correct: true },
            { id: 'B', text: 'A GPU' },
          ],
        },
        { type: 'true_false', prompt: 'Examples in a prompt can help.', correctAnswer: true },
        { type: 'numeric', prompt: 'How many shots is one-shot?', value: 1 },
      ],
    });
  });

  after(() => closeHarnessChecked(h, 'wallet screens'));

  test('sign up, sign out, a wrong password, sign in, forgot password', async () => {
    const page = await h.newPage();
    await page.goto(`${h.origin}/wallet`);
    await checkScreenWithHeading(page, /^Sign in$/, 'wallet sign-in', 'wallet-sign-in');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await checkScreenWithHeading(page, /Create an account/, 'wallet sign-up');
    const email = uniqueEmail('signup-ui');
    await page.getByLabel('Your name').fill('Sam Signup');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Choose a password').fill(DEFAULT_PASSWORD);
    await page.getByLabel('Choose a password').press('Enter');
    await checkScreenWithHeading(page, /My credentials/, 'wallet, unverified');
    // A new address is not verified yet: the wallet says so and the list explains why it is empty.
    await page.getByRole('button', { name: 'Mail me a new verification link' }).waitFor();
    await page.getByRole('alert').first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await checkScreenWithHeading(page, /^Sign in$/, 'signed out');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const problem = page.getByRole('alert');
    await problem.waitFor();
    assert.match((await problem.textContent()) ?? '', /\S/);
    await assertNoSeriousAxeViolations(page, 'sign-in with a problem');
    await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await checkScreenWithHeading(page, /My credentials/, 'signed in again');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await checkScreenWithHeading(page, /Reset your password/, 'forgot password');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Mail me a reset link' }).click();
    await page.getByText(/a reset link is on its way/).waitFor();
  });

  test('take the timed test, pass, open the credential, download the PDF and the baked PNG, share', async () => {
    const page = await h.newPage({ cookie: learner.cookie });
    await page.goto(`${h.origin}/wallet/tests/${definitionId}`);
    await checkScreenWithHeading(page, /Take the test/, 'start test');
    await page.getByRole('button', { name: 'Start the test' }).click();
    await checkScreenWithHeading(page, /Prompt engineering basics/, 'open attempt', 'wallet-test');
    assert.match((await page.getByRole('timer').textContent()) ?? '', /^1[45]:\d\d$/);
    await page.getByRole('radio', { name: 'An instruction to the model' }).check();
    await page.getByText('Answer saved.').waitFor();
    await page
      .getByRole('group', { name: /Examples in a prompt/ })
      .getByRole('radio', { name: 'True' })
      .check();
    await page.getByText('2 of 3 answered').waitFor();
    await page.getByLabel('Your answer (a number)').fill('1');
    await page.getByRole('button', { name: 'Save answer' }).click();
    await page.getByText('3 of 3 answered').waitFor();
    // Progress is kept by the server: a reload shows the answers given.
    await page.reload();
    await page.getByText('3 of 3 answered').waitFor();
    assert.equal(await page.getByRole('radio', { name: 'An instruction to the model' }).isChecked(), true);
    await page.getByRole('button', { name: 'Submit the test' }).click();
    await checkScreenWithHeading(page, /Result: Prompt engineering basics/, 'result', 'wallet-test-result');
    await page.getByText('You passed').waitFor();
    await page.getByText('A prompt is the text you give the model.').waitFor();

    await page.getByRole('link', { name: 'Open your new credential' }).click();
    await checkScreenWithHeading(
      page,
      /Retrieval|Prompt engineering basics/,
      'credential detail',
      'wallet-credential',
    );
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the PDF certificate' }).click(),
    ]);
    assert.equal(
      readFileSync((await pdf.path()) ?? '')
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the badge image (PNG)' }).click(),
    ]);
    const pngPath = (await png.path()) ?? '';
    assert.deepEqual([...readFileSync(pngPath).subarray(1, 4)], [0x50, 0x4e, 0x47]);

    const publicLink = await page.getByLabel('Public link').inputValue();
    assert.match(publicLink, new RegExp(`^${h.origin}/credentials/`));
    const linkedIn = await page.getByRole('link', { name: 'Add to LinkedIn profile' }).getAttribute('href');
    assert.match(linkedIn ?? '', /^https:\/\/www\.linkedin\.com\//);
    assert.match(await page.getByLabel('Embed on a web page (HTML)').inputValue(), /<a /);
    await page.getByRole('button', { name: 'Copy the link' }).click();
    await page.getByLabel('Show my name on the public page').check();
    await page.getByText('Your name now shows on the public page.').waitFor();

    await page.getByRole('link', { name: 'My credentials' }).click();
    await checkScreenWithHeading(page, /My credentials/, 'credential list', 'wallet-list');
    assert.equal(await page.getByRole('heading', { level: 2 }).count(), 1);

    // The baked PNG imports back and verifies, with its step log.
    await page.getByRole('link', { name: 'Import a credential' }).click();
    await checkScreenWithHeading(page, /Import a credential/, 'import');
    await page.getByLabel('Credential file (JSON, PNG or SVG)').setInputFiles(pngPath);
    await page.getByRole('button', { name: 'Import the file' }).click();
    await page.locator('[data-verdict]').first().waitFor();
    await checkScreenWithHeading(page, /./, 'imported credential', 'wallet-imported');
    assert.equal(await page.locator('.verdict-flag').getAttribute('data-verdict'), 'verified');
    assert.ok((await page.locator('ol.steps li').count()) >= 3, 'the verification steps are listed');
  });

  test('profile, skills, path, practical work and tests screens', async () => {
    const page = await h.newPage({ cookie: learner.cookie });
    await page.goto(`${h.origin}/wallet/profile`);
    await checkScreenWithHeading(page, /Public profile/, 'profile editor');
    const handle = `wanda-${process.pid}`;
    await page.getByLabel('Handle (your page’s address)').fill(handle);
    await page.getByLabel('Name shown').fill('Wanda W.');
    await page.getByRole('group', { name: 'Credentials shown' }).getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    assert.equal(
      await page.getByRole('link', { name: `See your public page (/u/${handle})` }).getAttribute('href'),
      `/u/${handle}`,
    );
    // A bad handle is a field error linked to its input.
    await page.getByLabel('Handle (your page’s address)').fill('X');
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await page.getByRole('alert').waitFor();
    await assertNoSeriousAxeViolations(page, 'profile with a problem');

    await page.getByRole('link', { name: 'My skills' }).click();
    await checkScreenWithHeading(page, /My skills/, 'skills', 'wallet-skills');
    await page.getByLabel('Or paste a job text').fill('We need someone who can write prompts.');
    await page.getByRole('button', { name: 'Analyse the gap' }).click();
    await page.waitForURL(/text=/);
    await page.locator('#gap-heading, [role=alert]').first().waitFor();
    await assertNoSeriousAxeViolations(page, 'skills with a gap');

    await page.getByRole('link', { name: 'Learning path' }).click();
    await checkScreenWithHeading(page, /My learning path/, 'path');
    await page.goto(`${h.origin}/wallet/path?text=prompts&maxHours=lots`);
    await page.getByText('maxHours must be a number of at least 0').waitFor();

    await page.getByRole('link', { name: 'Practical work' }).click();
    await checkScreenWithHeading(page, /Practical work/, 'portfolio');
    await page.getByLabel('Credential (its id)').fill(definitionId);
    await page.getByRole('button', { name: 'Start the work' }).click();
    // The definition is assessed by a test, not a rubric: the server says so, next to the form.
    await page.getByRole('alert').waitFor();

    await page.getByRole('link', { name: 'Tests' }).click();
    await checkScreenWithHeading(page, /My tests/, 'tests');
    await page.getByRole('link', { name: /Prompt engineering basics \(attempt 1\)/ }).waitFor();
    await page.goto(`${h.origin}/wallet/nothing-here`);
    await checkScreenWithHeading(page, /Not found/, 'not found');
  });
});
