/** The assessments module's tables (see src/modules/assessments). Merged into `Database` in ../schema.ts. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the assessments module
export interface AssessmentsTables {}
