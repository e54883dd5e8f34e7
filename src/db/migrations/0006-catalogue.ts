import { type Kysely, sql } from 'kysely';

/**
 * Credential definitions, own and external, versioned: a series (`series_id`) has numbered versions; a
 * published version never changes. The content is the JSON of `DefinitionContentSchema`; the columns beside
 * it are copies of what the catalogue filters and sorts on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credential_definitions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('series_id', 'uuid', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('own', 'external')`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('draft', 'in_review', 'published', 'retired')`),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('source_uri', 'text')
    // sha256 of the imported entry as read from the file: a re-import of the same entry changes nothing.
    .addColumn('source_fingerprint', 'text')
    .addColumn('provider_name', 'text', (c) => c.notNull())
    .addColumn('provider_url', 'text')
    .addColumn('verifiable', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('conformance', 'jsonb')
    .addColumn('quality_score', 'integer')
    .addColumn('quality', 'jsonb')
    .addColumn('level_framework', 'text')
    .addColumn('level_value', 'text')
    .addColumn('hours', 'double precision')
    .addColumn('credit_points', 'double precision')
    .addColumn('cost_amount', 'double precision')
    .addColumn('cost_currency', 'text')
    .addColumn('delivery_mode', 'text')
    .addColumn('assessment_type', 'text')
    .addColumn('languages', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('skill_uris', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    // What full-text search reads besides the title: description, outcomes, skill labels, provider, tags.
    .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
    // English stemming; the title weighs more than the rest. Generated, so it can never drift from its source.
    .addColumn('search_vector', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql`setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || setweight(to_tsvector('english'::regconfig, coalesce(search_text, '')), 'B')`,
        )
        .stored(),
    )
    .addColumn('supersedes_id', 'uuid', (c) => c.references('credential_definitions.id'))
    .addColumn('superseded_by_id', 'uuid', (c) => c.references('credential_definitions.id'))
    .addColumn('review_comment', 'text')
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('published_at', 'timestamptz')
    .addColumn('retired_at', 'timestamptz')
    .addUniqueConstraint('credential_definitions_series_version_uq', ['series_id', 'version'])
    .execute();
  await db.schema
    .createIndex('credential_definitions_org_idx')
    .on('credential_definitions')
    .columns(['organisation_id', 'status', 'updated_at desc'])
    .execute();
  await db.schema
    .createIndex('credential_definitions_external_uq')
    .on('credential_definitions')
    .columns(['organisation_id', 'external_id', 'version'])
    .unique()
    .where(sql.ref('external_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('credential_definitions_series_idx')
    .on('credential_definitions')
    .columns(['series_id', 'version desc'])
    .execute();
  // The public catalogue reads published rows only: full text, skills (array containment) and its sorts.
  await sql`create index credential_definitions_search_idx on credential_definitions using gin (search_vector) where status = 'published'`.execute(
    db,
  );
  await sql`create index credential_definitions_skills_idx on credential_definitions using gin (skill_uris) where status = 'published'`.execute(
    db,
  );
  // `desc nulls last` as the search orders, so the sorts read the index instead of sorting every row.
  await sql`create index credential_definitions_quality_idx on credential_definitions (quality_score desc nulls last, id) where status = 'published'`.execute(
    db,
  );
  await sql`create index credential_definitions_newest_idx on credential_definitions (published_at desc nulls last, id) where status = 'published'`.execute(
    db,
  );
  await sql`create index credential_definitions_provider_idx on credential_definitions (lower(provider_name)) where status = 'published'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('credential_definitions').ifExists().execute();
}
