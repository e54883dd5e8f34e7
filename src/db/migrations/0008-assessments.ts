import { type Kysely, sql } from 'kysely';

/**
 * Automatically scored tests: one test per definition version with its item bank, learners' attempts and
 * their responses.
 *
 * Two indexes carry the attempt rules across server instances: at most one open attempt per learner and
 * test (a partial unique index), and attempt numbers unique per learner and test, so two starts racing past
 * the attempt limit cannot both insert.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assessment_tests')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('definition_id', 'uuid', (c) => c.notNull().unique().references('credential_definitions.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('pass_mark', 'double precision', (c) => c.check(sql`pass_mark >= 0 and pass_mark <= 100`))
    .addColumn('attempt_limit', 'integer', (c) => c.check(sql`attempt_limit >= 1`))
    .addColumn('cooldown_seconds', 'integer', (c) =>
      c.notNull().defaultTo(0).check(sql`cooldown_seconds >= 0`),
    )
    .addColumn('time_limit_seconds', 'integer', (c) => c.check(sql`time_limit_seconds >= 1`))
    .addColumn('items_per_attempt', 'integer', (c) => c.check(sql`items_per_attempt >= 1`))
    .addColumn('shuffle_items', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('shuffle_options', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('supervision', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`supervision in ('unsupervised-no-id', 'supervised-no-id', 'supervised-online-id', 'supervised-onsite-id')`,
        ),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('assessment_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('test_id', 'uuid', (c) => c.notNull().references('assessment_tests.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(sql`type in ('single_choice', 'multiple_response', 'true_false', 'numeric', 'short_text')`),
    )
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('points', 'double precision', (c) => c.notNull().check(sql`points > 0`))
    .addColumn('options', 'jsonb', (c) => c.notNull())
    .addColumn('answer_key', 'jsonb', (c) => c.notNull())
    .addColumn('learning_outcome_id', 'text')
    .addColumn('feedback', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assessment_items_test_idx')
    .on('assessment_items')
    .columns(['test_id', 'position'])
    .execute();

  await db.schema
    .createTable('assessment_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('test_id', 'uuid', (c) => c.notNull().references('assessment_tests.id'))
    .addColumn('definition_id', 'uuid', (c) => c.notNull().references('credential_definitions.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('attempt_number', 'integer', (c) => c.notNull().check(sql`attempt_number >= 1`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'submitted', 'expired')`))
    .addColumn('layout', 'jsonb', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deadline_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('pass_mark', 'double precision', (c) => c.notNull())
    .addColumn('supervision', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('max_score', 'double precision')
    .addColumn('percent', 'double precision')
    .addColumn('passed', 'boolean')
    .addColumn('credential_id', 'uuid', (c) => c.references('credentials.id'))
    .addUniqueConstraint('assessment_attempts_number_uq', ['test_id', 'user_id', 'attempt_number'])
    .addCheckConstraint(
      'assessment_attempts_closed_ck',
      sql`(status = 'open') = (closed_at is null) and (status = 'open') = (score is null)`,
    )
    .execute();
  await db.schema
    .createIndex('assessment_attempts_open_uq')
    .on('assessment_attempts')
    .columns(['test_id', 'user_id'])
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema
    .createIndex('assessment_attempts_user_idx')
    .on('assessment_attempts')
    .columns(['user_id', 'started_at desc'])
    .execute();
  await db.schema
    .createIndex('assessment_attempts_test_idx')
    .on('assessment_attempts')
    .columns(['test_id', 'status'])
    .execute();

  await db.schema
    .createTable('assessment_responses')
    .addColumn('attempt_id', 'uuid', (c) =>
      c.notNull().references('assessment_attempts.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'uuid', (c) => c.notNull().references('assessment_items.id'))
    .addColumn('answer', 'jsonb', (c) => c.notNull())
    .addColumn('saved_at', 'timestamptz')
    .addColumn('earned', 'double precision')
    .addColumn('correct', 'boolean')
    .addPrimaryKeyConstraint('assessment_responses_pk', ['attempt_id', 'item_id'])
    .execute();
  await db.schema
    .createIndex('assessment_responses_item_idx')
    .on('assessment_responses')
    .column('item_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'assessment_responses',
    'assessment_attempts',
    'assessment_items',
    'assessment_tests',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
