import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertNoSeriousAxeViolations,
  assertPageBasics,
  type BrowserHarness,
  browserSkip,
  closeHarnessChecked,
  saveScreenshot,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardCredential } from '../helpers/issuance.ts';
import { allOfPathway, createPublishedPathway } from '../helpers/pathways.ts';

/**
 * Pathway groups in Chromium, on the console's cohort screen: the issuer creates a group, pastes addresses
 * (a malformed one is named by its line and nothing is added), sees who is where — a learner who follows
 * the pathway with progress, an invited address without — removes a member and deletes the group. axe-core
 * runs on each state.
 */

let h: BrowserHarness;
let owner: Session;
let learner: Session;
let slug: string;
let pathwayId: string;

describe('pathway groups in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    owner = await signedInUser(h.ctx, { name: 'Olga Owner' });
    const organisation = await createOrganisation(h.ctx, { owner, prefix: 'groups-ui' });
    slug = organisation.slug;
    learner = await signedInUser(h.ctx, { name: 'Lena Learner' });
    const [first, second, target] = await Promise.all(
      ['Group component one', 'Group component two', 'Group target'].map((title) =>
        insertDefinition(h.ctx, {
          organisationId: organisation.id,
          content: sampleDefinitionContent({ title }),
        }),
      ),
    );
    assert.ok(first && second && target);
    pathwayId = await createPublishedPathway(
      owner,
      slug,
      allOfPathway({
        title: 'Team pathway',
        target,
        mustBeValidAtCompletion: false,
        components: [
          { id: 'one', seriesId: first.seriesId, title: 'One' },
          { id: 'two', seriesId: second.seriesId, title: 'Two' },
        ],
      }),
    );
    await learner.request({ method: 'PUT', url: `/api/v1/me/pathways/${pathwayId}/subscription` });
    await awardCredential(h.ctx, first.id, learner.email);
  });

  after(() => closeHarnessChecked(h, 'group screens'));

  test('create a group, add members by pasting addresses, see who is where, remove, delete', async () => {
    const page = await h.newPage({ cookie: owner.cookie });
    await page.goto(`${h.origin}/console/orgs/${slug}/pathways/${pathwayId}/learners`);
    await page.getByRole('heading', { level: 1, name: 'Learners' }).waitFor();
    await page.getByText('No groups on this pathway yet.').waitFor();
    await assertPageBasics(page, 'cohort with groups panel');
    await assertNoSeriousAxeViolations(page, 'cohort with no groups');

    await page.getByLabel('Group name').fill('Spring 2027 cohort');
    await page.getByLabel('Group name').press('Enter');
    await page.getByText('Group “Spring 2027 cohort” created.').waitFor();
    await page.getByRole('heading', { level: 3, name: 'Who is where: Spring 2027 cohort' }).waitFor();
    await page.getByText('No members yet: add their e-mail addresses below.').waitFor();

    const addresses = page.getByLabel('E-mail addresses');
    await addresses.fill(`${learner.email}\nnot-an-address`);
    await page.getByRole('button', { name: 'Add and invite' }).click();
    await page.getByText('1 address is not valid: nothing was added.').waitFor();
    await page.getByText('Line 2: “not-an-address”').waitFor();
    await assertNoSeriousAxeViolations(page, 'group add refused');

    await addresses.fill(`${learner.email}, someone@example.org`);
    await page.getByRole('button', { name: 'Add and invite' }).click();
    await page.getByText('2 addresses added and invited; 0 skipped').waitFor();
    const groupTable = page.getByRole('table', { name: 'Who is where: Spring 2027 cohort' });
    const following = groupTable.getByRole('row', { name: /Lena Learner/ });
    await following.waitFor();
    assert.match((await following.textContent()) ?? '', /Following.*1 of 2/);
    const invited = groupTable.getByRole('row', { name: /someone@example\.org/ });
    assert.match((await invited.textContent()) ?? '', /Invited/);
    await page.getByText('2 members here: 1 following, 0 completed, 0 flagged, 1 invited.').waitFor();
    assert.match(
      (await page
        .getByRole('table', { name: 'Rules met, per rule' })
        .getByRole('row', { name: /^One/ })
        .textContent()) ?? '',
      /1/,
      'one member met component One',
    );
    await assertPageBasics(page, 'group who is where');
    await assertNoSeriousAxeViolations(page, 'group who is where');
    await saveScreenshot(page, 'console-pathway-groups');

    await page.getByRole('button', { name: 'Remove someone@example.org from the group' }).click();
    await page.getByText('someone@example.org was removed from the group.').waitFor();
    await page.getByText('1 member here: 1 following, 0 completed, 0 flagged, 0 invited.').waitFor();

    await page.getByRole('button', { name: 'Delete group' }).click();
    await page.getByRole('button', { name: 'Yes, delete the group' }).click();
    await page.getByText('No groups on this pathway yet.').waitFor();
    await assertNoSeriousAxeViolations(page, 'group deleted');
  });
});
