import { sql } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Db } from '../../db/database.ts';
import type { MailTransport } from './mail.transport.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface MailServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  transport: MailTransport;
  from: string;
  log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const MAX_ATTEMPTS = 8;
/** How long a claimed message stays invisible to other workers while it is being sent. */
const CLAIM_MS = 5 * 60_000;

/**
 * A transactional outbox: `enqueue` writes the message in the caller's transaction (so a rolled-back
 * change sends nothing and a committed one is never lost), `flush` delivers due messages with retries and
 * exponential back-off. The server flushes after each request that enqueued mail and on a timer.
 */
export function createMailService(deps: MailServiceDeps) {
  let flushing: Promise<number> | undefined;
  let flushAgain: Promise<number> | undefined;
  /** Set when this process queued mail since the last flush, so idle requests cost no query. */
  let queuedSinceFlush = false;

  async function enqueue(trx: Db, message: MailMessage): Promise<string> {
    const id = deps.ids();
    const now = deps.clock.now();
    queuedSinceFlush = true;
    await trx
      .insertInto('mail_messages')
      .values({
        id,
        to_address: message.to,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html ?? null,
        status: 'pending',
        attempts: 0,
        created_at: now,
        next_attempt_at: now,
      })
      .execute();
    return id;
  }

  async function deliverDue(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const now = deps.clock.now();
      // Claim a batch by pushing its next attempt into the future; skip rows another worker holds.
      const claimed = await deps.db
        .updateTable('mail_messages')
        .set({ next_attempt_at: new Date(now.getTime() + CLAIM_MS), attempts: sql`attempts + 1` })
        .where(
          'id',
          'in',
          deps.db
            .selectFrom('mail_messages')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .orderBy('next_attempt_at')
            .limit(20)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
      if (claimed.length === 0) return delivered;
      for (const row of claimed) {
        try {
          await deps.transport.send({
            id: row.id,
            from: deps.from,
            to: row.to_address,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body,
          });
          await deps.db
            .updateTable('mail_messages')
            .set({ status: 'sent', sent_at: deps.clock.now(), last_error: null })
            .where('id', '=', row.id)
            .execute();
          delivered++;
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          const giveUp = row.attempts >= MAX_ATTEMPTS;
          const backoffMs = Math.min(2 ** row.attempts * 30_000, 6 * 3_600_000);
          await deps.db
            .updateTable('mail_messages')
            .set({
              status: giveUp ? 'failed' : 'pending',
              last_error: reason.slice(0, 1000),
              next_attempt_at: new Date(deps.clock.now().getTime() + backoffMs),
            })
            .where('id', '=', row.id)
            .execute();
          deps.log?.warn(
            { mailId: row.id, attempts: row.attempts, giveUp, err: reason },
            'mail delivery failed',
          );
        }
      }
    }
  }

  /**
   * Delivers every due message. A call made while a run is under way gets one more run after it (shared by
   * every such call): the current run may already have looked for its last batch and would miss mail queued
   * since. Returns how many the run it waited for sent.
   */
  function flush(): Promise<number> {
    queuedSinceFlush = false;
    if (!flushing) {
      flushing = deliverDue().finally(() => {
        flushing = undefined;
      });
      return flushing;
    }
    flushAgain ??= flushing
      .catch(() => 0)
      .then(() => {
        flushAgain = undefined;
        return flush();
      });
    return flushAgain;
  }

  /** Flushes only when this process queued mail since the last flush (the per-request hook). */
  function flushIfQueued(): Promise<number> {
    return queuedSinceFlush ? flush() : Promise.resolve(0);
  }

  return { enqueue, flush, flushIfQueued, transportName: deps.transport.name };
}

export type MailService = ReturnType<typeof createMailService>;
