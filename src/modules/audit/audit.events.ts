import type { IssuedVia } from '../../db/schema.ts';
import type { AssessmentsAuditEvents } from '../assessments/assessments.events.ts';
import type { CatalogueAuditEvents } from '../catalogue/catalogue.events.ts';
import type { IssuanceAuditEvents } from '../issuance/issuance.events.ts';
import type { OrganisationLogosAuditEvents } from '../organisation-logos/organisation-logos.events.ts';
import type { PathwayGroupsAuditEvents } from '../pathway-groups/pathway-groups.events.ts';
import type { PathwaysAuditEvents } from '../pathways/pathways.events.ts';
import type { PortfolioAuditEvents } from '../portfolio/portfolio.events.ts';
import type { SkillProfileAuditEvents } from '../skill-profile/skill-profile.events.ts';
import type { SkillsAuditEvents } from '../skills/skills.events.ts';
import type { TranscriptsAuditEvents } from '../transcripts/transcripts.events.ts';
import type { WalletAuditEvents } from '../wallet/wallet.events.ts';

/**
 * Every audit event type and the shape of its data. Adding a state change means adding its event here;
 * the compiler then insists every `record` call passes the right data.
 */
export interface AuditEventData
  extends SkillsAuditEvents,
    CatalogueAuditEvents,
    AssessmentsAuditEvents,
    PortfolioAuditEvents,
    IssuanceAuditEvents,
    SkillProfileAuditEvents,
    PathwaysAuditEvents,
    PathwayGroupsAuditEvents,
    WalletAuditEvents,
    OrganisationLogosAuditEvents,
    TranscriptsAuditEvents {
  'user.created': { via: 'signup' | 'cli' | 'admin' | 'seed' | 'invitation' };
  'user.email_verified': Record<string, never>;
  'user.password_changed': { via: 'change' | 'reset' | 'cli' };
  'user.profile_updated': { fields: string[] };
  'user.platform_admin_changed': { isPlatformAdmin: boolean };
  'user.disabled': Record<string, never>;
  'user.enabled': Record<string, never>;
  'user.login_succeeded': Record<string, never>;
  'user.login_failed': { reason: 'bad_password' | 'unknown_user' | 'disabled' | 'locked' };
  'user.login_locked': { failures: number; lockedUntil: string };
  'user.password_reset_requested': Record<string, never>;
  'session.created': Record<string, never>;
  'session.revoked': { reason: 'logout' | 'password_changed' | 'user_request' | 'disabled' };
  'organisation.created': { slug: string; name: string };
  'organisation.updated': { fields: string[] };
  'membership.added': { userId: string; role: string };
  'membership.role_changed': { userId: string; from: string; to: string };
  'membership.removed': { userId: string; role: string };
  'invitation.created': { role: string };
  'invitation.accepted': { userId: string; role: string };
  'invitation.revoked': Record<string, never>;
  'api_token.created': { name: string; scopes: string[]; expiresAt: string | null };
  'api_token.revoked': Record<string, never>;
  'demo.seeded': { organisationSlug: string };
  /** The organisation's first signing key, made on first use. Only public key material is recorded. */
  'issuer_key.created': { keyId: string; verificationMethod: string; publicKeyMultibase: string };
  /** A new active key; the previous one is retired but stays in the DID document. */
  'issuer_key.rotated': {
    keyId: string;
    verificationMethod: string;
    publicKeyMultibase: string;
    retiredKeyId: string;
    retiredVerificationMethod: string;
  };
  'credential.issued': {
    via: IssuedVia;
    /** The catalogue definition version, when awarded for one. */
    definitionId?: string;
    format: 'data-integrity' | 'vc+jwt';
    cryptosuite: string | null;
    issuer: string;
    /** The positions the credential got: `${listId}#${index}` per purpose. */
    status: { revocation: string; suspension: string };
  };
  'credential.revoked': { reason: string; via: 'api' | 'vc-api' | 'cli' };
  'credential.suspended': { reason: string; via: 'api' | 'vc-api' | 'cli' };
  'credential.reinstated': { reason: string; via: 'api' | 'vc-api' | 'cli' };
  /** The holder chose whether their name appears on the credential's public page. */
  'credential.holder_name_visibility_changed': { before: boolean; after: boolean };
  'status_list.created': {
    purpose: 'revocation' | 'suspension';
    issuer: string;
    size: number;
    capacity: number;
  };
  'status_list.filled': { purpose: 'revocation' | 'suspension'; allocated: number; capacity: number };
}

export type AuditEventType = keyof AuditEventData;
