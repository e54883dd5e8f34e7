import type { CredentialVerificationReport, StepOutcome, Verdict } from '../../core/vc/verify.ts';
import { escapeHtml } from '../../http/html.ts';
import type { PublicCredential } from '../credentials/credentials.service.ts';

/**
 * The public page of a credential: what was achieved, who issued it, to whom (only if the holder made the
 * name public) and the verifier's step log, checked live. Plain HTML that works without JavaScript, with
 * Open Graph tags so a shared link previews well.
 */
export interface CredentialPageView {
  title: string;
  head: string;
  body: string;
}

const VERDICT_TEXT: Record<Verdict, { heading: string; className: string }> = {
  valid: { heading: 'Verified: this credential is authentic and in good standing', className: 'ok' },
  invalid: { heading: 'Not valid: this credential failed verification', className: 'error' },
  unknown: { heading: 'Could not be fully checked', className: 'unknown' },
};

const OUTCOME_TEXT: Record<StepOutcome, string> = {
  passed: '✔ passed',
  failed: '✘ failed',
  unknown: '? could not check',
  skipped: '– skipped',
  warning: '! warning',
};

export function presentCredentialPage(options: {
  credential: PublicCredential;
  report: CredentialVerificationReport;
}): CredentialPageView {
  const { credential, report } = options;
  // The verified claims when the signature checks out (for vc+jwt they come out of the token); the stored
  // document otherwise, so the page still says what it claims to be.
  const claims =
    report.credential ?? (typeof credential.credential === 'object' ? credential.credential : null);
  const subject = firstObject(claims?.credentialSubject);
  const achievement = firstObject(subject?.achievement);
  const achievementName =
    text(achievement?.name) ?? credential.achievementName ?? credential.name ?? 'Credential';
  const description = text(achievement?.description) ?? text(claims?.description);
  const criteria = text(firstObject(achievement?.criteria)?.narrative);
  const awardedDate = text(subject?.awardedDate) ?? text(claims?.awardedDate);
  const title = `${achievementName} — ${credential.organisation.name}`;
  const verdict = VERDICT_TEXT[report.verdict];

  const facts: Array<[string, string]> = [
    ['Achievement', escapeHtml(achievementName)],
    [
      'Issued by',
      `${escapeHtml(credential.organisation.name)}<br><code class="small">${escapeHtml(credential.issuer)}</code>`,
    ],
  ];
  if (credential.holderName) facts.push(['Awarded to', escapeHtml(credential.holderName)]);
  facts.push(['Issued', formatDate(credential.issuedAt)]);
  if (awardedDate) facts.push(['Awarded', escapeHtml(awardedDate)]);
  if (credential.validFrom) facts.push(['Valid from', formatDate(credential.validFrom)]);
  facts.push([
    'Valid until',
    credential.validUntil
      ? `${formatDate(credential.validUntil)}${credential.expired ? ' (expired)' : ''}`
      : 'No expiry',
  ]);
  facts.push(['Status', statusText(credential)]);
  facts.push([
    'Format',
    escapeHtml(
      credential.format === 'vc+jwt'
        ? 'VC-JOSE (vc+jwt)'
        : `Data Integrity (${credential.cryptosuite ?? '?'})`,
    ),
  ]);

  const steps = report.steps
    .map(
      (step) => `<li data-step="${escapeHtml(step.id)}" data-outcome="${escapeHtml(step.outcome)}">
<span class="outcome">${escapeHtml(OUTCOME_TEXT[step.outcome])}</span> — <strong>${escapeHtml(step.title)}</strong>: ${escapeHtml(step.summary)}${
        step.problems.length > 0
          ? `<ul>${step.problems.map((p) => `<li><code>${escapeHtml(p.code)}</code> ${escapeHtml(p.message)}</li>`).join('')}</ul>`
          : ''
      }</li>`,
    )
    .join('\n');

  const body = `<article>
<h1>${escapeHtml(achievementName)}</h1>
${description ? `<p>${escapeHtml(description)}</p>` : ''}
<dl>${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
${criteria ? `<h2>Criteria</h2><p>${escapeHtml(criteria)}</p>` : ''}
<section aria-labelledby="verification">
<h2 id="verification">Verification</h2>
<p class="${verdict.className}" role="status" data-verdict="${report.verdict}"><strong>${escapeHtml(verdict.heading)}</strong><br>
<span class="small">Checked ${escapeHtml(report.checkedAt)} against the issuer’s published key and status lists.</span></p>
<ol class="steps">
${steps}
</ol>
</section>
<h2>Download</h2>
<ul>
<li><a href="?format=json" download="credential-${escapeHtml(credential.id)}.json">The credential (JSON${credential.format === 'vc+jwt' ? ', enveloped' : ''})</a></li>
${credential.format === 'vc+jwt' ? `<li><a href="?format=jwt" download="credential-${escapeHtml(credential.id)}.jwt">The credential (compact vc+jwt)</a></li>` : ''}
</ul>
<p class="small">Anyone can check this credential independently: <code>POST /vc-api/credentials/verify</code> or <code>credstack verify ${escapeHtml(credential.url)}</code>.</p>
</article>`;

  const ogDescription = `${credential.organisation.name} issued “${achievementName}”${
    credential.holderName ? ` to ${credential.holderName}` : ''
  }. ${verdict.heading}.`;
  const head = [
    `<meta name="description" content="${escapeHtml(ogDescription)}">`,
    '<meta property="og:type" content="website">',
    `<meta property="og:title" content="${escapeHtml(title)}">`,
    `<meta property="og:description" content="${escapeHtml(ogDescription)}">`,
    `<meta property="og:url" content="${escapeHtml(credential.url)}">`,
    '<meta property="og:site_name" content="Credstack">',
    `<link rel="alternate" type="application/vc" href="${escapeHtml(credential.url)}">`,
  ].join('');
  return { title, head, body };
}

function statusText(credential: PublicCredential): string {
  const since = credential.statusChangedAt ? ` since ${formatDate(credential.statusChangedAt)}` : '';
  if (credential.status === 'revoked') return `<strong>Revoked</strong>${since}`;
  if (credential.status === 'suspended') return `<strong>Suspended</strong>${since}`;
  return credential.expired ? 'Expired' : 'Active';
}

function formatDate(date: Date): string {
  return `<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 10)}</time>`;
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
