/**
 * The API payloads the console reads, as far as the screens use them (the full shapes are the route
 * schemas in src/modules/<module>/<module>.schemas.ts; browser code must not import them).
 */
export interface Organisation {
  id: string;
  slug: string;
  name: string;
  url: string | null;
  description: string | null;
}

export interface OrganisationLogo {
  url: string;
  contentType: 'image/png' | 'image/jpeg' | 'image/svg+xml';
  bytes: number;
  sha256: string;
  updatedAt: string;
}

export type Role = 'owner' | 'admin' | 'issuer' | 'assessor' | 'viewer';

export interface Member {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string;
  updatedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: 'active' | 'revoked' | 'expired';
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface OrganisationWithRole {
  organisation: Organisation;
  role: string | null;
}

export type DefinitionStatus = 'draft' | 'in_review' | 'published' | 'retired';

export interface QualityReason {
  id: string;
  kind: 'indicator' | 'low_quality' | 'red_flag';
  points: number;
  message: string;
}

export interface DefinitionSummary {
  id: string;
  /** Shared by every version of the definition. */
  seriesId: string;
  version: number;
  status: DefinitionStatus;
  source: 'own' | 'external';
  title: string;
  url: string;
  quality: { score: number | null; band: 'high' | 'medium' | 'low' | null; topReasons: QualityReason[] };
  reviewComment: string | null;
  updatedAt: string;
}

export interface ConformanceElement {
  standard: 'eu' | 'nmf' | 'ob3' | 'ctdl';
  id: string;
  label: string;
  required: boolean;
  present: boolean;
  providedAtIssue?: boolean;
  field?: string;
  message?: string;
}

export interface DefinitionReports {
  conformance: {
    elements: ConformanceElement[];
    missing: ConformanceElement[];
    publishable: boolean;
    summary: Record<
      string,
      { required: number; requiredPresent: number; optional: number; optionalPresent: number }
    >;
  };
  qualityReport: {
    score: number;
    band: 'high' | 'medium' | 'low';
    reasons: QualityReason[];
    redFlags: string[];
  };
  assessment: { ready: boolean; problems: string[] };
}

export interface SkillRef {
  uri: string;
  label?: string;
  framework?: string;
}

/** The definition content the editor writes (a subset of the catalogue's DefinitionContentSchema). */
export interface DefinitionContent {
  title: string;
  description?: string;
  achievementType?: string;
  awardingBodies?: Array<{ name: string; url?: string; country?: string }>;
  issuerCountries?: string[];
  criteria?: { narrative?: string; url?: string };
  learningOutcomes?: Array<{ id?: string; statement: string; skills?: SkillRef[] }>;
  skills?: SkillRef[];
  workload?: { hours?: number; creditPoints?: { value: number; framework: string } };
  level?: { framework: string; value: string };
  assessment?: {
    type: string;
    description?: string;
    supervision?: string;
    gradingScheme?: string;
    passMark?: number;
    passCriteria?: string;
  };
  participation?: { mode: string; selfPaced?: boolean; synchronous?: boolean; location?: string };
  qualityAssurance?: { statement: string; reviewProcess?: string };
  stackability?: { standalone: boolean; creditRecognition?: string };
  validity?: { months?: number; renewal?: string };
  languages?: string[];
  cost?: { amount: number; currency: string; description?: string };
  duration?: string;
  [other: string]: unknown;
}

export interface DefinitionDetail extends DefinitionSummary, DefinitionReports {
  content: DefinitionContent;
}

export interface SkillSummary {
  id: string;
  uri: string;
  label: string;
  description: string | null;
  framework: string;
}

export type CredentialStatus = 'active' | 'suspended' | 'revoked';

export interface CredentialSummary {
  id: string;
  url: string;
  name: string | null;
  achievementName: string | null;
  issuer: string;
  recipient: { email: string | null; name: string | null; did: string | null };
  status: CredentialStatus;
  statusReason: string | null;
  statusChangedAt: string | null;
  validFrom: string | null;
  validUntil: string | null;
  issuedAt: string;
  issuedVia: string;
  definitionId: string | null;
}

export interface IssueJob {
  id: string;
  definitionId: string;
  status: 'queued' | 'running' | 'completed' | 'rejected';
  total: number;
  valid: number;
  invalid: number;
  processed: number;
  issued: number;
  alreadyIssued: number;
  failed: number;
  pending: number;
}

export interface JobRow {
  row: number;
  status: 'pending' | 'issued' | 'already_issued' | 'invalid' | 'failed';
  data: { email: string | null; name: string | null };
  credentialId: string | null;
  errors: Array<{ column: string; message: string }>;
}

export type ItemType = 'single_choice' | 'multiple_response' | 'true_false' | 'numeric' | 'short_text';

export interface ManagedItem {
  id: string;
  position: number;
  type: ItemType;
  prompt: string;
  points: number;
  learningOutcomeId: string | null;
  options?: Array<{ id: string; text: string; correct: boolean }>;
  correctAnswer?: boolean;
  value?: number;
  tolerance?: number;
  acceptedAnswers?: string[];
}

export interface ManagedTest {
  passMark: number | null;
  attemptLimit: number | null;
  timeLimitSeconds: number | null;
  itemsPerAttempt: number | null;
  editable: boolean;
  readiness: { ready: boolean; problems: string[] };
  totalPoints: number;
  items: ManagedItem[];
}

export interface RubricLevel {
  id: string;
  name: string;
  descriptor: string;
  points: number;
}

export interface RubricCriterion {
  id: string;
  name: string;
  description: string | null;
  learningOutcomeId: string | null;
  minimumLevelId: string | null;
  levels: RubricLevel[];
}

export interface Rubric {
  revision: number;
  criteria: RubricCriterion[];
  passRule: { minimumTotalPoints: number | null; minimumLevelOnEveryCriterion: boolean };
  maxPoints: number;
  /** Submission settings (file types, second marker, …): the builder has no controls for them yet. */
  settings?: Record<string, unknown>;
}

export type SubmissionStatus =
  | 'draft'
  | 'submitted'
  | 'awaiting_second_mark'
  | 'in_moderation'
  | 'passed'
  | 'failed';

export interface QueueItem {
  id: string;
  definitionId: string;
  definitionTitle: string;
  status: SubmissionStatus;
  attempt: number;
  submittedAt: string | null;
  learner: { id: string; name: string; email: string };
  claimedByYou: boolean;
  claimedBy: string | null;
  fileCount: number;
}

export interface AssessorSubmission extends QueueItem {
  text: string | null;
  links: Array<{ url: string; title: string | null }>;
  files: Array<{ id: string; fileName: string; sizeBytes: number; downloadUrl: string }>;
  marks: Array<{
    id: string;
    stage: string;
    totalPoints: number;
    maxPoints: number;
    passed: boolean;
    feedback: string;
  }>;
  rubric: Rubric;
  totalPoints: number | null;
  maxPoints: number | null;
}

export interface IssuerKey {
  id: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'active' | 'retired';
  createdAt: string;
  retiredAt: string | null;
}

export interface Analytics {
  from: string;
  to: string;
  bucket: string;
  issued: Array<{ bucket: string; count: number }>;
  revoked: Array<{ bucket: string; count: number }>;
  verifications: Array<{ bucket: string; count: number; valid: number }>;
  totals: { issued: number; revoked: number; verifications: number };
  passRates: Array<{
    definitionId: string;
    title: string | null;
    attempts: number;
    attemptsPassed: number;
    decisions: number;
    decisionsPassed: number;
    passRate: number | null;
  }>;
  topSkills: Array<{ uri: string; label: string | null; credentials: number }>;
}
