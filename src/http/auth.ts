import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor, UserActor } from '../core/actor.ts';
import { AppError } from '../core/errors.ts';
import type { AppDeps } from '../deps.ts';

export const SESSION_COOKIE = 'cs_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** How the caller authenticated; CSRF applies to `cookie` only. */
    authMethod: 'cookie' | 'bearer' | null;
    csrfToken: string | null;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the actor of every request: a Bearer API token (invalid → 401) or the session cookie (stale →
 * anonymous, cookie cleared). Cookie-authenticated writes must echo the session's CSRF token in
 * `X-CSRF-Token` (synchroniser token), and cross-origin browser writes are refused outright.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { deps: AppDeps }) => {
  const { deps } = opts;
  const allowedOrigins = new Set([deps.config.publicUrl.origin, ...deps.config.corsOrigins]);
  app.decorateRequest('actor', null as never);
  app.decorateRequest('authMethod', null);
  app.decorateRequest('csrfToken', null);

  app.addHook('onRequest', async (request, reply) => {
    request.actor = { kind: 'anonymous' };
    // Anonymous-by-design routes (e-mail link pages posting plain forms) ignore any session, so a signed-in
    // browser can use them without a CSRF header, and they can never act with the session's authority.
    const sessionless =
      (request.routeOptions.config as { sessionless?: boolean } | undefined)?.sessionless === true;
    const authorization = request.headers.authorization;
    if (authorization !== undefined && !sessionless) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>"');
      request.actor = await deps.services.tokens.authenticate({ token: match[1]! });
      request.authMethod = 'bearer';
      return;
    }
    const cookie = sessionless ? undefined : request.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await deps.services.accounts.authenticateSession({ token: cookie });
      if (session) {
        request.actor = session.actor;
        request.csrfToken = session.csrfToken;
        request.authMethod = 'cookie';
      } else {
        clearSessionCookie(reply, deps);
      }
    }
    if (UNSAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      if (origin !== undefined && origin !== 'null' && !allowedOrigins.has(origin)) {
        throw new AppError('csrf_failed', 'Cross-origin request refused', {
          detail: `Requests from origin ${origin} are not allowed`,
        });
      }
      if (request.authMethod === 'cookie') {
        const sent = request.headers[CSRF_HEADER];
        if (typeof sent !== 'string' || sent !== request.csrfToken) {
          throw new AppError('csrf_failed', 'CSRF token missing or wrong', {
            detail: `Cookie-authenticated writes must send the session's CSRF token in the ${CSRF_HEADER} header`,
          });
        }
      }
    }
  });
});

export function setSessionCookie(reply: FastifyReply, deps: AppDeps, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, deps: AppDeps): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.secureCookies,
  });
}

/** The signed-in user, or 401. API tokens are not users. */
export function requireUser(request: FastifyRequest): UserActor {
  if (request.actor.kind !== 'user') throw new AppError('unauthenticated', 'Sign in to do this');
  return request.actor;
}

/** A signed-in user or an API token, or 401. */
export function requireAuthenticated(
  request: FastifyRequest,
): Exclude<Actor, { kind: 'anonymous' | 'system' }> {
  if (request.actor.kind === 'user' || request.actor.kind === 'token') return request.actor;
  throw new AppError('unauthenticated', 'Authentication required: sign in or send an API token');
}
