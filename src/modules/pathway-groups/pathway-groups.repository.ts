import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type {
  PathwayGroupMemberRow,
  PathwayGroupMembersTable,
  PathwayGroupRow,
  PathwayGroupsTable,
} from '../../db/tables/pathway-groups.ts';

/** A group with the number of its members. */
export type PathwayGroupWithCount = PathwayGroupRow & { member_count: number };

/** SQL for pathway groups and their members. */
export function createPathwayGroupsRepository() {
  const memberCount = sql<string>`(select count(*) from pathway_group_members m where m.group_id = g.id)`;
  const withCount = (row: PathwayGroupRow & { member_count: string | number }): PathwayGroupWithCount => ({
    ...row,
    member_count: Number(row.member_count),
  });

  return {
    /** The pathway's groups with their member counts, by name. */
    listGroups: async (db: Db, pathwayId: string): Promise<PathwayGroupWithCount[]> =>
      (
        await db
          .selectFrom('pathway_groups as g')
          .selectAll('g')
          .select(memberCount.as('member_count'))
          .where('g.pathway_id', '=', pathwayId)
          .orderBy(sql`lower(g.name)`)
          .orderBy('g.id')
          .execute()
      ).map(withCount),

    countGroups: async (db: Db, pathwayId: string): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('pathway_groups')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('pathway_id', '=', pathwayId)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    findGroup: async (db: Db, pathwayId: string, id: string): Promise<PathwayGroupWithCount | undefined> => {
      const row = await db
        .selectFrom('pathway_groups as g')
        .selectAll('g')
        .select(memberCount.as('member_count'))
        .where('g.pathway_id', '=', pathwayId)
        .where('g.id', '=', id)
        .executeTakeFirst();
      return row ? withCount(row) : undefined;
    },

    /** The group, locked for the rest of the transaction (FOR UPDATE): member changes go one at a time. */
    lockGroup: (db: Db, pathwayId: string, id: string) =>
      db
        .selectFrom('pathway_groups')
        .selectAll()
        .where('pathway_id', '=', pathwayId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst(),

    /** Another group of the pathway with this name, whatever its case. */
    findByName: (db: Db, pathwayId: string, name: string, exceptId?: string) =>
      db
        .selectFrom('pathway_groups')
        .select('id')
        .where('pathway_id', '=', pathwayId)
        .where(sql<boolean>`lower(name) = lower(${name})`)
        .$if(exceptId !== undefined, (query) => query.where('id', '!=', exceptId ?? ''))
        .executeTakeFirst(),

    insertGroup: (db: Db, row: Insertable<PathwayGroupsTable>) =>
      db.insertInto('pathway_groups').values(row).returningAll().executeTakeFirstOrThrow(),

    updateGroup: (
      db: Db,
      id: string,
      patch: { name: string; description: string | null; updated_at: Date },
    ): Promise<PathwayGroupRow> =>
      db
        .updateTable('pathway_groups')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),

    touchGroup: (db: Db, id: string, at: Date) =>
      db.updateTable('pathway_groups').set({ updated_at: at }).where('id', '=', id).execute(),

    /** Deletes the group; its members go with it (ON DELETE CASCADE). */
    deleteGroup: (db: Db, id: string) => db.deleteFrom('pathway_groups').where('id', '=', id).execute(),

    // Members ----------------------------------------------------------------------------------------------

    countMembers: async (db: Db, groupId: string): Promise<number> =>
      Number(
        (
          await db
            .selectFrom('pathway_group_members')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('group_id', '=', groupId)
            .executeTakeFirstOrThrow()
        ).n,
      ),

    /** Which of `emails` (normalised) are already in the group. */
    existingEmails: async (db: Db, groupId: string, emails: string[]): Promise<Set<string>> => {
      if (emails.length === 0) return new Set();
      const rows = await db
        .selectFrom('pathway_group_members')
        .select('email')
        .where('group_id', '=', groupId)
        .where('email', 'in', emails)
        .execute();
      return new Set(rows.map((row) => row.email));
    },

    /** Inserts the members; an address already in the group (a concurrent add) is skipped, not an error. */
    insertMembers: (
      db: Db,
      rows: Insertable<PathwayGroupMembersTable>[],
    ): Promise<PathwayGroupMemberRow[]> =>
      rows.length === 0
        ? Promise.resolve([])
        : db
            .insertInto('pathway_group_members')
            .values(rows)
            .onConflict((oc) => oc.columns(['group_id', 'email']).doNothing())
            .returningAll()
            .execute(),

    findMember: (db: Db, groupId: string, id: string) =>
      db
        .selectFrom('pathway_group_members')
        .selectAll()
        .where('group_id', '=', groupId)
        .where('id', '=', id)
        .executeTakeFirst(),

    deleteMember: (db: Db, id: string) =>
      db.deleteFrom('pathway_group_members').where('id', '=', id).execute(),

    /** A page of members in address order, after the address `afterEmail` (the paging cursor). */
    listMembers: async (
      db: Db,
      groupId: string,
      options: { limit: number; afterEmail?: string },
    ): Promise<PathwayGroupMemberRow[]> =>
      db
        .selectFrom('pathway_group_members')
        .selectAll()
        .where('group_id', '=', groupId)
        .$if(options.afterEmail !== undefined, (query) => query.where('email', '>', options.afterEmail ?? ''))
        .orderBy('email')
        .limit(options.limit)
        .execute(),
  };
}

export type PathwayGroupsRepository = ReturnType<typeof createPathwayGroupsRepository>;
