/**
 * What a holder needs to share a credential: its public page, a LinkedIn "Add to profile" link and an HTML
 * snippet for a web page. All built from our own data; nothing is fetched.
 */

export interface ShareFacts {
  /** The credential's public page, `${PUBLIC_URL}/credentials/<id>`. */
  publicUrl: string;
  credentialId: string;
  achievementName: string;
  issuerName: string;
  /** LinkedIn's numeric company id, when the issuer told us; then it replaces the name. */
  linkedInOrganizationId?: string | null;
  issuedAt: Date;
  expiresAt: Date | null;
  /** What the embedded `<img>` shows: an https or data: URL. */
  imageUrl: string;
}

export interface ShareLinks {
  publicUrl: string;
  linkedInAddToProfileUrl: string;
  embedHtml: string;
}

const LINKEDIN_ADD_TO_PROFILE = 'https://www.linkedin.com/profile/add';

/** LinkedIn's documented "Add to profile" parameters (years and months in UTC, months 1–12). */
export function linkedInAddToProfileUrl(facts: ShareFacts): string {
  const params = new URLSearchParams({ startTask: 'CERTIFICATION_NAME', name: facts.achievementName });
  if (facts.linkedInOrganizationId) params.set('organizationId', facts.linkedInOrganizationId);
  else params.set('organizationName', facts.issuerName);
  params.set('issueYear', String(facts.issuedAt.getUTCFullYear()));
  params.set('issueMonth', String(facts.issuedAt.getUTCMonth() + 1));
  if (facts.expiresAt) {
    params.set('expirationYear', String(facts.expiresAt.getUTCFullYear()));
    params.set('expirationMonth', String(facts.expiresAt.getUTCMonth() + 1));
  }
  params.set('certUrl', facts.publicUrl);
  params.set('certId', facts.credentialId);
  return `${LINKEDIN_ADD_TO_PROFILE}?${params.toString()}`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A linked badge image plus a caption; every value is escaped for an HTML attribute or text. */
export function embedHtml(facts: ShareFacts): string {
  const url = escapeHtml(facts.publicUrl);
  const label = escapeHtml(`${facts.achievementName} — ${facts.issuerName}`);
  return (
    `<a href="${url}" target="_blank" rel="noopener" title="${label}">` +
    `<img src="${escapeHtml(facts.imageUrl)}" alt="${label}" width="150" height="150"></a>` +
    `<br><a href="${url}" target="_blank" rel="noopener">${escapeHtml(facts.achievementName)}</a>`
  );
}

export function shareLinks(facts: ShareFacts): ShareLinks {
  return {
    publicUrl: facts.publicUrl,
    linkedInAddToProfileUrl: linkedInAddToProfileUrl(facts),
    embedHtml: embedHtml(facts),
  };
}
