import { canonicalJson } from '../../core/canonical-json.ts';
import { AppError } from '../../core/errors.ts';
import { sha256Hex } from '../../core/secrets.ts';
import type { CredentialVerificationReport } from '../../core/vc/verify.ts';
import type { ImportVerdict } from '../../db/tables/wallet-profiles.ts';

/** 3 to 40 characters: lower-case letters, digits and single hyphens, starting and ending alphanumeric. */
export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,39}$/;

/**
 * Handles that would read as the site speaking (or collide with paths a profile URL sits next to).
 * Compared after lower-casing.
 */
export const RESERVED_HANDLES: ReadonlySet<string> = new Set([
  'about',
  'account',
  'admin',
  'administrator',
  'api',
  'app',
  'assets',
  'auth',
  'claim',
  'console',
  'credentials',
  'credstack',
  'docs',
  'edit',
  'help',
  'issuer',
  'issuers',
  'login',
  'logout',
  'me',
  'new',
  'null',
  'official',
  'orgs',
  'profile',
  'profiles',
  'root',
  'security',
  'settings',
  'signin',
  'signup',
  'static',
  'support',
  'system',
  'undefined',
  'verify',
  'wallet',
  'www',
]);

/** The handle as stored (lower case), or a 422 saying which rule it breaks. */
export function normaliseHandle(value: string): string {
  const handle = value.trim().toLowerCase();
  const field = (message: string) =>
    AppError.validation(`The handle ${message}`, [{ in: 'body', pointer: '/handle', message }]);
  if (!HANDLE_PATTERN.test(handle)) {
    throw field(
      'must be 3 to 40 characters: letters, digits and single hyphens, starting and ending with a letter or digit',
    );
  }
  if (RESERVED_HANDLES.has(handle)) throw field(`"${handle}" is reserved; choose another`);
  return handle;
}

/**
 * What identifies "the same credential" in one wallet: sha256 of the canonical JSON of a JSON credential (so
 * key order and whitespace do not matter, and the same credential baked into a PNG and an SVG is one), or
 * of the compact JWS of a vc+jwt credential.
 */
export function contentHashOf(credential: object | string): string {
  return sha256Hex(typeof credential === 'string' ? credential.trim() : canonicalJson(credential));
}

export function verdictOf(report: Pick<CredentialVerificationReport, 'verdict'>): ImportVerdict {
  return report.verdict === 'valid' ? 'verified' : report.verdict === 'invalid' ? 'not_verified' : 'unknown';
}

export interface CredentialFacts {
  name: string | null;
  achievementName: string | null;
  issuerId: string | null;
  issuerName: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
}

const MAX_TEXT = 500;

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim().slice(0, MAX_TEXT);
  // Language maps (`{ "en": "…" }`) show their first value.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const first = Object.values(value as Record<string, unknown>).find((v) => typeof v === 'string');
    return typeof first === 'string' ? first.trim().slice(0, MAX_TEXT) || null : null;
  }
  return null;
}

function date(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** The facts a wallet lists, read from the credential the verifier decoded (whatever its verdict). */
export function factsOf(
  report: Pick<CredentialVerificationReport, 'credential' | 'issuer'>,
): CredentialFacts {
  const credential = report.credential ?? {};
  const subject = Array.isArray(credential.credentialSubject)
    ? credential.credentialSubject[0]
    : credential.credentialSubject;
  const achievement =
    subject && typeof subject === 'object' ? (subject as Record<string, unknown>).achievement : undefined;
  const issuer = credential.issuer;
  const issuerObject = issuer && typeof issuer === 'object' ? (issuer as Record<string, unknown>) : null;
  return {
    name: text(credential.name),
    achievementName:
      achievement && typeof achievement === 'object'
        ? text((achievement as Record<string, unknown>).name)
        : null,
    issuerId: report.issuer?.id ?? text(typeof issuer === 'string' ? issuer : issuerObject?.id),
    issuerName: text(report.issuer?.name) ?? text(issuerObject?.name),
    validFrom: date(credential.validFrom ?? credential.issuanceDate),
    validUntil: date(credential.validUntil ?? credential.expirationDate),
  };
}

/** How a credential shown on a public profile stands today; shown as a flag, never hidden. */
export type ProfileItemState = 'active' | 'expired' | 'suspended' | 'revoked' | 'not_verified';

export function heldState(
  status: 'active' | 'suspended' | 'revoked',
  validUntil: Date | null,
  now: Date,
): ProfileItemState {
  if (status !== 'active') return status;
  return validUntil !== null && validUntil.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function importedState(verdict: ImportVerdict, validUntil: Date | null, now: Date): ProfileItemState {
  if (verdict !== 'verified') return 'not_verified';
  return validUntil !== null && validUntil.getTime() <= now.getTime() ? 'expired' : 'active';
}
