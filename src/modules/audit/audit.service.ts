import { sql } from 'kysely';
import { type Actor, actorRef } from '../../core/actor.ts';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { sha256Hex } from '../../core/secrets.ts';
import type { Db } from '../../db/database.ts';
import type { AuditEventRow } from '../../db/schema.ts';
import type { AuditEventData, AuditEventType } from './audit.events.ts';

export const GENESIS_HASH = '0'.repeat(64);
/** Arbitrary constant naming the advisory lock that serialises appends to the chain. */
const CHAIN_LOCK_KEY = 7_262_737;

export interface AuditInput<T extends AuditEventType> {
  type: T;
  actor: Actor;
  organisationId?: string | null;
  subject?: { type: string; id: string } | null;
  data: AuditEventData[T];
}

export type ChainCheck =
  | { ok: true; events: number; lastHash: string }
  | { ok: false; events: number; brokenAt: { seq: number; id: string; reason: string } };

/** Fields that enter an event's hash, in the order documented in docs/ARCHITECTURE.md. */
function hashEvent(prevHash: string, row: Omit<AuditEventRow, 'seq' | 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({
    id: row.id,
    occurredAt: row.occurred_at.toISOString(),
    type: row.type,
    actorType: row.actor_type,
    actorId: row.actor_id,
    organisationId: row.organisation_id,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    data: row.data,
  });
  return sha256Hex(`${prevHash}\n${body}`);
}

export interface AuditServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
}

/**
 * The audit log: one append-only, hash-chained table. `record` must be called with the transaction that
 * makes the state change, so the event and the change commit or roll back together.
 */
export function createAuditService(deps: AuditServiceDeps) {
  async function record<T extends AuditEventType>(trx: Db, input: AuditInput<T>): Promise<void> {
    // Serialise appends so each event links to exactly one predecessor, across processes too.
    await sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY})`.execute(trx);
    const last = await trx
      .selectFrom('audit_events')
      .select('hash')
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const prevHash = last?.hash ?? GENESIS_HASH;
    const { actorType, actorId } = actorRef(input.actor);
    const row = {
      id: deps.ids(),
      occurred_at: deps.clock.now(),
      type: input.type,
      actor_type: actorType,
      actor_id: actorId,
      organisation_id: input.organisationId ?? null,
      subject_type: input.subject?.type ?? null,
      subject_id: input.subject?.id ?? null,
      data: input.data as Record<string, unknown>,
    };
    const hash = hashEvent(prevHash, row);
    await trx
      .insertInto('audit_events')
      .values({ ...row, data: JSON.stringify(row.data), prev_hash: prevHash, hash })
      .execute();
  }

  /** Walks the whole chain in order and reports the first event whose link or content does not match. */
  async function verifyChain(): Promise<ChainCheck> {
    let prevHash = GENESIS_HASH;
    let count = 0;
    let afterSeq = 0;
    const pageSize = 1000;
    for (;;) {
      const rows = await deps.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const row of rows) {
        if (row.prev_hash !== prevHash) {
          return {
            ok: false,
            events: count,
            brokenAt: {
              seq: row.seq,
              id: row.id,
              reason: 'previous hash does not match the event before it (an event was removed or reordered)',
            },
          };
        }
        const expected = hashEvent(prevHash, row);
        if (expected !== row.hash) {
          return {
            ok: false,
            events: count,
            brokenAt: {
              seq: row.seq,
              id: row.id,
              reason: 'content does not match its hash (the event was altered)',
            },
          };
        }
        prevHash = row.hash;
        count++;
        afterSeq = row.seq;
      }
      if (rows.length < pageSize) break;
    }
    return { ok: true, events: count, lastHash: prevHash };
  }

  async function listForOrganisation(options: { organisationId: string; limit: number; beforeSeq?: number }) {
    let query = deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('organisation_id', '=', options.organisationId)
      .orderBy('seq', 'desc')
      .limit(options.limit);
    // Sequence numbers stay far below 2^53; a larger cursor bounds nothing (and may not fit a bigint).
    if (options.beforeSeq !== undefined && options.beforeSeq <= Number.MAX_SAFE_INTEGER)
      query = query.where('seq', '<', options.beforeSeq);
    return query.execute();
  }

  return { record, verifyChain, listForOrganisation };
}

export type AuditService = ReturnType<typeof createAuditService>;
