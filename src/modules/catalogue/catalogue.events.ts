/**
 * Audit events of the catalogue module; merged into `AuditEventData` (src/modules/audit/audit.events.ts).
 * The subject of every `definition.*` event is the definition version (`subject.type = 'definition'`).
 */
export interface CatalogueAuditEvents {
  /** A new series: draft version 1. */
  'definition.created': { seriesId: string; version: number; title: string };
  /** A draft's content was replaced; `fields` are the top-level content fields that changed. */
  'definition.updated': { fields: string[] };
  'definition.submitted': { version: number };
  /** A reviewer sent the definition back to draft. */
  'definition.returned': { comment: string };
  'definition.published': {
    seriesId: string;
    version: number;
    qualityScore: number;
    /** The previous published version, now retired and superseded by this one. */
    supersedesId: string | null;
  };
  'definition.retired': { reason: string; supersededById: string | null };
  /** A draft version n+1 made from a published (or retired) version of the same series. */
  'definition.version_created': { seriesId: string; version: number; fromId: string };
  /** An external entry was created or changed by an import. */
  'definition.imported': { externalId: string; change: 'created' | 'updated'; format: string };
  /** One import of an external catalogue file (subject: the organisation). */
  'catalogue.imported': {
    format: string;
    created: number;
    updated: number;
    unchanged: number;
    skipped: number;
  };
}
