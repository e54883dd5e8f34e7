import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import type { TestContext } from './app.ts';

export const DEFAULT_PASSWORD = 'correct horse battery staple';

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}@example.test`;
}

/** A signed-in browser: session cookie plus CSRF token, and helpers to send requests as them. */
export interface Session {
  userId: string;
  email: string;
  cookie: string;
  csrfToken: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export async function createUser(
  ctx: TestContext,
  options: {
    email?: string;
    name?: string;
    password?: string;
    verified?: boolean;
    platformAdmin?: boolean;
  } = {},
) {
  const user = await ctx.deps.services.accounts.createUser({
    actor: systemActor('test'),
    email: options.email ?? uniqueEmail(),
    name: options.name ?? 'Test User',
    password: options.password ?? DEFAULT_PASSWORD,
    emailVerified: options.verified ?? true,
    isPlatformAdmin: options.platformAdmin ?? false,
    via: 'cli',
  });
  return user;
}

export async function login(ctx: TestContext, email: string, password = DEFAULT_PASSWORD): Promise<Session> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { user: { id: string }; csrfToken: string };
  const setCookie = response.cookies.find((c) => c.name === 'cs_session');
  if (!setCookie) throw new Error('no session cookie');
  const cookie = `cs_session=${setCookie.value}`;
  return {
    userId: body.user.id,
    email,
    cookie,
    csrfToken: body.csrfToken,
    request: (options) =>
      ctx.app.inject({
        ...options,
        headers: { cookie, 'x-csrf-token': body.csrfToken, ...(options.headers ?? {}) },
      }),
  };
}

/** Creates a verified user and signs them in. */
export async function signedInUser(
  ctx: TestContext,
  options: { email?: string; name?: string; verified?: boolean; platformAdmin?: boolean } = {},
): Promise<Session> {
  const user = await createUser(ctx, options);
  return login(ctx, user.email);
}

/** The most recent mail to an address, and the token in its link. */
export function lastMailTo(ctx: TestContext, email: string) {
  const message = [...ctx.mail.sent].reverse().find((m) => m.to === email);
  if (!message) return undefined;
  const token = /token=([A-Za-z0-9_%-]+)/.exec(message.text)?.[1];
  return { message, token: token ? decodeURIComponent(token) : undefined };
}
