import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { publishedDefinitionWithTest } from '../helpers/assessments.ts';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  checkScreen,
  closeHarnessChecked,
  signInToConsole,
  startBrowserHarness,
  submitWalletSignIn,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { DEFAULT_PASSWORD, type Session, signedInUser, uniqueEmail } from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';

/**
 * Two journeys the other browser tests leave out, in Chromium against the real server:
 *
 * - Claiming: an issuer issues a credential to an address that has no account; the mailed claim link opens
 *   the claim page; "Keep it in my wallet" leads to the wallet, where the learner signs up (and, as the
 *   server requires, confirms their address) and claims it; the credential is in their wallet. A used and
 *   an expired link are said to be so, on the claim page and in the wallet.
 * - A timed test: the learner answers, reloads (the answer is kept), and the time runs out: the wallet
 *   submits by itself and shows the result. The browser's time is Playwright's fake clock and the server's
 *   the harness's manual clock, moved together; both ways the end really goes are taken — the browser's
 *   count ending just after the server's deadline (409 time_limit_exceeded: the server closes the attempt
 *   as it stood) and just before it (an ordinary submission).
 */

const CLAIM_TITLE = 'Forklift safety';
const TEST_TITLE = 'Timed spreadsheet check';
const TIME_LIMIT_SECONDS = 300;
let h: BrowserHarness;
let owner: Session;
let slug: string;
let externalDefinitionId: string;
let testDefinitionId: string;

/** The newest mail to `to` whose subject matches, once the outbox is flushed. */
async function mailTo(to: string, subject: RegExp) {
  await h.ctx.deps.services.mail.flush();
  const message = [...h.ctx.mail.sent]
    .reverse()
    .find((mail) => mail.to === to.toLowerCase() && subject.test(mail.subject));
  assert.ok(message, `no mail "${subject}" to ${to}`);
  return message;
}

/** The claim link of the newest claim mail to `to`: absolute (the harness's origin) and its token. */
async function claimLinkTo(to: string): Promise<{ url: string; token: string }> {
  const message = await mailTo(to, /^Claim your credential/);
  const url = /https?:\/\/\S+\/claim\?token=[A-Za-z0-9_%-]+/.exec(message.text)?.[0];
  assert.ok(url, message.text);
  assert.ok(url.startsWith(`${h.origin}/claim?token=`), url);
  return { url, token: decodeURIComponent(new URL(url).searchParams.get('token') ?? '') };
}

/** Records a passing result for `email` through the API (the issuance module mails the claim link). */
async function awardTo(email: string) {
  const response = await owner.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/definitions/${externalDefinitionId}/results`,
    payload: { email, name: 'Kim Claimant', passed: true },
  });
  assert.equal(response.statusCode, 201, response.body);
}

/** Time passes for the server and the browser alike (a jump, as when a laptop lid is reopened). */
async function elapse(page: Page, ms: number, serverMs = ms) {
  h.ctx.clock.advance(serverMs);
  await page.clock.fastForward(ms);
}

async function timerText(page: Page): Promise<string> {
  return ((await page.getByRole('timer').textContent()) ?? '').trim();
}

/** The attempt as the server has it (status, deadline), read through the API as the learner. */
async function attemptOnServer(learner: Session, id: string) {
  const response = await learner.request({ method: 'GET', url: `/api/v1/attempts/${id}` });
  assert.equal(response.statusCode, 200, response.body);
  return (response.json() as { attempt: { status: string; result: { passed: boolean } | null } }).attempt;
}

describe('claiming and the test timer in Chromium', { skip: browserSkip, timeout: 180_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    owner = await signedInUser(h.ctx, { name: 'Ivy Issuer' });
    const organisation = await createOrganisation(h.ctx, { owner, prefix: 'claim-ui' });
    slug = organisation.slug;
    // Issued by hand (or CSV) only for definitions assessed elsewhere.
    externalDefinitionId = (await insertExternalDefinition(h.ctx, organisation.id, { title: CLAIM_TITLE }))
      .id;

    testDefinitionId = await publishedDefinitionWithTest(h.ctx, owner, {
      slug,
      organisationId: organisation.id,
      title: TEST_TITLE,
      settings: {
        passMark: 100,
        timeLimitSeconds: TIME_LIMIT_SECONDS,
        shuffleItems: false,
        shuffleOptions: false,
      },
      items: [
        {
          type: 'single_choice',
          prompt: 'Which function adds up a range?',
          options: [
            { id: 'A', text: 'SUM', correct: true },
            { id: 'B', text: 'VLOOKUP' },
          ],
        },
        { type: 'true_false', prompt: 'A cell reference can point to another sheet.', correctAnswer: true },
      ],
    });
  });

  after(() => closeHarnessChecked(h, 'claim and timer pages'));

  test('issued to an address without an account → claim link → sign up in the wallet → claimed; a used link', async () => {
    // The issuer issues from the console to an address no account has.
    const recipient = uniqueEmail('claim-recipient');
    const issuer = await h.newPage();
    await signInToConsole(h, issuer, owner);
    await issuer.goto(`${h.origin}/console/orgs/${slug}/issue`);
    await issuer.getByRole('heading', { level: 1, name: 'Issue credentials' }).waitFor();
    await issuer.getByLabel('Credential to issue').selectOption({ label: `${CLAIM_TITLE} (version 1)` });
    await issuer.getByLabel('Learner email').fill(recipient);
    await issuer.getByLabel('Learner name').fill('Kim Claimant');
    await issuer.getByRole('button', { name: 'Issue credential' }).click();
    await issuer.locator('[data-job-status=completed]').waitFor();

    // The mailed link opens the claim page: what is waiting, and the way to the wallet.
    const link = await claimLinkTo(recipient);
    const learner = await h.newPage();
    await learner.goto(link.url);
    await learner.getByRole('heading', { level: 1, name: 'Claim your credential' }).waitFor();
    assert.match(
      (await learner.locator('main').textContent()) ?? '',
      new RegExp(`issued you ${CLAIM_TITLE}`),
    );
    await checkScreen(learner, 'claim page', 'claim-page');

    // "Keep it in my wallet": signed out, the wallet asks to sign in first; this learner has no account yet.
    await learner.getByRole('link', { name: 'Keep it in my wallet' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await checkScreen(learner, 'wallet claim, signed out');
    await learner.getByRole('link', { name: 'Create an account' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
    // Any address will do: the link, not the address, proves the credential is theirs.
    const own = uniqueEmail('claim-learner');
    await learner.getByLabel('Your name').fill('Kim Claimant');
    await learner.getByLabel('E-mail address').fill(own);
    await learner.getByLabel('Choose a password').fill(DEFAULT_PASSWORD);
    await learner.getByLabel('Choose a password').press('Enter');

    // Back on the claim screen, the code from the link filled in.
    await learner.getByRole('heading', { level: 1, name: 'Claim a credential' }).waitFor();
    assert.equal(await learner.getByLabel('Claim code').inputValue(), link.token);
    assert.ok(!learner.url().includes('sign-up'), learner.url());
    await checkScreen(learner, 'wallet claim screen', 'wallet-claim');
    // A new account's address is not confirmed yet, and claiming needs a confirmed account: said plainly.
    await learner.getByRole('button', { name: 'Claim it' }).click();
    const unverified = learner.getByRole('alert').filter({ hasText: 'E-mail address not verified' });
    await unverified.waitFor();
    assert.match((await unverified.textContent()) ?? '', /open the link we mailed you/);
    await assertNoSeriousAxeViolations(learner, 'wallet claim, address not confirmed');

    // The learner confirms their address from the mail, then follows the claim link to the wallet again.
    const confirm = await mailTo(own, /^Confirm your e-mail address/);
    const confirmUrl = /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_%-]+/.exec(confirm.text)?.[0];
    assert.ok(confirmUrl, confirm.text);
    await learner.goto(confirmUrl);
    await learner.getByRole('button', { name: 'Confirm my e-mail address' }).click();
    await learner.getByText('Your e-mail address is confirmed.').waitFor();
    await learner.goto(link.url);
    await learner.getByRole('link', { name: 'Keep it in my wallet' }).click();
    await learner.getByRole('heading', { level: 1, name: 'Claim a credential' }).waitFor();
    await learner.getByRole('button', { name: 'Claim it' }).click();
    await learner.getByText('Claimed: 1 credential is now in your wallet.').waitFor();
    await checkScreen(learner, 'wallet claim, claimed');

    // It is in the wallet.
    await learner.getByRole('link', { name: 'My credentials' }).click();
    await learner.getByRole('heading', { level: 1, name: 'My credentials' }).waitFor();
    await learner.getByRole('heading', { level: 2, name: CLAIM_TITLE }).waitFor();
    await learner.getByRole('heading', { level: 2, name: CLAIM_TITLE }).getByRole('link').click();
    await learner.getByRole('heading', { level: 1, name: CLAIM_TITLE }).waitFor();

    // The link works once: the claim page and the wallet both say it no longer works, and why.
    await learner.goto(link.url);
    await learner.getByRole('heading', { level: 1, name: 'This link does not work' }).waitFor();
    assert.match(
      (await learner.locator('main').textContent()) ?? '',
      /The link is unknown, already used or expired\.\s*Ask the issuer to send a new one\./,
    );
    await checkScreen(learner, 'claim page, used link', 'claim-page-used');
    await learner.goto(`${h.origin}/wallet/claim?token=${encodeURIComponent(link.token)}`);
    await learner.getByRole('button', { name: 'Claim it' }).click();
    const used = learner.getByRole('alert').filter({ hasText: 'Invalid or expired token' });
    await used.waitFor();
    assert.match((await used.textContent()) ?? '', /The claim link is unknown, already used or expired/);
    await checkScreen(learner, 'wallet claim, used link');
  });

  test('an expired claim link is said to be expired, on the claim page and in the wallet', async () => {
    const recipient = uniqueEmail('claim-late');
    await awardTo(recipient);
    const link = await claimLinkTo(recipient);
    const member = await signedInUser(h.ctx, { name: 'Lee Late' });
    // Claim links last 30 days.
    const month = 31 * 86_400_000;
    h.ctx.clock.advance(month);
    try {
      const page = await h.newPage();
      await page.goto(link.url);
      await page.getByRole('heading', { level: 1, name: 'This link does not work' }).waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /already used or expired/);
      await checkScreen(page, 'claim page, expired link');

      // Straight to the wallet with the old link: sign in (an existing account), then claim.
      await page.goto(`${h.origin}/wallet/claim?token=${encodeURIComponent(link.token)}`);
      await submitWalletSignIn(page, member);
      await page.getByRole('heading', { level: 1, name: 'Claim a credential' }).waitFor();
      await page.getByRole('button', { name: 'Claim it' }).click();
      const expired = page.getByRole('alert').filter({ hasText: 'Invalid or expired token' });
      await expired.waitFor();
      assert.match((await expired.textContent()) ?? '', /Ask the issuer to send a new one/);
      await checkScreen(page, 'wallet claim, expired link', 'wallet-claim-expired');
    } finally {
      h.ctx.clock.advance(-month);
    }
  });

  test('a timed test: answer, reload (kept), the time runs out → submitted by itself, result shown', async () => {
    const learner = await signedInUser(h.ctx, { name: 'Tia Timer' });
    const page = await h.newPage({ cookie: learner.cookie });
    // The page's clock is Playwright's from the start; it flows on its own, and jumps when told to.
    await page.clock.install();
    await page.goto(`${h.origin}/wallet/tests/${testDefinitionId}`);
    await page.getByRole('button', { name: 'Start the test' }).click();
    await page.getByRole('heading', { level: 1, name: TEST_TITLE }).waitFor();
    const firstAttempt = /\/wallet\/attempts\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    assert.ok(firstAttempt, page.url());
    assert.match(await timerText(page), /^(5:00|4:5\d)$/);

    // A minute later the learner answers one question; the timer keeps counting from where it was.
    await elapse(page, 60_000);
    await page.getByRole('radio', { name: 'SUM' }).check();
    await page.getByText('Answer saved.').waitFor();
    await page.getByText('1 of 2 answered').waitFor();
    await page.clock.runFor(1000);
    assert.match(await timerText(page), /^(4:00|3:5\d)$/, 'the time left after saving an answer');

    // Progress is the server's: after a reload the answer is still chosen, and the time left is the same.
    await page.reload();
    await page.getByText('1 of 2 answered').waitFor();
    assert.equal(await page.getByRole('radio', { name: 'SUM' }).isChecked(), true);
    assert.match(await timerText(page), /^(4:00|3:5\d)$/, 'the time left after a reload');
    await checkScreen(page, 'timed attempt after a reload');

    // The time runs out. The browser counts down from the server's whole seconds left: here its count ends
    // a second after the server's deadline, so the server refuses the submission (409 time_limit_exceeded),
    // closes the attempt as it stood, and the wallet shows that result.
    await elapse(page, 241_000);
    await page.getByRole('heading', { level: 1, name: `Result: ${TEST_TITLE}` }).waitFor();
    await page.getByText('The time ran out: the answers given by then were scored.').waitFor();
    await page.getByText('You did not pass this time').waitFor();
    await page.getByText('1 of 2 points (50%); the pass mark is 100%.').waitFor();
    await checkScreen(page, 'timed attempt, time ran out', 'wallet-test-timed-out');
    const expired = await attemptOnServer(learner, firstAttempt);
    assert.equal(expired.status, 'expired');

    // A second attempt, answered in full; this time the browser's count ends two seconds before the
    // server's deadline: an ordinary submission, scored, passed, the credential awarded.
    await page.getByRole('link', { name: 'Try the test again' }).click();
    await page.getByRole('button', { name: 'Start the test' }).click();
    await page.getByRole('heading', { level: 1, name: TEST_TITLE }).waitFor();
    const secondAttempt = /\/wallet\/attempts\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    assert.ok(secondAttempt && secondAttempt !== firstAttempt, page.url());
    await page.getByRole('radio', { name: 'SUM' }).check();
    await page.getByText('1 of 2 answered').waitFor();
    await page
      .getByRole('group', { name: /another sheet/ })
      .getByRole('radio', { name: 'True' })
      .check();
    await page.getByText('2 of 2 answered').waitFor();
    await elapse(page, TIME_LIMIT_SECONDS * 1000, (TIME_LIMIT_SECONDS - 2) * 1000);
    await page.getByRole('heading', { level: 1, name: `Result: ${TEST_TITLE}` }).waitFor();
    await page.getByText('You passed').waitFor();
    assert.equal(await page.getByText('The time ran out').count(), 0);
    await page.getByRole('link', { name: 'Open your new credential' }).waitFor();
    const submitted = await attemptOnServer(learner, secondAttempt);
    assert.equal(submitted.status, 'submitted');
    assert.equal(submitted.result?.passed, true);
  });
});
