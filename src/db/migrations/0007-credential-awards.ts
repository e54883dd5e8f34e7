import { type Kysely, sql } from 'kysely';

/**
 * Credentials awarded for a catalogue definition: the version they were earned against (a published version
 * never changes, so the credential keeps it) and an award key that makes automatic awards idempotent — an
 * assessment pass, an external result or a bulk-issue row awards at most one credential, however often it
 * is retried.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('credentials')
    .addColumn('definition_id', 'uuid', (c) => c.references('credential_definitions.id'))
    .execute();
  await db.schema.alterTable('credentials').addColumn('award_key', 'text').execute();
  await sql`alter table credentials drop constraint credentials_issued_via_check`.execute(db);
  await sql`alter table credentials add constraint credentials_issued_via_check
    check (issued_via in ('api', 'vc-api', 'cli', 'assessment', 'bulk', 'external-result'))`.execute(db);
  await db.schema
    .createIndex('credentials_org_award_key_uq')
    .on('credentials')
    .columns(['organisation_id', 'award_key'])
    .unique()
    .where(sql.ref('award_key'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('credentials_definition_idx')
    .on('credentials')
    .columns(['definition_id', 'issued_at desc'])
    .where(sql.ref('definition_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('credentials_definition_idx').ifExists().execute();
  await db.schema.dropIndex('credentials_org_award_key_uq').ifExists().execute();
  await sql`alter table credentials drop constraint credentials_issued_via_check`.execute(db);
  await sql`alter table credentials add constraint credentials_issued_via_check
    check (issued_via in ('api', 'vc-api', 'cli'))`.execute(db);
  await db.schema.alterTable('credentials').dropColumn('award_key').execute();
  await db.schema.alterTable('credentials').dropColumn('definition_id').execute();
}
