import { type Kysely, sql } from 'kysely';

/**
 * Stackable pathways (src/modules/pathways): a pathway (the series) owned by an organisation, its versions
 * (draft → published → retired; a published version's content never changes), learners' subscriptions,
 * recognition-of-prior-learning grants and completions. `pathway_completions` has one row per learner and
 * pathway: the primary key is what makes completion happen exactly once, across server instances too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pathways')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pathways_organisation_idx')
    .on('pathways')
    .columns(['organisation_id'])
    .execute();

  await db.schema
    .createTable('pathway_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('pathway_id', 'uuid', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'published', 'retired')`))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'jsonb', (c) => c.notNull())
    // What happens to a completion when a component credential is revoked: flag it, or also suspend the
    // pathway credential.
    .addColumn('on_component_revoked', 'text', (c) =>
      c.notNull().check(sql`on_component_revoked in ('flag', 'suspend')`),
    )
    // The definition series the version's components name: which pathways an issued credential may complete
    // is one indexed lookup (GIN, `&&`), not a scan of every pathway's content.
    .addColumn('component_series_ids', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz')
    .addColumn('retired_at', 'timestamptz')
    .addUniqueConstraint('pathway_versions_version_key', ['pathway_id', 'version'])
    .execute();
  // At most one draft and one published version per pathway.
  await sql`create unique index pathway_versions_one_draft on pathway_versions (pathway_id) where status = 'draft'`.execute(
    db,
  );
  await sql`create unique index pathway_versions_one_published on pathway_versions (pathway_id) where status = 'published'`.execute(
    db,
  );
  await sql`create index pathway_versions_published_series_idx on pathway_versions using gin (component_series_ids) where status = 'published'`.execute(
    db,
  );

  await db.schema
    .createTable('pathway_subscriptions')
    .addColumn('pathway_id', 'uuid', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('pathway_subscriptions_pk', ['pathway_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('pathway_subscriptions_user_idx')
    .on('pathway_subscriptions')
    .columns(['user_id'])
    .execute();

  await db.schema
    .createTable('pathway_recognitions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('pathway_id', 'uuid', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('component_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // pending: a learner's submission in the reviewer queue; active: counts; rejected / revoked: does not.
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'active', 'rejected', 'revoked')`),
    )
    // reviewer: granted by the organisation; credential / evidence: submitted by the learner.
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('reviewer', 'credential', 'evidence')`),
    )
    // What the learner submitted: the credential (as sent) and the verifier's verdict, or the evidence.
    .addColumn('submission', 'jsonb')
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('note', 'text')
    .addColumn('credit_points', 'double precision')
    .addColumn('hours', 'double precision')
    .addColumn('valid_until', 'timestamptz')
    // Null while pending.
    .addColumn('decided_by_type', 'text')
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`create index pathway_recognitions_queue_idx on pathway_recognitions (pathway_id, submitted_at) where status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createIndex('pathway_recognitions_learner_idx')
    .on('pathway_recognitions')
    .columns(['pathway_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('pathway_completions')
    .addColumn('pathway_id', 'uuid', (c) => c.notNull().references('pathways.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('pathway_version_id', 'uuid', (c) => c.notNull().references('pathway_versions.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('complete', 'flagged', 'suspended')`),
    )
    .addColumn('completed_at', 'timestamptz', (c) => c.notNull())
    // The holdings that counted: [{ componentId, kind, id }].
    .addColumn('components', 'jsonb', (c) => c.notNull())
    .addColumn('credential_id', 'uuid')
    .addColumn('flag_reason', 'text')
    .addColumn('flagged_at', 'timestamptz')
    .addPrimaryKeyConstraint('pathway_completions_pk', ['pathway_id', 'user_id'])
    .execute();
  // Which completions counted a credential that was just revoked or suspended: `components @> [{ id }]`.
  await sql`create index pathway_completions_components_idx on pathway_completions using gin (components jsonb_path_ops)`.execute(
    db,
  );

  // The target credential of a completed pathway is issued with `issued_via = 'pathway'`.
  await sql`alter table credentials drop constraint credentials_issued_via_check`.execute(db);
  await sql`alter table credentials add constraint credentials_issued_via_check
    check (issued_via in ('api', 'vc-api', 'cli', 'assessment', 'bulk', 'external-result', 'pathway'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table credentials drop constraint credentials_issued_via_check`.execute(db);
  await sql`alter table credentials add constraint credentials_issued_via_check
    check (issued_via in ('api', 'vc-api', 'cli', 'assessment', 'bulk', 'external-result'))`.execute(db);
  await db.schema.dropTable('pathway_completions').execute();
  await db.schema.dropTable('pathway_recognitions').execute();
  await db.schema.dropTable('pathway_subscriptions').execute();
  await db.schema.dropTable('pathway_versions').execute();
  await db.schema.dropTable('pathways').execute();
}
