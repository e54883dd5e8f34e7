import type { ImportedCredentialRow } from '../../db/tables/wallet-profiles.ts';
import type { ProfileItem, PublicProfileView } from './wallet.service.ts';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** An imported credential in the wallet's list: what it claims, and what verification said. */
export function presentImportedSummary(row: ImportedCredentialRow) {
  return {
    id: row.id,
    source: row.source,
    format: row.credential_format,
    name: row.name,
    achievementName: row.achievement_name,
    issuer: { id: row.issuer_id, name: row.issuer_name },
    validFrom: iso(row.valid_from),
    validUntil: iso(row.valid_until),
    verdict: row.verdict,
    verifiedAt: row.verified_at.toISOString(),
    importedAt: row.created_at.toISOString(),
  };
}

/** The same plus the step log and the credential as given. */
export function presentImportedDetail(row: ImportedCredentialRow) {
  const credential: Record<string, unknown> | string = row.document.startsWith('{')
    ? (JSON.parse(row.document) as Record<string, unknown>)
    : row.document;
  return { ...presentImportedSummary(row), verification: row.report, credential };
}

function presentItem(item: ProfileItem) {
  return {
    kind: item.kind,
    id: item.id,
    name: item.name,
    achievementName: item.achievementName,
    issuer: { name: item.issuer.name, id: item.issuer.id, slug: item.issuer.slug },
    issuedAt: iso(item.issuedAt),
    validUntil: iso(item.validUntil),
    state: item.state,
    url: item.url,
  };
}

/** The public profile: no address, no ids of the learner's account. */
export function presentPublicProfile(view: PublicProfileView) {
  return {
    handle: view.handle,
    displayName: view.displayName,
    bio: view.bio,
    items: view.items.map(presentItem),
    updatedAt: view.updatedAt.toISOString(),
  };
}

export function presentMyProfile(view: PublicProfileView) {
  return { ...presentPublicProfile(view), public: view.public };
}
