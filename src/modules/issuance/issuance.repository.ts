import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  IssueJobRowStatus,
  IssueJobStatus,
  IssueRowData,
  RowProblem,
  SupervisionLevel,
} from '../../db/tables/issuance.ts';

export interface NewExternalResult {
  id: string;
  organisation_id: string;
  definition_id: string;
  result_key: string;
  learner_email: string;
  learner_name: string | null;
  learner_did: string | null;
  score: number | null;
  grade: string | null;
  passed: boolean;
  assessed_at: Date;
  supervision: SupervisionLevel | null;
  narrative: string | null;
  evidence_url: string | null;
  external_ref: string | null;
  award_key: string;
  credential_id: string | null;
  recorded_at: Date;
  recorded_by_type: string;
  recorded_by_id: string | null;
}

export interface NewJobRow {
  job_id: string;
  row_number: number;
  status: IssueJobRowStatus;
  data: IssueRowData;
  award_key: string | null;
  errors: RowProblem[] | null;
}

/** Rows per INSERT when a job's rows are stored (keeps statements well under the bind-parameter limit). */
const INSERT_CHUNK = 1000;

/** SQL for the issuance tables; the service passes the transaction it runs in. */
export function createIssuanceRepository() {
  return {
    // External results

    findResultByKey: (db: Db, definitionId: string, resultKey: string) =>
      db
        .selectFrom('external_results')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .where('result_key', '=', resultKey)
        .executeTakeFirst(),

    /** Inserts unless the key is taken (a concurrent duplicate); undefined then. */
    insertResult: (db: Db, row: NewExternalResult) =>
      db
        .insertInto('external_results')
        .values(row)
        .onConflict((oc) => oc.columns(['definition_id', 'result_key']).doNothing())
        .returningAll()
        .executeTakeFirst(),

    listResults: (db: Db, definitionId: string, options: { limit: number; offset: number }) =>
      db
        .selectFrom('external_results')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .orderBy('recorded_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .offset(options.offset)
        .execute(),

    // Issue jobs

    insertJob: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        definition_id: string;
        status: IssueJobStatus;
        source: 'csv' | 'rows';
        skip_invalid: boolean;
        file_sha256: string;
        total_rows: number;
        invalid_rows: number;
        created_by_type: string;
        created_by_id: string | null;
        created_at: Date;
        finished_at: Date | null;
      },
    ) => db.insertInto('issue_jobs').values(row).returningAll().executeTakeFirstOrThrow(),

    async insertJobRows(db: Db, rows: NewJobRow[]): Promise<void> {
      for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
        const chunk = rows.slice(start, start + INSERT_CHUNK).map((row) => ({
          ...row,
          data: JSON.stringify(row.data),
          errors: row.errors === null ? null : JSON.stringify(row.errors),
        }));
        await db.insertInto('issue_job_rows').values(chunk).execute();
      }
    },

    findJob: (db: Db, definitionId: string, jobId: string) =>
      db
        .selectFrom('issue_jobs')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .where('id', '=', jobId)
        .executeTakeFirst(),

    findJobById: (db: Db, jobId: string) =>
      db.selectFrom('issue_jobs').selectAll().where('id', '=', jobId).executeTakeFirst(),

    lockJob: (db: Db, jobId: string) =>
      db.selectFrom('issue_jobs').selectAll().where('id', '=', jobId).forUpdate().executeTakeFirst(),

    listJobs: (db: Db, definitionId: string, options: { limit: number; offset: number }) =>
      db
        .selectFrom('issue_jobs')
        .selectAll()
        .where('definition_id', '=', definitionId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit)
        .offset(options.offset)
        .execute(),

    unfinishedJobIds: async (db: Db): Promise<string[]> => {
      const rows = await db
        .selectFrom('issue_jobs')
        .select('id')
        .where('status', 'in', ['queued', 'running'])
        .orderBy('created_at')
        .execute();
      return rows.map((row) => row.id);
    },

    markJob: (
      db: Db,
      jobId: string,
      changes: { status: IssueJobStatus; started_at?: Date; finished_at?: Date },
    ) =>
      db
        .updateTable('issue_jobs')
        .set(changes)
        .where('id', '=', jobId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    addToCounters: (
      db: Db,
      jobId: string,
      counts: { processed: number; issued: number; alreadyIssued: number; failed: number },
    ) =>
      db
        .updateTable('issue_jobs')
        .set((eb) => ({
          processed_rows: eb('processed_rows', '+', counts.processed),
          issued_rows: eb('issued_rows', '+', counts.issued),
          already_issued_rows: eb('already_issued_rows', '+', counts.alreadyIssued),
          failed_rows: eb('failed_rows', '+', counts.failed),
        }))
        .where('id', '=', jobId)
        .execute(),

    /**
     * The next pending rows of a job, locked; rows another worker holds are skipped, so two instances
     * resuming the same job never issue the same row at once.
     */
    claimPendingRows: (db: Db, jobId: string, limit: number) =>
      db
        .selectFrom('issue_job_rows')
        .selectAll()
        .where('job_id', '=', jobId)
        .where('status', '=', 'pending')
        .orderBy('row_number')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),

    finishRow: (
      db: Db,
      jobId: string,
      rowNumber: number,
      changes: {
        status: IssueJobRowStatus;
        credential_id: string | null;
        errors: RowProblem[] | null;
        processed_at: Date;
      },
    ) =>
      db
        .updateTable('issue_job_rows')
        .set({ ...changes, errors: changes.errors === null ? null : JSON.stringify(changes.errors) })
        .where('job_id', '=', jobId)
        .where('row_number', '=', rowNumber)
        .execute(),

    listJobRows: (
      db: Db,
      jobId: string,
      options: { status?: IssueJobRowStatus; limit: number; offset: number },
    ) => {
      let query = db.selectFrom('issue_job_rows').selectAll().where('job_id', '=', jobId);
      if (options.status) query = query.where('status', '=', options.status);
      return query.orderBy('row_number').limit(options.limit).offset(options.offset).execute();
    },

    countJobRows: async (db: Db, jobId: string, status?: IssueJobRowStatus): Promise<number> => {
      let query = db
        .selectFrom('issue_job_rows')
        .select(sql<string>`count(*)`.as('count'))
        .where('job_id', '=', jobId);
      if (status) query = query.where('status', '=', status);
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.count);
    },

    // Claims and holders

    insertClaim: (
      db: Db,
      row: {
        id: string;
        credential_id: string;
        organisation_id: string;
        recipient_email: string;
        credential_title: string;
        token_hash: string;
        created_at: Date;
        expires_at: Date;
      },
    ) =>
      db
        .insertInto('credential_claims')
        .values(row)
        .onConflict((oc) => oc.column('credential_id').doNothing())
        .returningAll()
        .executeTakeFirst(),

    findClaimByTokenHash: (db: Db, tokenHash: string) =>
      db
        .selectFrom('credential_claims')
        .innerJoin('organisations', 'organisations.id', 'credential_claims.organisation_id')
        .selectAll('credential_claims')
        .select(['organisations.name as organisation_name', 'organisations.slug as organisation_slug'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst(),

    /** Every unclaimed claim addressed to `email`, locked (the holder proved they read that mailbox). */
    lockOpenClaimsFor: (db: Db, email: string) =>
      db
        .selectFrom('credential_claims')
        .innerJoin('organisations', 'organisations.id', 'credential_claims.organisation_id')
        .selectAll('credential_claims')
        .select(['organisations.name as organisation_name', 'organisations.slug as organisation_slug'])
        .where('recipient_email', '=', email)
        .where('claimed_at', 'is', null)
        .orderBy('created_at')
        .forUpdate()
        .execute(),

    markClaimed: (db: Db, claimId: string, userId: string, now: Date) =>
      db
        .updateTable('credential_claims')
        .set({ claimed_at: now, claimed_by_user_id: userId })
        .where('id', '=', claimId)
        .where('claimed_at', 'is', null)
        .executeTakeFirst(),

    findHolder: (db: Db, credentialId: string) =>
      db
        .selectFrom('credential_holders')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst(),

    insertHolder: (
      db: Db,
      row: {
        credential_id: string;
        user_id: string;
        claim_id: string | null;
        recipient_email: string;
        user_email: string;
        claimed_at: Date;
      },
    ) =>
      db
        .insertInto('credential_holders')
        .values(row)
        .onConflict((oc) => oc.column('credential_id').doNothing())
        .returningAll()
        .executeTakeFirst(),

    heldCredentialIds: async (db: Db, userId: string): Promise<string[]> => {
      const rows = await db
        .selectFrom('credential_holders')
        .select('credential_id')
        .where('user_id', '=', userId)
        .orderBy('claimed_at', 'desc')
        .execute();
      return rows.map((row) => row.credential_id);
    },

    // Further e-mail addresses

    listEmails: (db: Db, userId: string) =>
      db
        .selectFrom('user_emails')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    findEmail: (db: Db, userId: string, email: string) =>
      db
        .selectFrom('user_emails')
        .selectAll()
        .where('user_id', '=', userId)
        .where('email', '=', email)
        .executeTakeFirst(),

    findEmailById: (db: Db, userId: string, id: string) =>
      db
        .selectFrom('user_emails')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst(),

    findVerifiedEmailOwner: (db: Db, email: string) =>
      db
        .selectFrom('user_emails')
        .selectAll()
        .where('email', '=', email)
        .where('verified_at', 'is not', null)
        .executeTakeFirst(),

    findEmailByTokenHash: (db: Db, tokenHash: string) =>
      db
        .selectFrom('user_emails')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .forUpdate()
        .executeTakeFirst(),

    insertEmail: (
      db: Db,
      row: {
        id: string;
        user_id: string;
        email: string;
        token_hash: string;
        token_expires_at: Date;
        created_at: Date;
      },
    ) => db.insertInto('user_emails').values(row).returningAll().executeTakeFirstOrThrow(),

    updateEmail: (
      db: Db,
      id: string,
      changes: { verified_at?: Date | null; token_hash?: string | null; token_expires_at?: Date | null },
    ) =>
      db
        .updateTable('user_emails')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    deleteEmail: (db: Db, id: string) => db.deleteFrom('user_emails').where('id', '=', id).execute(),
  };
}

export type IssuanceRepository = ReturnType<typeof createIssuanceRepository>;
