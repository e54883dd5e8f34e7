import type { Actor, UserActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import {
  dummyPasswordHash,
  hashPassword,
  randomToken,
  sha256Hex,
  verifyPassword,
} from '../../core/secrets.ts';
import type { Db } from '../../db/database.ts';
import type { OneTimeTokenPurpose, UserRow } from '../../db/schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { MailService } from '../mail/mail.service.ts';
import { passwordResetMail, verificationMail } from './accounts.mail.ts';
import { createAccountsRepository } from './accounts.repository.ts';

export interface AccountsServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  audit: AuditService;
  mail: MailService;
}

const VERIFICATION_TTL_MS = 48 * 3_600_000;
const RESET_TTL_MS = 3_600_000;
/** last_seen_at is refreshed at most this often, so reads do not turn into writes on every request. */
const TOUCH_INTERVAL_MS = 60_000;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** PostgreSQL's SQLSTATE for a unique index violation. */
const UNIQUE_VIOLATION = '23505';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(email: string): string {
  const normalised = normaliseEmail(email);
  if (normalised.length > 254 || !EMAIL_PATTERN.test(normalised)) {
    throw AppError.validation('The e-mail address is not valid', [
      { in: 'body', pointer: '/email', message: 'is not a valid e-mail address' },
    ]);
  }
  return normalised;
}

export function checkPassword(password: string, email: string | undefined, pointer = '/password'): void {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH)
    problems.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH)
    problems.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (email && password.toLowerCase() === email.toLowerCase())
    problems.push('must not be your e-mail address');
  if (password.trim().length === 0 && password.length > 0) problems.push('must not be only spaces');
  if (problems.length > 0) {
    throw AppError.validation(`The password ${problems.join(' and ')}`, [
      { in: 'body', pointer, message: problems.join('; ') },
    ]);
  }
}

/**
 * Accounts: users, password login with throttling, cookie sessions with CSRF tokens, e-mail verification,
 * password reset and platform administration. Other modules reach users only through this service.
 */
export function createAccountsService(deps: AccountsServiceDeps) {
  const repo = createAccountsRepository(deps.db);
  const { clock, ids, config, audit, mail } = deps;
  const baseUrl = config.publicUrl.href.replace(/\/$/, '');

  async function issueOneTimeToken(trx: Db, userId: string, purpose: OneTimeTokenPurpose, ttlMs: number) {
    const token = randomToken();
    const now = clock.now();
    // A new link replaces any older unused one for the same purpose.
    await repo.expireOneTimeTokens(trx, userId, purpose, now);
    await repo.insertOneTimeToken(trx, {
      id: ids(),
      purpose,
      token_hash: sha256Hex(token),
      user_id: userId,
      created_at: now,
      expires_at: new Date(now.getTime() + ttlMs),
    });
    return token;
  }

  async function consumeOneTimeToken(trx: Db, token: string, purpose: OneTimeTokenPurpose) {
    const row = await repo.findOneTimeToken(trx, sha256Hex(token), purpose);
    if (!row || row.used_at !== null || row.expires_at.getTime() <= clock.now().getTime()) {
      throw new AppError('token_invalid', 'This link is invalid or has expired', {
        detail: 'The link is unknown, already used or expired. Ask for a new one.',
      });
    }
    const used = await repo.markOneTimeTokenUsed(trx, row.id, clock.now());
    if (!used) throw new AppError('token_invalid', 'This link has already been used');
    return row;
  }

  async function sendVerification(trx: Db, user: UserRow) {
    const token = await issueOneTimeToken(trx, user.id, 'email_verification', VERIFICATION_TTL_MS);
    await mail.enqueue(trx, verificationMail({ baseUrl, name: user.name, email: user.email, token }));
  }

  /** Creates a user. Used by sign-up, the CLI, seeding and invitations; the caller's `via` is audited. */
  async function createUser(options: {
    actor: Actor;
    email: string;
    name: string;
    password: string;
    emailVerified?: boolean;
    isPlatformAdmin?: boolean;
    via: 'signup' | 'cli' | 'admin' | 'seed' | 'invitation';
    trx?: Db;
  }): Promise<UserRow> {
    const email = checkEmail(options.email);
    const name = options.name.trim();
    if (name.length === 0 || name.length > 200) {
      throw AppError.validation('The name must be 1 to 200 characters', [
        { in: 'body', pointer: '/name', message: 'must be 1 to 200 characters' },
      ]);
    }
    checkPassword(options.password, email);
    const passwordHash = await hashPassword(options.password, deps.config.passwordHashCost);
    const taken = () =>
      new AppError('conflict', 'An account with this e-mail address already exists', {
        detail: 'An account with this e-mail address already exists. Sign in or reset the password.',
      });
    const run = async (trx: Db) => {
      if (await repo.findUserByEmail(trx, email)) throw taken();
      const now = clock.now();
      const user = await repo
        .insertUser(trx, {
          id: ids(),
          email,
          name,
          password_hash: passwordHash,
          email_verified_at: options.emailVerified ? now : null,
          is_platform_admin: options.isPlatformAdmin ?? false,
          disabled_at: null,
          created_at: now,
          updated_at: now,
        })
        .catch((error: unknown) => {
          // Two sign-ups racing past the check above: the unique index decides, and the loser gets a 409.
          if ((error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION) throw taken();
          throw error;
        });
      await audit.record(trx, {
        type: 'user.created',
        actor:
          options.actor.kind === 'anonymous'
            ? { kind: 'user', userId: user.id, isPlatformAdmin: false, emailVerified: false, sessionId: null }
            : options.actor,
        subject: { type: 'user', id: user.id },
        data: { via: options.via },
      });
      if (!options.emailVerified) await sendVerification(trx, user);
      return user;
    };
    return options.trx ? run(options.trx) : deps.db.transaction().execute(run);
  }

  async function signup(options: { actor: Actor; email: string; name: string; password: string }) {
    return createUser({ ...options, via: 'signup' });
  }

  async function verifyEmail(options: { actor: Actor; token: string }): Promise<UserRow> {
    return deps.db.transaction().execute(async (trx) => {
      const row = await consumeOneTimeToken(trx, options.token, 'email_verification');
      const user = await repo.findUserById(trx, row.user_id);
      if (!user) throw new AppError('token_invalid', 'This link is invalid or has expired');
      if (user.email_verified_at) return user;
      const updated = await repo.updateUser(trx, user.id, {
        email_verified_at: clock.now(),
        updated_at: clock.now(),
      });
      await audit.record(trx, {
        type: 'user.email_verified',
        actor: options.actor.kind === 'anonymous' ? userActorOf(user, null) : options.actor,
        subject: { type: 'user', id: user.id },
        data: {},
      });
      return updated;
    });
  }

  async function resendVerification(options: { actor: UserActor }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const user = await requireUserRow(trx, options.actor.userId);
      if (user.email_verified_at)
        throw new AppError('invalid_state', 'Your e-mail address is already verified');
      await sendVerification(trx, user);
    });
  }

  async function throttleState(keys: string[]) {
    const now = clock.now().getTime();
    const rows = await repo.findThrottle(deps.db, keys);
    let lockedUntil = 0;
    for (const row of rows) {
      if (row.locked_until && row.locked_until.getTime() > now)
        lockedUntil = Math.max(lockedUntil, row.locked_until.getTime());
    }
    return lockedUntil > now ? lockedUntil : null;
  }

  async function recordFailure(
    trx: Db,
    key: string,
    max: number,
  ): Promise<{ failures: number; lockedUntil: Date | null }> {
    const now = clock.now();
    const existing = await repo.findThrottleForUpdate(trx, key);
    const inWindow = existing && now.getTime() - existing.window_started_at.getTime() < config.login.windowMs;
    const failures = inWindow ? existing.failures + 1 : 1;
    const lockedUntil = failures >= max ? new Date(now.getTime() + config.login.lockMs) : null;
    await repo.upsertThrottle(trx, {
      key,
      failures: lockedUntil ? 0 : failures,
      window_started_at: inWindow ? existing.window_started_at : now,
      locked_until: lockedUntil,
    });
    return { failures, lockedUntil };
  }

  /**
   * Password login. Failures are counted per e-mail address and per client address; past the limit the
   * pair is locked for a while and further attempts answer 429 without checking the password.
   */
  async function login(options: {
    actor: Actor;
    email: string;
    password: string;
    ip: string | null;
    userAgent: string | null;
  }) {
    const email = normaliseEmail(options.email);
    const emailKey = `email:${sha256Hex(email)}`;
    const ipKey = options.ip ? `ip:${options.ip}` : null;
    const keys = ipKey ? [emailKey, ipKey] : [emailKey];
    const lockedUntil = await throttleState(keys);
    if (lockedUntil) {
      throw new AppError('rate_limited', 'Too many failed sign-in attempts', {
        detail:
          'Too many failed sign-in attempts for this account or address. Try again later or reset your password.',
        retryAfterSeconds: (lockedUntil - clock.now().getTime()) / 1000,
      });
    }
    const user = await repo.findUserByEmail(deps.db, email);
    const passwordOk = await verifyPassword(
      options.password,
      user?.password_hash ?? (await dummyPasswordHash(deps.config.passwordHashCost)),
    );
    if (!user || !passwordOk || user.disabled_at) {
      await deps.db.transaction().execute(async (trx) => {
        const byEmail = await recordFailure(trx, emailKey, config.login.maxFailures);
        if (ipKey) await recordFailure(trx, ipKey, config.login.maxFailures * 4);
        if (user) {
          await audit.record(trx, {
            type: 'user.login_failed',
            actor: { kind: 'anonymous' },
            subject: { type: 'user', id: user.id },
            data: { reason: !passwordOk ? 'bad_password' : 'disabled' },
          });
          if (byEmail.lockedUntil) {
            await audit.record(trx, {
              type: 'user.login_locked',
              actor: { kind: 'anonymous' },
              subject: { type: 'user', id: user.id },
              data: { failures: byEmail.failures, lockedUntil: byEmail.lockedUntil.toISOString() },
            });
          }
        }
      });
      throw new AppError('invalid_credentials', 'Wrong e-mail address or password');
    }
    return deps.db.transaction().execute(async (trx) => {
      await repo.deleteThrottle(trx, emailKey);
      const now = clock.now();
      const sessionToken = randomToken();
      const csrfToken = randomToken();
      const expiresAt = new Date(now.getTime() + config.sessionTtlMs);
      const sessionId = ids();
      await repo.insertSession(trx, {
        id: sessionId,
        token_hash: sha256Hex(sessionToken),
        user_id: user.id,
        csrf_token: csrfToken,
        ip: options.ip,
        user_agent: options.userAgent?.slice(0, 500) ?? null,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
      });
      const actor = userActorOf(user, sessionId);
      await audit.record(trx, {
        type: 'user.login_succeeded',
        actor,
        subject: { type: 'user', id: user.id },
        data: {},
      });
      await audit.record(trx, {
        type: 'session.created',
        actor,
        subject: { type: 'session', id: sessionId },
        data: {},
      });
      return { user, sessionToken, csrfToken, expiresAt, sessionId };
    });
  }

  /** Resolves a session cookie into an actor; `null` when unknown, revoked, expired or the user is disabled. */
  async function authenticateSession(options: {
    token: string;
  }): Promise<{ actor: UserActor; csrfToken: string } | null> {
    if (options.token.length > 200) return null;
    const found = await repo.findSessionWithUser(deps.db, sha256Hex(options.token));
    const now = clock.now();
    if (!found || found.revoked_at || found.expires_at.getTime() <= now.getTime() || found.disabled_at)
      return null;
    if (now.getTime() - found.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
      await repo.touchSession(deps.db, found.session_id, now);
    }
    return {
      actor: {
        kind: 'user',
        userId: found.user_id,
        isPlatformAdmin: found.is_platform_admin,
        emailVerified: found.email_verified_at !== null,
        sessionId: found.session_id,
      },
      csrfToken: found.csrf_token,
    };
  }

  async function logout(options: { actor: UserActor }): Promise<void> {
    if (!options.actor.sessionId) return;
    const sessionId = options.actor.sessionId;
    await deps.db.transaction().execute(async (trx) => {
      const revoked = await repo.revokeSession(trx, sessionId, options.actor.userId, clock.now());
      if (revoked) {
        await audit.record(trx, {
          type: 'session.revoked',
          actor: options.actor,
          subject: { type: 'session', id: sessionId },
          data: { reason: 'logout' },
        });
      }
    });
  }

  async function listSessions(options: { actor: UserActor }) {
    return repo.listActiveSessions(deps.db, options.actor.userId, clock.now());
  }

  async function revokeSession(options: { actor: UserActor; sessionId: string }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const revoked = await repo.revokeSession(trx, options.sessionId, options.actor.userId, clock.now());
      if (!revoked) throw AppError.notFound('Session');
      await audit.record(trx, {
        type: 'session.revoked',
        actor: options.actor,
        subject: { type: 'session', id: options.sessionId },
        data: { reason: 'user_request' },
      });
    });
  }

  /** Always succeeds from the caller's view, so it does not reveal which addresses have accounts. */
  async function requestPasswordReset(options: { actor: Actor; email: string }): Promise<void> {
    const email = normaliseEmail(options.email);
    await deps.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByEmail(trx, email);
      if (!user || user.disabled_at) return;
      const token = await issueOneTimeToken(trx, user.id, 'password_reset', RESET_TTL_MS);
      await mail.enqueue(trx, passwordResetMail({ baseUrl, name: user.name, email: user.email, token }));
      await audit.record(trx, {
        type: 'user.password_reset_requested',
        actor: options.actor,
        subject: { type: 'user', id: user.id },
        data: {},
      });
    });
  }

  /** Sets a new password from a reset link, ends every session and clears the sign-in lock. */
  async function resetPassword(options: { actor: Actor; token: string; password: string }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const row = await consumeOneTimeToken(trx, options.token, 'password_reset');
      const user = await requireUserRow(trx, row.user_id);
      checkPassword(options.password, user.email);
      const now = clock.now();
      await repo.updateUser(trx, user.id, {
        password_hash: await hashPassword(options.password, deps.config.passwordHashCost),
        // Receiving the reset mail proves the address, too.
        email_verified_at: user.email_verified_at ?? now,
        updated_at: now,
      });
      const actor = userActorOf(user, null);
      await revokeAllSessions(trx, user.id, null, actor, 'password_changed');
      await repo.deleteThrottle(trx, `email:${sha256Hex(user.email)}`);
      await audit.record(trx, {
        type: 'user.password_changed',
        actor,
        subject: { type: 'user', id: user.id },
        data: { via: 'reset' },
      });
    });
  }

  async function changePassword(options: {
    actor: UserActor;
    currentPassword: string;
    newPassword: string;
  }): Promise<void> {
    const user = await requireUserRow(deps.db, options.actor.userId);
    if (!(await verifyPassword(options.currentPassword, user.password_hash))) {
      throw new AppError('invalid_credentials', 'The current password is wrong');
    }
    checkPassword(options.newPassword, user.email, '/newPassword');
    const hash = await hashPassword(options.newPassword, deps.config.passwordHashCost);
    await deps.db.transaction().execute(async (trx) => {
      await repo.updateUser(trx, user.id, { password_hash: hash, updated_at: clock.now() });
      // Other devices are signed out; the one that made the change stays signed in.
      await revokeAllSessions(trx, user.id, options.actor.sessionId, options.actor, 'password_changed');
      await audit.record(trx, {
        type: 'user.password_changed',
        actor: options.actor,
        subject: { type: 'user', id: user.id },
        data: { via: 'change' },
      });
    });
  }

  /** Sets a password without the old one: operators only (CLI). */
  async function setPassword(options: { actor: Actor; email: string; password: string }): Promise<void> {
    await deps.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByEmail(trx, normaliseEmail(options.email));
      if (!user) throw AppError.notFound('User');
      checkPassword(options.password, user.email);
      await repo.updateUser(trx, user.id, {
        password_hash: await hashPassword(options.password, deps.config.passwordHashCost),
        updated_at: clock.now(),
      });
      await revokeAllSessions(trx, user.id, null, options.actor, 'password_changed');
      await audit.record(trx, {
        type: 'user.password_changed',
        actor: options.actor,
        subject: { type: 'user', id: user.id },
        data: { via: 'cli' },
      });
    });
  }

  async function revokeAllSessions(
    trx: Db,
    userId: string,
    exceptSessionId: string | null,
    actor: Actor,
    reason: 'password_changed' | 'disabled',
  ) {
    const revoked = await repo.revokeUserSessions(trx, userId, exceptSessionId, clock.now());
    for (const sessionId of revoked) {
      await audit.record(trx, {
        type: 'session.revoked',
        actor,
        subject: { type: 'session', id: sessionId },
        data: { reason },
      });
    }
  }

  async function updateProfile(options: { actor: UserActor; name?: string }): Promise<UserRow> {
    return deps.db.transaction().execute(async (trx) => {
      const user = await requireUserRow(trx, options.actor.userId);
      const fields: string[] = [];
      const update: { name?: string; updated_at: Date } = { updated_at: clock.now() };
      if (options.name !== undefined && options.name.trim() !== user.name) {
        const name = options.name.trim();
        if (name.length === 0 || name.length > 200) {
          throw AppError.validation('The name must be 1 to 200 characters', [
            { in: 'body', pointer: '/name', message: 'must be 1 to 200 characters' },
          ]);
        }
        update.name = name;
        fields.push('name');
      }
      if (fields.length === 0) return user;
      const updated = await repo.updateUser(trx, user.id, update);
      await audit.record(trx, {
        type: 'user.profile_updated',
        actor: options.actor,
        subject: { type: 'user', id: user.id },
        data: { fields },
      });
      return updated;
    });
  }

  async function getCurrentUser(options: { actor: UserActor }): Promise<UserRow> {
    return requireUserRow(deps.db, options.actor.userId);
  }

  /**
   * For other modules that hand out what was addressed to an e-mail address (credentials to their holder):
   * the signed-in user's address (normalised), but only once they proved they own it — otherwise anyone
   * could sign up with someone else's address and claim what was sent to it. Read from the user row, not
   * the session, so a verification in another tab counts at once.
   */
  async function verifiedEmailOf(options: { actor: Actor; trx?: Db }): Promise<string> {
    const { actor } = options;
    if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to do this');
    const user = await requireUserRow(options.trx ?? deps.db, actor.userId);
    if (!user.email_verified_at) {
      throw new AppError('email_not_verified', 'Verify your e-mail address first', {
        detail: 'This needs a verified e-mail address: open the link we mailed you, or ask for a new one',
      });
    }
    return normaliseEmail(user.email);
  }

  function requirePlatformAdmin(actor: Actor): void {
    // Non-admins are told the admin area does not exist.
    if (actor.kind === 'system') return;
    if (actor.kind !== 'user' || !actor.isPlatformAdmin) throw AppError.notFound('Resource');
  }

  async function listUsers(options: { actor: Actor; query?: string; limit: number; offset: number }) {
    requirePlatformAdmin(options.actor);
    return repo.listUsers(deps.db, options);
  }

  async function adminUpdateUser(options: {
    actor: Actor;
    userId: string;
    isPlatformAdmin?: boolean;
    disabled?: boolean;
  }): Promise<UserRow> {
    requirePlatformAdmin(options.actor);
    return deps.db.transaction().execute(async (trx) => {
      const user = await repo.findUserById(trx, options.userId);
      if (!user) throw AppError.notFound('User');
      const isSelf = options.actor.kind === 'user' && options.actor.userId === user.id;
      if (isSelf && (options.isPlatformAdmin === false || options.disabled === true)) {
        throw new AppError(
          'invalid_state',
          'You cannot remove your own platform administration or disable yourself',
          {
            detail: 'Ask another platform administrator; this keeps at least one administrator able to act.',
          },
        );
      }
      const now = clock.now();
      let updated = user;
      if (options.isPlatformAdmin !== undefined && options.isPlatformAdmin !== user.is_platform_admin) {
        updated = await repo.updateUser(trx, user.id, {
          is_platform_admin: options.isPlatformAdmin,
          updated_at: now,
        });
        await audit.record(trx, {
          type: 'user.platform_admin_changed',
          actor: options.actor,
          subject: { type: 'user', id: user.id },
          data: { isPlatformAdmin: options.isPlatformAdmin },
        });
      }
      if (options.disabled !== undefined && options.disabled !== (user.disabled_at !== null)) {
        updated = await repo.updateUser(trx, user.id, {
          disabled_at: options.disabled ? now : null,
          updated_at: now,
        });
        await audit.record(trx, {
          type: options.disabled ? 'user.disabled' : 'user.enabled',
          actor: options.actor,
          subject: { type: 'user', id: user.id },
          data: {},
        });
        if (options.disabled) await revokeAllSessions(trx, user.id, null, options.actor, 'disabled');
      }
      return updated;
    });
  }

  async function requireUserRow(trx: Db, userId: string): Promise<UserRow> {
    const user = await repo.findUserById(trx, userId);
    if (!user) throw new AppError('unauthenticated', 'Your account no longer exists');
    return user;
  }

  return {
    createUser,
    signup,
    verifyEmail,
    resendVerification,
    login,
    authenticateSession,
    logout,
    listSessions,
    revokeSession,
    requestPasswordReset,
    resetPassword,
    changePassword,
    setPassword,
    updateProfile,
    getCurrentUser,
    verifiedEmailOf,
    listUsers,
    adminUpdateUser,
    /** For other modules: look a user up by id (no policy: callers apply their own). */
    findUserById: (userId: string, trx: Db = deps.db) => repo.findUserById(trx, userId),
    /** For other modules: look a user up by e-mail address (normalised). */
    findUserByEmail: (email: string, trx: Db = deps.db) => repo.findUserByEmail(trx, normaliseEmail(email)),
    findUsersByIds: (userIds: string[], trx: Db = deps.db) => repo.findUsersByIds(trx, userIds),
  };
}

function userActorOf(user: UserRow, sessionId: string | null): UserActor {
  return {
    kind: 'user',
    userId: user.id,
    isPlatformAdmin: user.is_platform_admin,
    emailVerified: user.email_verified_at !== null,
    sessionId,
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
