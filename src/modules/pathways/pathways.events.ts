/** Audit events of the pathways module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface PathwaysAuditEvents {
  /** A pathway was made, as draft version 1 (subject: the pathway). */
  'pathway.created': { versionId: string; title: string; via: 'api' | 'ctdl-import' };
  /** A draft was saved; `version` is new when the pathway had no draft. */
  'pathway.draft_saved': { versionId: string; version: number; title: string; newVersion: boolean };
  /** The draft became the published version; the one it supersedes is retired. */
  'pathway.published': { versionId: string; version: number; retiredVersionId: string | null };
  /** A learner subscribed to (or left) a pathway (subject: the pathway). */
  'pathway.subscribed': { userId: string };
  'pathway.unsubscribed': { userId: string };
  /** Recognition of prior learning granted or withdrawn by the organisation (subject: the recognition). */
  'pathway_recognition.granted': {
    pathwayId: string;
    componentId: string;
    userId: string;
    /** True when a submitted credential verified and mapped to the component (no reviewer). */
    automatic: boolean;
  };
  /** A learner's submission went to the reviewer queue. */
  'pathway_recognition.submitted': {
    pathwayId: string;
    componentId: string;
    userId: string;
    automatic: boolean;
  };
  'pathway_recognition.rejected': { pathwayId: string; componentId: string; userId: string };
  'pathway_recognition.revoked': { pathwayId: string; componentId: string; userId: string };
  /** The learner completed the pathway (subject: the completion); `credentialId` is the target credential. */
  'pathway.completed': {
    pathwayId: string;
    versionId: string;
    userId: string;
    credentialId: string | null;
    components: number;
    /** True when completed on its own, after a component credential was issued or claimed. */
    automatic: boolean;
  };
  /**
   * A component of a completion no longer counts (revoked, or its credential suspended): the completion is
   * flagged or suspended. `automatic`: on the component credential's status change, not a recheck.
   */
  'pathway_completion.flagged': {
    pathwayId: string;
    userId: string;
    status: 'flagged' | 'suspended';
    reason: string;
    automatic: boolean;
  };
}
