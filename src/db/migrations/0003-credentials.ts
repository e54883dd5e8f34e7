import { type Kysely, sql } from 'kysely';

/**
 * Issued credentials, Bitstring status lists and the list positions handed out to credentials.
 *
 * Status list positions are random, so uniqueness cannot come from a sequence: the primary key
 * (list_id, status_index) of `status_list_entries` is what guarantees that no two credentials share a bit,
 * however many server instances issue at once. The entry's foreign key to its credential is deferred
 * because the position is chosen (and signed into the credential) before the credential row exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credentials')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('credential_uri', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('data-integrity', 'vc+jwt')`))
    .addColumn('cryptosuite', 'text')
    .addColumn('types', sql`text[]`, (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('achievement_name', 'text')
    .addColumn('recipient_email', 'text', (c) => c.check(sql`recipient_email = lower(recipient_email)`))
    .addColumn('recipient_name', 'text')
    .addColumn('recipient_did', 'text')
    .addColumn('holder_name_public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'suspended', 'revoked')`))
    .addColumn('status_reason', 'text')
    .addColumn('status_changed_at', 'timestamptz')
    .addColumn('valid_from', 'timestamptz')
    .addColumn('valid_until', 'timestamptz')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('issued_via', 'text', (c) => c.notNull().check(sql`issued_via in ('api', 'vc-api', 'cli')`))
    .addColumn('issued_by_type', 'text', (c) => c.notNull())
    .addColumn('issued_by_id', 'text')
    .addUniqueConstraint('credentials_org_uri_uq', ['organisation_id', 'credential_uri'])
    .execute();
  await db.schema
    .createIndex('credentials_org_issued_idx')
    .on('credentials')
    .columns(['organisation_id', 'issued_at desc', 'id desc'])
    .execute();
  await db.schema
    .createIndex('credentials_org_recipient_idx')
    .on('credentials')
    .columns(['organisation_id', 'recipient_email'])
    .execute();

  await db.schema
    .createTable('status_lists')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('revocation', 'suspension')`))
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size >= 131072 and size % 8 = 0`))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0 and capacity <= size`))
    .addColumn('allocated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('active', 'full')`))
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // At most one list per organisation, purpose and issuer DID takes new credentials; instances racing to
  // open one insert with ON CONFLICT DO NOTHING against this index and then read the winner's.
  await db.schema
    .createIndex('status_lists_active_uq')
    .on('status_lists')
    .columns(['organisation_id', 'purpose', 'issuer'])
    .unique()
    .where(sql.ref('state'), '=', 'active')
    .execute();

  await db.schema
    .createTable('status_list_entries')
    .addColumn('list_id', 'uuid', (c) => c.notNull().references('status_lists.id'))
    .addColumn('status_index', 'integer', (c) => c.notNull().check(sql`status_index >= 0`))
    .addColumn('credential_id', 'uuid', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('revocation', 'suspension')`))
    .addColumn('is_set', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('status_list_entries_pk', ['list_id', 'status_index'])
    .addUniqueConstraint('status_list_entries_credential_uq', ['credential_id', 'purpose'])
    .addForeignKeyConstraint(
      'status_list_entries_credential_fk',
      ['credential_id'],
      'credentials',
      ['id'],
      (fk) => fk.onDelete('cascade').deferrable().initiallyDeferred(),
    )
    .execute();
  // Regenerating a list reads only its set bits.
  await db.schema
    .createIndex('status_list_entries_set_idx')
    .on('status_list_entries')
    .columns(['list_id', 'status_index'])
    .where(sql.ref('is_set'), '=', true)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['status_list_entries', 'status_lists', 'credentials']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
