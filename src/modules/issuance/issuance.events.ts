/** Audit events of the issuance module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the issuance module
export interface IssuanceAuditEvents {}
