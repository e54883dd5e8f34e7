import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as a value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export type AssessmentItemType =
  | 'single_choice'
  | 'multiple_response'
  | 'true_false'
  | 'numeric'
  | 'short_text';
export type AttemptStatus = 'open' | 'submitted' | 'expired';

/** The settings of the automatically scored test attached to one definition version. */
export interface AssessmentTestsTable {
  id: string;
  /** The definition version (one test per version). */
  definition_id: string;
  organisation_id: string;
  /** Percentage of the attempt's maximum score needed to pass; null until set (not ready). */
  pass_mark: number | null;
  /** Attempts a learner may make; null = unlimited. */
  attempt_limit: number | null;
  /** Seconds a learner waits after an attempt closes before starting the next. */
  cooldown_seconds: number;
  /** Seconds from start to deadline, enforced by the server; null = untimed. */
  time_limit_seconds: number | null;
  /** Items drawn at random per attempt; null = all items of the bank. */
  items_per_attempt: number | null;
  shuffle_items: boolean;
  shuffle_options: boolean;
  /** One of SUPERVISION_LEVELS; recorded with every result. */
  supervision: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One item of a test's bank. `options` is what learners see; `answer_key` never leaves for them. */
export interface AssessmentItemsTable {
  id: string;
  test_id: string;
  position: number;
  type: AssessmentItemType;
  prompt: string;
  points: number;
  /** Choice items: [{ id, text }]; empty for numeric and short text. */
  options: Json<Array<{ id: string; text: string }>>;
  /** See AnswerKey in src/modules/assessments/items.ts. */
  answer_key: Json<Record<string, unknown>>;
  learning_outcome_id: string | null;
  feedback: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A learner's attempt at a test: the items drawn, in their order, and the result once closed. */
export interface AssessmentAttemptsTable {
  id: string;
  test_id: string;
  definition_id: string;
  organisation_id: string;
  user_id: string;
  /** 1, 2, … per learner and test. */
  attempt_number: number;
  status: AttemptStatus;
  /** The drawn items in presentation order, each with its options' presentation order. */
  layout: Json<Array<{ itemId: string; optionOrder: string[] }>>;
  started_at: Timestamp;
  deadline_at: Timestamp | null;
  closed_at: Timestamp | null;
  /** Settings at the start, recorded with the result. */
  pass_mark: number;
  supervision: string;
  score: number | null;
  max_score: number | null;
  percent: number | null;
  passed: boolean | null;
  credential_id: string | null;
}

/** A saved answer; after closing, every drawn item has a row with its score (unanswered: answer null). */
export interface AssessmentResponsesTable {
  attempt_id: string;
  item_id: string;
  answer: Json<unknown>;
  saved_at: Timestamp | null;
  earned: number | null;
  correct: boolean | null;
}

/** The assessments module's tables (see src/modules/assessments). Merged into `Database` in ../schema.ts. */
export interface AssessmentsTables {
  assessment_tests: AssessmentTestsTable;
  assessment_items: AssessmentItemsTable;
  assessment_attempts: AssessmentAttemptsTable;
  assessment_responses: AssessmentResponsesTable;
}

export type AssessmentTestRow = Selectable<AssessmentTestsTable>;
export type AssessmentItemRow = Selectable<AssessmentItemsTable>;
export type AssessmentAttemptRow = Selectable<AssessmentAttemptsTable>;
export type AssessmentResponseRow = Selectable<AssessmentResponsesTable>;
