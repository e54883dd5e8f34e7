import { type Kysely, sql } from 'kysely';

/**
 * Skills frameworks (ESCO, O*NET, one per organisation), their skills and hierarchy, organisation skills
 * mapped to framework skills, and occupations with the skills they need.
 *
 * Full-text search: `search_vector` is a stored generated tsvector (label weight A, alternative labels B,
 * description C) with a GIN index. A generated column must be immutable and `array_to_string` is not, so
 * the alternative labels are also kept joined in `alt_labels_text`. Both PGlite and PostgreSQL 15 ship the
 * `english` text search configuration; pg_trgm is not assumed (PGlite would need an extension), so label
 * prefix search uses a btree on `lower(preferred_label) text_pattern_ops`.
 */
const SEARCH_VECTOR = sql`setweight(to_tsvector('english'::regconfig, preferred_label), 'A') || setweight(to_tsvector('english'::regconfig, alt_labels_text), 'B') || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('skill_frameworks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('source_uri', 'text')
    .addColumn('attribution', 'text')
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('imported_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // One framework per organisation.
  await db.schema
    .createIndex('skill_frameworks_org_uq')
    .on('skill_frameworks')
    .column('organisation_id')
    .unique()
    .where(sql.ref('organisation_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('skills')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('framework_id', 'uuid', (c) =>
      c.notNull().references('skill_frameworks.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'uuid', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('uri', 'text', (c) => c.notNull().unique())
    .addColumn('preferred_label', 'text', (c) => c.notNull())
    .addColumn('alt_labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('alt_labels_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text')
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('skill', 'knowledge', 'skill-group', 'technology', 'technology-class', 'organisation')`,
        ),
    )
    .addColumn('hot_technology', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('in_demand', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('facts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('search_vector', sql`tsvector`, (c) => c.generatedAlwaysAs(SEARCH_VECTOR).stored())
    .execute();
  await db.schema
    .createIndex('skills_search_idx')
    .on('skills')
    .using('gin')
    .column('search_vector')
    .execute();
  await db.schema
    .createIndex('skills_framework_type_idx')
    .on('skills')
    .columns(['framework_id', 'type'])
    .execute();
  await db.schema
    .createIndex('skills_label_prefix_idx')
    .on('skills')
    .expression(sql`lower(preferred_label) text_pattern_ops`)
    .execute();
  // An organisation's live skills have distinct labels (case-insensitive).
  await db.schema
    .createIndex('skills_org_label_uq')
    .on('skills')
    .columns(['organisation_id'])
    .expression(sql`lower(preferred_label)`)
    .unique()
    .where(sql<boolean>`organisation_id is not null and deleted_at is null`)
    .execute();

  await db.schema
    .createTable('skill_relations')
    .addColumn('narrower_skill_id', 'uuid', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addColumn('broader_skill_id', 'uuid', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('skill_relations_pk', ['narrower_skill_id', 'broader_skill_id'])
    .execute();
  await db.schema
    .createIndex('skill_relations_broader_idx')
    .on('skill_relations')
    .column('broader_skill_id')
    .execute();

  await db.schema
    .createTable('skill_mappings')
    .addColumn('skill_id', 'uuid', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addColumn('target_uri', 'text', (c) => c.notNull())
    .addColumn('match_type', 'text', (c) =>
      c.notNull().check(sql`match_type in ('exactMatch', 'closeMatch', 'broadMatch', 'narrowMatch')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('skill_mappings_pk', ['skill_id', 'target_uri'])
    .execute();
  await db.schema
    .createIndex('skill_mappings_target_idx')
    .on('skill_mappings')
    .column('target_uri')
    .execute();

  await db.schema
    .createTable('occupations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('framework_id', 'uuid', (c) =>
      c.notNull().references('skill_frameworks.id').onDelete('cascade'),
    )
    .addColumn('uri', 'text', (c) => c.notNull().unique())
    .addColumn('code', 'text')
    .addColumn('preferred_label', 'text', (c) => c.notNull())
    .addColumn('alt_labels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('alt_labels_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text')
    .addColumn('isco_group', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('search_vector', sql`tsvector`, (c) => c.generatedAlwaysAs(SEARCH_VECTOR).stored())
    .execute();
  await db.schema
    .createIndex('occupations_search_idx')
    .on('occupations')
    .using('gin')
    .column('search_vector')
    .execute();
  await db.schema
    .createIndex('occupations_label_prefix_idx')
    .on('occupations')
    .expression(sql`lower(preferred_label) text_pattern_ops`)
    .execute();
  await db.schema
    .createIndex('occupations_code_idx')
    .on('occupations')
    .columns(['framework_id', 'code'])
    .execute();

  await db.schema
    .createTable('occupation_skills')
    .addColumn('occupation_id', 'uuid', (c) => c.notNull().references('occupations.id').onDelete('cascade'))
    .addColumn('skill_id', 'uuid', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addColumn('relation', 'text', (c) =>
      c.notNull().check(sql`relation in ('essential', 'optional', 'technology')`),
    )
    .addColumn('hot_technology', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('in_demand', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('occupation_skills_pk', ['occupation_id', 'skill_id'])
    .execute();
  await db.schema
    .createIndex('occupation_skills_skill_idx')
    .on('occupation_skills')
    .column('skill_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('occupation_skills').ifExists().execute();
  await db.schema.dropTable('occupations').ifExists().execute();
  await db.schema.dropTable('skill_mappings').ifExists().execute();
  await db.schema.dropTable('skill_relations').ifExists().execute();
  await db.schema.dropTable('skills').ifExists().execute();
  await db.schema.dropTable('skill_frameworks').ifExists().execute();
}
