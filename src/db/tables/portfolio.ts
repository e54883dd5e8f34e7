/** The portfolio module's tables (see src/modules/portfolio). Merged into `Database` in ../schema.ts. */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the portfolio module
export interface PortfolioTables {}
