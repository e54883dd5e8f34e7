import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * A named group of people on one published pathway (a cohort, a team), owned by the pathway's organisation.
 * Names are unique per pathway regardless of case.
 */
export interface PathwayGroupsTable {
  id: string;
  pathway_id: string;
  organisation_id: string;
  name: string;
  description: string | null;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * One e-mail address the organisation put in a group (normalised lower-case, once per group). It says nothing
 * about consent: the organisation sees progress only when an account has verified this address and follows
 * the pathway (src/modules/pathway-groups).
 */
export interface PathwayGroupMembersTable {
  id: string;
  group_id: string;
  email: string;
  added_by_type: string;
  added_by_id: string | null;
  added_at: Timestamp;
}

/** The pathway-groups module's tables. Merged into `Database` in ../schema.ts. */
export interface PathwayGroupsTables {
  pathway_groups: PathwayGroupsTable;
  pathway_group_members: PathwayGroupMembersTable;
}

export type PathwayGroupRow = Selectable<PathwayGroupsTable>;
export type PathwayGroupMemberRow = Selectable<PathwayGroupMembersTable>;
