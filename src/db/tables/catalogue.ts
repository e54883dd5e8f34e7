import type { ColumnType, Selectable } from 'kysely';
import type { DefinitionSource, DefinitionStatus } from '../../modules/catalogue/definition.model.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as an object, written as JSON text. */
type Json<T = Record<string, unknown>> = ColumnType<T, string, string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface CredentialDefinitionsTable {
  id: string;
  series_id: string;
  version: number;
  organisation_id: string;
  source: DefinitionSource;
  status: DefinitionStatus;
  title: string;
  content: Json;
  external_id: string | null;
  source_uri: string | null;
  /** External entries: sha256 of the entry as imported, so an unchanged re-import writes nothing. */
  source_fingerprint: ColumnType<string | null, string | null | undefined, string | null>;
  provider_name: string;
  provider_url: string | null;
  verifiable: ColumnType<boolean, boolean | undefined, boolean>;
  conformance: Json | null;
  quality_score: number | null;
  quality: Json | null;
  level_framework: string | null;
  level_value: string | null;
  hours: number | null;
  credit_points: number | null;
  cost_amount: number | null;
  cost_currency: string | null;
  delivery_mode: string | null;
  assessment_type: string | null;
  languages: TextArray;
  skill_uris: TextArray;
  /** Description, outcomes, skill labels, provider, tags: what full-text search reads besides the title. */
  search_text: ColumnType<string, string | undefined, string>;
  // `search_vector` (tsvector, generated from title and search_text) is read only through raw SQL.
  supersedes_id: string | null;
  superseded_by_id: string | null;
  review_comment: string | null;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  submitted_at: Timestamp | null;
  published_at: Timestamp | null;
  retired_at: Timestamp | null;
}

/** The catalogue module's tables (see src/modules/catalogue). Merged into `Database` in ../schema.ts. */
export interface CatalogueTables {
  credential_definitions: CredentialDefinitionsTable;
}

export type CredentialDefinitionRow = Selectable<CredentialDefinitionsTable>;
