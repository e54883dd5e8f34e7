import { type Kysely, sql } from 'kysely';

/**
 * Holders list the credentials issued to their (verified) e-mail address across every organisation, newest
 * first: `credentials_org_recipient_idx` leads with the organisation, so it cannot serve that query.
 * Credentials issued through the VC-API have no e-mail address and are left out of the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('credentials_recipient_issued_idx')
    .on('credentials')
    .columns(['recipient_email', 'issued_at desc', 'id desc'])
    .where(sql.ref('recipient_email'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('credentials_recipient_issued_idx').ifExists().execute();
}
