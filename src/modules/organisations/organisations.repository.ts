import type { Insertable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { MembershipRole, OrganisationsTable } from '../../db/schema.ts';

/** SQL for organisations, memberships and invitations; the service passes the transaction it runs in. */
export function createOrganisationsRepository() {
  return {
    findBySlug: (db: Db, slug: string) =>
      db.selectFrom('organisations').selectAll().where('slug', '=', slug).executeTakeFirst(),

    /** The same, locking the row for the rest of the transaction (see `requireAccess`'s `lock`). */
    findBySlugForUpdate: (db: Db, slug: string) =>
      db.selectFrom('organisations').selectAll().where('slug', '=', slug).forUpdate().executeTakeFirst(),

    findById: (db: Db, id: string) =>
      db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst(),

    /**
     * Locks the organisation row for the rest of the transaction, so changes to one organisation run one
     * at a time (the last-owner rule depends on it).
     */
    lockById: (db: Db, id: string) =>
      db.selectFrom('organisations').select('id').where('id', '=', id).forUpdate().executeTakeFirst(),

    insert: (db: Db, row: Insertable<OrganisationsTable>) =>
      db.insertInto('organisations').values(row).returningAll().executeTakeFirstOrThrow(),

    update: (db: Db, id: string, update: Updateable<OrganisationsTable>) =>
      db
        .updateTable('organisations')
        .set(update)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    listAll: async (db: Db, options: { limit: number; offset: number }) => {
      const [rows, count] = await Promise.all([
        db
          .selectFrom('organisations')
          .selectAll('organisations')
          .select((eb) =>
            eb
              .selectFrom('memberships')
              .select((inner) => inner.fn.countAll<number>().as('n'))
              .whereRef('memberships.organisation_id', '=', 'organisations.id')
              .as('member_count'),
          )
          .orderBy('organisations.slug')
          .limit(options.limit)
          .offset(options.offset)
          .execute(),
        db
          .selectFrom('organisations')
          .select((eb) => eb.fn.countAll<number>().as('total'))
          .executeTakeFirstOrThrow(),
      ]);
      return {
        organisations: rows.map((row) => {
          const { member_count, ...organisation } = row;
          return { organisation, memberCount: Number(member_count ?? 0) };
        }),
        total: Number(count.total),
      };
    },

    listForUser: (db: Db, userId: string) =>
      db
        .selectFrom('memberships')
        .innerJoin('organisations', 'organisations.id', 'memberships.organisation_id')
        .selectAll('organisations')
        .select('memberships.role')
        .where('memberships.user_id', '=', userId)
        .orderBy('organisations.name')
        .orderBy('organisations.slug')
        .execute(),

    findMembership: (db: Db, organisationId: string, userId: string) =>
      db
        .selectFrom('memberships')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),

    listMembers: (db: Db, organisationId: string) =>
      db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select([
          'memberships.user_id',
          'memberships.role',
          'memberships.created_at',
          'memberships.updated_at',
          'users.name',
          'users.email',
        ])
        .where('memberships.organisation_id', '=', organisationId)
        .orderBy('users.name')
        .orderBy('users.email')
        .execute(),

    countOwners: async (db: Db, organisationId: string) => {
      const row = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', organisationId)
        .where('role', '=', 'owner')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    insertMembership: (
      db: Db,
      row: {
        organisation_id: string;
        user_id: string;
        role: MembershipRole;
        created_at: Date;
        updated_at: Date;
      },
    ) => db.insertInto('memberships').values(row).returningAll().executeTakeFirstOrThrow(),

    updateMembershipRole: (db: Db, organisationId: string, userId: string, role: MembershipRole, now: Date) =>
      db
        .updateTable('memberships')
        .set({ role, updated_at: now })
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirstOrThrow(),

    deleteMembership: (db: Db, organisationId: string, userId: string) =>
      db
        .deleteFrom('memberships')
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .execute(),

    insertInvitation: (
      db: Db,
      row: {
        id: string;
        organisation_id: string;
        email: string;
        role: MembershipRole;
        token_hash: string;
        invited_by: string;
        created_at: Date;
        expires_at: Date;
      },
    ) => db.insertInto('invitations').values(row).returningAll().executeTakeFirstOrThrow(),

    /** Pending (not accepted, not revoked, not expired) invitations for one address in one organisation. */
    findPendingInvitationsFor: (db: Db, organisationId: string, email: string, now: Date) =>
      db
        .selectFrom('invitations')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('email', '=', email)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .execute(),

    listInvitations: (db: Db, organisationId: string) =>
      db
        .selectFrom('invitations')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(500)
        .execute(),

    findInvitation: (db: Db, organisationId: string, id: string) =>
      db
        .selectFrom('invitations')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    findInvitationByHash: (db: Db, tokenHash: string) =>
      db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),

    /** Revokes only a still-open invitation; false when it was accepted or revoked meanwhile. */
    revokeInvitation: async (db: Db, id: string, now: Date) => {
      const result = await db
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Accepts only a still-open invitation, so two concurrent acceptances cannot both succeed. */
    markInvitationAccepted: async (db: Db, id: string, userId: string, now: Date) => {
      const result = await db
        .updateTable('invitations')
        .set({ accepted_at: now, accepted_by: userId })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type OrganisationsRepository = ReturnType<typeof createOrganisationsRepository>;
