/** The issuance module's tables (see src/modules/issuance). Merged into `Database` in ../schema.ts. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the issuance module
export interface IssuanceTables {}
