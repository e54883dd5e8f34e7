import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  assertNoSeriousAxeViolations,
  type BrowserHarness,
  browserSkip,
  checkScreenWithHeading,
  closeHarnessChecked,
  startBrowserHarness,
} from '../helpers/browser.ts';
import { ACHIEVEMENT, createOrganisation, issueAs } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardADayLater } from '../helpers/issuance.ts';
import { allOfPathway, createPublishedPathway } from '../helpers/pathways.ts';

/**
 * CLR 2.0 transcripts in Chromium: a learner holding credentials from two organisations makes a transcript
 * from one of them in the wallet (choosing from the other issuer starts a new choice; a vc+jwt credential is
 * said not to fit; the server's refusal is shown readably), downloads it, and checks the file on the public
 * verify page, which lists each embedded credential with its verdict. Then the record of a completed pathway
 * is downloaded from its progress screen. axe-core on every screen.
 */

type Json = Record<string, unknown>;

const PATHWAY_TITLE = 'Applied AI pathway';
const CORE = 'Prompt engineering';
const ADVANCED = 'Retrieval-augmented generation';
const TARGET = 'Applied AI practitioner';
const OTHER = 'Data protection basics';
const JWT_ONE = 'Secure coding (JWT)';
const TRANSCRIPT_NAME = 'My AI transcript';

let h: BrowserHarness;
let learner: Session;
let nameA: string;
let nameB: string;
let pathwayId: string;
/** The learner's credential ids by achievement name. */
const idByName = new Map<string, string>();
/** Where the transcript downloaded in the first test was saved. */
let transcriptPath = '';

async function organisationName(id: string): Promise<string> {
  const row = await h.ctx.deps.database.db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return row.name;
}

/** The embedded credentials' uuids (the last part of their URL ids), in the transcript's order. */
function embeddedIds(clr: Json): string[] {
  const subject = clr.credentialSubject as Json;
  return (subject.verifiableCredential as Json[]).map(
    (credential) => String(credential.id).split('/').pop()!,
  );
}

describe('CLR transcripts in Chromium', { skip: browserSkip, timeout: 120_000 }, () => {
  before(async () => {
    h = await startBrowserHarness();
    const { ctx } = h;
    const a = await createOrganisation(ctx, { prefix: 'clr-ui-a' });
    const b = await createOrganisation(ctx, { prefix: 'clr-ui-b' });
    nameA = await organisationName(a.id);
    nameB = await organisationName(b.id);
    learner = await signedInUser(ctx, { name: 'Tomas Transcript' });

    const definitions = new Map<string, { id: string; seriesId: string }>();
    for (const [organisationId, title] of [
      [a.id, CORE],
      [a.id, ADVANCED],
      [a.id, TARGET],
      [b.id, OTHER],
    ] as const) {
      const inserted = await insertDefinition(ctx, {
        organisationId,
        content: sampleDefinitionContent({ title }),
      });
      definitions.set(title, { id: inserted.id, seriesId: inserted.seriesId });
    }
    pathwayId = await createPublishedPathway(
      a.owner,
      a.slug,
      allOfPathway({
        title: PATHWAY_TITLE,
        target: definitions.get(TARGET)!,
        components: [
          { id: 'core', seriesId: definitions.get(CORE)!.seriesId, title: CORE },
          {
            id: 'advanced',
            seriesId: definitions.get(ADVANCED)!.seriesId,
            title: ADVANCED,
            requires: ['core'],
          },
        ],
      }),
    );

    // Earned after publication, one day apart: the pathway completes by itself with the second.
    for (const title of [CORE, ADVANCED, OTHER]) {
      await awardADayLater(ctx, definitions.get(title)!.id, learner.email);
    }
    await ctx.deps.services.credentials.whenEventsSettled();
    // A vc+jwt credential cannot go into a transcript: the screen says so instead of offering it.
    await issueAs(b.owner, b.slug, {
      format: 'vc+jwt',
      achievement: { ...ACHIEVEMENT, name: JWT_ONE },
      recipient: { email: learner.email, name: 'Tomas Transcript' },
    });

    const list = await learner.request({ method: 'GET', url: '/api/v1/me/credentials?limit=100' });
    assert.equal(list.statusCode, 200, list.body);
    for (const credential of (list.json() as { credentials: Array<{ id: string; achievementName: string }> })
      .credentials) {
      idByName.set(credential.achievementName, credential.id);
    }
    assert.deepEqual([...idByName.keys()].sort(), [ADVANCED, CORE, JWT_ONE, OTHER, TARGET].sort());
  });

  after(() => closeHarnessChecked(h, 'transcript screens'));

  test('make a transcript from one issuer in the wallet and download it', async () => {
    const page = await h.newPage({ cookie: learner.cookie });
    await page.goto(`${h.origin}/wallet`);
    await checkScreenWithHeading(page, 'My credentials', 'wallet list with the transcript link');
    await page.getByRole('link', { name: 'Make a transcript (CLR)' }).click();
    await checkScreenWithHeading(page, 'Make a transcript (CLR)', 'transcript screen', 'wallet-transcript');

    const groupA = page.getByRole('group', { name: `Issued by ${nameA}` });
    const groupB = page.getByRole('group', { name: `Issued by ${nameB}` });
    assert.equal(await groupA.getByRole('checkbox').count(), 3, 'core, advanced and the pathway credential');
    assert.equal(await groupB.getByRole('checkbox').count(), 1, 'the vc+jwt one is not offered');
    assert.match(
      (await groupB.textContent()) ?? '',
      new RegExp(`vc\\+jwt.*${JWT_ONE.replace(/[()]/g, '\\$&')}`),
    );

    // One issuer per transcript: choosing from the second one starts the choice again there, said aloud.
    await groupB.getByRole('checkbox', { name: new RegExp(OTHER) }).check();
    await page.getByText(`1 credential chosen from ${nameB}.`).waitFor();
    await groupA.getByRole('checkbox', { name: new RegExp(CORE) }).check();
    await page.getByText(`Now choosing from ${nameA}`).waitFor();
    assert.equal(await groupB.getByRole('checkbox', { name: new RegExp(OTHER) }).isChecked(), false);
    await groupA.getByRole('checkbox', { name: new RegExp(ADVANCED) }).check();
    await page.getByText(`2 credentials chosen from ${nameA}.`).waitFor();
    assert.match(
      (await groupB.textContent()) ?? '',
      new RegExp(`Choosing one of these starts a new transcript from ${nameB}`),
    );
    await page.getByLabel('Name of the transcript (optional)').fill(TRANSCRIPT_NAME);
    await assertNoSeriousAxeViolations(page, 'transcript screen with a choice');

    // The server's refusal (here its real answer to mixed issuers, played back once) is shown readably.
    const mixed = await learner.request({
      method: 'POST',
      url: '/api/v1/me/transcripts',
      payload: { credentialIds: [idByName.get(CORE), idByName.get(OTHER)] },
    });
    assert.equal(mixed.statusCode, 422, mixed.body);
    await page.route(
      '**/api/v1/me/transcripts',
      (route) =>
        route.fulfill({
          status: 422,
          contentType: String(mixed.headers['content-type']),
          body: mixed.body,
        }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Download transcript' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Make one transcript per issuer/);
    await assertNoSeriousAxeViolations(page, 'transcript refused');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download transcript' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'transcript-clr.json');
    transcriptPath = (await download.path()) ?? '';
    const clr = JSON.parse(readFileSync(transcriptPath, 'utf8')) as Json;
    assert.deepEqual(clr.type, ['VerifiableCredential', 'ClrCredential']);
    assert.equal(clr.name, TRANSCRIPT_NAME);
    assert.equal((clr.issuer as Json).name, nameA);
    assert.deepEqual(embeddedIds(clr), [idByName.get(CORE), idByName.get(ADVANCED)]);
    await page
      .getByText(`Transcript of 2 credentials from ${nameA} downloaded as transcript-clr.json.`)
      .waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'the earlier problem is gone');
    await assertNoSeriousAxeViolations(page, 'transcript downloaded');

    // A credential's own page offers a transcript starting with it.
    await page.goto(`${h.origin}/wallet/credentials/${idByName.get(OTHER)}`);
    await checkScreenWithHeading(page, OTHER, 'credential detail');
    await page.getByRole('link', { name: 'Make a transcript (CLR 2.0) with this credential' }).click();
    await checkScreenWithHeading(page, 'Make a transcript (CLR)', 'transcript screen from a credential');
    assert.equal(await page.getByRole('checkbox', { name: new RegExp(OTHER) }).isChecked(), true);
    await page.getByText(`1 credential chosen from ${nameB}.`).waitFor();
  });

  test('the verify page checks the downloaded transcript and lists each embedded credential', async () => {
    assert.ok(transcriptPath, 'the wallet test downloaded a transcript');
    const page = await h.newPage();
    await page.goto(`${h.origin}/verify`);
    await page.getByLabel('File: JSON, or a baked badge image (PNG or SVG)').setInputFiles(transcriptPath);
    await page.getByRole('button', { name: 'Verify' }).nth(1).click();
    const verdict = page.locator('#result [data-verdict]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid');
    const result = page.locator('#result');
    assert.match(
      (await result.textContent()) ?? '',
      new RegExp(`Transcript \\(CLR 2\\.0\\): ${TRANSCRIPT_NAME}`),
    );
    assert.match(
      (await result.textContent()) ?? '',
      /A transcript of 2 credentials, each checked on its own below/,
    );
    await page.getByRole('heading', { level: 2, name: 'The 2 credentials in this transcript' }).waitFor();
    const items = page.locator('.embedded-credential');
    assert.equal(await items.count(), 2);
    for (const [index, name] of [CORE, ADVANCED].entries()) {
      const item = items.nth(index);
      assert.equal(await item.getByRole('heading', { level: 3 }).textContent(), name);
      assert.match((await item.textContent()) ?? '', new RegExp(`Issuer: ${nameA}`));
      assert.equal(
        await item.locator('[data-embedded-verdict]').getAttribute('data-embedded-verdict'),
        'valid',
      );
    }
    await page.getByText('2 of 2 verified.').waitFor();
    // Every step of each, behind a disclosure that works without script.
    await items.first().getByText('Every step').click();
    assert.equal(await items.first().locator('details ol.steps li').count(), 6);
    await checkScreenWithHeading(page, 'Verify a credential', 'verify a transcript', 'verify-transcript');
  });

  test('the completed pathway’s record downloads from its progress screen', async () => {
    const page = await h.newPage({ cookie: learner.cookie });
    await page.goto(`${h.origin}/wallet/pathways/${pathwayId}`);
    await checkScreenWithHeading(page, PATHWAY_TITLE, 'pathway progress, completed');
    await page.getByText(/^Completed on /).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the pathway record (CLR)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'pathway-clr.json');
    const clr = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as Json;
    assert.deepEqual(clr.type, ['VerifiableCredential', 'ClrCredential']);
    const ids = embeddedIds(clr);
    assert.equal(ids[0], idByName.get(TARGET), 'the pathway credential comes first');
    assert.deepEqual(ids.slice(1).sort(), [idByName.get(CORE), idByName.get(ADVANCED)].sort());
    await page.getByText('Pathway record downloaded as pathway-clr.json.').waitFor();
    await assertNoSeriousAxeViolations(page, 'pathway record downloaded');
  });
});
