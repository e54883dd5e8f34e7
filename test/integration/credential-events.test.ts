/**
 * The credential event outbox: events are written with the change, delivered after the commit, and what a
 * failed listener (or a process that stopped before delivering) left behind is delivered later, once.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import {
  type InsertedDefinition,
  insertDefinition,
  sampleDefinitionContent,
} from '../helpers/definitions.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';
import { awardADayLater } from '../helpers/issuance.ts';
import { allOfPathway, createPublishedPathway } from '../helpers/pathways.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let orgId: string;
let first: InsertedDefinition;
let second: InsertedDefinition;
let target: InsertedDefinition;
let pathwayId: string;
type PathwaysService = TestContext['deps']['services']['pathways'];
let original: Pick<
  PathwaysService,
  'onCredentialsIssued' | 'onCredentialStatusChanged' | 'onCredentialsClaimed'
>;

const MAX_ATTEMPTS = 10;

/** Awarded a day after whatever came before, its events delivered; returns the credential's id. */
async function award(definitionId: string, email: string): Promise<string> {
  const issued = await awardADayLater(ctx, definitionId, email);
  await ctx.deps.services.credentials.whenEventsSettled();
  return issued.record.id;
}

function outboxRows() {
  return ctx.deps.database.db
    .selectFrom('credential_event_outbox')
    .select(['kind', 'attempts', 'last_error', 'leased_until'])
    .orderBy('created_at')
    .execute();
}

function completionOf(userId: string) {
  return ctx.deps.database.db
    .selectFrom('pathway_completions')
    .select(['status', 'credential_id'])
    .where('pathway_id', '=', pathwayId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

function failing(): () => Promise<never> {
  return async () => {
    throw new Error('listener is down');
  };
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: orgId } = await createOrganisation(ctx, { prefix: 'outbox' }));
  first = await insertDefinition(ctx, {
    organisationId: orgId,
    content: sampleDefinitionContent({ title: 'One' }),
  });
  second = await insertDefinition(ctx, {
    organisationId: orgId,
    content: sampleDefinitionContent({ title: 'Two' }),
  });
  target = await insertDefinition(ctx, {
    organisationId: orgId,
    content: sampleDefinitionContent({ title: 'Both' }),
  });
  pathwayId = await createPublishedPathway(
    owner,
    slug,
    allOfPathway({
      title: 'One and two',
      target,
      components: [
        { id: 'one', seriesId: first.seriesId },
        { id: 'two', seriesId: second.seriesId },
      ],
    }),
  );
  const pathways = ctx.deps.services.pathways;
  original = {
    onCredentialsIssued: pathways.onCredentialsIssued,
    onCredentialStatusChanged: pathways.onCredentialStatusChanged,
    onCredentialsClaimed: pathways.onCredentialsClaimed,
  };
});
beforeEach(async () => {
  Object.assign(ctx.deps.services.pathways, original);
  await ctx.deps.database.db.deleteFrom('credential_event_outbox').execute();
});
after(async () => {
  await ctx.close();
});

describe('credential event outbox', () => {
  test('delivered right after the commit: nothing stays queued', async () => {
    const learner = await signedInUser(ctx);
    await award(first.id, learner.email);
    await award(second.id, learner.email);
    assert.equal((await completionOf(learner.userId))?.status, 'complete');
    assert.deepEqual(await outboxRows(), []);
  });

  test('a failed listener leaves the events queued; they are retried after a back-off and complete the pathway once', async () => {
    const learner = await signedInUser(ctx);
    ctx.deps.services.pathways.onCredentialsIssued = failing();
    await award(first.id, learner.email);
    await award(second.id, learner.email);
    assert.equal(await completionOf(learner.userId), undefined, 'the listener never ran');
    const queued = await outboxRows();
    assert.deepEqual(
      queued.map((row) => [row.kind, row.attempts, row.last_error, row.leased_until]),
      [
        ['issued', 1, 'listener is down', null],
        ['issued', 1, 'listener is down', null],
      ],
    );

    Object.assign(ctx.deps.services.pathways, original);
    const credentials = ctx.deps.services.credentials;
    // The first event's back-off ran out while the second was issued a day later; the second's has not.
    // Delivering the first already completes the pathway (the learner holds both by then).
    assert.deepEqual(await credentials.deliverPendingEvents({ olderThanMs: 0 }), { delivered: 1, failed: 0 });
    assert.equal((await completionOf(learner.userId))?.status, 'complete');
    // The pathway credential that completion issued has its own event, delivered after its commit.
    await credentials.whenEventsSettled();
    assert.equal((await outboxRows()).length, 1);
    ctx.clock.advance(31_000);
    // The second one is delivered too, and changes nothing: completion happens once.
    assert.deepEqual(await credentials.deliverPendingEvents({ olderThanMs: 0 }), { delivered: 1, failed: 0 });
    const completion = await completionOf(learner.userId);
    assert.equal(completion?.status, 'complete');
    assert.ok(completion?.credential_id);
    assert.deepEqual(await outboxRows(), []);
    assert.deepEqual(await credentials.deliverPendingEvents({ olderThanMs: 0 }), { delivered: 0, failed: 0 });
    const completed = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select('id')
      .where('type', '=', 'pathway.completed')
      .where('data', '@>', JSON.stringify({ userId: learner.userId }) as never)
      .execute();
    assert.equal(completed.length, 1);
  });

  test('a revocation whose listener failed still flags the completion, later', async () => {
    const learner = await signedInUser(ctx);
    const one = await award(first.id, learner.email);
    await award(second.id, learner.email);
    assert.equal((await completionOf(learner.userId))?.status, 'complete');
    ctx.deps.services.pathways.onCredentialStatusChanged = failing();
    const revoked = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials/${one}/revoke`,
      payload: { reason: 'Issued in error' },
    });
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal((await completionOf(learner.userId))?.status, 'complete', 'not flagged yet');
    assert.deepEqual(
      (await outboxRows()).map((row) => row.kind),
      ['status_changed'],
    );
    Object.assign(ctx.deps.services.pathways, original);
    ctx.clock.advance(31_000);
    assert.deepEqual(await ctx.deps.services.credentials.deliverPendingEvents({ olderThanMs: 0 }), {
      delivered: 1,
      failed: 0,
    });
    assert.equal((await completionOf(learner.userId))?.status, 'flagged');
  });

  test('an event committed but never delivered (the process stopped) is delivered by the sweep', async () => {
    const heard: Array<{ userId: string; credentialIds: string[] }> = [];
    ctx.deps.services.pathways.onCredentialsClaimed = async (claim) => {
      heard.push(claim);
    };
    const credentials = ctx.deps.services.credentials;
    const claim = { userId: '00000000-0000-4000-8000-0000000000c1', credentialIds: [] };
    await ctx.deps.database.db.transaction().execute(async (trx) => {
      await credentials.queueClaimedEvent(trx, claim);
    });
    // A rolled-back change leaves no event.
    await assert.rejects(
      ctx.deps.database.db.transaction().execute(async (trx) => {
        await credentials.queueClaimedEvent(trx, {
          ...claim,
          userId: '00000000-0000-4000-8000-0000000000c2',
        });
        throw new Error('rollback');
      }),
      /rollback/,
    );
    assert.equal((await outboxRows()).length, 1);
    // Fresh events are left to the request that made them; older ones are the sweep's.
    assert.deepEqual(await credentials.deliverPendingEvents(), { delivered: 0, failed: 0 });
    ctx.clock.advance(30_000);
    assert.deepEqual(await credentials.deliverPendingEvents(), { delivered: 1, failed: 0 });
    assert.deepEqual(heard, [claim]);
    assert.deepEqual(await outboxRows(), []);
  });

  test('two sweeps at once deliver each event once', async () => {
    let calls = 0;
    ctx.deps.services.pathways.onCredentialsClaimed = async () => {
      calls++;
    };
    const credentials = ctx.deps.services.credentials;
    for (let i = 0; i < 5; i++) {
      await ctx.deps.database.db.transaction().execute(async (trx) => {
        await credentials.queueClaimedEvent(trx, {
          userId: `00000000-0000-4000-8000-00000000000${i}`,
          credentialIds: [],
        });
      });
    }
    const [a, b] = await Promise.all([
      credentials.deliverPendingEvents({ olderThanMs: 0 }),
      credentials.deliverPendingEvents({ olderThanMs: 0 }),
    ]);
    assert.equal(a.delivered + b.delivered, 5);
    assert.equal(calls, 5);
    assert.deepEqual(await outboxRows(), []);
  });

  test(`after ${MAX_ATTEMPTS} failed deliveries an event is kept for an operator and no longer retried`, async () => {
    ctx.deps.services.pathways.onCredentialsClaimed = failing();
    const credentials = ctx.deps.services.credentials;
    await ctx.deps.database.db.transaction().execute(async (trx) => {
      await credentials.queueClaimedEvent(trx, {
        userId: '00000000-0000-4000-8000-0000000000d1',
        credentialIds: [],
      });
    });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      assert.deepEqual(await credentials.deliverPendingEvents({ olderThanMs: 0 }), {
        delivered: 0,
        failed: 1,
      });
      ctx.clock.advance(2 * 60 * 60_000);
    }
    assert.deepEqual(await credentials.deliverPendingEvents({ olderThanMs: 0 }), { delivered: 0, failed: 0 });
    const [row] = await outboxRows();
    assert.equal(row?.attempts, MAX_ATTEMPTS);
    assert.equal(row?.last_error, 'listener is down');
  });
});
