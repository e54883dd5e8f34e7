import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  checkScreenWithHeading,
  closeHarnessChecked,
  saveScreenshot,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardCredential } from '../helpers/issuance.ts';

/**
 * Pathways in Chromium: an issuer builds a 2-of-3 pathway in the console (live checks show a problem on the
 * group it concerns), saves and publishes it; a learner who already holds two of the three component
 * credentials follows it in the wallet, sees every rule met, completes it and opens the pathway credential,
 * and asks for recognition of the third; the issuer sees the cohort and rejects that request. axe-core runs
 * on every screen.
 */

const PATHWAY_TITLE = 'Cloud operations certificate';
const COMPONENTS = ['Cloud networking', 'Cloud security', 'Cloud cost control'];
const TARGET_TITLE = 'Certified cloud operator';

let h: BrowserHarness;
let owner: Session;
let learner: Session;
let slug: string;
let pathwayId: string;

describe('pathways in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    owner = await signedInUser(h.ctx, { name: 'Olga Owner' });
    const organisation = await createOrganisation(h.ctx, { owner, prefix: 'pathways-ui' });
    slug = organisation.slug;
    learner = await signedInUser(h.ctx, { name: 'Lena Learner' });
    const definitionIds: string[] = [];
    for (const title of [...COMPONENTS, TARGET_TITLE]) {
      const inserted = await insertDefinition(h.ctx, {
        organisationId: organisation.id,
        content: sampleDefinitionContent({
          title,
          workload: { hours: 20, creditPoints: { value: 2, framework: 'ECTS' } },
          cost: { amount: 150, currency: 'EUR' },
        }),
      });
      definitionIds.push(inserted.id);
    }
    // The learner earned two components before the pathway existed: completion is theirs to ask for.
    for (const definitionId of definitionIds.slice(0, 2)) {
      await awardCredential(h.ctx, definitionId, learner.email);
    }
  });

  after(() => closeHarnessChecked(h, 'pathway screens'));

  test('the issuer builds a 2-of-3 pathway with live checks, saves and publishes it', async () => {
    const page = await h.newPage({ cookie: owner.cookie });
    await page.goto(`${h.origin}/console/orgs/${slug}/pathways`);
    await checkScreenWithHeading(page, 'Pathways', 'console pathway list');
    await page.getByText('No pathways yet.').waitFor();
    await page.getByRole('link', { name: 'New pathway' }).click();
    await checkScreenWithHeading(page, 'New pathway', 'console new pathway');
    // The browser names the blanks at once.
    await page.getByText('Give the pathway a title.').waitFor();

    await page.getByLabel('Pathway title').fill(PATHWAY_TITLE);
    await page.getByLabel('Credential awarded on completion').selectOption({ label: TARGET_TITLE });
    const root = page.getByRole('group', { name: 'Group root' });
    await root.getByLabel('Rule').selectOption('n-of');
    for (const [index, title] of COMPONENTS.entries()) {
      await root.getByRole('button', { name: 'Add component to root' }).click();
      await page
        .getByRole('group', { name: `Component c${index + 1}` })
        .getByLabel('Definition')
        .selectOption({ label: title });
    }
    // N larger than M: the server's check puts the problem on the group.
    await page.getByLabel('How many (N)').fill('4');
    await page.getByText('1 problem to fix').waitFor();
    assert.match((await root.locator('.pathway-problems').first().textContent()) ?? '', /invalid_n/);
    await assertNoSeriousAxeViolations(page, 'builder with a problem');
    await page.getByLabel('How many (N)').fill('2');
    await page.getByText('No problems found.').waitFor();
    await saveScreenshot(page, 'pathway-builder');

    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Version 1 saved.').waitFor();
    await checkScreenWithHeading(page, 'Edit pathway', 'console pathway draft');
    pathwayId = /\/pathways\/([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
    assert.ok(pathwayId, page.url());
    await page.getByText('No problems found.').waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Version 1 published.').waitFor();
    const ctdl = page.getByRole('link', { name: 'CTDL export (JSON-LD)' });
    const answer = await page.request.get(`${h.origin}${await ctdl.getAttribute('href')}`);
    assert.equal(answer.status(), 200);
    assert.equal(((await answer.json()) as Record<string, unknown>)['@type'], 'ceterms:Pathway');
    await assertNoSeriousAxeViolations(page, 'console published pathway');
  });

  test('the learner follows it, sees every rule met, completes it and asks for recognition', async () => {
    assert.ok(pathwayId, 'the builder test ran first');
    const page = await h.newPage({ cookie: learner.cookie });
    await page.goto(`${h.origin}/wallet/pathways`);
    await checkScreenWithHeading(page, 'Pathways', 'wallet pathways');
    await page.getByRole('button', { name: `Follow ${PATHWAY_TITLE}` }).click();
    await page.getByText(`You now follow ${PATHWAY_TITLE}.`).waitFor();
    await page
      .getByRole('button', { name: `Stop following ${PATHWAY_TITLE}` })
      .first()
      .waitFor();
    await page.getByRole('link', { name: PATHWAY_TITLE }).first().click();

    await checkScreenWithHeading(page, PATHWAY_TITLE, 'wallet pathway progress', 'wallet-pathway-progress');
    await page.getByText('All rules are met.').waitFor();
    const tree = page.locator('.pathway-tree');
    assert.match((await tree.textContent()) ?? '', /Met — 2 of these 3 \(2 of 2 met\)/);
    assert.match((await tree.textContent()) ?? '', /Not met — Cloud cost control · not held yet/);

    await page.getByRole('button', { name: 'Complete the pathway' }).click();
    await page.getByText(/^Completed on /).waitFor();
    await assertNoSeriousAxeViolations(page, 'wallet pathway completed');

    await page.getByLabel('Component').selectOption({ label: COMPONENTS[2]! });
    await page.getByLabel('Evidence for a reviewer').check();
    await page
      .getByLabel('Describe your evidence')
      .fill('Ran the cost review of our cloud estate for a year.');
    await page.getByRole('button', { name: 'Submit for recognition' }).click();
    await page.getByText(`Queued for review: ${COMPONENTS[2]}.`).waitFor();
    await assertNoSeriousAxeViolations(page, 'wallet recognition queued');

    await page.getByRole('link', { name: 'View the pathway credential' }).click();
    await page.getByRole('heading', { level: 1, name: TARGET_TITLE }).waitFor();
  });

  test('the issuer sees the cohort and rejects the recognition request with a note', async () => {
    assert.ok(pathwayId, 'the builder test ran first');
    const page = await h.newPage({ cookie: owner.cookie });
    await page.goto(`${h.origin}/console/orgs/${slug}/pathways/${pathwayId}/learners`);
    await checkScreenWithHeading(page, 'Learners', 'console pathway cohort');
    const row = page.getByRole('row', { name: /Lena Learner/ });
    assert.match((await row.textContent()) ?? '', /2 of 3.*Completed on/);

    await page.getByRole('link', { name: 'Back to the pathway' }).click();
    await checkScreenWithHeading(page, 'Edit pathway', 'console pathway after publication');
    await page.getByRole('link', { name: 'Recognition requests' }).click();
    await checkScreenWithHeading(page, 'Recognition requests', 'console recognition queue');
    await page.getByLabel('Note to the learner').fill('Please submit the certificate of the cost review.');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('Request rejected.').waitFor();
    await page.getByText('No requests are waiting.').waitFor();
    await assertNoSeriousAxeViolations(page, 'console recognition decided');
  });
});
