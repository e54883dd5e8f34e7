import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export type PathwayVersionStatus = 'draft' | 'published' | 'retired';
/** What a revoked component does to a completion: flag it for review, or also suspend the pathway credential. */
export type ComponentRevokedPolicy = 'flag' | 'suspend';
export const COMPONENT_REVOKED_POLICIES: readonly ComponentRevokedPolicy[] = ['flag', 'suspend'];
export type PathwayCompletionStatus = 'complete' | 'flagged' | 'suspended';

/** A pathway: the series its versions belong to, owned by one organisation. */
export interface PathwaysTable {
  id: string;
  organisation_id: string;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PathwayVersionsTable {
  id: string;
  pathway_id: string;
  version: number;
  status: PathwayVersionStatus;
  title: string;
  /** PathwayContent (src/modules/pathways/pathway.model.ts). */
  content: Json<unknown>;
  on_component_revoked: ComponentRevokedPolicy;
  /** The definition series of the content's components (kept in step with `content`; GIN-indexed). */
  component_series_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
  published_at: Timestamp | null;
  retired_at: Timestamp | null;
}

export interface PathwaySubscriptionsTable {
  pathway_id: string;
  user_id: string;
  created_at: Timestamp;
}

export type RecognitionStatus = 'pending' | 'active' | 'rejected' | 'revoked';
export type RecognitionSource = 'reviewer' | 'credential' | 'evidence';

/** What a learner submitted for recognition. */
export interface RecognitionSubmission {
  /** The credential as submitted (a JSON object, or a compact vc+jwt string). */
  credential?: unknown;
  /** The verifier's verdict and the failed or unknown steps, for the reviewer. */
  verdict?: 'valid' | 'invalid' | 'unknown';
  problems?: string[];
  /** Why it was not accepted automatically (shown to the reviewer). */
  queuedBecause?: string;
  narrative?: string;
  url?: string;
}

/** Recognition of prior learning: the organisation grants one component of a pathway to a learner. */
export interface PathwayRecognitionsTable {
  id: string;
  pathway_id: string;
  component_id: string;
  user_id: string;
  status: RecognitionStatus;
  source: RecognitionSource;
  submission: Json<RecognitionSubmission> | null;
  submitted_at: Timestamp | null;
  note: string | null;
  credit_points: number | null;
  hours: number | null;
  valid_until: Timestamp | null;
  decided_by_type: string | null;
  decided_by_id: string | null;
  decided_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface CompletionComponent {
  componentId: string;
  kind: 'credential' | 'recognition';
  id: string;
}

/** One per learner and pathway (the primary key): completion is recorded exactly once. */
export interface PathwayCompletionsTable {
  pathway_id: string;
  user_id: string;
  id: string;
  pathway_version_id: string;
  status: PathwayCompletionStatus;
  completed_at: Timestamp;
  components: Json<CompletionComponent[]>;
  credential_id: string | null;
  flag_reason: string | null;
  flagged_at: Timestamp | null;
}

/** The pathways module's tables. Merged into `Database` in ../schema.ts. */
export interface PathwaysTables {
  pathways: PathwaysTable;
  pathway_versions: PathwayVersionsTable;
  pathway_subscriptions: PathwaySubscriptionsTable;
  pathway_recognitions: PathwayRecognitionsTable;
  pathway_completions: PathwayCompletionsTable;
}

export type PathwayRow = Selectable<PathwaysTable>;
export type PathwayVersionRow = Selectable<PathwayVersionsTable>;
export type PathwayRecognitionRow = Selectable<PathwayRecognitionsTable>;
export type PathwayCompletionRow = Selectable<PathwayCompletionsTable>;
