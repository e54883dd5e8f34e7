import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export type ImportSource = 'json' | 'png' | 'svg';
export type ImportVerdict = 'verified' | 'not_verified' | 'unknown';

/** A credential a learner brought from elsewhere, with the verification made when it came in (or re-run). */
export interface ImportedCredentialsTable {
  id: string;
  user_id: string;
  content_hash: string;
  source: ImportSource;
  /** As given: JSON text of the credential, or the compact JWS of a vc+jwt credential. */
  document: string;
  credential_format: string;
  name: string | null;
  achievement_name: string | null;
  issuer_id: string | null;
  issuer_name: string | null;
  valid_from: Timestamp | null;
  valid_until: Timestamp | null;
  verdict: ImportVerdict;
  /** The verification step log (as the public verifier presents it). */
  report: Json<Record<string, unknown>>;
  verified_at: Timestamp;
  created_at: Timestamp;
}

export interface PublicProfilesTable {
  user_id: string;
  handle: string;
  display_name: string;
  bio: string | null;
  is_public: ColumnType<boolean, boolean | undefined, boolean>;
  credential_ids: TextArray;
  imported_ids: TextArray;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CredentialVerificationEventsTable {
  id: Generated<string>;
  credential_id: string;
  organisation_id: string;
  verdict: string;
  verified_at: Timestamp;
}

/** The wallet and analytics modules' tables. Merged into `Database` in ../schema.ts. */
export interface WalletProfilesTables {
  imported_credentials: ImportedCredentialsTable;
  public_profiles: PublicProfilesTable;
  credential_verification_events: CredentialVerificationEventsTable;
}

export type ImportedCredentialRow = Selectable<ImportedCredentialsTable>;
export type PublicProfileRow = Selectable<PublicProfilesTable>;
