import { type Kysely, sql } from 'kysely';

/**
 * Learners' imported credentials and public profiles (src/modules/wallet), and the verification counter the
 * organisation analytics read (src/modules/analytics).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('imported_credentials')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // sha256 of the credential as given (canonical JSON of an object, the compact JWS of a string).
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('credential_format', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('achievement_name', 'text')
    .addColumn('issuer_id', 'text')
    .addColumn('issuer_name', 'text')
    .addColumn('valid_from', 'timestamptz')
    .addColumn('valid_until', 'timestamptz')
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('imported_credentials_source', sql`source in ('json', 'png', 'svg')`)
    .addCheckConstraint(
      'imported_credentials_verdict',
      sql`verdict in ('verified', 'not_verified', 'unknown')`,
    )
    .addUniqueConstraint('imported_credentials_user_hash', ['user_id', 'content_hash'])
    .execute();
  await db.schema
    .createIndex('imported_credentials_user_idx')
    .on('imported_credentials')
    .columns(['user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('public_profiles')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // Lower-case slug; unique across learners.
    .addColumn('handle', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('bio', 'text')
    .addColumn('is_public', 'boolean', (c) => c.notNull().defaultTo(false))
    // Chosen items in display order; ids no longer held or present are dropped on read.
    .addColumn('credential_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('imported_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // One row per verification of one of our credentials: no address, no client data.
  await db.schema
    .createTable('credential_verification_events')
    .addColumn('id', 'bigint', (c) => c.generatedAlwaysAsIdentity().primaryKey())
    .addColumn('credential_id', 'uuid', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('verified_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Counting a verification looks the credential up by its signed `id` (the unique index leads with the
  // organisation, which the verifier does not know).
  await db.schema.createIndex('credentials_uri_idx').on('credentials').column('credential_uri').execute();
  await db.schema
    .createIndex('credential_verification_events_org_idx')
    .on('credential_verification_events')
    .columns(['organisation_id', 'verified_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_verification_events').execute();
  await db.schema.dropIndex('credentials_uri_idx').execute();
  await db.schema.dropTable('public_profiles').execute();
  await db.schema.dropTable('imported_credentials').execute();
}
