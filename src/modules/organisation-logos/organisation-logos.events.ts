/** Audit events of the organisation-logos module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface OrganisationLogosAuditEvents {
  /** A logo was uploaded or replaced (subject: the organisation). */
  'organisation.logo_set': { contentType: string; bytes: number; sha256: string };
  /** The logo was removed (subject: the organisation). */
  'organisation.logo_removed': { sha256: string };
}
