import { type Kysely, sql } from 'kysely';

/**
 * Issuer keys: each organisation's Ed25519 signing keys (Multikey), the private half sealed under the
 * master key. A rotation retires a key (`retired_at`) instead of deleting it, so the organisation's DID
 * document keeps listing it and credentials signed with it keep verifying.
 *
 * The partial unique index allows at most one active key per organisation. Every server instance that
 * finds none inserts with ON CONFLICT DO NOTHING against it and then reads the winner's, so concurrent
 * first use on one PostgreSQL never ends up with two active keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('issuer_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // Names the verification method: `<did>#key-<key_number>`; never reused within an organisation.
    .addColumn('key_number', 'integer', (c) => c.notNull().check(sql`key_number > 0`))
    .addColumn('algorithm', 'text', (c) => c.notNull().check(sql`algorithm in ('Ed25519')`))
    .addColumn('public_key_multibase', 'text', (c) => c.notNull().unique())
    // `csk1.…` from encryptPrivateKey (or an external key store's reference to the key); never served.
    .addColumn('private_key_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .addUniqueConstraint('issuer_keys_org_number_uq', ['organisation_id', 'key_number'])
    .addCheckConstraint(
      'issuer_keys_retired_after_created',
      sql`retired_at is null or retired_at >= created_at`,
    )
    .execute();
  await db.schema
    .createIndex('issuer_keys_one_active_uq')
    .on('issuer_keys')
    .column('organisation_id')
    .unique()
    .where(sql.ref('retired_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('issuer_keys').ifExists().execute();
}
