import type { ApiTokenRow } from '../../db/schema.ts';
import { tokenStatus } from './tokens.service.ts';

/** An API token's metadata. The secret and its hash never leave the server; the prefix identifies it. */
export function presentToken(token: ApiTokenRow, now: Date) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: [...token.scopes],
    status: tokenStatus(token, now),
    createdBy: token.created_by,
    createdAt: token.created_at.toISOString(),
    expiresAt: token.expires_at?.toISOString() ?? null,
    lastUsedAt: token.last_used_at?.toISOString() ?? null,
    revokedAt: token.revoked_at?.toISOString() ?? null,
  };
}
