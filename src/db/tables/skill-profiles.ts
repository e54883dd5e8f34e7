import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** A skill a learner says they have: shown, but always marked unverified. */
export interface DeclaredSkillsTable {
  user_id: string;
  skill_uri: string;
  created_at: Timestamp;
}

/** The skill-profile module's tables (see src/modules/skill-profile). Merged into `Database` in ../schema.ts. */
export interface SkillProfilesTables {
  declared_skills: DeclaredSkillsTable;
}
