import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: read as the value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** A skill a learner says they have: shown, but always marked unverified. */
export interface DeclaredSkillsTable {
  user_id: string;
  skill_uri: string;
  created_at: Timestamp;
}

/** How much a skill of a role profile matters: essential skills weigh 2 in gap coverage, optional 1. */
export type SkillImportance = 'essential' | 'optional';
export const SKILL_IMPORTANCES: readonly SkillImportance[] = ['essential', 'optional'];

export interface RoleProfileSkill {
  uri: string;
  importance: SkillImportance;
}

/**
 * A saved target for gap analysis: a role and the skills it needs. Owned by exactly one user (private) or
 * one organisation (its members read it; `is_public` lets anyone signed in analyse a gap against it).
 */
export interface RoleProfilesTable {
  id: string;
  owner_user_id: string | null;
  organisation_id: string | null;
  name: string;
  description: string | null;
  is_public: ColumnType<boolean, boolean | undefined, boolean>;
  skills: Json<RoleProfileSkill[]>;
  created_by_type: string;
  created_by_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type RoleProfileRow = Selectable<RoleProfilesTable>;
export type DeclaredSkillRow = Selectable<DeclaredSkillsTable>;

/** The skill-profile module's tables (see src/modules/skill-profile). Merged into `Database` in ../schema.ts. */
export interface SkillProfilesTables {
  declared_skills: DeclaredSkillsTable;
  role_profiles: RoleProfilesTable;
}
