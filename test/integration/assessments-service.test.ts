import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Actor } from '../../src/core/actor.ts';
import {
  type CredentialAwards,
  createAssessmentsService,
} from '../../src/modules/assessments/assessments.service.ts';
import { seededRandom } from '../../src/modules/assessments/randomness.ts';
import { createCredentialsService } from '../../src/modules/credentials/credentials.service.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { insertDefinition } from '../helpers/definitions.ts';
import { createUser } from '../helpers/factories.ts';

/**
 * The assessments service built by hand: a seeded random source (so the draw and the shuffles are known),
 * and the award path through a credentials service wired to the catalogue, observed by a spy.
 */

let ctx: TestContext;
let slug: string;
let organisationId: string;
let managerActor: Actor;
const awards: Array<{ idempotencyKey?: string; alreadyIssued: boolean }> = [];

function serviceWith(seed: number) {
  const { db } = ctx.deps.database;
  const { audit, mail, organisations, keys, accounts, catalogue } = ctx.deps.services;
  const credentials = createCredentialsService({
    db,
    clock: ctx.clock,
    ids: ctx.deps.ids,
    config: ctx.deps.config,
    audit,
    mail,
    organisations,
    keys,
    accounts,
    definitions: {
      definitionForIssuing: async ({ definitionId, trx }) => {
        const record = await catalogue.getDefinitionRecord({ definitionId, trx });
        if (!record) return null;
        const { achievement, validityMonths } = await catalogue.achievementFor({ definitionId, trx });
        return { ...record, achievement, validityMonths };
      },
    },
  });
  const spy: CredentialAwards = {
    issueForDefinition: async (options) => {
      const issued = await credentials.issueForDefinition(options);
      awards.push({ idempotencyKey: options.idempotencyKey, alreadyIssued: issued.alreadyIssued });
      return issued;
    },
  };
  return {
    credentials,
    assessments: createAssessmentsService({
      db,
      clock: ctx.clock,
      ids: ctx.deps.ids,
      config: ctx.deps.config,
      audit,
      organisations,
      definitions: catalogue,
      accounts,
      credentials: spy,
      random: seededRandom(seed),
    }),
  };
}

async function learner(): Promise<{ actor: Actor; email: string }> {
  const user = await createUser(ctx, { name: 'Sam Learner' });
  return {
    actor: { kind: 'user', userId: user.id, isPlatformAdmin: false, emailVerified: true, sessionId: null },
    email: user.email,
  };
}

async function publishedTestOf(
  service: ReturnType<typeof createAssessmentsService>,
  settings: Parameters<ReturnType<typeof createAssessmentsService>['updateSettings']>[0]['settings'],
  count: number,
) {
  const definition = await insertDefinition(ctx, { organisationId, status: 'draft' });
  await service.updateSettings({ actor: managerActor, slug, definitionId: definition.id, settings });
  const itemIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const added = await service.addItem({
      actor: managerActor,
      slug,
      definitionId: definition.id,
      item: {
        type: 'single_choice',
        prompt: `Question ${i + 1}`,
        options: ['w', 'x', 'y', 'z'].map((id, index) => ({
          id,
          text: `Option ${id}`,
          correct: index === 0,
        })),
      },
    });
    itemIds.push(added.item.id);
  }
  await ctx.deps.database.db
    .updateTable('credential_definitions')
    .set({ status: 'published', published_at: ctx.clock.now() })
    .where('id', '=', definition.id)
    .execute();
  return { definitionId: definition.id, itemIds };
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  const org = await createOrganisation(ctx, { prefix: 'assess-svc' });
  slug = org.slug;
  organisationId = org.id;
  managerActor = {
    kind: 'user',
    userId: org.owner.userId,
    isPlatformAdmin: false,
    emailVerified: true,
    sessionId: null,
  };
});
after(async () => {
  await ctx.close();
});

describe('seeded randomisation', () => {
  test('the same seed draws the same items in the same order with the same option order', async () => {
    const { assessments } = serviceWith(1);
    const { definitionId, itemIds } = await publishedTestOf(
      assessments,
      { passMark: 50, itemsPerAttempt: 4 },
      8,
    );
    const layouts: string[][][] = [];
    for (const seed of [42, 42, 43]) {
      const { assessments: seeded } = serviceWith(seed);
      const { actor } = await learner();
      const view = await seeded.startAttempt({ actor, definitionId });
      assert.equal(view.items.length, 4);
      layouts.push(view.items.map((entry) => [entry.item.id, ...entry.options.map((option) => option.id)]));
      for (const entry of view.items) {
        assert.ok(itemIds.includes(entry.item.id));
        assert.deepEqual([...entry.options.map((option) => option.id)].sort(), ['w', 'x', 'y', 'z']);
      }
    }
    assert.deepEqual(layouts[0], layouts[1]);
    assert.notDeepEqual(layouts[0], layouts[2]);
    // The draw is a random subset in random order, not the bank's first four in bank order.
    const bankOrder = layouts.map((layout) => layout.map((entry) => itemIds.indexOf(entry[0]!)));
    assert.ok(
      bankOrder.some((order) => order.join() !== '0,1,2,3'),
      `draws: ${JSON.stringify(bankOrder)}`,
    );
  });

  test('without shuffling, items keep the bank order and options their order', async () => {
    const { assessments } = serviceWith(5);
    const { definitionId, itemIds } = await publishedTestOf(
      assessments,
      { passMark: 50, shuffleItems: false, shuffleOptions: false },
      5,
    );
    const view = await assessments.startAttempt({ actor: (await learner()).actor, definitionId });
    assert.deepEqual(
      view.items.map((entry) => entry.item.id),
      itemIds,
    );
    for (const entry of view.items)
      assert.deepEqual(
        entry.options.map((option) => option.id),
        ['w', 'x', 'y', 'z'],
      );
  });
});

describe('awarding on a pass', () => {
  test('a pass awards the definition’s credential once, with result and evidence', async () => {
    const { assessments, credentials } = serviceWith(9);
    const { definitionId } = await publishedTestOf(
      assessments,
      { passMark: 60, supervision: 'supervised-onsite-id' },
      3,
    );
    const { actor, email } = await learner();
    const started = await assessments.startAttempt({ actor, definitionId });
    const attemptId = started.attempt.id;
    for (const [index, entry] of started.items.entries()) {
      await assessments.saveResponse({
        actor,
        attemptId,
        itemId: entry.item.id,
        answer: index === 0 ? 'x' : 'w',
      });
    }
    const before = awards.length;
    const view = await assessments.submitAttempt({ actor, attemptId });
    assert.equal(view.attempt.passed, true);
    assert.equal(view.attempt.percent, 66.67);
    assert.ok(view.attempt.credential_id);
    assert.deepEqual(awards.slice(before), [
      { idempotencyKey: `attempt:${attemptId}`, alreadyIssued: false },
    ]);

    const row = await ctx.deps.database.db
      .selectFrom('credentials')
      .selectAll()
      .where('id', '=', view.attempt.credential_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.recipient_email, email.toLowerCase());
    assert.equal(row.recipient_name, 'Sam Learner');
    assert.equal(row.issued_via, 'assessment');
    assert.equal(row.definition_id, definitionId);
    const vc = JSON.parse(row.document) as {
      credentialSubject: { result: unknown[]; narrative: string };
      evidence: Array<{ id: string; description: string }>;
    };
    assert.deepEqual(vc.credentialSubject.result, [
      { type: ['Result'], value: '66.67', status: 'Completed' },
    ]);
    assert.match(vc.credentialSubject.narrative, /2 of 3 points \(66\.67%; pass mark 60%\), attempt 1\./);
    assert.match(
      vc.evidence[0]!.description,
      /Supervision and identity verification: supervised-onsite-id\./,
    );
    assert.equal(vc.evidence[0]!.id, `http://credstack.test/api/v1/attempts/${attemptId}`);

    // Retrying the award with the attempt's key returns the same credential instead of issuing another.
    const retried = await credentials.issueForDefinition({
      actor,
      definitionId,
      recipient: { email },
      via: 'assessment',
      idempotencyKey: `attempt:${attemptId}`,
    });
    assert.equal(retried.alreadyIssued, true);
    assert.equal(retried.record.id, view.attempt.credential_id);
    await assert.rejects(assessments.submitAttempt({ actor, attemptId }), { code: 'invalid_state' });

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type', 'data'])
      .where('subject_id', '=', attemptId)
      .where('type', '=', 'assessment.attempt_submitted')
      .execute();
    assert.equal(events.length, 1);
    assert.deepEqual(
      { ...(events[0]!.data as Record<string, unknown>) },
      {
        definitionId,
        testId: started.attempt.test_id,
        attemptNumber: 1,
        score: 2,
        maxScore: 3,
        percent: 66.67,
        passed: true,
        passMark: 60,
        supervision: 'supervised-onsite-id',
        credentialId: view.attempt.credential_id,
      },
    );
  });

  test('an attempt that expires with enough answers saved in time passes and is awarded', async () => {
    const { assessments } = serviceWith(11);
    const { definitionId } = await publishedTestOf(assessments, { passMark: 50, timeLimitSeconds: 60 }, 2);
    const { actor } = await learner();
    const started = await assessments.startAttempt({ actor, definitionId });
    await assessments.saveResponse({
      actor,
      attemptId: started.attempt.id,
      itemId: started.items[0]!.item.id,
      answer: 'w',
    });
    ctx.clock.advance(61_000);
    await assert.rejects(
      assessments.saveResponse({
        actor,
        attemptId: started.attempt.id,
        itemId: started.items[1]!.item.id,
        answer: 'w',
      }),
      { code: 'time_limit_exceeded' },
    );
    const view = await assessments.getAttempt({ actor, attemptId: started.attempt.id });
    assert.equal(view.attempt.status, 'expired');
    assert.equal(view.attempt.passed, true);
    assert.ok(view.attempt.credential_id);
  });

  test('a failed award rolls the whole submission back', async () => {
    const { assessments } = serviceWith(13);
    const { definitionId } = await publishedTestOf(assessments, { passMark: 50 }, 1);
    const failing = createAssessmentsService({
      db: ctx.deps.database.db,
      clock: ctx.clock,
      ids: ctx.deps.ids,
      config: ctx.deps.config,
      audit: ctx.deps.services.audit,
      organisations: ctx.deps.services.organisations,
      definitions: ctx.deps.services.catalogue,
      accounts: ctx.deps.services.accounts,
      credentials: {
        issueForDefinition: async () => {
          throw new Error('signing key unavailable');
        },
      },
    });
    const { actor } = await learner();
    const started = await failing.startAttempt({ actor, definitionId });
    await failing.saveResponse({
      actor,
      attemptId: started.attempt.id,
      itemId: started.items[0]!.item.id,
      answer: 'w',
    });
    await assert.rejects(
      failing.submitAttempt({ actor, attemptId: started.attempt.id }),
      /signing key unavailable/,
    );
    const view = await failing.getAttempt({ actor, attemptId: started.attempt.id });
    assert.equal(view.attempt.status, 'open', 'nothing half-written: the attempt is still open');
    assert.equal(view.items[0]!.answer, 'w');
    assert.equal(view.items[0]!.result, null);
  });
});
