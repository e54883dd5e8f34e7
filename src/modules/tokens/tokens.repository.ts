import type { Db } from '../../db/database.ts';

/** SQL for API tokens; the service passes the transaction it runs in. */
export function createTokensRepository() {
  return {
    insert: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        created_by: string | null;
        name: string;
        prefix: string;
        secret_hash: string;
        scopes: string[];
        created_at: Date;
        expires_at: Date | null;
      },
    ) => db.insertInto('api_tokens').values(row).returningAll().executeTakeFirstOrThrow(),

    findByPrefix: (db: Db, prefix: string) =>
      db.selectFrom('api_tokens').selectAll().where('prefix', '=', prefix).executeTakeFirst(),

    findInOrganisation: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('api_tokens')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    listForOrganisation: (db: Db, organisationId: string) =>
      db
        .selectFrom('api_tokens')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute(),

    /** Revokes only a token that is not revoked yet; false when it already was. */
    revoke: async (db: Db, id: string, now: Date) => {
      const row = await db
        .updateTable('api_tokens')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row;
    },

    /** Records use; the `before` guard keeps concurrent requests from rewriting it within the interval. */
    touch: (db: Db, id: string, now: Date, before: Date) =>
      db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', before)]))
        .execute(),
  };
}
