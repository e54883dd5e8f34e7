/** Audit events of the assessments module; merged into `AuditEventData` (src/modules/audit/audit.events.ts). */

/** A closed attempt's result, as recorded when it is submitted or expires. */
interface AttemptResultData {
  definitionId: string;
  testId: string;
  attemptNumber: number;
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  passMark: number;
  /** The supervision / identity-verification level under which the result was obtained. */
  supervision: string;
  /** The credential awarded for a pass (null for a fail). */
  credentialId: string | null;
}

export interface AssessmentsAuditEvents {
  /** Subject: the test. `fields` are the settings that changed (all of them when created). */
  'assessment.test_settings_changed': { definitionId: string; created: boolean; fields: string[] };
  /** Subject: the test. */
  'assessment.item_added': { definitionId: string; itemId: string; type: string; points: number };
  'assessment.item_updated': { definitionId: string; itemId: string; type: string; points: number };
  'assessment.item_removed': { definitionId: string; itemId: string };
  /** Subject: the new test. A new draft version of the definition got a copy of the previous test. */
  'assessment.test_copied': {
    fromDefinitionId: string;
    toDefinitionId: string;
    fromTestId: string;
    items: number;
  };
  /** Subject: the attempt. */
  'assessment.attempt_started': {
    definitionId: string;
    testId: string;
    attemptNumber: number;
    items: number;
    deadlineAt: string | null;
  };
  /** Subject: the attempt. Only which item; the answer itself stays in the attempt. */
  'assessment.response_saved': { itemId: string };
  'assessment.attempt_submitted': AttemptResultData;
  /** The time limit passed: the attempt was closed and scored as it stood. */
  'assessment.attempt_expired': AttemptResultData;
}
