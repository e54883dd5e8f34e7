/** Audit events of the catalogue module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the catalogue module
export interface CatalogueAuditEvents {}
