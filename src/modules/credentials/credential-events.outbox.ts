import { sql } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { Db } from '../../db/database.ts';
import type { CredentialEventKind, CredentialEventOutboxRow } from '../../db/tables/credential-events.ts';
import type { CredentialEvents, IssuedCredentialEvent } from './credentials.ports.ts';

/** What the outbox carries: the arguments of one CredentialEvents call. */
export type OutboxEvent =
  | { kind: 'issued'; credential: IssuedCredentialEvent }
  | { kind: 'status_changed'; change: Parameters<CredentialEvents['afterStatusChanged']>[0] }
  | { kind: 'claimed'; claim: Parameters<CredentialEvents['afterClaimed']>[0] };

/** How long a delivery owns its rows; a process that dies mid-delivery frees them after this. */
const LEASE_MS = 5 * 60_000;
/** Retries back off from 30 s, doubling, to at most an hour. */
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
/** After this many failed deliveries a row is left for an operator (it stays, with its last error). */
export const MAX_DELIVERY_ATTEMPTS = 10;
const MAX_ERROR_LENGTH = 2000;

export interface DeliveryOutcome {
  delivered: number;
  failed: number;
}

/**
 * The credentials module's transactional outbox. A change writes its event in its own transaction
 * ({@link enqueue}); right after the commit the service delivers it ({@link deliver}); rows still there
 * later — the process stopped between commit and delivery, or a listener failed — are delivered by
 * {@link deliverPending}, which the server runs at start and every half minute.
 *
 * Rows are leased with `for update skip locked`, so instances never deliver the same row at the same time;
 * a row is deleted only after its listener returned. Delivery is at least once: listeners must be
 * idempotent (pathway completion and flagging are: one completion per learner and pathway, flags only on
 * completions in good standing). Issued events leased together reach the listener in one call.
 */
export function createCredentialEventOutbox(deps: {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  events?: CredentialEvents;
  logger?: Pick<Logger, 'error' | 'warn'>;
}) {
  const { clock, ids } = deps;

  /** Writes the event in `trx` (the change's transaction); null when nobody listens. */
  async function enqueue(trx: Db, event: OutboxEvent): Promise<string | null> {
    if (!deps.events) return null;
    const id = ids();
    const now = clock.now();
    const { kind, payload } = toRow(event);
    await trx
      .insertInto('credential_event_outbox')
      .values({ id, kind, payload: JSON.stringify(payload), created_at: now, next_attempt_at: now })
      .execute();
    return id;
  }

  /** Takes due, unleased rows (only `ids`, or those created before `createdBefore`), oldest first. */
  async function lease(options: {
    ids?: readonly string[];
    createdBefore?: Date;
    limit: number;
  }): Promise<CredentialEventOutboxRow[]> {
    const now = clock.now();
    const leasedUntil = new Date(now.getTime() + LEASE_MS);
    const onlyIds =
      options.ids === undefined
        ? sql``
        : sql`and id in (${sql.join(options.ids.map((id) => sql`${id}::uuid`))})`;
    const createdBefore =
      options.createdBefore === undefined ? sql`` : sql`and created_at <= ${options.createdBefore}`;
    const result = await sql<CredentialEventOutboxRow>`
      update credential_event_outbox
         set leased_until = ${leasedUntil}, attempts = attempts + 1
       where id in (
         select id from credential_event_outbox
          where (leased_until is null or leased_until < ${now})
            and next_attempt_at <= ${now}
            and attempts < ${MAX_DELIVERY_ATTEMPTS}
            ${onlyIds} ${createdBefore}
          order by created_at
          limit ${options.limit}
          for update skip locked)
      returning *`.execute(deps.db);
    return [...result.rows].sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  }

  async function settle(rows: CredentialEventOutboxRow[], error: unknown): Promise<void> {
    if (rows.length === 0) return;
    const rowIds = rows.map((row) => row.id);
    if (error === undefined) {
      await deps.db.deleteFrom('credential_event_outbox').where('id', 'in', rowIds).execute();
      return;
    }
    const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_LENGTH);
    for (const row of rows) {
      const delay = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, row.attempts - 1), MAX_RETRY_MS);
      await deps.db
        .updateTable('credential_event_outbox')
        .set({
          leased_until: null,
          last_error: message,
          next_attempt_at: new Date(clock.now().getTime() + delay),
        })
        .where('id', '=', row.id)
        .execute();
      if (row.attempts >= MAX_DELIVERY_ATTEMPTS) {
        deps.logger?.error(
          { eventId: row.id, kind: row.kind, attempts: row.attempts, err: error },
          'a credential event was not delivered and will not be retried',
        );
      }
    }
    deps.logger?.warn(
      { err: error, events: rowIds.length },
      'a credential event listener failed; will retry',
    );
  }

  /** Delivers leased rows: issued events together in one call, the others one by one. */
  async function deliverRows(rows: CredentialEventOutboxRow[]): Promise<DeliveryOutcome> {
    const events = deps.events;
    const outcome: DeliveryOutcome = { delivered: 0, failed: 0 };
    if (!events || rows.length === 0) return outcome;
    const run = async (batch: CredentialEventOutboxRow[], call: () => Promise<void>) => {
      let failure: unknown;
      try {
        await call();
      } catch (error) {
        failure = error ?? new Error('listener failed');
      }
      try {
        await settle(batch, failure);
      } catch (error) {
        // The rows stay leased and are retried when the lease runs out.
        deps.logger?.error({ err: error }, 'recording a credential event delivery failed');
      }
      if (failure === undefined) outcome.delivered += batch.length;
      else outcome.failed += batch.length;
    };
    const issued = rows.filter((row) => row.kind === 'issued');
    if (issued.length > 0) {
      const credentials = issued.map(
        (row) => (row.payload as { credential: IssuedCredentialEvent }).credential,
      );
      await run(issued, () => events.afterIssued({ credentials }));
    }
    for (const row of rows) {
      if (row.kind === 'status_changed') {
        const { change } = row.payload as Extract<OutboxEvent, { kind: 'status_changed' }>;
        await run([row], () => events.afterStatusChanged(change));
      } else if (row.kind === 'claimed') {
        const { claim } = row.payload as Extract<OutboxEvent, { kind: 'claimed' }>;
        await run([row], () => events.afterClaimed(claim));
      }
    }
    return outcome;
  }

  /** Delivers these events now (after their transaction committed); rows already taken are left alone. */
  async function deliver(eventIds: readonly string[]): Promise<DeliveryOutcome> {
    const wanted = eventIds.filter((id): id is string => typeof id === 'string');
    if (!deps.events || wanted.length === 0) return { delivered: 0, failed: 0 };
    try {
      return await deliverRows(await lease({ ids: wanted, limit: wanted.length }));
    } catch (error) {
      deps.logger?.error({ err: error }, 'delivering credential events failed; they stay queued');
      return { delivered: 0, failed: wanted.length };
    }
  }

  /**
   * Delivers what is still queued and due: events at least `olderThanMs` old (the fresh ones are normally
   * being delivered by the request that made them), up to `limit` per round, until none is left.
   */
  async function deliverPending(
    options: { olderThanMs?: number; limit?: number } = {},
  ): Promise<DeliveryOutcome> {
    const total: DeliveryOutcome = { delivered: 0, failed: 0 };
    if (!deps.events) return total;
    const limit = options.limit ?? 100;
    for (;;) {
      const createdBefore = new Date(clock.now().getTime() - (options.olderThanMs ?? 30_000));
      const rows = await lease({ createdBefore, limit });
      if (rows.length === 0) return total;
      const outcome = await deliverRows(rows);
      total.delivered += outcome.delivered;
      total.failed += outcome.failed;
      if (rows.length < limit) return total;
    }
  }

  return { enqueue, deliver, deliverPending };
}

function toRow(event: OutboxEvent): { kind: CredentialEventKind; payload: unknown } {
  return { kind: event.kind, payload: event };
}

export type CredentialEventOutbox = ReturnType<typeof createCredentialEventOutbox>;
