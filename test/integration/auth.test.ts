import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import {
  createUser,
  DEFAULT_PASSWORD,
  lastMailTo,
  login,
  type Session,
  signedInUser,
  uniqueEmail,
} from '../helpers/factories.ts';

interface UserBody {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  isPlatformAdmin: boolean;
  disabled: boolean;
  createdAt: string;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  requestId: string;
  instance: string;
  errors?: Array<{ in: string; pointer: string; message: string }>;
}

const MAX_FAILURES = 3;
const LOCK_SECONDS = 120;

let ctx: TestContext;
before(async () => {
  ctx = await buildTestApp({
    env: {
      AUTH_RATE_LIMIT_MAX: '100000',
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_LOCK_SECONDS: String(LOCK_SECONDS),
    },
  });
});
after(async () => {
  await ctx.close();
});

let ipCounter = 0;
/** A fresh client address, so failed logins in one test do not lock out the next (the lock is per address too). */
function freshIp(): string {
  ipCounter++;
  return `10.20.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

function post(url: string, payload?: unknown, options: Partial<InjectOptions> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
    ...options,
  });
}

function loginRequest(email: string, password: string, remoteAddress = freshIp()) {
  return post('/api/v1/auth/login', { email, password }, { remoteAddress });
}

function assertProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = json<Problem>(response);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(body.type, `/docs/errors#${code}`);
  return body;
}

function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header : [header];
}

function sessionCookieHeader(response: LightMyRequestResponse): string {
  const cookie = setCookies(response).find((c) => c.startsWith('cs_session='));
  assert.ok(cookie, `no session cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  return cookie;
}

function assertCookieCleared(response: LightMyRequestResponse): void {
  const cookie = sessionCookieHeader(response);
  assert.match(cookie, /^cs_session=;/);
  assert.match(cookie, /Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
}

/** Flushes the outbox and returns the newest mail to `email`. */
async function mailTo(email: string) {
  await ctx.deps.services.mail.flush();
  const found = lastMailTo(ctx, email);
  assert.ok(found, `no mail to ${email}`);
  assert.ok(found.token, 'the mail carries a token');
  return { message: found.message, token: found.token };
}

async function signup(email = uniqueEmail('signup'), password = DEFAULT_PASSWORD, name = 'New Person') {
  const response = await post('/api/v1/auth/signup', { email, name, password });
  assert.equal(response.statusCode, 201, response.body);
  return { email: email.trim().toLowerCase(), user: json<{ user: UserBody }>(response).user };
}

async function isSignedIn(cookie: string): Promise<boolean> {
  const response = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
  if (response.statusCode === 200) return true;
  assertProblem(response, 401, 'unauthenticated');
  return false;
}

describe('sign-up', () => {
  test('creates an unverified account, answers 201 with the public fields only and mails a link', async () => {
    const email = uniqueEmail('Fresh').replace('fresh', 'FRESH');
    const response = await post('/api/v1/auth/signup', {
      email: `  ${email.toUpperCase()}  `,
      name: '  Ada Lovelace ',
      password: DEFAULT_PASSWORD,
    });
    assert.equal(response.statusCode, 201, response.body);
    const { user } = json<{ user: UserBody }>(response);
    assert.deepEqual(Object.keys(user).sort(), [
      'createdAt',
      'disabled',
      'email',
      'emailVerified',
      'id',
      'isPlatformAdmin',
      'name',
    ]);
    assert.equal(user.email, email.toLowerCase());
    assert.equal(user.name, 'Ada Lovelace');
    assert.equal(user.emailVerified, false);
    assert.equal(user.isPlatformAdmin, false);
    assert.equal(user.disabled, false);
    assert.ok(!response.body.includes(DEFAULT_PASSWORD));
    assert.ok(!response.body.includes('scrypt'));
    assert.equal(setCookies(response).length, 0, 'sign-up does not sign in');

    const { message, token } = await mailTo(user.email);
    assert.equal(message.subject, 'Confirm your e-mail address for Credstack');
    assert.ok(message.text.includes(`http://credstack.test/verify-email?token=${token}`));
    assert.ok(message.text.includes('Hello Ada Lovelace'));
  });

  test('a second account with the same address (in any case) is a 409 conflict', async () => {
    const { email } = await signup();
    for (const again of [email, email.toUpperCase(), ` ${email} `]) {
      const response = await post('/api/v1/auth/signup', {
        email: again,
        name: 'Twin',
        password: DEFAULT_PASSWORD,
      });
      const problem = assertProblem(response, 409, 'conflict');
      assert.match(problem.detail, /already exists/);
    }
  });

  test('concurrent sign-ups with one address create one account and 409 the rest', async () => {
    // On PostgreSQL the requests really overlap; losers of the race must get 409, not a 500.
    for (let round = 0; round < 3; round++) {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          post('/api/v1/auth/signup', { email, name: 'Racer', password: DEFAULT_PASSWORD }),
        ),
      );
      const statuses = responses.map((r) => r.statusCode).sort();
      assert.deepEqual(
        statuses,
        [201, 409, 409, 409, 409, 409, 409, 409],
        responses.map((r) => r.body).join('\n'),
      );
    }
  });

  test('a weak password is a 422 pointing at the password', async () => {
    const email = uniqueEmail('weak');
    for (const [password, message] of [
      ['short', /at least 10 characters/],
      [email, /must not be your e-mail address/],
      [' '.repeat(12), /must not be only spaces/],
    ] as const) {
      const response = await post('/api/v1/auth/signup', { email, name: 'Weak', password });
      const problem = assertProblem(response, 422, 'validation_failed');
      assert.equal(problem.errors?.length, 1);
      assert.equal(problem.errors?.[0]?.in, 'body');
      assert.equal(problem.errors?.[0]?.pointer, '/password');
      assert.match(problem.errors?.[0]?.message ?? '', message);
    }
    const tooLong = await post('/api/v1/auth/signup', { email, name: 'Long', password: 'x'.repeat(257) });
    assert.equal(assertProblem(tooLong, 422, 'validation_failed').errors?.[0]?.pointer, '/password');
    assert.equal(await ctx.deps.services.accounts.findUserByEmail(email), undefined);
  });

  test('unknown, missing and mistyped fields are 422 with one pointer each', async () => {
    const unknown = await post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      name: 'Sneaky',
      password: DEFAULT_PASSWORD,
      isPlatformAdmin: true,
    });
    const problem = assertProblem(unknown, 422, 'validation_failed');
    assert.deepEqual(problem.errors, [
      { in: 'body', pointer: '/isPlatformAdmin', message: 'is not a known property' },
    ]);

    const missing = await post('/api/v1/auth/signup', { email: uniqueEmail(), password: DEFAULT_PASSWORD });
    assert.deepEqual(assertProblem(missing, 422, 'validation_failed').errors, [
      { in: 'body', pointer: '/name', message: 'is required' },
    ]);

    const mistyped = await post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      name: 42,
      password: DEFAULT_PASSWORD,
    });
    const typeErrors = assertProblem(mistyped, 422, 'validation_failed').errors ?? [];
    assert.deepEqual(
      typeErrors.map((e) => e.pointer),
      ['/name'],
    );
  });

  test('an invalid e-mail address or blank name is a 422', async () => {
    const badEmail = await post('/api/v1/auth/signup', {
      email: 'not-an-address',
      name: 'X',
      password: DEFAULT_PASSWORD,
    });
    assert.equal(assertProblem(badEmail, 422, 'validation_failed').errors?.[0]?.pointer, '/email');
    const blankName = await post('/api/v1/auth/signup', {
      email: uniqueEmail(),
      name: '   ',
      password: DEFAULT_PASSWORD,
    });
    assert.equal(assertProblem(blankName, 422, 'validation_failed').errors?.[0]?.pointer, '/name');
  });
});

describe('e-mail verification', () => {
  test('the mailed token verifies the address once', async () => {
    const { email } = await signup();
    const { token } = await mailTo(email);
    const response = await post('/api/v1/auth/verify-email', { token });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(json<{ user: UserBody }>(response).user.emailVerified, true);
    const user = await ctx.deps.services.accounts.findUserByEmail(email);
    assert.ok(user?.email_verified_at);

    const reused = await post('/api/v1/auth/verify-email', { token });
    assertProblem(reused, 400, 'token_invalid');
  });

  test('an expired token is refused', async () => {
    const { email } = await signup();
    const { token } = await mailTo(email);
    ctx.clock.advance(48 * 3_600_000 + 1000);
    assertProblem(await post('/api/v1/auth/verify-email', { token }), 400, 'token_invalid');
    const user = await ctx.deps.services.accounts.findUserByEmail(email);
    assert.equal(user?.email_verified_at, null);
  });

  test('unknown tokens are 400 and malformed ones 422', async () => {
    assertProblem(await post('/api/v1/auth/verify-email', { token: 'x'.repeat(43) }), 400, 'token_invalid');
    assertProblem(await post('/api/v1/auth/verify-email', { token: 'short' }), 422, 'validation_failed');
    assertProblem(await post('/api/v1/auth/verify-email', {}), 422, 'validation_failed');
  });

  test('a verification token cannot reset a password', async () => {
    const { email } = await signup();
    const { token } = await mailTo(email);
    assertProblem(
      await post('/api/v1/auth/password/reset', { token, password: 'a brand new password' }),
      400,
      'token_invalid',
    );
  });

  test('resend mails a new link and retires the old one', async () => {
    const { email } = await signup();
    const first = await mailTo(email);
    const session = await login(ctx, email);
    const resend = await session.request({ method: 'POST', url: '/api/v1/auth/verify-email/resend' });
    assert.equal(resend.statusCode, 202, resend.body);
    assert.equal(json(resend).status, 'accepted');
    const second = await mailTo(email);
    assert.notEqual(second.token, first.token);

    assertProblem(await post('/api/v1/auth/verify-email', { token: first.token }), 400, 'token_invalid');
    assert.equal((await post('/api/v1/auth/verify-email', { token: second.token })).statusCode, 200);

    const again = await session.request({ method: 'POST', url: '/api/v1/auth/verify-email/resend' });
    assertProblem(again, 409, 'invalid_state');
  });

  test('resend needs a signed-in user', async () => {
    assertProblem(await post('/api/v1/auth/verify-email/resend'), 401, 'unauthenticated');
  });

  test('the e-mail link page escapes the token and confirms with a plain form post', async () => {
    const page = await ctx.app.inject({
      method: 'GET',
      url: `/verify-email?token=${encodeURIComponent('"><script>x</script>')}`,
    });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.ok(!page.body.includes('<script>x'));
    assert.ok(page.body.includes('&quot;&gt;&lt;script&gt;'));

    const { email } = await signup();
    const { token } = await mailTo(email);
    const confirm = await post('/verify-email', `token=${encodeURIComponent(token)}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.match(confirm.body, /Your e-mail address is confirmed/);
    const reused = await post('/verify-email', `token=${encodeURIComponent(token)}`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(reused.statusCode, 400);
    assert.match(reused.body, /This link does not work/);
  });
});

describe('login', () => {
  test('sets an HttpOnly, SameSite=Lax session cookie for the whole site and returns the CSRF token', async () => {
    const user = await createUser(ctx);
    const response = await loginRequest(` ${user.email.toUpperCase()} `, DEFAULT_PASSWORD);
    assert.equal(response.statusCode, 200, response.body);
    const body = json<{ user: UserBody; csrfToken: string; expiresAt: string }>(response);
    assert.equal(body.user.id, user.id);
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(
      new Date(body.expiresAt).getTime(),
      ctx.clock.now().getTime() + ctx.deps.config.sessionTtlMs,
    );

    const cookie = sessionCookieHeader(response);
    assert.match(cookie, /^cs_session=[A-Za-z0-9_-]{43};/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Lax/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Expires=/);
    assert.doesNotMatch(cookie, /; Secure/);
    assert.ok(!cookie.includes(body.csrfToken), 'the CSRF token is not the cookie');

    const value = /^cs_session=([^;]+)/.exec(cookie)?.[1];
    const me = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `cs_session=${value}` },
    });
    assert.equal(me.statusCode, 200);
    assert.equal(json<UserBody>(me).email, user.email);
  });

  test('the cookie is Secure when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp({ env: { PUBLIC_URL: 'https://credstack.test' } });
    try {
      const user = await createUser(secure);
      const response = await secure.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: DEFAULT_PASSWORD },
      });
      assert.equal(response.statusCode, 200, response.body);
      const cookie = sessionCookieHeader(response);
      assert.match(cookie, /; Secure/);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
    } finally {
      await secure.close();
    }
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    const user = await createUser(ctx);
    const wrong = await loginRequest(user.email, 'not the right password');
    const unknown = await loginRequest(uniqueEmail('nobody'), 'not the right password');
    const a = assertProblem(wrong, 401, 'invalid_credentials');
    const b = assertProblem(unknown, 401, 'invalid_credentials');
    assert.equal(a.title, b.title);
    assert.equal(a.detail, b.detail);
    assert.equal(a.detail, 'Wrong e-mail address or password');
    assert.equal(setCookies(wrong).length, 0);
  });

  test('a malformed login body is a 422', async () => {
    assertProblem(await post('/api/v1/auth/login', { email: 'x@example.test' }), 422, 'validation_failed');
    assertProblem(
      await post('/api/v1/auth/login', { email: 'x@example.test', password: 'p', remember: true }),
      422,
      'validation_failed',
    );
  });

  test('unverified users can sign in; their session says so', async () => {
    const user = await createUser(ctx, { verified: false });
    const session = await login(ctx, user.email);
    const response = await session.request({ method: 'GET', url: '/api/v1/auth/session' });
    assert.equal(response.statusCode, 200);
    const body = json<{ user: UserBody; csrfToken: string }>(response);
    assert.equal(body.user.emailVerified, false);
    assert.equal(body.csrfToken, session.csrfToken);
  });
});

describe('login throttling', () => {
  test(`after ${MAX_FAILURES} failures the account is locked, even for the right password, until the lock passes`, async () => {
    const user = await createUser(ctx);
    for (let i = 1; i <= MAX_FAILURES; i++) {
      assertProblem(await loginRequest(user.email, `wrong password ${i}`), 401, 'invalid_credentials');
    }
    const locked = await loginRequest(user.email, DEFAULT_PASSWORD);
    const problem = assertProblem(locked, 429, 'rate_limited');
    assert.equal(locked.headers['retry-after'], String(LOCK_SECONDS));
    assert.match(problem.detail, /Too many failed sign-in attempts/);
    assert.equal(setCookies(locked).length, 0);

    ctx.clock.advance(LOCK_SECONDS * 1000 - 30_000);
    const stillLocked = await loginRequest(user.email, DEFAULT_PASSWORD);
    assertProblem(stillLocked, 429, 'rate_limited');
    assert.equal(stillLocked.headers['retry-after'], '30');

    ctx.clock.advance(30_001);
    const unlocked = await loginRequest(user.email, DEFAULT_PASSWORD);
    assert.equal(unlocked.statusCode, 200, unlocked.body);
  });

  test('the lock is per account: others still sign in', async () => {
    const locked = await createUser(ctx);
    const other = await createUser(ctx);
    for (let i = 0; i < MAX_FAILURES; i++) await loginRequest(locked.email, 'wrong password!');
    assertProblem(await loginRequest(locked.email, DEFAULT_PASSWORD), 429, 'rate_limited');
    assert.equal((await loginRequest(other.email, DEFAULT_PASSWORD)).statusCode, 200);
  });

  test('failures spread over a longer time than the window do not add up', async () => {
    const user = await createUser(ctx);
    for (let i = 0; i < MAX_FAILURES - 1; i++) await loginRequest(user.email, 'wrong password!');
    ctx.clock.advance(ctx.deps.config.login.windowMs + 1000);
    await loginRequest(user.email, 'wrong password!');
    assert.equal((await loginRequest(user.email, DEFAULT_PASSWORD)).statusCode, 200);
  });

  test('a successful login clears the failure count', async () => {
    const user = await createUser(ctx);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_FAILURES - 1; i++) await loginRequest(user.email, 'wrong password!');
      assert.equal((await loginRequest(user.email, DEFAULT_PASSWORD)).statusCode, 200);
    }
  });

  test('many failures from one client address lock that address for every account', async () => {
    const ip = freshIp();
    for (let i = 0; i < MAX_FAILURES * 4; i++) {
      assertProblem(
        await loginRequest(uniqueEmail('spray'), 'guessing passwords', ip),
        401,
        'invalid_credentials',
      );
    }
    const user = await createUser(ctx);
    assertProblem(await loginRequest(user.email, DEFAULT_PASSWORD, ip), 429, 'rate_limited');
    assert.equal((await loginRequest(user.email, DEFAULT_PASSWORD, freshIp())).statusCode, 200);
  });
});

describe('sessions', () => {
  test('logout ends the session and clears the cookie', async () => {
    const session = await signedInUser(ctx);
    const response = await session.request({ method: 'POST', url: '/api/v1/auth/logout' });
    assert.equal(response.statusCode, 204, response.body);
    assertCookieCleared(response);
    assert.equal(await isSignedIn(session.cookie), false);
    // A stale cookie is answered as anonymous and cleared.
    const stale = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: session.cookie },
    });
    assertCookieCleared(stale);
    assertProblem(
      await session.request({ method: 'POST', url: '/api/v1/auth/logout' }),
      401,
      'unauthenticated',
    );
  });

  test('a session expires after SESSION_TTL', async () => {
    const session = await signedInUser(ctx);
    ctx.clock.advance(ctx.deps.config.sessionTtlMs - 1000);
    assert.equal(await isSignedIn(session.cookie), true);
    ctx.clock.advance(1000);
    assert.equal(await isSignedIn(session.cookie), false);
  });

  test('an unknown or oversized cookie is anonymous', async () => {
    for (const cookie of ['cs_session=nonsense', `cs_session=${'a'.repeat(500)}`, 'cs_session=']) {
      assert.equal(await isSignedIn(cookie), false, cookie);
    }
  });

  test('GET /me and PATCH /me', async () => {
    const session = await signedInUser(ctx, { name: 'Before' });
    const me = await session.request({ method: 'GET', url: '/api/v1/me' });
    assert.equal(me.statusCode, 200);
    assert.equal(json<UserBody>(me).name, 'Before');

    const patched = await session.request({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: '  After  ' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(json<UserBody>(patched).name, 'After');

    assertProblem(
      await session.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: '   ' } }),
      422,
      'validation_failed',
    );
    assertProblem(
      await session.request({ method: 'PATCH', url: '/api/v1/me', payload: { email: 'new@example.test' } }),
      422,
      'validation_failed',
    );
    assertProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/me' }), 401, 'unauthenticated');
  });

  test('/me/sessions lists active sessions and revokes one', async () => {
    const user = await createUser(ctx);
    const laptop = await login(ctx, user.email);
    const phone = await ctx.app
      .inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: DEFAULT_PASSWORD },
        headers: { 'user-agent': 'PhoneBrowser/1.0' },
      })
      .then((r) => {
        assert.equal(r.statusCode, 200);
        return `cs_session=${/^cs_session=([^;]+)/.exec(sessionCookieHeader(r))?.[1]}`;
      });

    const list = await laptop.request({ method: 'GET', url: '/api/v1/me/sessions' });
    assert.equal(list.statusCode, 200);
    const sessions = json<{
      sessions: Array<{ id: string; current: boolean; userAgent: string | null; ip: string | null }>;
    }>(list).sessions;
    assert.equal(sessions.length, 2);
    assert.equal(sessions.filter((s) => s.current).length, 1);
    const other = sessions.find((s) => !s.current);
    assert.ok(other);
    assert.equal(other.userAgent, 'PhoneBrowser/1.0');
    assert.equal(other.ip, '127.0.0.1');
    assert.ok(!list.body.includes('csrf'), 'CSRF tokens of other sessions are not listed');

    const revoke = await laptop.request({ method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` });
    assert.equal(revoke.statusCode, 204, revoke.body);
    assert.equal(await isSignedIn(phone), false);
    assert.equal(await isSignedIn(laptop.cookie), true);

    assertProblem(
      await laptop.request({ method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` }),
      404,
      'not_found',
    );
    assertProblem(
      await laptop.request({ method: 'DELETE', url: '/api/v1/me/sessions/not-a-uuid' }),
      400,
      'invalid_request',
    );
    const after = json<{ sessions: unknown[] }>(
      await laptop.request({ method: 'GET', url: '/api/v1/me/sessions' }),
    );
    assert.equal(after.sessions.length, 1);
  });

  test("nobody can revoke another user's session", async () => {
    const victim = await signedInUser(ctx);
    const attacker = await signedInUser(ctx);
    const victimSessions = json<{ sessions: Array<{ id: string }> }>(
      await victim.request({ method: 'GET', url: '/api/v1/me/sessions' }),
    ).sessions;
    const response = await attacker.request({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${victimSessions[0]?.id}`,
    });
    assertProblem(response, 404, 'not_found');
    assert.equal(await isSignedIn(victim.cookie), true);
  });
});

describe('CSRF', () => {
  test('a cookie-authenticated write without the CSRF header is refused', async () => {
    const session = await signedInUser(ctx);
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: 'Changed' },
      headers: { cookie: session.cookie },
    });
    const problem = assertProblem(response, 403, 'csrf_failed');
    assert.match(problem.detail, /x-csrf-token/);
    const wrong = await ctx.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: 'Changed' },
      headers: { cookie: session.cookie, 'x-csrf-token': 'not-the-token' },
    });
    assertProblem(wrong, 403, 'csrf_failed');
    const me = json<UserBody>(await session.request({ method: 'GET', url: '/api/v1/me' }));
    assert.notEqual(me.name, 'Changed');
  });

  test("another session's CSRF token does not work", async () => {
    const a = await signedInUser(ctx);
    const b = await signedInUser(ctx);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: a.cookie, 'x-csrf-token': b.csrfToken },
    });
    assertProblem(response, 403, 'csrf_failed');
    assert.equal(await isSignedIn(a.cookie), true);
  });

  test('with the CSRF header the write goes through; reads never need it', async () => {
    const session = await signedInUser(ctx);
    const write = await session.request({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: 'With Token' },
    });
    assert.equal(write.statusCode, 200, write.body);
    const read = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: session.cookie },
    });
    assert.equal(read.statusCode, 200);
  });

  test('a cross-origin write is refused even with the CSRF token; the own origin is fine', async () => {
    const session = await signedInUser(ctx);
    const cross = await session.request({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: 'Cross' },
      headers: { origin: 'https://evil.example' },
    });
    const problem = assertProblem(cross, 403, 'csrf_failed');
    assert.match(problem.detail, /evil\.example/);

    const anonymousCross = await post(
      '/api/v1/auth/signup',
      { email: uniqueEmail(), name: 'X', password: DEFAULT_PASSWORD },
      { headers: { origin: 'https://evil.example' } },
    );
    assertProblem(anonymousCross, 403, 'csrf_failed');

    const same = await session.request({
      method: 'PATCH',
      url: '/api/v1/me',
      payload: { name: 'Same Origin' },
      headers: { origin: 'http://credstack.test' },
    });
    assert.equal(same.statusCode, 200, same.body);
  });
});

describe('password reset', () => {
  test('forgot always answers 202 and mails only existing users', async () => {
    const user = await createUser(ctx);
    await ctx.deps.services.mail.flush(); // earlier tests' mail out of the way
    const before = ctx.mail.sent.length;
    const unknownEmail = uniqueEmail('ghost');
    const unknown = await post('/api/v1/auth/password/forgot', { email: unknownEmail });
    const known = await post('/api/v1/auth/password/forgot', { email: user.email.toUpperCase() });
    assert.equal(unknown.statusCode, 202);
    assert.equal(known.statusCode, 202);
    assert.deepEqual(json(unknown), json(known));
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.length, before + 1);
    assert.equal(lastMailTo(ctx, unknownEmail), undefined);
    const { message, token } = await mailTo(user.email);
    assert.equal(message.subject, 'Reset your Credstack password');
    assert.ok(message.text.includes(`http://credstack.test/reset-password?token=${token}`));
  });

  test('reset sets the new password, ends every session and works once', async () => {
    const user = await createUser(ctx);
    const first = await login(ctx, user.email);
    const second = await login(ctx, user.email);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const { token } = await mailTo(user.email);

    const reset = await post('/api/v1/auth/password/reset', { token, password: 'my new password 123' });
    assert.equal(reset.statusCode, 204, reset.body);
    assert.equal(await isSignedIn(first.cookie), false);
    assert.equal(await isSignedIn(second.cookie), false);
    assertProblem(await loginRequest(user.email, DEFAULT_PASSWORD), 401, 'invalid_credentials');
    assert.equal((await loginRequest(user.email, 'my new password 123')).statusCode, 200);

    const again = await post('/api/v1/auth/password/reset', { token, password: 'another new password' });
    assertProblem(again, 400, 'token_invalid');
  });

  test('a weak new password is refused and leaves the link usable', async () => {
    const user = await createUser(ctx);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const { token } = await mailTo(user.email);
    const weak = await post('/api/v1/auth/password/reset', { token, password: 'short' });
    assert.equal(assertProblem(weak, 422, 'validation_failed').errors?.[0]?.pointer, '/password');
    const ok = await post('/api/v1/auth/password/reset', { token, password: 'a strong enough one' });
    assert.equal(ok.statusCode, 204, ok.body);
  });

  test('a newer link replaces the older one, and links expire after an hour', async () => {
    const user = await createUser(ctx);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const older = await mailTo(user.email);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const newer = await mailTo(user.email);
    assertProblem(
      await post('/api/v1/auth/password/reset', { token: older.token, password: 'a strong enough one' }),
      400,
      'token_invalid',
    );
    ctx.clock.advance(3_600_000 + 1);
    assertProblem(
      await post('/api/v1/auth/password/reset', { token: newer.token, password: 'a strong enough one' }),
      400,
      'token_invalid',
    );
  });

  test('a reset also confirms the address and lifts a sign-in lock', async () => {
    const user = await createUser(ctx, { verified: false });
    for (let i = 0; i < MAX_FAILURES; i++) await loginRequest(user.email, 'wrong password!');
    assertProblem(await loginRequest(user.email, 'a strong enough one'), 429, 'rate_limited');
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const { token } = await mailTo(user.email);
    assert.equal(
      (await post('/api/v1/auth/password/reset', { token, password: 'a strong enough one' })).statusCode,
      204,
    );
    const response = await loginRequest(user.email, 'a strong enough one');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(json<{ user: UserBody }>(response).user.emailVerified, true);
  });

  test('the reset page posts a plain form', async () => {
    const user = await createUser(ctx);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const { token } = await mailTo(user.email);
    const form = (fields: Record<string, string>) =>
      post('/reset-password', new URLSearchParams(fields).toString(), {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const mismatch = await form({ token, password: 'one new password', confirm: 'another password' });
    assert.equal(mismatch.statusCode, 422);
    assert.match(mismatch.body, /do not match/);
    const done = await form({ token, password: 'one new password', confirm: 'one new password' });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /Password changed/);
    assert.equal((await loginRequest(user.email, 'one new password')).statusCode, 200);
  });

  test('disabled accounts get no reset mail', async () => {
    const user = await createUser(ctx);
    await ctx.deps.services.accounts.adminUpdateUser({
      actor: { kind: 'system', reason: 'test' },
      userId: user.id,
      disabled: true,
    });
    await ctx.deps.services.mail.flush(); // earlier tests' mail out of the way
    const before = ctx.mail.sent.length;
    assert.equal((await post('/api/v1/auth/password/forgot', { email: user.email })).statusCode, 202);
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.length, before);
  });
});

describe('change password', () => {
  test('a wrong current password is a 401 and changes nothing', async () => {
    const session = await signedInUser(ctx);
    const response = await session.request({
      method: 'POST',
      url: '/api/v1/auth/password/change',
      payload: { currentPassword: 'not my password', newPassword: 'a new password 42' },
    });
    assertProblem(response, 401, 'invalid_credentials');
    assert.equal(await isSignedIn(session.cookie), true);
    assert.equal((await loginRequest(session.email, DEFAULT_PASSWORD)).statusCode, 200);
  });

  test('a weak new password is a 422 pointing at newPassword', async () => {
    const session = await signedInUser(ctx);
    const response = await session.request({
      method: 'POST',
      url: '/api/v1/auth/password/change',
      payload: { currentPassword: DEFAULT_PASSWORD, newPassword: 'short' },
    });
    assert.equal(assertProblem(response, 422, 'validation_failed').errors?.[0]?.pointer, '/newPassword');
  });

  test('other sessions end, the current one stays, the new password works', async () => {
    const user = await createUser(ctx);
    const current = await login(ctx, user.email);
    const other = await login(ctx, user.email);
    const response = await current.request({
      method: 'POST',
      url: '/api/v1/auth/password/change',
      payload: { currentPassword: DEFAULT_PASSWORD, newPassword: 'a new password 42' },
    });
    assert.equal(response.statusCode, 204, response.body);
    assert.equal(await isSignedIn(current.cookie), true);
    assert.equal(await isSignedIn(other.cookie), false);
    assertProblem(await loginRequest(user.email, DEFAULT_PASSWORD), 401, 'invalid_credentials');
    assert.equal((await loginRequest(user.email, 'a new password 42')).statusCode, 200);
  });

  test('needs a signed-in user', async () => {
    const response = await post('/api/v1/auth/password/change', {
      currentPassword: DEFAULT_PASSWORD,
      newPassword: 'a new password 42',
    });
    assertProblem(response, 401, 'unauthenticated');
  });
});

describe('platform administration', () => {
  let admin: Session;
  before(async () => {
    admin = await signedInUser(ctx, { platformAdmin: true, name: 'The Admin' });
  });

  test('is invisible to everyone else', async () => {
    const user = await signedInUser(ctx);
    assertProblem(await user.request({ method: 'GET', url: '/api/v1/admin/users' }), 404, 'not_found');
    assertProblem(
      await user.request({
        method: 'PATCH',
        url: `/api/v1/admin/users/${user.userId}`,
        payload: { isPlatformAdmin: true },
      }),
      404,
      'not_found',
    );
    const me = json<UserBody>(await user.request({ method: 'GET', url: '/api/v1/me' }));
    assert.equal(me.isPlatformAdmin, false);
    assertProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/users' }),
      401,
      'unauthenticated',
    );
  });

  test('lists, pages and searches users', async () => {
    const marker = `zq${process.pid}x`;
    const a = await createUser(ctx, { name: `Searchable ${marker.toUpperCase()} One` });
    const b = await createUser(ctx, { email: uniqueEmail(marker), name: 'Second' });

    const all = await admin.request({ method: 'GET', url: '/api/v1/admin/users?limit=200' });
    assert.equal(all.statusCode, 200, all.body);
    const body = json<{ users: UserBody[]; total: number }>(all);
    assert.ok(body.total >= 3);
    assert.ok(body.users.some((u) => u.id === a.id));

    const found = json<{ users: UserBody[]; total: number }>(
      await admin.request({ method: 'GET', url: `/api/v1/admin/users?q=${marker}` }),
    );
    assert.equal(found.total, 2);
    assert.deepEqual(found.users.map((u) => u.id).sort(), [a.id, b.id].sort());

    const page = json<{ users: UserBody[]; total: number }>(
      await admin.request({ method: 'GET', url: `/api/v1/admin/users?q=${marker}&limit=1&offset=1` }),
    );
    assert.equal(page.total, 2);
    assert.equal(page.users.length, 1);
    assert.equal(page.users[0]?.id, found.users[1]?.id);

    // LIKE wildcards in the query are literal.
    const wildcard = json<{ total: number }>(
      await admin.request({ method: 'GET', url: '/api/v1/admin/users?q=%25' }),
    );
    assert.equal(wildcard.total, 0);
    assertProblem(
      await admin.request({ method: 'GET', url: '/api/v1/admin/users?limit=0' }),
      400,
      'invalid_request',
    );
    assertProblem(
      await admin.request({ method: 'GET', url: '/api/v1/admin/users?bogus=1' }),
      400,
      'invalid_request',
    );
  });

  test('grants platform administration', async () => {
    const user = await signedInUser(ctx);
    const response = await admin.request({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.userId}`,
      payload: { isPlatformAdmin: true },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(json<UserBody>(response).isPlatformAdmin, true);
    // Takes effect on the user's existing session.
    assert.equal((await user.request({ method: 'GET', url: '/api/v1/admin/users' })).statusCode, 200);
  });

  test('disabling a user ends their sessions and refuses their logins; enabling lets them back', async () => {
    const user = await signedInUser(ctx);
    const response = await admin.request({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.userId}`,
      payload: { disabled: true },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(json<UserBody>(response).disabled, true);
    assert.equal(await isSignedIn(user.cookie), false);
    const refused = assertProblem(
      await loginRequest(user.email, DEFAULT_PASSWORD),
      401,
      'invalid_credentials',
    );
    assert.equal(refused.detail, 'Wrong e-mail address or password');

    const enabled = await admin.request({
      method: 'PATCH',
      url: `/api/v1/admin/users/${user.userId}`,
      payload: { disabled: false },
    });
    assert.equal(json<UserBody>(enabled).disabled, false);
    assert.equal((await loginRequest(user.email, DEFAULT_PASSWORD)).statusCode, 200);
  });

  test('an admin cannot disable themselves or drop their own administration', async () => {
    for (const payload of [{ disabled: true }, { isPlatformAdmin: false }]) {
      const response = await admin.request({
        method: 'PATCH',
        url: `/api/v1/admin/users/${admin.userId}`,
        payload,
      });
      assertProblem(response, 409, 'invalid_state');
    }
    assert.equal(await isSignedIn(admin.cookie), true);
  });

  test('unknown users are 404, bad ids 400, empty changes 422', async () => {
    assertProblem(
      await admin.request({
        method: 'PATCH',
        url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000',
        payload: { disabled: true },
      }),
      404,
      'not_found',
    );
    assertProblem(
      await admin.request({ method: 'PATCH', url: '/api/v1/admin/users/nope', payload: { disabled: true } }),
      400,
      'invalid_request',
    );
    assertProblem(
      await admin.request({ method: 'PATCH', url: `/api/v1/admin/users/${admin.userId}`, payload: {} }),
      422,
      'validation_failed',
    );
  });
});

describe('auth rate limiting', () => {
  test('more than AUTH_RATE_LIMIT_MAX requests in the window get 429 problem+json with Retry-After', async () => {
    const limited = await buildTestApp({
      env: { AUTH_RATE_LIMIT_MAX: '3', AUTH_RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
    try {
      const forgot = () =>
        limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password/forgot',
          payload: { email: uniqueEmail() },
        });
      for (let i = 0; i < 3; i++) assert.equal((await forgot()).statusCode, 202);
      const response = await forgot();
      assert.equal(response.statusCode, 429, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const body = json<Problem>(response);
      assert.equal(body.code, 'rate_limited');
      assert.equal(body.status, 429);
      const retryAfter = Number(response.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, String(response.headers['retry-after']));
      // Routes outside auth are not limited.
      for (let i = 0; i < 5; i++) {
        assert.equal((await limited.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      }
      // Each client address has its own allowance.
      const elsewhere = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password/forgot',
        payload: { email: uniqueEmail() },
        remoteAddress: '10.99.0.1',
      });
      assert.equal(elsewhere.statusCode, 202);
    } finally {
      await limited.close();
    }
  });
});
