import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Actor, TokenActor } from '../../core/actor.ts';
import type { Clock } from '../../core/clock.ts';
import { AppError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { isTokenScope, unknownScopes } from '../../core/scopes.ts';
import { randomToken, sha256Hex } from '../../core/secrets.ts';
import type { Db } from '../../db/database.ts';
import type { ApiTokenRow } from '../../db/schema.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Permission } from '../organisations/organisations.policy.ts';
import type { OrganisationsService } from '../organisations/organisations.service.ts';
import { createTokensRepository } from './tokens.repository.ts';

export interface TokensServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  organisations: OrganisationsService;
}

/**
 * `cst_<id>_<secret>`: the `cst_<id>` prefix is stored in clear so a token can be found (and recognised by
 * secret scanners) without being usable; the whole token is stored only as a SHA-256 hash. A 256-bit random
 * secret needs no slow hash: there is nothing to brute-force.
 */
export const TOKEN_PATTERN = /^(cst_[a-z0-9]{12})_[A-Za-z0-9_-]{43}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** last_used_at is written at most this often per token, so reads do not turn into writes on every request. */
export const TOUCH_INTERVAL_MS = 60_000;
const MAX_NAME_LENGTH = 100;

export type ApiTokenStatus = 'active' | 'revoked' | 'expired';

export function tokenStatus(token: ApiTokenRow, now: Date): ApiTokenStatus {
  if (token.revoked_at) return 'revoked';
  if (token.expires_at && token.expires_at.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function newTokenId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

function unauthenticated(message: string, detail?: string): AppError {
  return new AppError('unauthenticated', message, { detail });
}

/**
 * API tokens for integrations: scoped to one organisation, hashed at rest, optionally expiring, revocable.
 * Management needs `tokens:manage`, which is never a token scope, so a token cannot mint or revoke tokens,
 * and a token never gets a scope its creator's role does not hold.
 */
export function createTokensService(deps: TokensServiceDeps) {
  const repo = createTokensRepository();
  const { clock, ids, audit, organisations } = deps;

  async function createToken(options: {
    actor: Actor;
    slug: string;
    name: string;
    scopes: string[];
    expiresAt: Date | null;
  }): Promise<{ token: string; record: ApiTokenRow }> {
    return deps.db.transaction().execute(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'tokens:manage',
        trx,
        lock: true,
      });
      const name = options.name.trim();
      if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
        throw AppError.validation(`The name must be 1 to ${MAX_NAME_LENGTH} characters`, [
          { in: 'body', pointer: '/name', message: `must be 1 to ${MAX_NAME_LENGTH} characters` },
        ]);
      }
      const scopes = [...new Set(options.scopes)];
      if (scopes.length === 0) {
        throw AppError.validation('Give the token at least one scope', [
          { in: 'body', pointer: '/scopes', message: 'must not be empty' },
        ]);
      }
      const unknown = unknownScopes(scopes);
      if (unknown.length > 0) {
        throw AppError.validation(`Unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, [
          { in: 'body', pointer: '/scopes', message: `unknown: ${unknown.join(', ')}` },
        ]);
      }
      // No escalation: a token may only carry what its creator may do.
      const beyond = scopes.filter((scope) => !access.permissions.has(scope as Permission));
      if (beyond.length > 0) {
        throw new AppError('forbidden', 'You cannot grant scopes your role does not have', {
          detail: `Your role does not allow granting: ${beyond.join(', ')}`,
        });
      }
      const now = clock.now();
      if (options.expiresAt && options.expiresAt.getTime() <= now.getTime()) {
        throw AppError.validation('The expiry must be in the future', [
          { in: 'body', pointer: '/expiresAt', message: 'must be in the future' },
        ]);
      }
      const prefix = `cst_${newTokenId()}`;
      const token = `${prefix}_${randomToken(32)}`;
      const record = await repo.insert(trx, {
        id: ids(),
        organisation_id: access.organisation.id,
        created_by: options.actor.kind === 'user' ? options.actor.userId : null,
        name,
        prefix,
        secret_hash: sha256Hex(token),
        scopes,
        created_at: now,
        expires_at: options.expiresAt,
      });
      await audit.record(trx, {
        type: 'api_token.created',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'api_token', id: record.id },
        data: { name, scopes, expiresAt: options.expiresAt?.toISOString() ?? null },
      });
      return { token, record };
    });
  }

  /** Every token of the organisation, revoked and expired ones included, newest first. */
  async function listTokens(options: { actor: Actor; slug: string }): Promise<ApiTokenRow[]> {
    const access = await organisations.requireAccess({ ...options, permission: 'tokens:manage' });
    return repo.listForOrganisation(deps.db, access.organisation.id);
  }

  async function revokeToken(options: { actor: Actor; slug: string; tokenId: string }): Promise<ApiTokenRow> {
    return deps.db.transaction().execute(async (trx) => {
      const access = await organisations.requireAccess({
        actor: options.actor,
        slug: options.slug,
        permission: 'tokens:manage',
        trx,
        lock: true,
      });
      const existing = await repo.findInOrganisation(trx, access.organisation.id, options.tokenId);
      if (!existing) throw AppError.notFound('API token');
      const revoked = await repo.revoke(trx, existing.id, clock.now());
      if (!revoked) throw new AppError('invalid_state', 'This API token is already revoked');
      await audit.record(trx, {
        type: 'api_token.revoked',
        actor: options.actor,
        organisationId: access.organisation.id,
        subject: { type: 'api_token', id: existing.id },
        data: {},
      });
      return revoked;
    });
  }

  /**
   * Resolves a Bearer token into a token actor, or throws `unauthenticated`. Unknown prefixes and wrong
   * secrets get the same answer, so the response does not confirm which prefixes exist.
   */
  async function authenticate(options: { token: string }): Promise<TokenActor> {
    const match = options.token.length <= 200 ? TOKEN_PATTERN.exec(options.token) : null;
    if (!match) {
      throw unauthenticated(
        'Malformed API token',
        'The API token is malformed: Credstack tokens look like cst_<12 characters>_<43 characters>',
      );
    }
    const row = await repo.findByPrefix(deps.db, match[1]!);
    const presented = Buffer.from(sha256Hex(options.token), 'hex');
    const stored = row ? Buffer.from(row.secret_hash, 'hex') : undefined;
    const matches =
      stored !== undefined && stored.length === presented.length && timingSafeEqual(presented, stored);
    if (!row || !matches) throw unauthenticated('Invalid API token', 'The API token is not valid');
    const now = clock.now();
    if (row.revoked_at) throw unauthenticated('Revoked API token', 'This API token has been revoked');
    if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
      throw unauthenticated('Expired API token', 'This API token has expired');
    }
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() >= TOUCH_INTERVAL_MS) {
      await repo.touch(deps.db, row.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS + 1));
    }
    return {
      kind: 'token',
      tokenId: row.id,
      organisationId: row.organisation_id,
      // A scope retired from the registry stops working rather than meaning something new later.
      scopes: row.scopes.filter(isTokenScope),
      createdBy: row.created_by,
    };
  }

  return { createToken, listTokens, revokeToken, authenticate };
}

export type TokensService = ReturnType<typeof createTokensService>;
