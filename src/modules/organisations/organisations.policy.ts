import type { TokenScope } from '../../core/scopes.ts';
import type { MembershipRole } from '../../db/schema.ts';

/**
 * What a member of an organisation may do, by role. Every org-scoped use case names exactly one of these
 * permissions and asks `organisations.requireAccess` for it.
 *
 * Permissions that share their name with a token scope (`core/scopes.ts`) are what API tokens may be
 * granted; the management permissions below are never token scopes, so tokens cannot escalate.
 */
export type Permission =
  | TokenScope
  | 'org:update'
  | 'members:manage'
  | 'invitations:manage'
  | 'tokens:manage'
  | 'keys:manage';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'org:read',
  'org:update',
  'members:read',
  'members:manage',
  'invitations:manage',
  'tokens:manage',
  'keys:manage',
  'audit:read',
  'credentials:issue',
  'credentials:status',
  'credentials:read',
  'definitions:read',
  'definitions:manage',
  'definitions:publish',
  'skills:manage',
  'assessments:manage',
  'assessments:mark',
  'results:record',
];

export const ROLES: readonly MembershipRole[] = ['owner', 'admin', 'issuer', 'assessor', 'viewer'];

/**
 * The role → permission table.
 *
 * - owner: everything; only owners grant, change or remove the owner role (checked in the service).
 * - admin: everything else, managing every member below owner (other admins included).
 * - issuer: issues and manages the status of credentials, writes definitions (publishing is for admins),
 *   builds assessments, records external results; sees the member list.
 * - assessor: marks submitted work in the assessor queue; sees the member list.
 * - viewer: reads the organisation and its credentials. Viewers do not get `members:read`, so they never
 *   see colleagues' e-mail addresses.
 */
const ROLE_PERMISSIONS: Record<MembershipRole, readonly Permission[]> = {
  owner: ALL_PERMISSIONS,
  admin: ALL_PERMISSIONS,
  issuer: [
    'org:read',
    'members:read',
    'credentials:issue',
    'credentials:status',
    'credentials:read',
    'definitions:read',
    'definitions:manage',
    'skills:manage',
    'assessments:manage',
    'results:record',
  ],
  assessor: ['org:read', 'members:read', 'credentials:read', 'definitions:read', 'assessments:mark'],
  viewer: ['org:read', 'credentials:read', 'definitions:read'],
};

const ROLE_SETS: Record<MembershipRole, ReadonlySet<Permission>> = {
  owner: new Set(ROLE_PERMISSIONS.owner),
  admin: new Set(ROLE_PERMISSIONS.admin),
  issuer: new Set(ROLE_PERMISSIONS.issuer),
  assessor: new Set(ROLE_PERMISSIONS.assessor),
  viewer: new Set(ROLE_PERMISSIONS.viewer),
};

/** Platform administrators and the system (CLI) act with every permission in every organisation. */
export const EVERY_PERMISSION: ReadonlySet<Permission> = new Set(ALL_PERMISSIONS);

export function permissionsOf(role: MembershipRole): ReadonlySet<Permission> {
  return ROLE_SETS[role];
}

export function roleHas(role: MembershipRole, permission: Permission): boolean {
  return ROLE_SETS[role].has(permission);
}

export function isRole(value: string): value is MembershipRole {
  return (ROLES as readonly string[]).includes(value);
}
