import type { Actor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { isTokenScope } from '../../core/scopes.ts';
import { randomToken, sha256Hex } from '../../core/secrets.ts';
import type { Db } from '../../db/database.ts';
import type { InvitationRow, MembershipRole, MembershipRow, OrganisationRow } from '../../db/schema.ts';
import { type AccountsService, checkEmail } from '../accounts/accounts.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { MailService } from '../mail/mail.service.ts';
import { invitationMail } from './organisations.mail.ts';
import { EVERY_PERMISSION, type Permission, permissionsOf } from './organisations.policy.ts';
import { createOrganisationsRepository } from './organisations.repository.ts';

export interface OrganisationsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  mail: MailService;
  accounts: AccountsService;
}

/** What an actor may do in one organisation, as resolved by {@link requireAccess}. */
export interface OrganisationAccess {
  organisation: OrganisationRow;
  /** The actor's membership role; `null` for platform admins who are not members, tokens and the system. */
  role: MembershipRole | null;
  /** Everything the actor may do here: the role's permissions, a token's scopes, or all of them. */
  permissions: ReadonlySet<Permission>;
  /** Platform administrators and the system act with owner powers without being members. */
  superuser: boolean;
}

export const INVITATION_TTL_DAYS = 7;
const INVITATION_TTL_MS = INVITATION_TTL_DAYS * 86_400_000;

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Slugs that would collide with routes or mislead people; compared after validation (lowercase). */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'about',
  'account',
  'admin',
  'api',
  'app',
  'assets',
  'auth',
  'credentials',
  'credstack',
  'docs',
  'help',
  'invitations',
  'issuers',
  'login',
  'logout',
  'me',
  'new',
  'organisations',
  'orgs',
  'public',
  'root',
  'settings',
  'signup',
  'static',
  'support',
  'system',
  'verify',
  'www',
]);

/** Checks an organisation slug: the database's pattern, and not reserved. Returns it trimmed. */
export function checkSlug(slug: string): string {
  const value = slug.trim();
  if (!SLUG_PATTERN.test(value)) {
    throw AppError.validation(
      'The slug must be 1 to 63 lowercase letters, digits or hyphens, and start and end with a letter or digit',
      [{ in: 'body', pointer: '/slug', message: 'must match ^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$' }],
    );
  }
  if (RESERVED_SLUGS.has(value)) {
    throw AppError.validation(`The slug "${value}" is reserved; choose another`, [
      { in: 'body', pointer: '/slug', message: 'is reserved' },
    ]);
  }
  return value;
}

function checkName(name: string): string {
  const value = name.trim();
  if (value.length === 0 || value.length > 200) {
    throw AppError.validation('The name must be 1 to 200 characters', [
      { in: 'body', pointer: '/name', message: 'must be 1 to 200 characters' },
    ]);
  }
  return value;
}

/** An optional http(s) web address; empty text clears it. */
function checkUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined || url.trim() === '') return null;
  const value = url.trim();
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || value.length > 2000) {
    throw AppError.validation('The URL must be an absolute http(s) address of at most 2000 characters', [
      { in: 'body', pointer: '/url', message: 'must be an absolute http(s) URL' },
    ]);
  }
  return value;
}

function checkDescription(description: string | null | undefined): string | null {
  if (description === null || description === undefined || description.trim() === '') return null;
  const value = description.trim();
  if (value.length > 2000) {
    throw AppError.validation('The description must be at most 2000 characters', [
      { in: 'body', pointer: '/description', message: 'must be at most 2000 characters' },
    ]);
  }
  return value;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export function invitationStatus(invitation: InvitationRow, now: Date): InvitationStatus {
  if (invitation.accepted_at) return 'accepted';
  if (invitation.revoked_at) return 'revoked';
  if (invitation.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/**
 * Organisations (issuers), their members and roles, and invitations. {@link requireAccess} is the single
 * gate every org-scoped use case (here and in other modules) goes through: whatever the caller may not
 * see is `not_found`; what they see but may not do is `forbidden` (members) or `insufficient_scope`
 * (API tokens).
 */
export function createOrganisationsService(deps: OrganisationsServiceDeps) {
  const repo = createOrganisationsRepository();
  const { clock, ids, config, audit, mail, accounts } = deps;
  const baseUrl = config.publicUrl.href.replace(/\/$/, '');

  /** Resolves who the actor is in the organisation, or answers `not_found` when they may not see it. */
  async function resolveAccess(
    actor: Actor,
    slug: string,
    trx: Db,
    lock = false,
  ): Promise<OrganisationAccess> {
    if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Sign in or send an API token');
    const organisation = lock ? await repo.findBySlugForUpdate(trx, slug) : await repo.findBySlug(trx, slug);
    if (!organisation) throw AppError.notFound('Organisation');
    switch (actor.kind) {
      case 'system':
        return { organisation, role: null, permissions: EVERY_PERMISSION, superuser: true };
      case 'token': {
        // A token lives in exactly one organisation; every other one does not exist for it.
        if (actor.organisationId !== organisation.id) throw AppError.notFound('Organisation');
        let permissions = new Set<Permission>(actor.scopes.filter(isTokenScope));
        // A token never outlives or outranks the person who made it: its scopes are capped by the
        // creator's current access, and it stops working when the creator leaves or is disabled.
        // Tokens made by the system (CLI) have no creator and keep their scopes.
        if (actor.createdBy) {
          const creator = await accounts.findUserById(actor.createdBy, trx);
          const creatorMembership = creator
            ? await repo.findMembership(trx, organisation.id, creator.id)
            : undefined;
          if (!creator || creator.disabled_at || (!creatorMembership && !creator.is_platform_admin)) {
            throw new AppError('unauthenticated', 'API token no longer valid', {
              detail: "This API token's creator no longer has access to the organisation; create a new token",
            });
          }
          if (!creator.is_platform_admin && creatorMembership) {
            const allowed = permissionsOf(creatorMembership.role);
            permissions = new Set([...permissions].filter((permission) => allowed.has(permission)));
          }
        }
        return { organisation, role: null, permissions, superuser: false };
      }
      case 'user': {
        const membership = await repo.findMembership(trx, organisation.id, actor.userId);
        if (actor.isPlatformAdmin) {
          return {
            organisation,
            role: membership?.role ?? null,
            permissions: EVERY_PERMISSION,
            superuser: true,
          };
        }
        if (!membership) throw AppError.notFound('Organisation');
        return {
          organisation,
          role: membership.role,
          permissions: permissionsOf(membership.role),
          superuser: false,
        };
      }
    }
  }

  function assertPermission(actor: Actor, access: OrganisationAccess, permission: Permission): void {
    if (access.permissions.has(permission)) return;
    if (actor.kind === 'token') {
      throw new AppError('insufficient_scope', `This API token lacks the ${permission} scope`, {
        detail: isTokenScope(permission)
          ? `This needs the "${permission}" scope, which this API token was not given`
          : `API tokens cannot do this: it needs the "${permission}" permission, which no token scope grants`,
      });
    }
    throw new AppError('forbidden', 'Your role does not allow this', {
      detail: `This needs the "${permission}" permission, which the ${access.role ?? 'current'} role does not have`,
    });
  }

  function actsAsOwner(access: OrganisationAccess): boolean {
    return access.superuser || access.role === 'owner';
  }

  /**
   * The gate for org-scoped work: user actors need a membership whose role holds `permission` (or to be a
   * platform admin), token actors must belong to this organisation and carry the scope, the system may do
   * anything. Pass `trx` when called inside a transaction (PGlite has one connection).
   *
   * `lock: true` (inside a transaction) locks the organisation row before the caller's membership is read,
   * so writes to one organisation run one at a time and always take this lock before the audit chain's:
   * use it for state changes, so the answer cannot go stale and lock order cannot deadlock.
   */
  async function requireAccess(options: {
    actor: Actor;
    slug: string;
    permission: Permission;
    trx?: Db;
    lock?: boolean;
  }): Promise<OrganisationAccess> {
    const access = await resolveAccess(
      options.actor,
      options.slug,
      options.trx ?? deps.db,
      options.lock === true && options.trx !== undefined,
    );
    assertPermission(options.actor, access, options.permission);
    return access;
  }

  async function createOrganisation(options: {
    actor: Actor;
    slug: string;
    name: string;
    url?: string | null;
    description?: string | null;
    ownerUserId?: string;
  }): Promise<OrganisationRow> {
    const { actor } = options;
    let ownerUserId: string | null;
    switch (actor.kind) {
      case 'user':
        if (!actor.emailVerified) {
          throw new AppError('email_not_verified', 'Verify your e-mail address first', {
            detail: 'Verify your e-mail address before creating an organisation',
          });
        }
        // Platform admins may create an organisation on someone's behalf; everyone else owns what they create.
        ownerUserId = actor.isPlatformAdmin && options.ownerUserId ? options.ownerUserId : actor.userId;
        break;
      case 'system':
        ownerUserId = options.ownerUserId ?? null;
        break;
      case 'token':
        throw new AppError('forbidden', 'API tokens cannot create organisations');
      default:
        throw new AppError('unauthenticated', 'Sign in to create an organisation');
    }
    const slug = checkSlug(options.slug);
    const name = checkName(options.name);
    const url = checkUrl(options.url);
    const description = checkDescription(options.description);
    return deps.db.transaction().execute(async (trx) => {
      if (await repo.findBySlug(trx, slug)) throw slugTaken(slug);
      if (ownerUserId && !(await accounts.findUserById(ownerUserId, trx))) {
        throw AppError.validation('The owner is not a known user', [
          { in: 'body', pointer: '/ownerUserId', message: 'is not a known user' },
        ]);
      }
      const now = clock.now();
      let organisation: OrganisationRow;
      try {
        organisation = await repo.insert(trx, {
          id: ids(),
          slug,
          name,
          url,
          description,
          created_at: now,
          updated_at: now,
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(slug);
        throw error;
      }
      await audit.record(trx, {
        type: 'organisation.created',
        actor,
        organisationId: organisation.id,
        subject: { type: 'organisation', id: organisation.id },
        data: { slug, name },
      });
      if (ownerUserId) {
        await repo.insertMembership(trx, {
          organisation_id: organisation.id,
          user_id: ownerUserId,
          role: 'owner',
          created_at: now,
          updated_at: now,
        });
        await audit.record(trx, {
          type: 'membership.added',
          actor,
          organisationId: organisation.id,
          subject: { type: 'user', id: ownerUserId },
          data: { userId: ownerUserId, role: 'owner' },
        });
      }
      return organisation;
    });
  }

  async function getOrganisation(options: {
    actor: Actor;
    slug: string;
  }): Promise<{ organisation: OrganisationRow; role: MembershipRole | null }> {
    const access = await requireAccess({ ...options, permission: 'org:read' });
    return { organisation: access.organisation, role: access.role };
  }

  /** The organisations the actor belongs to; for an API token, its own organisation. */
  async function listMyOrganisations(options: {
    actor: Actor;
  }): Promise<Array<{ organisation: OrganisationRow; role: MembershipRole | null }>> {
    const { actor } = options;
    if (actor.kind === 'user') {
      const rows = await repo.listForUser(deps.db, actor.userId);
      return rows.map(({ role, ...organisation }) => ({ organisation, role }));
    }
    if (actor.kind === 'token') {
      const organisation = await repo.findById(deps.db, actor.organisationId);
      if (!organisation) return [];
      const access = await requireAccess({ actor, slug: organisation.slug, permission: 'org:read' });
      return [{ organisation: access.organisation, role: null }];
    }
    if (actor.kind === 'system') return [];
    throw new AppError('unauthenticated', 'Sign in or send an API token');
  }

  /** Every organisation with its member count: platform admins (and the system) only; others get 404. */
  async function listAllOrganisations(options: { actor: Actor; limit: number; offset: number }) {
    const { actor } = options;
    const allowed = actor.kind === 'system' || (actor.kind === 'user' && actor.isPlatformAdmin);
    if (!allowed) throw AppError.notFound('Resource');
    return repo.listAll(deps.db, { limit: options.limit, offset: options.offset });
  }

  /** Changes the profile. The slug is permanent: it appears in issued credentials and links. */
  async function updateOrganisation(options: {
    actor: Actor;
    slug: string;
    name?: string;
    url?: string | null;
    description?: string | null;
  }): Promise<OrganisationRow> {
    return deps.db.transaction().execute(async (trx) => {
      const { organisation } = await requireAccess({ ...options, permission: 'org:update', trx, lock: true });
      const update: { name?: string; url?: string | null; description?: string | null } = {};
      if (options.name !== undefined) {
        const name = checkName(options.name);
        if (name !== organisation.name) update.name = name;
      }
      if (options.url !== undefined) {
        const url = checkUrl(options.url);
        if (url !== organisation.url) update.url = url;
      }
      if (options.description !== undefined) {
        const description = checkDescription(options.description);
        if (description !== organisation.description) update.description = description;
      }
      const fields = Object.keys(update);
      if (fields.length === 0) return organisation;
      const updated = await repo.update(trx, organisation.id, { ...update, updated_at: clock.now() });
      await audit.record(trx, {
        type: 'organisation.updated',
        actor: options.actor,
        organisationId: organisation.id,
        subject: { type: 'organisation', id: organisation.id },
        data: { fields },
      });
      return updated;
    });
  }

  /**
   * Adds an existing user directly, without an invitation: the CLI, seeding and platform admins. Members
   * (even owners) add people by invitation, so nobody joins an organisation without agreeing to it.
   */
  async function addMember(options: {
    actor: Actor;
    slug: string;
    userId: string;
    role: MembershipRole;
  }): Promise<MembershipRow> {
    return deps.db.transaction().execute(async (trx) => {
      const access = await requireAccess({ ...options, permission: 'members:manage', trx, lock: true });
      if (!access.superuser) {
        throw new AppError('forbidden', 'Add people by invitation', {
          detail: 'Only platform administrators add members directly; invite people by e-mail instead',
        });
      }
      const organisationId = access.organisation.id;
      if (!(await accounts.findUserById(options.userId, trx))) throw AppError.notFound('User');
      if (await repo.findMembership(trx, organisationId, options.userId)) {
        throw new AppError('conflict', 'This user is already a member of the organisation');
      }
      const now = clock.now();
      const membership = await repo.insertMembership(trx, {
        organisation_id: organisationId,
        user_id: options.userId,
        role: options.role,
        created_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'membership.added',
        actor: options.actor,
        organisationId,
        subject: { type: 'user', id: options.userId },
        data: { userId: options.userId, role: options.role },
      });
      return membership;
    });
  }

  /**
   * Members with names and e-mail addresses. Needs `members:read`, which viewers do not have: showing
   * colleagues' addresses is limited to roles that work with people (issuer and above) and to tokens
   * explicitly given the `members:read` scope.
   */
  async function listMembers(options: { actor: Actor; slug: string }) {
    const access = await requireAccess({ ...options, permission: 'members:read' });
    return repo.listMembers(deps.db, access.organisation.id);
  }

  /**
   * Changes a member's role. Admins manage everyone below owner; only owners (and platform admins) grant,
   * change or take away the owner role; the last owner cannot be demoted.
   */
  async function changeMemberRole(options: {
    actor: Actor;
    slug: string;
    userId: string;
    role: MembershipRole;
  }): Promise<MembershipRow> {
    return deps.db.transaction().execute(async (trx) => {
      const access = await requireAccess({ ...options, permission: 'members:manage', trx, lock: true });
      const organisationId = access.organisation.id;
      const target = await repo.findMembership(trx, organisationId, options.userId);
      if (!target) throw AppError.notFound('Member');
      if (target.role === options.role) return target;
      if ((target.role === 'owner' || options.role === 'owner') && !actsAsOwner(access)) {
        throw new AppError('forbidden', 'Only owners can grant or change the owner role');
      }
      if (target.role === 'owner' && (await repo.countOwners(trx, organisationId)) <= 1) {
        throw lastOwner('demote');
      }
      const updated = await repo.updateMembershipRole(
        trx,
        organisationId,
        options.userId,
        options.role,
        clock.now(),
      );
      await audit.record(trx, {
        type: 'membership.role_changed',
        actor: options.actor,
        organisationId,
        subject: { type: 'user', id: options.userId },
        data: { userId: options.userId, from: target.role, to: options.role },
      });
      return updated;
    });
  }

  /** Removes a member; every member may leave (remove themselves) unless they are the last owner. */
  async function removeMember(options: { actor: Actor; slug: string; userId: string }): Promise<void> {
    const { actor } = options;
    await deps.db.transaction().execute(async (trx) => {
      const access = await resolveAccess(actor, options.slug, trx, true);
      const isSelf = actor.kind === 'user' && actor.userId === options.userId && access.role !== null;
      if (!isSelf) assertPermission(actor, access, 'members:manage');
      const organisationId = access.organisation.id;
      const target = await repo.findMembership(trx, organisationId, options.userId);
      if (!target) throw AppError.notFound('Member');
      if (target.role === 'owner' && !isSelf && !actsAsOwner(access)) {
        throw new AppError('forbidden', 'Only owners can remove an owner');
      }
      if (target.role === 'owner' && (await repo.countOwners(trx, organisationId)) <= 1) {
        throw lastOwner(isSelf ? 'leave' : 'remove');
      }
      await repo.deleteMembership(trx, organisationId, options.userId);
      await audit.record(trx, {
        type: 'membership.removed',
        actor,
        organisationId,
        subject: { type: 'user', id: options.userId },
        data: { userId: options.userId, role: target.role },
      });
    });
  }

  /**
   * Invites an e-mail address and mails the link in the same transaction. Re-inviting an address with a
   * pending invitation replaces it (the old link stops working). Only owners invite owners.
   */
  async function createInvitation(options: {
    actor: Actor;
    slug: string;
    email: string;
    role: MembershipRole;
  }): Promise<{ invitation: InvitationRow; token: string }> {
    const { actor } = options;
    return deps.db.transaction().execute(async (trx) => {
      const access = await requireAccess({ ...options, permission: 'invitations:manage', trx, lock: true });
      const email = checkEmail(options.email);
      if (actor.kind !== 'user') {
        throw new AppError('forbidden', 'Invitations are sent by a signed-in user', {
          detail: 'Invitations are sent by a signed-in user; add members directly from the command line',
        });
      }
      if (options.role === 'owner' && !actsAsOwner(access)) {
        throw new AppError('forbidden', 'Only owners can invite owners');
      }
      const organisation = access.organisation;
      const invitee = await accounts.findUserByEmail(email, trx);
      if (invitee && (await repo.findMembership(trx, organisation.id, invitee.id))) {
        throw new AppError('conflict', 'This person is already a member of the organisation');
      }
      const now = clock.now();
      for (const previous of await repo.findPendingInvitationsFor(trx, organisation.id, email, now)) {
        await repo.revokeInvitation(trx, previous.id, now);
        await audit.record(trx, {
          type: 'invitation.revoked',
          actor,
          organisationId: organisation.id,
          subject: { type: 'invitation', id: previous.id },
          data: {},
        });
      }
      const token = randomToken();
      const invitation = await repo.insertInvitation(trx, {
        id: ids(),
        organisation_id: organisation.id,
        email,
        role: options.role,
        token_hash: sha256Hex(token),
        invited_by: actor.userId,
        created_at: now,
        expires_at: new Date(now.getTime() + INVITATION_TTL_MS),
      });
      const inviter = await accounts.findUserById(actor.userId, trx);
      await mail.enqueue(
        trx,
        invitationMail({
          baseUrl,
          email,
          organisationName: organisation.name,
          inviterName: inviter?.name ?? 'Someone',
          role: options.role,
          token,
          validDays: INVITATION_TTL_DAYS,
        }),
      );
      await audit.record(trx, {
        type: 'invitation.created',
        actor,
        organisationId: organisation.id,
        subject: { type: 'invitation', id: invitation.id },
        data: { role: options.role },
      });
      return { invitation, token };
    });
  }

  async function listInvitations(options: { actor: Actor; slug: string }): Promise<InvitationRow[]> {
    const access = await requireAccess({ ...options, permission: 'invitations:manage' });
    return repo.listInvitations(deps.db, access.organisation.id);
  }

  async function revokeInvitation(options: {
    actor: Actor;
    slug: string;
    invitationId: string;
  }): Promise<InvitationRow> {
    return deps.db.transaction().execute(async (trx) => {
      const access = await requireAccess({ ...options, permission: 'invitations:manage', trx, lock: true });
      const invitation = await repo.findInvitation(trx, access.organisation.id, options.invitationId);
      if (!invitation) throw AppError.notFound('Invitation');
      const now = clock.now();
      const status = invitationStatus(invitation, now);
      if (status !== 'pending') {
        throw new AppError('invalid_state', `This invitation is already ${status}`);
      }
      if (!(await repo.revokeInvitation(trx, invitation.id, now))) {
        throw new AppError('invalid_state', 'This invitation is no longer pending');
      }
      await audit.record(trx, {
        type: 'invitation.revoked',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'invitation', id: invitation.id },
        data: {},
      });
      return { ...invitation, revoked_at: now };
    });
  }

  /**
   * Joins the organisation with a mailed invitation token. The signed-in user's verified e-mail address
   * must be the one invited, so a forwarded or leaked link is useless to anyone else.
   */
  async function acceptInvitation(options: {
    actor: Actor;
    token: string;
  }): Promise<MembershipRow & { organisation: OrganisationRow }> {
    const { actor } = options;
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to accept an invitation');
    return deps.db.transaction().execute(async (trx) => {
      const now = clock.now();
      const invitation =
        options.token.length <= 200
          ? await repo.findInvitationByHash(trx, sha256Hex(options.token))
          : undefined;
      if (!invitation || invitationStatus(invitation, now) !== 'pending') {
        throw new AppError('token_invalid', 'This invitation is invalid or has expired', {
          detail: 'The invitation is unknown, already used, revoked or expired. Ask for a new one.',
        });
      }
      const user = await accounts.findUserById(actor.userId, trx);
      if (!user) throw new AppError('unauthenticated', 'Your account no longer exists');
      if (user.email !== invitation.email) {
        throw new AppError('forbidden', 'This invitation is for a different e-mail address', {
          detail:
            'This invitation was sent to a different e-mail address than the one you are signed in with. ' +
            'Sign in with the invited address (or create an account with it) and open the link again.',
        });
      }
      if (!user.email_verified_at) {
        throw new AppError('email_not_verified', 'Verify your e-mail address first', {
          detail: 'Verify your e-mail address, then open the invitation link again',
        });
      }
      const organisationId = invitation.organisation_id;
      await repo.lockById(trx, organisationId);
      const organisation = await repo.findById(trx, organisationId);
      if (!organisation) throw AppError.notFound('Organisation');
      if (await repo.findMembership(trx, organisationId, user.id)) {
        throw new AppError('conflict', 'You are already a member of this organisation');
      }
      if (!(await repo.markInvitationAccepted(trx, invitation.id, user.id, now))) {
        throw new AppError('token_invalid', 'This invitation has already been used');
      }
      const membership = await repo.insertMembership(trx, {
        organisation_id: organisationId,
        user_id: user.id,
        role: invitation.role,
        created_at: now,
        updated_at: now,
      });
      await audit.record(trx, {
        type: 'invitation.accepted',
        actor,
        organisationId,
        subject: { type: 'invitation', id: invitation.id },
        data: { userId: user.id, role: invitation.role },
      });
      await audit.record(trx, {
        type: 'membership.added',
        actor,
        organisationId,
        subject: { type: 'user', id: user.id },
        data: { userId: user.id, role: invitation.role },
      });
      return { ...membership, organisation };
    });
  }

  return {
    requireAccess,
    createOrganisation,
    getOrganisation,
    listMyOrganisations,
    listAllOrganisations,
    updateOrganisation,
    addMember,
    listMembers,
    changeMemberRole,
    removeMember,
    createInvitation,
    listInvitations,
    revokeInvitation,
    acceptInvitation,
    /** For other modules and the CLI: look an organisation up by slug (no policy: callers apply their own). */
    findOrganisationBySlug: (slug: string, trx: Db = deps.db) => repo.findBySlug(trx, slug),
    /** For other modules: look an organisation up by id (no policy). */
    findOrganisationById: (id: string, trx: Db = deps.db) => repo.findById(trx, id),
  };
}

function slugTaken(slug: string): AppError {
  return new AppError('conflict', `The slug "${slug}" is already taken`, {
    detail: `The slug "${slug}" is already taken; choose another`,
  });
}

function lastOwner(action: 'demote' | 'remove' | 'leave'): AppError {
  const what = { demote: 'demote', remove: 'remove', leave: 'leave as' }[action];
  return new AppError('invalid_state', `You cannot ${what} the last owner`, {
    detail:
      action === 'leave'
        ? 'You are the last owner: make someone else an owner before you leave'
        : `An organisation needs at least one owner; you cannot ${what} the last owner. Make someone else an owner first.`,
  });
}

export type OrganisationsService = ReturnType<typeof createOrganisationsService>;
