import { type Kysely, sql } from 'kysely';

/**
 * Practical / portfolio assessment: a rubric per definition version, learners' submissions with their
 * files (bytes in the database, so a submission, its files and its audit events commit together and live
 * in one backup) and assessors' marks.
 *
 * A learner has at most one open submission per definition version: a partial unique index over the
 * submissions that are not decided yet. Marks are unique per submission and stage, so a double-clicked
 * "mark" cannot record two first marks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_rubrics')
    .addColumn('definition_id', 'uuid', (c) =>
      c.primaryKey().references('credential_definitions.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('criteria', 'jsonb', (c) => c.notNull())
    .addColumn('pass_rule', 'jsonb', (c) => c.notNull())
    .addColumn('settings', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('portfolio_submissions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('definition_id', 'uuid', (c) => c.notNull().references('credential_definitions.id'))
    .addColumn('definition_title', 'text', (c) => c.notNull())
    .addColumn('learner_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('learner_email', 'text', (c) => c.notNull())
    .addColumn('learner_name', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('draft', 'submitted', 'awaiting_second_mark', 'in_moderation', 'passed', 'failed')`,
        ),
    )
    .addColumn('text_body', 'text')
    .addColumn('links', 'jsonb', (c) => c.notNull())
    .addColumn('supervision', 'text')
    .addColumn('claimed_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('final_mark_id', 'uuid')
    .addColumn('total_points', 'integer')
    .addColumn('max_points', 'integer')
    .addColumn('credential_id', 'uuid', (c) => c.references('credentials.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('portfolio_submissions_open_uq')
    .on('portfolio_submissions')
    .columns(['definition_id', 'learner_user_id'])
    .unique()
    .where(sql.ref('status'), 'not in', sql`('passed', 'failed')`)
    .execute();
  await db.schema
    .createIndex('portfolio_submissions_queue_idx')
    .on('portfolio_submissions')
    .columns(['organisation_id', 'status', 'submitted_at', 'id'])
    .execute();
  await db.schema
    .createIndex('portfolio_submissions_learner_idx')
    .on('portfolio_submissions')
    .columns(['learner_user_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('portfolio_files')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('submission_id', 'uuid', (c) =>
      c.notNull().references('portfolio_submissions.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes > 0`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('portfolio_files_submission_idx')
    .on('portfolio_files')
    .columns(['submission_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('portfolio_marks')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('submission_id', 'uuid', (c) =>
      c.notNull().references('portfolio_submissions.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('first', 'second', 'moderation')`))
    .addColumn('assessor_user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('levels', 'jsonb', (c) => c.notNull())
    .addColumn('total_points', 'integer', (c) => c.notNull())
    .addColumn('max_points', 'integer', (c) => c.notNull())
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('feedback', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('portfolio_marks_stage_uq', ['submission_id', 'stage'])
    .execute();
  await sql`alter table portfolio_submissions add constraint portfolio_submissions_final_mark_fk
    foreign key (final_mark_id) references portfolio_marks (id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table if exists portfolio_submissions
    drop constraint if exists portfolio_submissions_final_mark_fk`.execute(db);
  for (const table of ['portfolio_marks', 'portfolio_files', 'portfolio_submissions', 'portfolio_rubrics']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
