import type { Db } from '../../db/database.ts';
import type { RoleProfileSkill } from '../../db/tables/skill-profiles.ts';

export interface NewRoleProfile {
  id: string;
  owner_user_id: string | null;
  organisation_id: string | null;
  name: string;
  description: string | null;
  is_public: boolean;
  skills: RoleProfileSkill[];
  created_by_type: string;
  created_by_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export type RoleProfileOwner = { userId: string } | { organisationId: string };

/** SQL for declared skills and role profiles; the service passes the transaction it runs in. */
export function createSkillProfileRepository() {
  return {
    listDeclared: (db: Db, userId: string) =>
      db
        .selectFrom('declared_skills')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('skill_uri')
        .execute(),

    countDeclared: async (db: Db, userId: string) => {
      const row = await db
        .selectFrom('declared_skills')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Inserts unless already declared; true when a row was added. */
    insertDeclared: async (db: Db, row: { user_id: string; skill_uri: string; created_at: Date }) => {
      const inserted = await db
        .insertInto('declared_skills')
        .values(row)
        .onConflict((oc) => oc.columns(['user_id', 'skill_uri']).doNothing())
        .returning('skill_uri')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    deleteDeclared: async (db: Db, userId: string, skillUri: string) => {
      const deleted = await db
        .deleteFrom('declared_skills')
        .where('user_id', '=', userId)
        .where('skill_uri', '=', skillUri)
        .returning('skill_uri')
        .executeTakeFirst();
      return deleted !== undefined;
    },

    listRoleProfiles: (db: Db, owner: RoleProfileOwner, limit: number) => {
      const query = db.selectFrom('role_profiles').selectAll().orderBy('name').orderBy('id').limit(limit);
      return 'userId' in owner
        ? query.where('owner_user_id', '=', owner.userId).execute()
        : query.where('organisation_id', '=', owner.organisationId).execute();
    },

    /** The role profiles a learner may analyse against: their own and every organisation's public ones. */
    listTargetRoleProfiles: (db: Db, userId: string, limit: number) =>
      db
        .selectFrom('role_profiles')
        .select(['id', 'name', 'organisation_id', 'owner_user_id'])
        .where((eb) => eb.or([eb('owner_user_id', '=', userId), eb('is_public', '=', true)]))
        .orderBy('name')
        .orderBy('id')
        .limit(limit)
        .execute(),

    countRoleProfiles: async (db: Db, owner: RoleProfileOwner) => {
      const query = db.selectFrom('role_profiles').select((eb) => eb.fn.countAll<string>().as('n'));
      const row = await ('userId' in owner
        ? query.where('owner_user_id', '=', owner.userId)
        : query.where('organisation_id', '=', owner.organisationId)
      ).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    findRoleProfile: (db: Db, id: string) =>
      db.selectFrom('role_profiles').selectAll().where('id', '=', id).executeTakeFirst(),

    lockRoleProfile: (db: Db, id: string) =>
      db.selectFrom('role_profiles').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

    insertRoleProfile: (db: Db, row: NewRoleProfile) =>
      db
        .insertInto('role_profiles')
        .values({ ...row, skills: JSON.stringify(row.skills) })
        .returningAll()
        .executeTakeFirstOrThrow(),

    updateRoleProfile: (
      db: Db,
      id: string,
      changes: {
        name?: string;
        description?: string | null;
        is_public?: boolean;
        skills?: RoleProfileSkill[];
        updated_at: Date;
      },
    ) => {
      const { skills, ...rest } = changes;
      return db
        .updateTable('role_profiles')
        .set({ ...rest, ...(skills ? { skills: JSON.stringify(skills) } : {}) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    deleteRoleProfile: (db: Db, id: string) =>
      db
        .deleteFrom('role_profiles')
        .where('id', '=', id)
        .execute()
        .then(() => undefined),
  };
}
