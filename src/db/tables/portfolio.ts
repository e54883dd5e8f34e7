import type { ColumnType, Selectable } from 'kysely';
import type {
  MarkedLevel,
  PassRule,
  RubricCriterion,
  SubmissionLink,
  SubmissionSettings,
} from '../../modules/portfolio/portfolio.rubric.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export type SubmissionStatus =
  | 'draft'
  | 'submitted'
  | 'awaiting_second_mark'
  | 'in_moderation'
  | 'passed'
  | 'failed';
export type MarkStage = 'first' | 'second' | 'moderation';

/** One rubric per definition version; frozen once the version leaves draft. */
export interface PortfolioRubricsTable {
  definition_id: string;
  organisation_id: string;
  criteria: Json<RubricCriterion[]>;
  pass_rule: Json<PassRule>;
  settings: Json<SubmissionSettings>;
  /** Counts saves, so a client can tell it is looking at the latest rubric. */
  revision: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PortfolioSubmissionsTable {
  id: string;
  organisation_id: string;
  definition_id: string;
  /** The definition version's title when the submission was made (a published version never changes). */
  definition_title: string;
  learner_user_id: string;
  /** The learner's verified address (normalised), refreshed on submit; the credential is issued to it. */
  learner_email: string;
  learner_name: string;
  /** 1 for the first submission of a learner for this definition version, 2 after one fail, … */
  attempt: number;
  status: SubmissionStatus;
  text_body: string | null;
  links: Json<SubmissionLink[]>;
  /** The supervision / identity-verification level the assessment ran under (from the rubric at submit). */
  supervision: string | null;
  claimed_by: string | null;
  claimed_at: Timestamp | null;
  final_mark_id: string | null;
  total_points: number | null;
  max_points: number | null;
  credential_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Timestamp | null;
  decided_at: Timestamp | null;
}

/** Uploaded evidence, stored in the database so a submission and its files commit and back up together. */
export interface PortfolioFilesTable {
  id: string;
  submission_id: string;
  organisation_id: string;
  file_name: string;
  /** The sniffed kind (`pdf`, `png`, …), never the client's claim. */
  file_type: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  content: ColumnType<Uint8Array, Uint8Array, never>;
  created_at: Timestamp;
}

export interface PortfolioMarksTable {
  id: string;
  submission_id: string;
  organisation_id: string;
  stage: MarkStage;
  assessor_user_id: string;
  levels: Json<MarkedLevel[]>;
  total_points: number;
  max_points: number;
  passed: boolean;
  feedback: string;
  created_at: Timestamp;
}

/** The portfolio module's tables (see src/modules/portfolio). Merged into `Database` in ../schema.ts. */
export interface PortfolioTables {
  portfolio_rubrics: PortfolioRubricsTable;
  portfolio_submissions: PortfolioSubmissionsTable;
  portfolio_files: PortfolioFilesTable;
  portfolio_marks: PortfolioMarksTable;
}

export type PortfolioRubricRow = Selectable<PortfolioRubricsTable>;
export type PortfolioSubmissionRow = Selectable<PortfolioSubmissionsTable>;
export type PortfolioFileRow = Selectable<PortfolioFilesTable>;
export type PortfolioFileMeta = Omit<PortfolioFileRow, 'content'>;
export type PortfolioMarkRow = Selectable<PortfolioMarksTable>;
