/** Audit events of the transcripts module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface TranscriptsAuditEvents {
  /**
   * A learner had the organisation sign a CLR 2.0 transcript (subject: the transcript). Recorded because it
   * is a signature made with the organisation's key, on the learner's request.
   */
  'transcript.issued': {
    userId: string;
    credentialIds: string[];
    /** The pathway whose completion the transcript shows; null for a transcript of chosen credentials. */
    pathwayId: string | null;
    verificationMethod: string;
  };
}
