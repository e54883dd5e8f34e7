import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AssessmentsTables } from './tables/assessments.ts';
import type { CatalogueTables } from './tables/catalogue.ts';
import type { CredentialEventsTables } from './tables/credential-events.ts';
import type { IssuanceTables } from './tables/issuance.ts';
import type { OrganisationLogosTables } from './tables/organisation-logos.ts';
import type { PathwayGroupsTables } from './tables/pathway-groups.ts';
import type { PathwaysTables } from './tables/pathways.ts';
import type { PortfolioTables } from './tables/portfolio.ts';
import type { SkillProfilesTables } from './tables/skill-profiles.ts';
import type { SkillsTables } from './tables/skills.ts';
import type { WalletProfilesTables } from './tables/wallet-profiles.ts';

/** Timestamps come back as Date and may be written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<Record<string, unknown>, string, string>;

export type MembershipRole = 'owner' | 'admin' | 'issuer' | 'assessor' | 'viewer';
export type OneTimeTokenPurpose = 'email_verification' | 'password_reset';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  email_verified_at: Timestamp | null;
  is_platform_admin: boolean;
  disabled_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface OneTimeTokensTable {
  id: string;
  purpose: OneTimeTokenPurpose;
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface OrganisationsTable {
  id: string;
  slug: string;
  name: string;
  url: string | null;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  organisation_id: string;
  user_id: string;
  role: MembershipRole;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  organisation_id: string;
  email: string;
  role: MembershipRole;
  token_hash: string;
  invited_by: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_by: string | null;
  revoked_at: Timestamp | null;
}

export interface ApiTokensTable {
  id: string;
  organisation_id: string;
  created_by: string | null;
  name: string;
  /** Public lookup part of the token, e.g. `cst_ab12cd34ef56`. */
  prefix: string;
  secret_hash: string;
  scopes: ColumnType<string[], string[], string[]>;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  occurred_at: Timestamp;
  type: string;
  actor_type: string;
  actor_id: string | null;
  organisation_id: string | null;
  subject_type: string | null;
  subject_id: string | null;
  data: Json;
  prev_hash: string;
  hash: string;
}

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface MailMessagesTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: MailStatus;
  attempts: number;
  last_error: string | null;
  created_at: Timestamp;
  next_attempt_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface IssuerKeysTable {
  id: string;
  organisation_id: string;
  /** The verification method is `<did>#key-<key_number>`. */
  key_number: number;
  algorithm: 'Ed25519';
  public_key_multibase: string;
  /** The sealed private key (encryptPrivateKey) or an external key store's reference. Never served. */
  private_key_sealed: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export type CredentialFormat = 'data-integrity' | 'vc+jwt';
export type CredentialStatus = 'active' | 'suspended' | 'revoked';
export type StatusListPurpose = 'revocation' | 'suspension';

/** How a credential came to be issued. */
export type IssuedVia = 'api' | 'vc-api' | 'cli' | 'assessment' | 'bulk' | 'external-result' | 'pathway';

export interface CredentialsTable {
  id: string;
  organisation_id: string;
  /** The credential's own `id` (our public URL, or the one a VC-API caller gave). */
  credential_uri: string;
  format: CredentialFormat;
  cryptosuite: string | null;
  types: ColumnType<string[], string[], string[]>;
  /** The signed credential exactly as issued: JSON text (Data Integrity) or a compact JWS (vc+jwt). */
  document: string;
  issuer: string;
  key_id: string;
  name: string | null;
  achievement_name: string | null;
  /** Normalised (lower-case); kept for mail and search, never published (the credential has a hash). */
  recipient_email: string | null;
  recipient_name: string | null;
  recipient_did: string | null;
  holder_name_public: Generated<boolean>;
  status: CredentialStatus;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  valid_from: Timestamp | null;
  valid_until: Timestamp | null;
  issued_at: Timestamp;
  issued_via: IssuedVia;
  /** The catalogue definition version it was awarded for (null for inline achievements and the VC-API). */
  definition_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** Makes automatic awards idempotent: one credential per key and organisation. */
  award_key: ColumnType<string | null, string | null | undefined, string | null>;
  issued_by_type: string;
  issued_by_id: string | null;
}

export interface StatusListsTable {
  id: string;
  organisation_id: string;
  purpose: StatusListPurpose;
  /** The DID that signs the list; the same as the issuer of the credentials pointing into it. */
  issuer: string;
  size: number;
  capacity: number;
  allocated: Generated<number>;
  state: 'active' | 'full';
  /** The signed BitstringStatusListCredential as served (JSON text). */
  credential: string;
  etag: string;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StatusListEntriesTable {
  list_id: string;
  status_index: number;
  credential_id: string;
  purpose: StatusListPurpose;
  is_set: Generated<boolean>;
}

/** Later modules keep their tables in ./tables/<module>.ts. */
export interface Database
  extends SkillsTables,
    CatalogueTables,
    AssessmentsTables,
    PortfolioTables,
    IssuanceTables,
    SkillProfilesTables,
    PathwaysTables,
    WalletProfilesTables,
    OrganisationLogosTables,
    PathwayGroupsTables,
    CredentialEventsTables {
  users: UsersTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  login_throttle: LoginThrottleTable;
  organisations: OrganisationsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  mail_messages: MailMessagesTable;
  issuer_keys: IssuerKeysTable;
  credentials: CredentialsTable;
  status_lists: StatusListsTable;
  status_list_entries: StatusListEntriesTable;
}

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type InvitationRow = Selectable<InvitationsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type MailMessageRow = Selectable<MailMessagesTable>;
export type IssuerKeyRow = Selectable<IssuerKeysTable>;
export type CredentialRow = Selectable<CredentialsTable>;
export type StatusListRow = Selectable<StatusListsTable>;
