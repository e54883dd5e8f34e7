import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { NewUser, OneTimeTokenPurpose, UserUpdate } from '../../db/schema.ts';

/** SQL for the accounts module; the service passes the transaction it runs in. */
export function createAccountsRepository(_db: Db) {
  return {
    findUserByEmail: (db: Db, email: string) =>
      db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),

    findUserById: (db: Db, id: string) =>
      db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

    findUsersByIds: async (db: Db, ids: string[]) =>
      ids.length === 0 ? [] : db.selectFrom('users').selectAll().where('id', 'in', ids).execute(),

    insertUser: (db: Db, user: NewUser) =>
      db.insertInto('users').values(user).returningAll().executeTakeFirstOrThrow(),

    updateUser: (db: Db, id: string, update: UserUpdate) =>
      db.updateTable('users').set(update).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

    listUsers: async (db: Db, options: { query?: string; limit: number; offset: number }) => {
      let query = db.selectFrom('users');
      if (options.query) {
        const pattern = `%${options.query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([eb('email', 'like', pattern), eb(sql<string>`lower(name)`, 'like', pattern)]),
        );
      }
      const [rows, count] = await Promise.all([
        query
          .selectAll()
          .orderBy('created_at')
          .orderBy('id')
          .limit(options.limit)
          .offset(options.offset)
          .execute(),
        query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      ]);
      return { users: rows, total: Number(count.total) };
    },

    insertOneTimeToken: (
      db: Db,
      row: {
        id: string;
        purpose: OneTimeTokenPurpose;
        token_hash: string;
        user_id: string;
        created_at: Date;
        expires_at: Date;
      },
    ) => db.insertInto('one_time_tokens').values(row).execute(),

    expireOneTimeTokens: (db: Db, userId: string, purpose: OneTimeTokenPurpose, now: Date) =>
      db
        .updateTable('one_time_tokens')
        .set({ expires_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .execute(),

    findOneTimeToken: (db: Db, tokenHash: string, purpose: OneTimeTokenPurpose) =>
      db
        .selectFrom('one_time_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .executeTakeFirst(),

    /** Marks a token used only if it was unused, so two concurrent uses cannot both succeed. */
    markOneTimeTokenUsed: async (db: Db, id: string, now: Date) => {
      const result = await db
        .updateTable('one_time_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    findThrottle: (db: Db, keys: string[]) =>
      db.selectFrom('login_throttle').selectAll().where('key', 'in', keys).execute(),

    findThrottleForUpdate: (db: Db, key: string) =>
      db.selectFrom('login_throttle').selectAll().where('key', '=', key).forUpdate().executeTakeFirst(),

    upsertThrottle: (
      db: Db,
      row: { key: string; failures: number; window_started_at: Date; locked_until: Date | null },
    ) =>
      db
        .insertInto('login_throttle')
        .values(row)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: row.failures,
            window_started_at: row.window_started_at,
            locked_until: row.locked_until,
          }),
        )
        .execute(),

    deleteThrottle: (db: Db, key: string) => db.deleteFrom('login_throttle').where('key', '=', key).execute(),

    insertSession: (
      db: Db,
      row: {
        id: string;
        token_hash: string;
        user_id: string;
        csrf_token: string;
        ip: string | null;
        user_agent: string | null;
        created_at: Date;
        last_seen_at: Date;
        expires_at: Date;
      },
    ) => db.insertInto('sessions').values(row).execute(),

    findSessionWithUser: (db: Db, tokenHash: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.user_id',
          'sessions.csrf_token',
          'sessions.expires_at',
          'sessions.revoked_at',
          'sessions.last_seen_at',
          'users.is_platform_admin',
          'users.email_verified_at',
          'users.disabled_at',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst(),

    touchSession: (db: Db, id: string, now: Date) =>
      db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute(),

    listActiveSessions: (db: Db, userId: string, now: Date) =>
      db
        .selectFrom('sessions')
        .select(['id', 'ip', 'user_agent', 'created_at', 'last_seen_at', 'expires_at'])
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .execute(),

    revokeSession: async (db: Db, id: string, userId: string, now: Date) => {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    revokeUserSessions: async (db: Db, userId: string, exceptId: string | null, now: Date) => {
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now);
      if (exceptId) query = query.where('id', '!=', exceptId);
      const rows = await query.returning('id').execute();
      return rows.map((row) => row.id);
    },
  };
}
