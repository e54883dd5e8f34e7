/**
 * What the server hands a page, as JSON (it travels to the browser in the page's data block for hydration):
 * plain strings, numbers and booleans only — dates as ISO strings.
 */
export type VerdictView = 'valid' | 'invalid' | 'unknown';
export type StepOutcomeView = 'passed' | 'failed' | 'unknown' | 'skipped' | 'warning';
export type StepIdView = 'format' | 'proof' | 'issuer' | 'status' | 'validity' | 'schema';

export interface VerificationView {
  verdict: VerdictView;
  checkedAt: string;
  steps: Array<{
    id: StepIdView;
    outcome: StepOutcomeView;
    summary: string;
    problems: Array<{ code: string; message: string }>;
  }>;
  /** Said plainly above the steps: revoked / suspended (with the issuer's date and reason) or expired. */
  standing: { state: 'revoked' | 'suspended' | 'expired'; date: string | null; reason: string | null } | null;
  achievementName: string | null;
  issuerName: string | null;
  /**
   * Present when the document is a CLR 2.0 transcript (ClrCredential): each embedded credential verified on
   * its own, in the transcript's order. The transcript is valid only if every one of them is.
   */
  embedded?: VerificationView[];
  /** A transcript's own `name` (only with `embedded`). */
  transcriptName?: string | null;
}

export interface CredentialPageProps {
  id: string;
  url: string;
  achievementName: string;
  description: string | null;
  criteria: string | null;
  skills: string[];
  organisation: { name: string; slug: string };
  issuer: string;
  holderName: string | null;
  issuedAt: string;
  awardedDate: string | null;
  validFrom: string | null;
  validUntil: string | null;
  expired: boolean;
  status: 'active' | 'revoked' | 'suspended';
  statusChangedAt: string | null;
  statusReason: string | null;
  formatLabel: string;
  isJwt: boolean;
  verification: VerificationView;
}

export interface VerifyPageProps {
  /** What the visitor typed, kept so the form is not emptied by an error. */
  pasted: string;
  url: string;
  /** Why nothing was verified; the page says it in the reader's language. */
  error: 'empty' | 'external_url' | 'unknown_credential' | 'unreadable' | null;
  /** The reader-facing detail of an `unreadable` input (from the file reader). */
  errorDetail: string | null;
  result: (VerificationView & { source: 'json' | 'png' | 'svg' | 'url' | 'text' }) | null;
}

export interface ProfilePageProps {
  handle: string;
  displayName: string;
  bio: string | null;
  credentials: Array<{
    /** Unique within the profile: `issued:<id>` or `imported:<id>`. */
    key: string;
    name: string;
    issuerName: string;
    issuedAt: string | null;
    url: string | null;
    imported: boolean;
    standing: 'active' | 'revoked' | 'suspended' | 'expired' | 'not_verified';
  }>;
}

export interface IssuerPageProps {
  slug: string;
  name: string;
  url: string | null;
  logoUrl: string | null;
  dids: string[];
  issuedCount: number;
  activeCount: number;
  definitions: Array<{ id: string; name: string; url: string; level: string | null; hours: number | null }>;
}

/** The landing pages of mailed links: the token travels in the URL and back in the form. */
export interface ConfirmEmailPageProps {
  /** `account`: the account's own address (/verify-email); `additional`: a further address (/confirm-email). */
  address: 'account' | 'additional';
  token: string;
  confirmed: boolean;
}

export interface ResetPasswordPageProps {
  token: string;
  minLength: number;
  problem: 'mismatch' | 'rejected' | null;
  /** The server's reason a password was rejected (shown as it comes). */
  problemDetail: string | null;
  done: boolean;
}

export interface ClaimPageProps {
  title: string;
  organisationName: string;
  credentialUrl: string;
  expiresAt: string;
  /** The wallet screen that claims it with this link's token once the learner is signed in. */
  walletClaimUrl: string;
}

/** A mailed link that no longer works (used, expired, unknown) or cannot be used. */
export interface LinkInvalidPageProps {
  /** Which link it was: the advice (ask for a new one, and how) depends on it. */
  link: 'verifyEmail' | 'resetPassword' | 'claim' | 'confirmEmail';
  reason: 'token_invalid' | 'conflict' | 'other';
  /** The server's message, shown (as it comes) only when the reason is `other`. */
  detail: string;
}

export interface DefinitionPageProps {
  url: string;
  title: string;
  description: string | null;
  provider: string;
  version: number;
  retired: boolean;
  supersededByUrl: string | null;
  level: { framework: string; value: string } | null;
  hours: number | null;
  credit: { value: number; framework: string } | null;
  assessment: string | null;
  delivery: string | null;
  languages: string[];
  cost: { amount: number; currency: string } | null;
  validityMonths: number | null;
  quality: {
    score: number;
    band: 'high' | 'medium' | 'low';
    reasons: Array<{ message: string; points: number }>;
  };
  learningOutcomes: string[];
  criteria: string | null;
  /** Where a learner earns it in the wallet (take the test, hand in work); null when assessed elsewhere. */
  earn: { kind: 'test' | 'work'; url: string } | null;
}

export type PageData =
  | { page: 'confirmEmail'; props: ConfirmEmailPageProps }
  | { page: 'resetPassword'; props: ResetPasswordPageProps }
  | { page: 'invitation'; props: { token: string } }
  | { page: 'claim'; props: ClaimPageProps }
  | { page: 'linkInvalid'; props: LinkInvalidPageProps }
  | { page: 'definition'; props: DefinitionPageProps }
  | { page: 'credential'; props: CredentialPageProps }
  | { page: 'verify'; props: VerifyPageProps }
  | { page: 'profile'; props: ProfilePageProps }
  | { page: 'issuer'; props: IssuerPageProps }
  | { page: 'home'; props: Record<string, never> }
  | { page: 'notFound'; props: Record<string, never> }
  | { page: 'app'; props: { area: 'console' | 'wallet' } };

export type PageName = PageData['page'];

/** The data block of every page: the page, the reader's language and time zone, and the request path. */
export type DocumentData = PageData & {
  locale: 'en' | 'es';
  timeZone: string;
  path: string;
  /** The path with its query: where the language switch comes back to (a mailed link keeps its token). */
  returnTo: string;
};
