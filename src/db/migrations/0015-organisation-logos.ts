import type { Kysely } from 'kysely';

/** Organisation logos (src/modules/organisation-logos): at most one image per organisation, in the database. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisation_logos')
    .addColumn('organisation_id', 'uuid', (c) =>
      c.primaryKey().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    // Hex sha256 of the content: the ETag and the cache-busting version in the public URL.
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organisation_logos').execute();
}
