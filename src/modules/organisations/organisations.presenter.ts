import type { InvitationRow, MembershipRole, MembershipRow, OrganisationRow } from '../../db/schema.ts';
import { invitationStatus } from './organisations.service.ts';

/** The organisation profile: public facts only (it appears on issued credentials anyway). */
export function presentOrganisation(organisation: OrganisationRow) {
  return {
    id: organisation.id,
    slug: organisation.slug,
    name: organisation.name,
    url: organisation.url,
    description: organisation.description,
    createdAt: organisation.created_at.toISOString(),
    updatedAt: organisation.updated_at.toISOString(),
  };
}

export function presentOrganisationWithRole(entry: {
  organisation: OrganisationRow;
  role: MembershipRole | null;
}) {
  return { organisation: presentOrganisation(entry.organisation), role: entry.role };
}

export function presentAdminOrganisation(entry: { organisation: OrganisationRow; memberCount: number }) {
  return { organisation: presentOrganisation(entry.organisation), memberCount: entry.memberCount };
}

/**
 * A member as listed to callers holding `members:read` (issuer and above, or a token with that scope).
 * The e-mail address is included because those roles work with people; viewers cannot list members at all.
 */
export function presentMember(member: {
  user_id: string;
  name: string;
  email: string;
  role: MembershipRole;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    userId: member.user_id,
    name: member.name,
    email: member.email,
    role: member.role,
    joinedAt: member.created_at.toISOString(),
    updatedAt: member.updated_at.toISOString(),
  };
}

/** A membership without personal data (answers to role changes and accepted invitations). */
export function presentMembership(membership: MembershipRow) {
  return {
    organisationId: membership.organisation_id,
    userId: membership.user_id,
    role: membership.role,
    joinedAt: membership.created_at.toISOString(),
    updatedAt: membership.updated_at.toISOString(),
  };
}

/** An invitation for those who manage them. The token exists only in the mail; its hash never leaves. */
export function presentInvitation(invitation: InvitationRow, now: Date) {
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, now),
    invitedBy: invitation.invited_by,
    createdAt: invitation.created_at.toISOString(),
    expiresAt: invitation.expires_at.toISOString(),
    acceptedAt: invitation.accepted_at?.toISOString() ?? null,
    revokedAt: invitation.revoked_at?.toISOString() ?? null,
  };
}
