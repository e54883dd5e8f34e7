import type { Db } from '../../db/database.ts';

/** Every column but the sealed private key: what listing and publishing need. */
const PUBLIC_COLUMNS = [
  'id',
  'organisation_id',
  'key_number',
  'algorithm',
  'public_key_multibase',
  'created_at',
  'retired_at',
] as const;

/**
 * SQL for issuer keys; the service passes the transaction it runs in. Only the `…ForSigning…` queries
 * read the sealed private key, so nothing else can hand it on by accident.
 */
export function createKeysRepository() {
  return {
    /** Every key of the organisation, oldest first (key-1, key-2, …). */
    listForOrganisation: (db: Db, organisationId: string) =>
      db
        .selectFrom('issuer_keys')
        .select(PUBLIC_COLUMNS)
        .where('organisation_id', '=', organisationId)
        .orderBy('key_number')
        .execute(),

    findActive: (db: Db, organisationId: string) =>
      db
        .selectFrom('issuer_keys')
        .select(PUBLIC_COLUMNS)
        .where('organisation_id', '=', organisationId)
        .where('retired_at', 'is', null)
        .executeTakeFirst(),

    /** The active key with its sealed private key, to build a signer. */
    findActiveForSigning: (db: Db, organisationId: string) =>
      db
        .selectFrom('issuer_keys')
        .select([...PUBLIC_COLUMNS, 'private_key_sealed'])
        .where('organisation_id', '=', organisationId)
        .where('retired_at', 'is', null)
        .executeTakeFirst(),

    /**
     * A key by its public key, retired or not, with its sealed private key: a did:key names one key, so the
     * status lists of credentials issued under it must stay signed by it after a rotation.
     */
    findForSigningByPublicKey: (db: Db, organisationId: string, publicKeyMultibase: string) =>
      db
        .selectFrom('issuer_keys')
        .select([...PUBLIC_COLUMNS, 'private_key_sealed'])
        .where('organisation_id', '=', organisationId)
        .where('public_key_multibase', '=', publicKeyMultibase)
        .executeTakeFirst(),

    nextKeyNumber: async (db: Db, organisationId: string) => {
      const row = await db
        .selectFrom('issuer_keys')
        .select((eb) => eb.fn.max('key_number').as('max'))
        .where('organisation_id', '=', organisationId)
        .executeTakeFirst();
      return Number(row?.max ?? 0) + 1;
    },

    /**
     * Inserts a key unless it would break a unique index: a second active key for the organisation or a
     * key number taken meanwhile. `undefined` means another transaction got there first.
     */
    insertUnlessConflict: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        key_number: number;
        public_key_multibase: string;
        private_key_sealed: string;
        created_at: Date;
      },
    ) =>
      db
        .insertInto('issuer_keys')
        .values({ ...row, algorithm: 'Ed25519' })
        .onConflict((oc) => oc.doNothing())
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirst(),

    /** Retires the key if it is still active; `undefined` when it no longer was. */
    retire: (db: Db, id: string, now: Date) =>
      db
        .updateTable('issuer_keys')
        .set({ retired_at: now })
        .where('id', '=', id)
        .where('retired_at', 'is', null)
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirst(),
  };
}

export type KeysRepository = ReturnType<typeof createKeysRepository>;
export type IssuerKeyRecord = NonNullable<Awaited<ReturnType<KeysRepository['findActive']>>>;
