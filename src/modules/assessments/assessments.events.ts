/** Audit events of the assessments module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the assessments module
export interface AssessmentsAuditEvents {}
