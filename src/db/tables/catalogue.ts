/** The catalogue module's tables (see src/modules/catalogue). Merged into `Database` in ../schema.ts. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the catalogue module
export interface CatalogueTables {}
