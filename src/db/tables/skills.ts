/** The skills module's tables (see src/modules/skills). Merged into `Database` in ../schema.ts. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the skills module
export interface SkillsTables {}
