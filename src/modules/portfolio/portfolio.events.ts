/**
 * Audit events of the portfolio module; merged into `AuditEventData` (src/modules/audit/audit.events.ts).
 * Rubric events have the definition version as subject (`credential_definition`); the others the
 * submission (`portfolio_submission`). No submitted text or file content is ever copied into the log.
 */
export interface PortfolioAuditEvents {
  /** A rubric was created or replaced on a draft version, or copied onto a new draft version. */
  'portfolio.rubric_saved': {
    change: 'created' | 'updated' | 'copied';
    revision: number;
    criteria: number;
    maxPoints: number;
    /** For `copied`: the version it was copied from. */
    fromDefinitionId?: string;
  };
  'portfolio.rubric_deleted': { revision: number };
  'portfolio.submission_created': { definitionId: string; attempt: number };
  'portfolio.submission_updated': { fields: string[] };
  'portfolio.file_added': {
    fileId: string;
    fileName: string;
    fileType: string;
    sizeBytes: number;
    sha256: string;
  };
  'portfolio.file_removed': { fileId: string; fileName: string };
  'portfolio.submission_submitted': { definitionId: string; files: number; links: number; hasText: boolean };
  'portfolio.submission_claimed': { stage: 'first' | 'second' };
  'portfolio.submission_released': { stage: 'first' | 'second'; claimedBy: string };
  'portfolio.submission_marked': {
    stage: 'first' | 'second';
    markId: string;
    totalPoints: number;
    maxPoints: number;
    passed: boolean;
    /** Where the submission went: decided, on to a second marker, or to moderation. */
    outcome: 'passed' | 'failed' | 'awaiting_second_mark' | 'in_moderation';
  };
  'portfolio.submission_moderated': {
    markId: string;
    totalPoints: number;
    maxPoints: number;
    passed: boolean;
  };
  'portfolio.submission_passed': {
    totalPoints: number;
    maxPoints: number;
    credentialId: string;
    alreadyIssued: boolean;
    supervision: string | null;
  };
  'portfolio.submission_failed': { totalPoints: number; maxPoints: number; supervision: string | null };
}
