import type { CredentialVerificationReport } from '../../core/vc/verify.ts';
import type { CredentialPageProps, VerificationView } from '../../web/pages/page-data.ts';
import type { PageMeta } from '../../web/server/render.tsx';
import type { PublicCredential } from '../credentials/credentials.service.ts';

/**
 * The public page of a credential: what was achieved, who issued it, to whom (only if the holder made the
 * name public) and the verifier's step log, checked live. The web app renders it on the server (it works
 * without JavaScript) with Open Graph tags, so a shared link previews well.
 */
export function presentCredentialPage(options: {
  credential: PublicCredential;
  report: CredentialVerificationReport;
}): {
  props: CredentialPageProps;
  meta: PageMeta;
} {
  const { credential, report } = options;
  // The verified claims when the signature checks out (for vc+jwt they come out of the token); the stored
  // document otherwise, so the page still says what it claims to be.
  const claims =
    report.credential ?? (typeof credential.credential === 'object' ? credential.credential : null);
  const subject = firstObject(claims?.credentialSubject);
  const achievement = firstObject(subject?.achievement);
  const achievementName =
    text(achievement?.name) ?? credential.achievementName ?? credential.name ?? 'Credential';
  const skills = (Array.isArray(achievement?.alignment) ? achievement.alignment : [])
    .map((alignment) => text(firstObject(alignment)?.targetName))
    .filter((name): name is string => name !== undefined)
    .slice(0, 50);
  const props: CredentialPageProps = {
    id: credential.id,
    url: credential.url,
    achievementName,
    description: text(achievement?.description) ?? text(claims?.description) ?? null,
    criteria: text(firstObject(achievement?.criteria)?.narrative) ?? null,
    skills,
    organisation: credential.organisation,
    issuer: credential.issuer,
    holderName: credential.holderName,
    issuedAt: credential.issuedAt.toISOString(),
    awardedDate: text(subject?.awardedDate) ?? text(claims?.awardedDate) ?? null,
    validFrom: credential.validFrom?.toISOString() ?? null,
    validUntil: credential.validUntil?.toISOString() ?? null,
    expired: credential.expired,
    status: credential.status,
    statusChangedAt: credential.statusChangedAt?.toISOString() ?? null,
    statusReason: credential.statusReason,
    formatLabel:
      credential.format === 'vc+jwt'
        ? 'VC-JOSE (vc+jwt)'
        : `Data Integrity (${credential.cryptosuite ?? '?'})`,
    isJwt: credential.format === 'vc+jwt',
    verification: presentVerificationView(report, {
      standing:
        credential.status !== 'active'
          ? {
              state: credential.status,
              date: credential.statusChangedAt?.toISOString() ?? null,
              reason: credential.statusReason,
            }
          : credential.expired && credential.validUntil
            ? { state: 'expired', date: credential.validUntil.toISOString(), reason: null }
            : null,
    }),
  };
  const description = credential.holderName
    ? `${credential.organisation.name} issued “${achievementName}” to ${credential.holderName}.`
    : `${credential.organisation.name} issued “${achievementName}”.`;
  return {
    props,
    meta: {
      title: `${achievementName} — ${credential.organisation.name}`,
      description,
      url: credential.url,
      alternates: [{ type: 'application/vc', href: credential.url }],
    },
  };
}

/**
 * A verification report as the web pages show it. `standing` is what the issuer's own records say
 * (revoked or suspended with date and reason); without it, a failed status or validity step is named
 * from the report itself. A CLR 2.0 transcript brings its embedded credentials' reports, each presented
 * the same way (their standing from their own report: the issuer's reason is looked up only for the
 * document that was given).
 */
export function presentVerificationView(
  report: CredentialVerificationReport,
  known: { standing?: VerificationView['standing'] } = {},
): VerificationView {
  const claims = report.credential;
  const achievement = firstObject(firstObject(claims?.credentialSubject)?.achievement);
  let standing = known.standing ?? null;
  if (!standing) {
    const revoked = report.statuses.find((status) => status.state === 'revoked');
    const suspended = report.statuses.find((status) => status.state === 'suspended');
    const validity = report.steps.find((step) => step.id === 'validity');
    const validUntil = text(claims?.validUntil) ?? text(claims?.expirationDate);
    if (revoked) standing = { state: 'revoked', date: null, reason: null };
    else if (suspended) standing = { state: 'suspended', date: null, reason: null };
    else if (
      validity?.outcome === 'failed' &&
      validUntil &&
      Date.parse(validUntil) < Date.parse(report.checkedAt)
    ) {
      standing = { state: 'expired', date: new Date(validUntil).toISOString(), reason: null };
    }
  }
  const transcript = report.embedded !== undefined;
  return {
    verdict: report.verdict,
    checkedAt: report.checkedAt,
    steps: report.steps.map((step) => ({
      id: step.id,
      outcome: step.outcome,
      summary: step.summary,
      problems: step.problems.map((problem) => ({ code: problem.code, message: problem.message })),
    })),
    standing,
    // A ClrSubject lists every embedded achievement: none of them names the transcript.
    achievementName: transcript ? null : (text(achievement?.name) ?? null),
    issuerName: report.issuer?.name ?? null,
    ...(transcript
      ? {
          transcriptName: text(claims?.name) ?? null,
          embedded: (report.embedded ?? []).map((inner) => presentVerificationView(inner)),
        }
      : {}),
  };
}

function firstObject(value: unknown): Record<string, unknown> | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate)
    ? (candidate as Record<string, unknown>)
    : undefined;
}

/** A plain string, or the first value of a JSON-LD language map / value object. */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.slice(0, 4000);
  const object = firstObject(value);
  if (object && typeof object['@value'] === 'string') return object['@value'].slice(0, 4000);
  return undefined;
}
