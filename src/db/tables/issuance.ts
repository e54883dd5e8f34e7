import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as a value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** The supervision / identity-verification levels of EU Annex I (see catalogue/definition.model.ts). */
export type SupervisionLevel =
  | 'unsupervised-no-id'
  | 'supervised-no-id'
  | 'supervised-online-id'
  | 'supervised-onsite-id';

/** One result reported by an LMS or another system for an externally assessed definition. */
export interface ExternalResultsTable {
  id: string;
  organisation_id: string;
  definition_id: string;
  /** `ref:<external reference>` or `hash:<sha256 of the result>`: one row per reported result. */
  result_key: string;
  learner_email: string;
  learner_name: string | null;
  /** A DID or a profile URL of the learner; becomes credentialSubject.id. */
  learner_did: string | null;
  score: number | null;
  grade: string | null;
  passed: boolean;
  assessed_at: Timestamp;
  supervision: SupervisionLevel | null;
  narrative: string | null;
  evidence_url: string | null;
  external_ref: string | null;
  /** The award key handed to the credentials module (shared with bulk issue). */
  award_key: string;
  credential_id: string | null;
  recorded_at: Timestamp;
  recorded_by_type: string;
  recorded_by_id: string | null;
}

export type IssueJobStatus = 'queued' | 'running' | 'completed' | 'rejected';
export type IssueJobRowStatus = 'pending' | 'issued' | 'already_issued' | 'invalid' | 'failed';

/** A bulk issue: a validated file (CSV or JSON rows) whose rows are issued in batches. */
export interface IssueJobsTable {
  id: string;
  organisation_id: string;
  definition_id: string;
  status: IssueJobStatus;
  source: 'csv' | 'rows';
  skip_invalid: boolean;
  file_sha256: string;
  total_rows: number;
  invalid_rows: number;
  processed_rows: Generated<number>;
  issued_rows: Generated<number>;
  already_issued_rows: Generated<number>;
  failed_rows: Generated<number>;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

/** What a row said, normalised (valid rows) or as sent (invalid rows). */
export interface IssueRowData {
  email: string | null;
  name: string | null;
  did: string | null;
  narrative: string | null;
  evidenceUrl: string | null;
  grade: string | null;
  score: number | null;
  date: string | null;
  externalRef: string | null;
}

export interface RowProblem {
  column: string;
  message: string;
}

export interface IssueJobRowsTable {
  job_id: string;
  /** 1-based: row 1 is the first data row (under the CSV header). */
  row_number: number;
  status: IssueJobRowStatus;
  data: Json<IssueRowData>;
  award_key: string | null;
  credential_id: string | null;
  errors: Json<RowProblem[] | null> | null;
  processed_at: Timestamp | null;
}

/** A one-time link that lets someone who has no account with the recipient address claim a credential. */
export interface CredentialClaimsTable {
  id: string;
  credential_id: string;
  organisation_id: string;
  recipient_email: string;
  credential_title: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  claimed_at: Timestamp | null;
  claimed_by_user_id: string | null;
}

/** Credentials bound to an account by claiming (the account's address may differ from the recipient's). */
export interface CredentialHoldersTable {
  credential_id: string;
  user_id: string;
  claim_id: string | null;
  recipient_email: string;
  /** The account's verified address when it claimed. */
  user_email: string;
  claimed_at: Timestamp;
}

/** A user's further e-mail addresses (the account's own address lives on `users`). */
export interface UserEmailsTable {
  id: string;
  user_id: string;
  email: string;
  verified_at: Timestamp | null;
  token_hash: string | null;
  token_expires_at: Timestamp | null;
  created_at: Timestamp;
}

/** The issuance module's tables (see src/modules/issuance). Merged into `Database` in ../schema.ts. */
export interface IssuanceTables {
  external_results: ExternalResultsTable;
  issue_jobs: IssueJobsTable;
  issue_job_rows: IssueJobRowsTable;
  credential_claims: CredentialClaimsTable;
  credential_holders: CredentialHoldersTable;
  user_emails: UserEmailsTable;
}

export type ExternalResultRow = Selectable<ExternalResultsTable>;
export type IssueJobRow = Selectable<IssueJobsTable>;
export type IssueJobRowRow = Selectable<IssueJobRowsTable>;
export type CredentialClaimRow = Selectable<CredentialClaimsTable>;
export type UserEmailRow = Selectable<UserEmailsTable>;
