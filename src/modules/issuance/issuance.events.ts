/** Audit events of the issuance module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */
export interface IssuanceAuditEvents {
  /** An external result was recorded (subject: the result). A pass also issues a credential. */
  'external_result.recorded': {
    definitionId: string;
    passed: boolean;
    supervision: string | null;
    externalRef: string | null;
    credentialId: string | null;
    /** The credential already existed for this award (a re-sent result or an earlier bulk row). */
    alreadyIssued: boolean;
  };
  /** A bulk issue file was accepted (queued) or refused because of invalid rows (rejected). */
  'issue_job.created': {
    definitionId: string;
    status: 'queued' | 'rejected';
    source: 'csv' | 'rows';
    fileSha256: string;
    totalRows: number;
    invalidRows: number;
    skipInvalid: boolean;
  };
  'issue_job.completed': {
    definitionId: string;
    issued: number;
    alreadyIssued: number;
    failed: number;
    skipped: number;
  };
  /** A claim link was mailed to a recipient without an account (subject: the claim). */
  'credential_claim.created': { credentialId: string };
  /** A signed-in user claimed a credential addressed to another e-mail address (subject: the credential). */
  'credential.claimed': { claimId: string; userId: string };
  'user_email.added': { emailId: string };
  'user_email.verified': { emailId: string };
  'user_email.removed': { emailId: string; wasVerified: boolean };
}
