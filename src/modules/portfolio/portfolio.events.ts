/** Audit events of the portfolio module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the portfolio module
export interface PortfolioAuditEvents {}
