import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  ImportedCredentialRow,
  ImportedCredentialsTable,
  ImportVerdict,
  PublicProfileRow,
} from '../../db/tables/wallet-profiles.ts';

export type NewImportedCredential = Insertable<ImportedCredentialsTable>;

/** SQL for imported credentials and public profiles; the service passes the transaction it runs in. */
export function createWalletRepository() {
  return {
    listImported: (db: Db, userId: string, limit: number) =>
      db
        .selectFrom('imported_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute(),

    /** The user's own imported credential; anyone else's is not found. */
    findImported: (db: Db, userId: string, id: string, forUpdate = false) => {
      let query = db
        .selectFrom('imported_credentials')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id);
      if (forUpdate) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    findImportedByHash: (db: Db, userId: string, contentHash: string) =>
      db
        .selectFrom('imported_credentials')
        .select('id')
        .where('user_id', '=', userId)
        .where('content_hash', '=', contentHash)
        .executeTakeFirst(),

    countImported: async (db: Db, userId: string) => {
      const row = await db
        .selectFrom('imported_credentials')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Inserts unless the user already holds the same content; undefined then (a concurrent import won). */
    insertImported: (db: Db, row: NewImportedCredential) =>
      db
        .insertInto('imported_credentials')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'content_hash']).doNothing())
        .returningAll()
        .executeTakeFirst() as Promise<ImportedCredentialRow | undefined>,

    updateVerification: (
      db: Db,
      id: string,
      changes: { verdict: ImportVerdict; report: string; verified_at: Date },
    ) =>
      db
        .updateTable('imported_credentials')
        .set(changes)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    deleteImported: (db: Db, id: string) =>
      db.deleteFrom('imported_credentials').where('id', '=', id).execute(),

    /** The user's imported credentials among `ids` (any verdict). */
    importedByIds: (db: Db, userId: string, ids: readonly string[]) =>
      ids.length === 0
        ? Promise.resolve([] as ImportedCredentialRow[])
        : db
            .selectFrom('imported_credentials')
            .selectAll()
            .where('user_id', '=', userId)
            .where('id', 'in', [...ids])
            .execute(),

    // Public profiles ----------------------------------------------------------------------------------

    findProfile: (db: Db, userId: string, forUpdate = false) => {
      let query = db.selectFrom('public_profiles').selectAll().where('user_id', '=', userId);
      if (forUpdate) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    findProfileByHandle: (db: Db, handle: string) =>
      db.selectFrom('public_profiles').selectAll().where('handle', '=', handle).executeTakeFirst(),

    /** Another user's profile holding `handle`, if any. */
    handleOwner: (db: Db, handle: string) =>
      db.selectFrom('public_profiles').select('user_id').where('handle', '=', handle).executeTakeFirst(),

    /** Creates or replaces the user's profile; undefined when the handle was taken meanwhile. */
    upsertProfile: (db: Db, row: PublicProfileRow) =>
      db
        .insertInto('public_profiles')
        .values(row)
        .onConflict((oc) =>
          oc.column('user_id').doUpdateSet((eb) => ({
            handle: eb.ref('excluded.handle'),
            display_name: eb.ref('excluded.display_name'),
            bio: eb.ref('excluded.bio'),
            is_public: eb.ref('excluded.is_public'),
            credential_ids: eb.ref('excluded.credential_ids'),
            imported_ids: eb.ref('excluded.imported_ids'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow(),
  };
}

export type WalletRepository = ReturnType<typeof createWalletRepository>;
