import type { UserRow } from '../../db/schema.ts';

/** The signed-in user's own view of their account (and what platform admins see). */
export function presentSelf(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.email_verified_at !== null,
    isPlatformAdmin: user.is_platform_admin,
    disabled: user.disabled_at !== null,
    createdAt: user.created_at.toISOString(),
  };
}

export function presentSession(
  session: {
    id: string;
    ip: string | null;
    user_agent: string | null;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  },
  currentSessionId: string | null,
) {
  return {
    id: session.id,
    ip: session.ip,
    userAgent: session.user_agent,
    createdAt: session.created_at.toISOString(),
    lastSeenAt: session.last_seen_at.toISOString(),
    expiresAt: session.expires_at.toISOString(),
    current: session.id === currentSessionId,
  };
}
