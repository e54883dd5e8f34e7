import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

export type CredentialEventKind = 'issued' | 'status_changed' | 'claimed';

/**
 * The credentials module's event outbox: one row per event, written in the transaction that made the change
 * and deleted once every listener has handled it (src/modules/credentials/credential-events.outbox.ts).
 */
export interface CredentialEventOutboxTable {
  id: string;
  kind: CredentialEventKind;
  payload: Json<unknown>;
  created_at: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  /** While a delivery runs: until when it is that delivery's (a crashed one's lease runs out). */
  leased_until: Timestamp | null;
  next_attempt_at: Timestamp;
  last_error: string | null;
}

/** Merged into `Database` in ../schema.ts. */
export interface CredentialEventsTables {
  credential_event_outbox: CredentialEventOutboxTable;
}

export type CredentialEventOutboxRow = Selectable<CredentialEventOutboxTable>;
