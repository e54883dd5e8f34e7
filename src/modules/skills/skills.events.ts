/** Audit events of the skills module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the skills module
export interface SkillsAuditEvents {}
