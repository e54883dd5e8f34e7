import { type Kysely, sql } from 'kysely';

/**
 * The credential event outbox (src/modules/credentials/credential-events.outbox.ts): events written with the
 * change that caused them, so a listener (pathway completion, flagging) hears of every committed change even
 * when the process stops between the commit and the announcement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_event_outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('issued', 'status_changed', 'claimed')`))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('leased_until', 'timestamptz')
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
  await db.schema
    .createIndex('credential_event_outbox_due_idx')
    .on('credential_event_outbox')
    .columns(['next_attempt_at', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_event_outbox').execute();
}
