import { type Kysely, sql } from 'kysely';

/**
 * External results, bulk issue jobs, claim links, claimed credentials and users' further e-mail addresses.
 *
 * Idempotency lives in two places: `external_results (definition_id, result_key)` keeps one row per reported
 * result, and the award key each result or bulk row hands to the credentials module (unique per organisation
 * there) keeps one credential per award. A verified address belongs to one account only
 * (`user_emails_verified_uq`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('external_results')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('definition_id', 'uuid', (c) => c.notNull().references('credential_definitions.id'))
    .addColumn('result_key', 'text', (c) => c.notNull())
    .addColumn('learner_email', 'text', (c) => c.notNull().check(sql`learner_email = lower(learner_email)`))
    .addColumn('learner_name', 'text')
    .addColumn('learner_did', 'text')
    .addColumn('score', 'double precision')
    .addColumn('grade', 'text')
    .addColumn('passed', 'boolean', (c) => c.notNull())
    .addColumn('assessed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('supervision', 'text', (c) =>
      c.check(
        sql`supervision in ('unsupervised-no-id', 'supervised-no-id', 'supervised-online-id', 'supervised-onsite-id')`,
      ),
    )
    .addColumn('narrative', 'text')
    .addColumn('evidence_url', 'text')
    .addColumn('external_ref', 'text')
    .addColumn('award_key', 'text', (c) => c.notNull())
    .addColumn('credential_id', 'uuid', (c) => c.references('credentials.id'))
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_by_type', 'text', (c) => c.notNull())
    .addColumn('recorded_by_id', 'text')
    .addUniqueConstraint('external_results_definition_key_uq', ['definition_id', 'result_key'])
    .execute();
  await db.schema
    .createIndex('external_results_definition_recorded_idx')
    .on('external_results')
    .columns(['definition_id', 'recorded_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('issue_jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('definition_id', 'uuid', (c) => c.notNull().references('credential_definitions.id'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('queued', 'running', 'completed', 'rejected')`),
    )
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('csv', 'rows')`))
    .addColumn('skip_invalid', 'boolean', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('total_rows', 'integer', (c) => c.notNull())
    .addColumn('invalid_rows', 'integer', (c) => c.notNull())
    .addColumn('processed_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('issued_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('already_issued_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_rows', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by_type', 'text', (c) => c.notNull())
    .addColumn('created_by_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz')
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('issue_jobs_definition_created_idx')
    .on('issue_jobs')
    .columns(['definition_id', 'created_at desc', 'id desc'])
    .execute();
  // The worker looks for unfinished jobs at start-up.
  await db.schema
    .createIndex('issue_jobs_unfinished_idx')
    .on('issue_jobs')
    .columns(['created_at'])
    .where(sql<boolean>`status in ('queued', 'running')`)
    .execute();

  await db.schema
    .createTable('issue_job_rows')
    .addColumn('job_id', 'uuid', (c) => c.notNull().references('issue_jobs.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull().check(sql`row_number >= 1`))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'issued', 'already_issued', 'invalid', 'failed')`),
    )
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('award_key', 'text')
    .addColumn('credential_id', 'uuid', (c) => c.references('credentials.id'))
    .addColumn('errors', 'jsonb')
    .addColumn('processed_at', 'timestamptz')
    .addPrimaryKeyConstraint('issue_job_rows_pk', ['job_id', 'row_number'])
    .execute();
  await db.schema
    .createIndex('issue_job_rows_status_idx')
    .on('issue_job_rows')
    .columns(['job_id', 'status', 'row_number'])
    .execute();

  await db.schema
    .createTable('credential_claims')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('credential_id', 'uuid', (c) => c.notNull().unique().references('credentials.id'))
    .addColumn('organisation_id', 'uuid', (c) => c.notNull().references('organisations.id'))
    .addColumn('recipient_email', 'text', (c) => c.notNull())
    .addColumn('credential_title', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('claimed_by_user_id', 'uuid', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createIndex('credential_claims_recipient_idx')
    .on('credential_claims')
    .columns(['recipient_email'])
    .where(sql.ref('claimed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('credential_holders')
    .addColumn('credential_id', 'uuid', (c) => c.primaryKey().references('credentials.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('claim_id', 'uuid', (c) => c.references('credential_claims.id'))
    .addColumn('recipient_email', 'text', (c) => c.notNull())
    .addColumn('user_email', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('credential_holders_user_idx')
    .on('credential_holders')
    .columns(['user_id', 'claimed_at desc'])
    .execute();

  await db.schema
    .createTable('user_emails')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email = lower(email)`))
    .addColumn('verified_at', 'timestamptz')
    .addColumn('token_hash', 'text', (c) => c.unique())
    .addColumn('token_expires_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('user_emails_user_email_uq', ['user_id', 'email'])
    .execute();
  await db.schema
    .createIndex('user_emails_verified_uq')
    .on('user_emails')
    .column('email')
    .unique()
    .where(sql.ref('verified_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'user_emails',
    'credential_holders',
    'credential_claims',
    'issue_job_rows',
    'issue_jobs',
    'external_results',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
