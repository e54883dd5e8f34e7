/**
 * The API payloads the wallet reads, as small local shapes (the route schemas in src/modules/* are the
 * source of truth: credentials, credential-files, assessments, portfolio, wallet, skill-profile).
 */
import type { VerificationView } from '../pages/page-data.ts';

export interface HeldCredential {
  id: string;
  url: string;
  name: string | null;
  achievementName: string | null;
  organisation: { name: string; slug: string };
  status: 'active' | 'suspended' | 'revoked';
  validFrom: string | null;
  validUntil: string | null;
  issuedAt: string;
  holderName: string | null;
  holderNamePublic: boolean;
  format: string;
}

export interface Share {
  credentialId: string;
  achievementName: string;
  issuerName: string;
  publicUrl: string;
  linkedInAddToProfileUrl: string;
  embedHtml: string;
}

export type Answer = string | number | boolean | string[];
export type ItemType = 'single_choice' | 'multiple_response' | 'true_false' | 'numeric' | 'short_text';

export interface AttemptItem {
  id: string;
  type: ItemType;
  prompt: string;
  points: number;
  options: Array<{ id: string; text: string }> | null;
  answer: Answer | null;
  result: { correct: boolean; earned: number; feedback: string | null } | null;
}

export interface Attempt {
  id: string;
  definitionId: string;
  definitionTitle: string;
  attemptNumber: number;
  status: 'open' | 'submitted' | 'expired';
  startedAt: string;
  deadlineAt: string | null;
  secondsLeft: number | null;
  closedAt: string | null;
  passMark: number;
  items: AttemptItem[];
  result: {
    score: number;
    maxScore: number;
    percent: number;
    passed: boolean;
    credentialId: string | null;
  } | null;
  retake: { allowed: boolean; attemptsLeft: number | null; availableAt: string | null } | null;
}

export type SubmissionStatus =
  | 'draft'
  | 'submitted'
  | 'awaiting_second_mark'
  | 'in_moderation'
  | 'passed'
  | 'failed';

export interface SubmissionSummary {
  id: string;
  definitionId: string;
  definitionTitle: string;
  status: SubmissionStatus;
  attempt: number;
  createdAt: string;
  submittedAt: string | null;
  decidedAt: string | null;
  totalPoints: number | null;
  maxPoints: number | null;
  credentialId: string | null;
}

export interface SubmissionFile {
  id: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  downloadUrl: string;
}

export interface Submission extends SubmissionSummary {
  text: string | null;
  links: Array<{ url: string; title: string | null }>;
  files: SubmissionFile[];
  result: {
    passed: boolean;
    totalPoints: number;
    maxPoints: number;
    feedback: string;
    criteria: Array<{
      criterionId: string;
      criterionName: string;
      levelName: string;
      points: number;
      feedback: string | null;
    }>;
  } | null;
}

export type ImportVerdict = 'verified' | 'not_verified' | 'unknown';

export interface ImportedSummary {
  id: string;
  source: 'json' | 'png' | 'svg';
  format: string;
  name: string | null;
  achievementName: string | null;
  issuer: { id: string | null; name: string | null };
  validFrom: string | null;
  validUntil: string | null;
  verdict: ImportVerdict;
  verifiedAt: string;
  importedAt: string;
}

export interface ImportedDetail extends ImportedSummary {
  verification: {
    verdict: VerificationView['verdict'];
    checkedAt: string;
    steps: Array<VerificationView['steps'][number] & { title: string }>;
  };
}

export interface ProfileItem {
  kind: 'issued' | 'imported';
  id: string;
}

export interface MyProfile {
  handle: string;
  displayName: string;
  bio: string | null;
  public: boolean;
  items: ProfileItem[];
}

export interface ProfileSkill {
  uri: string;
  label: string;
  framework: string | null;
  status: 'verified' | 'expired' | 'declared';
  sources: Array<
    | { kind: 'credential'; credentialId: string; title: string; issuer: string; state: 'active' | 'expired' }
    | { kind: 'declared'; declaredAt: string }
  >;
}

export interface RoleProfile {
  id: string;
  name: string;
  owner: { type: 'user' } | { type: 'organisation'; slug: string };
}

export type CoverageReason =
  | { kind: 'verified'; credentials: Array<{ credentialId: string; title: string }> }
  | { kind: 'declared' }
  | { kind: 'expired'; credentials: Array<{ credentialId: string; title: string }> }
  | { kind: 'related'; relatedLabel: string; relation: 'broader' | 'narrower' | 'mapped' };

export interface Gap {
  target: { kind: string; label: string; uri: string | null };
  coveragePercent: number;
  skills: Array<{
    uri: string;
    label: string;
    importance: 'essential' | 'optional';
    coverage: 'covered' | 'partly' | 'missing';
    reasons: CoverageReason[];
  }>;
}

export interface LearningPath {
  status: 'complete' | 'partial' | 'nothing-to-do';
  steps: Array<{
    order: number;
    definitionId: string;
    title: string;
    providerName: string;
    url: string;
    cost: number | null;
    currency: string | null;
    hours: number | null;
    reason: string;
  }>;
  uncovered: Array<{ uri: string; label: string; reason: 'no-credential' | 'filtered-out' | 'over-budget' }>;
  totals: { cost: number; currency: string | null; hours: number; count: number };
  solver: { method: 'ilp' | 'greedy'; optimal: boolean; timedOut: boolean };
}

export type GapTarget =
  | { kind: 'role-profile'; id: string }
  | { kind: 'occupation'; uri: string }
  | { kind: 'text'; text: string };

/** A role profile the learner can aim at (GET /api/v1/me/target-role-profiles): theirs or an organisation's public one. */
export interface TargetRoleProfile {
  id: string;
  name: string;
  mine: boolean;
}
