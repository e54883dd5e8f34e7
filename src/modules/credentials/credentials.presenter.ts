import type { CredentialRow } from '../../db/schema.ts';
import type { CredentialDetails, HeldCredential } from './credentials.service.ts';

/**
 * A credential as members holding `credentials:read` see it in lists. The recipient's e-mail address is
 * included: the organisation knows whom it issued to. Key ids and the stored document are not.
 */
export function presentCredentialSummary(record: CredentialRow, pageUrl: string) {
  return {
    id: record.id,
    credentialId: record.credential_uri,
    url: pageUrl,
    types: [...record.types],
    name: record.name,
    achievementName: record.achievement_name,
    issuer: record.issuer,
    format: record.format,
    cryptosuite: record.cryptosuite,
    recipient: { email: record.recipient_email, name: record.recipient_name, did: record.recipient_did },
    holderNamePublic: record.holder_name_public,
    status: record.status,
    statusReason: record.status_reason,
    statusChangedAt: record.status_changed_at?.toISOString() ?? null,
    validFrom: record.valid_from?.toISOString() ?? null,
    validUntil: record.valid_until?.toISOString() ?? null,
    issuedAt: record.issued_at.toISOString(),
    issuedVia: record.issued_via,
    definitionId: record.definition_id,
    issuedBy: { type: record.issued_by_type, id: record.issued_by_id },
  };
}

/** One credential with its status list positions and the signed credential itself. */
export function presentCredential(details: CredentialDetails, pageUrl: string) {
  return {
    ...presentCredentialSummary(details.record, pageUrl),
    statusEntries: details.statusEntries.map((entry) => ({
      purpose: entry.purpose,
      statusListCredential: entry.listUrl,
      statusListIndex: entry.index,
    })),
    verifiableCredential: details.verifiableCredential,
  };
}

/**
 * A credential as its holder sees it (GET/PATCH /api/v1/me/credentials): what it is, who issued it, its
 * status, whether their name shows on the public page, and the signed credential to download. Nothing about
 * how or by whom it was issued inside the organisation, and no e-mail address (the holder knows their own).
 */
export function presentHeldCredential(held: HeldCredential, pageUrl: string) {
  const record = held.record;
  return {
    id: record.id,
    url: pageUrl,
    name: record.name,
    achievementName: record.achievement_name,
    organisation: { name: held.organisation.name, slug: held.organisation.slug },
    status: record.status,
    validFrom: record.valid_from?.toISOString() ?? null,
    validUntil: record.valid_until?.toISOString() ?? null,
    issuedAt: record.issued_at.toISOString(),
    holderName: record.recipient_name,
    holderNamePublic: record.holder_name_public,
    format: record.format,
    verifiableCredential: held.verifiableCredential,
  };
}

/**
 * The VC-API answer for a secured credential: the object itself, or for vc+jwt the VC 2.0
 * `EnvelopedVerifiableCredential` carrying the JWT in a data: URL (VC-JOSE-COSE §"Securing with JOSE").
 */
export function presentVcApiCredential(verifiableCredential: Record<string, unknown> | string) {
  if (typeof verifiableCredential !== 'string') return verifiableCredential;
  return {
    '@context': 'https://www.w3.org/ns/credentials/v2',
    id: `data:application/vc+jwt,${verifiableCredential}`,
    type: 'EnvelopedVerifiableCredential',
  };
}
