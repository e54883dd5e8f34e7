import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  CredentialFormat,
  CredentialRow,
  CredentialStatus,
  Database,
  IssuedVia,
  StatusListPurpose,
  StatusListRow,
} from '../../db/schema.ts';

export interface NewCredential {
  id: string;
  organisation_id: string;
  credential_uri: string;
  format: CredentialFormat;
  cryptosuite: string | null;
  types: string[];
  document: string;
  issuer: string;
  key_id: string;
  name: string | null;
  achievement_name: string | null;
  recipient_email: string | null;
  recipient_name: string | null;
  recipient_did: string | null;
  status: CredentialStatus;
  valid_from: Date | null;
  valid_until: Date | null;
  issued_at: Date;
  issued_via: IssuedVia;
  definition_id?: string | null;
  award_key?: string | null;
  issued_by_type: string;
  issued_by_id: string | null;
}

export interface CredentialListFilter {
  organisationId: string;
  status?: CredentialStatus;
  recipientEmail?: string;
  /** Only credentials awarded for one of these definition versions (at least one id). */
  definitionIds?: string[];
  /** Rows strictly after this position in (issued_at desc, id desc) order. */
  after?: { issuedAt: Date; id: string };
  limit: number;
}

/** What a holder holds: credentials issued to any of their verified addresses, and those they claimed. */
export interface Holding {
  /** Normalised (lower-case), as stored; at least one. */
  emails: string[];
  /** Credentials bound to the holder by a claim link (issued to an address that is not theirs). */
  credentialIds: string[];
}

export interface HolderCredentialFilter {
  holding: Holding;
  /** Rows strictly after this position in (issued_at desc, id desc) order. */
  after?: { issuedAt: Date; id: string };
  limit: number;
}

function heldBy(eb: ExpressionBuilder<Database, 'credentials'>, holding: Holding) {
  const conditions = [eb('credentials.recipient_email', 'in', holding.emails)];
  if (holding.credentialIds.length > 0) {
    conditions.push(eb('credentials.id', 'in', holding.credentialIds));
  }
  return eb.or(conditions);
}

/** SQL for credentials and status lists; the services pass the transaction they run in. */
export function createCredentialsRepository() {
  return {
    insertCredential: (db: Db, row: NewCredential) =>
      db.insertInto('credentials').values(row).returningAll().executeTakeFirstOrThrow(),

    findCredential: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('credentials')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    findCredentialByAwardKey: (db: Db, organisationId: string, awardKey: string) =>
      db
        .selectFrom('credentials')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('award_key', '=', awardKey)
        .executeTakeFirst(),

    findCredentialByUri: (db: Db, organisationId: string, uri: string) =>
      db
        .selectFrom('credentials')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('credential_uri', '=', uri)
        .executeTakeFirst(),

    /** For public pages: by id alone, with the organisation's public names. */
    findPublicCredential: (db: Db, id: string) =>
      db
        .selectFrom('credentials')
        .innerJoin('organisations', 'organisations.id', 'credentials.organisation_id')
        .selectAll('credentials')
        .select(['organisations.name as organisation_name', 'organisations.slug as organisation_slug'])
        .where('credentials.id', '=', id)
        .executeTakeFirst(),

    listCredentials: (db: Db, filter: CredentialListFilter) => {
      let query = db
        .selectFrom('credentials')
        .selectAll()
        .where('organisation_id', '=', filter.organisationId)
        .orderBy('issued_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.recipientEmail) query = query.where('recipient_email', '=', filter.recipientEmail);
      // One version: credentials_definition_idx (definition_id, issued_at desc) reads it in page order; a
      // series of several usually reads credentials_org_issued_idx and skips other definitions' rows.
      if (filter.definitionIds) query = query.where('definition_id', 'in', filter.definitionIds);
      const after = filter.after;
      if (after) {
        // A row comparison, not `a < x or (a = x and b < y)`: PostgreSQL turns it into an index condition,
        // so a later page starts at the cursor instead of filtering every newer row out first.
        query = query.where((eb) =>
          eb(eb.refTuple('issued_at', 'id'), '<', eb.tuple(after.issuedAt, after.id)),
        );
      }
      return query.execute();
    },

    /**
     * The credentials issued to one e-mail address, by every organisation, newest first, with the issuing
     * organisation's public names (as {@link findPublicCredential}).
     */
    listHolderCredentials: (db: Db, filter: HolderCredentialFilter) => {
      let query = db
        .selectFrom('credentials')
        .innerJoin('organisations', 'organisations.id', 'credentials.organisation_id')
        .selectAll('credentials')
        .select(['organisations.name as organisation_name', 'organisations.slug as organisation_slug'])
        .where((eb) => heldBy(eb, filter.holding))
        .orderBy('credentials.issued_at', 'desc')
        .orderBy('credentials.id', 'desc')
        .limit(filter.limit);
      const after = filter.after;
      if (after) {
        query = query.where((eb) =>
          eb.or([
            eb('credentials.issued_at', '<', after.issuedAt),
            eb.and([eb('credentials.issued_at', '=', after.issuedAt), eb('credentials.id', '<', after.id)]),
          ]),
        );
      }
      return query.execute();
    },

    /** One credential issued to `recipientEmail`, with its organisation's public names. */
    findHolderCredential: (db: Db, id: string, holding: Holding) =>
      db
        .selectFrom('credentials')
        .innerJoin('organisations', 'organisations.id', 'credentials.organisation_id')
        .selectAll('credentials')
        .select(['organisations.name as organisation_name', 'organisations.slug as organisation_slug'])
        .where('credentials.id', '=', id)
        .where((eb) => heldBy(eb, holding))
        .executeTakeFirst(),

    /** Locks a credential the holder holds for a change by them. */
    lockHolderCredential: (db: Db, id: string, holding: Holding) =>
      db
        .selectFrom('credentials')
        .selectAll('credentials')
        .where('credentials.id', '=', id)
        .where((eb) => heldBy(eb, holding))
        .forUpdate()
        .executeTakeFirst(),

    setHolderNamePublic: (db: Db, id: string, value: boolean) =>
      db
        .updateTable('credentials')
        .set({ holder_name_public: value })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirstOrThrow(),

    /** Locks the credential row for a status change (callers hold the organisation lock too). */
    lockCredential: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('credentials')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),

    updateStatus: (
      db: Db,
      id: string,
      update: { status: CredentialStatus; status_reason: string; status_changed_at: Date },
    ) =>
      db
        .updateTable('credentials')
        .set(update)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow() as Promise<CredentialRow>,

    // -- status lists ---------------------------------------------------------------------------------

    findActiveList: (db: Db, organisationId: string, purpose: StatusListPurpose, issuer: string) =>
      db
        .selectFrom('status_lists')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('purpose', '=', purpose)
        .where('issuer', '=', issuer)
        .where('state', '=', 'active')
        .executeTakeFirst(),

    /**
     * Opens a list unless another transaction already opened the active one for the same organisation,
     * purpose and issuer: then nothing is inserted (undefined) and the caller reads the winner's.
     */
    insertListIfNoneActive: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        purpose: StatusListPurpose;
        issuer: string;
        size: number;
        capacity: number;
        credential: string;
        etag: string;
        created_at: Date;
      },
    ) =>
      db
        .insertInto('status_lists')
        .values({ ...row, state: 'active', version: 1, allocated: 0, updated_at: row.created_at })
        .onConflict((oc) =>
          oc.columns(['organisation_id', 'purpose', 'issuer']).where('state', '=', 'active').doNothing(),
        )
        .returningAll()
        .executeTakeFirst(),

    findList: (db: Db, id: string) =>
      db.selectFrom('status_lists').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The served form of a list only: what a GET needs, nothing else. */
    findPublishedList: (db: Db, id: string) =>
      db
        .selectFrom('status_lists')
        .select(['id', 'credential', 'etag', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirst(),

    /**
     * Takes position `index` in the list for the credential, unless it is taken (also by a transaction
     * that has not committed yet: PostgreSQL waits for it, then reports the conflict). Never raises a unique
     * violation, so the surrounding transaction stays usable for the retry.
     */
    claimIndex: async (
      db: Db,
      entry: { list_id: string; status_index: number; credential_id: string; purpose: StatusListPurpose },
    ): Promise<boolean> => {
      const row = await db
        .insertInto('status_list_entries')
        .values(entry)
        .onConflict((oc) => oc.columns(['list_id', 'status_index']).doNothing())
        .returning('status_index')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Counts an allocation; returns the list's new count (the row stays locked until commit). */
    countAllocation: (db: Db, listId: string, count: number) =>
      db
        .updateTable('status_lists')
        .set({ allocated: sql`allocated + ${count}` })
        .where('id', '=', listId)
        .returning(['id', 'allocated', 'capacity', 'state', 'purpose', 'organisation_id'])
        .executeTakeFirstOrThrow(),

    markListFull: (db: Db, listId: string, now: Date) =>
      db
        .updateTable('status_lists')
        .set({ state: 'full', updated_at: now })
        .where('id', '=', listId)
        .where('state', '=', 'active')
        .returning('id')
        .executeTakeFirst(),

    setEntryBit: (db: Db, credentialId: string, purpose: StatusListPurpose, value: boolean) =>
      db
        .updateTable('status_list_entries')
        .set({ is_set: value })
        .where('credential_id', '=', credentialId)
        .where('purpose', '=', purpose)
        .returning(['list_id', 'status_index'])
        .executeTakeFirst(),

    entriesOf: (db: Db, credentialId: string) =>
      db
        .selectFrom('status_list_entries')
        .select(['list_id', 'status_index', 'purpose', 'is_set'])
        .where('credential_id', '=', credentialId)
        .orderBy('purpose')
        .execute(),

    setIndexes: async (db: Db, listId: string): Promise<number[]> => {
      const rows = await db
        .selectFrom('status_list_entries')
        .select('status_index')
        .where('list_id', '=', listId)
        .where('is_set', '=', true)
        .execute();
      return rows.map((row) => row.status_index);
    },

    storeListCredential: (
      db: Db,
      listId: string,
      update: { credential: string; etag: string; updated_at: Date },
    ) =>
      db
        .updateTable('status_lists')
        .set({ ...update, version: sql`version + 1` })
        .where('id', '=', listId)
        .returningAll()
        .executeTakeFirstOrThrow() as Promise<StatusListRow>,
  };
}

export type CredentialsRepository = ReturnType<typeof createCredentialsRepository>;
