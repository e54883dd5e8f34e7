import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import { ALL_TOKEN_SCOPES } from '../../src/core/scopes.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createUser, login, type Session, signedInUser } from '../helpers/factories.ts';

interface ApiTokenBody {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  status: 'active' | 'revoked' | 'expired';
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

let ctx: TestContext;
let slugCounter = 0;
const system = systemActor('test');
const TOKEN_FORMAT = /^cst_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/;

async function createOrg(owner: Session): Promise<{ id: string; slug: string }> {
  slugCounter++;
  const slug = `tok-${process.pid}-${slugCounter}`;
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: slug },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string; slug: string } }>(response).organisation;
}

async function createToken(
  owner: Session,
  slug: string,
  body: { name?: string; scopes: string[]; expiresAt?: string | null },
): Promise<{ token: string; apiToken: ApiTokenBody }> {
  const response = await owner.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/tokens`,
    payload: { name: body.name ?? 'integration', ...body },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ token: string; apiToken: ApiTokenBody }>(response);
}

function bearer(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
  return ctx.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
}

async function storedToken(id: string) {
  return ctx.deps.database.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

describe('creating and listing tokens', () => {
  test('the token is shown once, in the cst_ format; only its SHA-256 is stored', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/tokens`,
      payload: { name: ' CI pipeline ', scopes: ['org:read', 'members:read', 'org:read'] },
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const { token, apiToken } = json<{ token: string; apiToken: ApiTokenBody }>(response);
    assert.match(token, TOKEN_FORMAT);
    assert.equal(token.slice(0, 16), apiToken.prefix);
    assert.equal(apiToken.name, 'CI pipeline');
    assert.deepEqual(apiToken.scopes, ['org:read', 'members:read']);
    assert.equal(apiToken.status, 'active');
    assert.equal(apiToken.createdBy, owner.userId);
    assert.equal(apiToken.expiresAt, null);

    const row = await storedToken(apiToken.id);
    const hash = createHash('sha256').update(token).digest('hex');
    assert.equal(row.secret_hash, hash);
    assert.equal(row.prefix, apiToken.prefix);
    assert.equal(response.body.includes(hash), false);

    const list = await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/tokens` });
    assert.equal(list.statusCode, 200);
    assert.equal(list.body.includes(hash), false);
    assert.equal(list.body.includes(token), false);
    const { tokens } = json<{ tokens: ApiTokenBody[] }>(list);
    assert.deepEqual(tokens, [apiToken]);
    assert.deepEqual(Object.keys(tokens[0] ?? {}).sort(), [
      'createdAt',
      'createdBy',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'revokedAt',
      'scopes',
      'status',
    ]);

    const [event] = await ctx.deps.services.audit.listForOrganisation({
      organisationId: organisation.id,
      limit: 1,
    });
    assert.equal(event?.type, 'api_token.created');
    assert.deepEqual(event?.data, {
      name: 'CI pipeline',
      scopes: ['org:read', 'members:read'],
      expiresAt: null,
    });
    assert.equal(JSON.stringify(event?.data).includes(token.slice(17)), false);
  });

  test('unknown scopes are 422 and named; empty scopes, bad names and past expiry are refused', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const unknown = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/tokens`,
      payload: { name: 'x', scopes: ['org:read', 'tokens:manage', 'everything'] },
    });
    assert.equal(unknown.statusCode, 422);
    assert.equal(json(unknown).code, 'validation_failed');
    assert.match(String(json(unknown).detail), /tokens:manage/);
    assert.match(String(json(unknown).detail), /everything/);

    for (const payload of [
      { name: 'x', scopes: [] },
      { name: '', scopes: ['org:read'] },
      { name: '   ', scopes: ['org:read'] },
      {
        name: 'x',
        scopes: ['org:read'],
        expiresAt: new Date(ctx.clock.now().getTime() - 1000).toISOString(),
      },
      { name: 'x', scopes: ['org:read'], expiresAt: 'tomorrow' },
      { name: 'x', scopes: ['org:read'], admin: true },
    ]) {
      const response = await owner.request({ method: 'POST', url: `/api/v1/orgs/${slug}/tokens`, payload });
      assert.equal(response.statusCode, 422, JSON.stringify(payload));
    }
    const list = json<{ tokens: unknown[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/tokens` }),
    );
    assert.deepEqual(list.tokens, []);
  });

  test('every registered scope can be granted by an owner; GET /token-scopes lists them', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { apiToken } = await createToken(owner, slug, { scopes: [...ALL_TOKEN_SCOPES] });
    assert.deepEqual(apiToken.scopes, ALL_TOKEN_SCOPES);
    const scopes = await ctx.app.inject({ method: 'GET', url: '/api/v1/token-scopes' });
    assert.equal(scopes.statusCode, 200);
    const names = json<{ scopes: Array<{ name: string; description: string }> }>(scopes).scopes.map(
      (s) => s.name,
    );
    for (const expected of [
      'org:read',
      'members:read',
      'audit:read',
      'credentials:issue',
      'credentials:status',
      'credentials:read',
    ]) {
      assert.ok(names.includes(expected), expected);
    }
  });

  test('the system actor (CLI) creates tokens without a creator', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token, record } = await ctx.deps.services.tokens.createToken({
      actor: system,
      slug,
      name: 'cli',
      scopes: ['org:read'],
      expiresAt: null,
    });
    assert.match(token, TOKEN_FORMAT);
    assert.equal(record.created_by, null);
    assert.equal((await bearer(token, 'GET', `/api/v1/orgs/${slug}`)).statusCode, 200);
  });

  test('members below admin cannot create tokens (no escalation through tokens)', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    for (const role of ['issuer', 'assessor', 'viewer'] as const) {
      const user = await createUser(ctx);
      await ctx.deps.services.organisations.addMember({ actor: system, slug, userId: user.id, role });
      const session = await login(ctx, user.email);
      const response = await session.request({
        method: 'POST',
        url: `/api/v1/orgs/${slug}/tokens`,
        payload: { name: 'mine', scopes: ['org:read'] },
      });
      assert.equal(response.statusCode, 403, role);
      assert.equal(json(response).code, 'forbidden');
    }
  });

  test('a token cannot mint tokens, whatever its scopes (service level too)', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token } = await createToken(owner, slug, { scopes: [...ALL_TOKEN_SCOPES] });
    await assert.rejects(
      ctx.deps.services.tokens.createToken({
        actor: await ctx.deps.services.tokens.authenticate({ token }),
        slug,
        name: 'child',
        scopes: ['org:read'],
        expiresAt: null,
      }),
      (error: unknown) => error instanceof AppError && error.code === 'insufficient_scope',
    );
  });
});

describe('authenticating with a token', () => {
  test('a valid token reads its organisation within its scopes', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { token } = await createToken(owner, organisation.slug, { scopes: ['org:read', 'members:read'] });

    const read = await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}`);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(json(read).role, null);
    const members = await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}/members`);
    assert.equal(members.statusCode, 200);
    const mine = await bearer(token, 'GET', '/api/v1/orgs');
    assert.deepEqual(
      json<{ organisations: Array<{ organisation: { slug: string } }> }>(mine).organisations.map(
        (e) => e.organisation.slug,
      ),
      [organisation.slug],
    );
  });

  test('a missing scope is 403 insufficient_scope', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token } = await createToken(owner, slug, { scopes: ['members:read'] });
    for (const url of [`/api/v1/orgs/${slug}`, `/api/v1/orgs/${slug}/audit-events`, '/api/v1/orgs']) {
      const response = await bearer(token, 'GET', url);
      assert.equal(response.statusCode, 403, url);
      assert.equal(json(response).code, 'insufficient_scope');
    }
  });

  test('tokens never manage tokens, members, invitations or the organisation', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { token, apiToken } = await createToken(owner, organisation.slug, {
      scopes: [...ALL_TOKEN_SCOPES],
    });
    const base = `/api/v1/orgs/${organisation.slug}`;
    const attempts: Array<['GET' | 'POST' | 'PATCH' | 'DELETE', string, object | undefined]> = [
      ['GET', `${base}/tokens`, undefined],
      ['POST', `${base}/tokens`, { name: 'child', scopes: ['org:read'] }],
      ['DELETE', `${base}/tokens/${apiToken.id}`, undefined],
      ['PATCH', base, { name: 'Changed by a token' }],
      ['PATCH', `${base}/members/${owner.userId}`, { role: 'viewer' }],
      ['DELETE', `${base}/members/${owner.userId}`, undefined],
      ['GET', `${base}/invitations`, undefined],
      ['POST', `${base}/invitations`, { email: 'someone@example.test', role: 'owner' }],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await bearer(token, method, url, payload);
      assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`);
      assert.equal(json(response).code, 'insufficient_scope');
    }
    const create = await bearer(token, 'POST', '/api/v1/orgs', {
      slug: `by-token-${process.pid}`,
      name: 'X',
    });
    assert.equal(create.statusCode, 403);
    const accept = await bearer(token, 'POST', '/api/v1/invitations/accept', { token: 'x'.repeat(43) });
    assert.equal(accept.statusCode, 401);

    assert.equal((await storedToken(apiToken.id)).revoked_at, null);
    const read = json<{ organisation: { name: string } }>(await owner.request({ method: 'GET', url: base }));
    assert.notEqual(read.organisation.name, 'Changed by a token');
  });

  test('another organisation is 404 for a token, even with every scope', async () => {
    const alice = await signedInUser(ctx);
    const bob = await signedInUser(ctx);
    const own = await createOrg(alice);
    const other = await createOrg(bob);
    const { token } = await createToken(alice, own.slug, { scopes: [...ALL_TOKEN_SCOPES] });
    for (const path of ['', '/members', '/audit-events', '/tokens', '/invitations']) {
      const response = await bearer(token, 'GET', `/api/v1/orgs/${other.slug}${path}`);
      assert.equal(response.statusCode, 404, path);
      assert.equal(json(response).code, 'not_found');
    }
    const patch = await bearer(token, 'PATCH', `/api/v1/orgs/${other.slug}`, { name: 'Hijacked' });
    assert.equal(patch.statusCode, 404);
  });

  test('revoked tokens stop working at once; revoking twice is 409', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const { token, apiToken } = await createToken(owner, organisation.slug, { scopes: ['org:read'] });
    const url = `/api/v1/orgs/${organisation.slug}/tokens/${apiToken.id}`;
    assert.equal((await owner.request({ method: 'DELETE', url })).statusCode, 204);
    const response = await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}`);
    assert.equal(response.statusCode, 401);
    assert.equal(json(response).code, 'unauthenticated');
    assert.match(String(json(response).detail), /revoked/);
    const twice = await owner.request({ method: 'DELETE', url });
    assert.equal(twice.statusCode, 409);

    const list = json<{ tokens: ApiTokenBody[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/tokens` }),
    );
    assert.equal(list.tokens[0]?.status, 'revoked');
    assert.ok(list.tokens[0]?.revokedAt);
    const [event] = await ctx.deps.services.audit.listForOrganisation({
      organisationId: organisation.id,
      limit: 1,
    });
    assert.equal(event?.type, 'api_token.revoked');
    assert.equal(event?.subject_id, apiToken.id);

    const unknown = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${organisation.slug}/tokens/00000000-0000-4000-8000-000000000000`,
    });
    assert.equal(unknown.statusCode, 404);
  });

  test('expired tokens are refused', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const expiresAt = new Date(ctx.clock.now().getTime() + 3_600_000).toISOString();
    const { token, apiToken } = await createToken(owner, slug, { scopes: ['org:read'], expiresAt });
    assert.equal(apiToken.expiresAt, expiresAt);
    assert.equal((await bearer(token, 'GET', `/api/v1/orgs/${slug}`)).statusCode, 200);
    ctx.clock.advance(3_600_000);
    const response = await bearer(token, 'GET', `/api/v1/orgs/${slug}`);
    assert.equal(response.statusCode, 401);
    assert.match(String(json(response).detail), /expired/);
    const list = json<{ tokens: ApiTokenBody[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/tokens` }),
    );
    assert.equal(list.tokens[0]?.status, 'expired');
  });

  test('a wrong secret and an unknown prefix get the same answer', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token } = await createToken(owner, slug, { scopes: ['org:read'] });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const wrongSecret = await bearer(`${token.slice(0, -1)}${last}`, 'GET', `/api/v1/orgs/${slug}`);
    const unknownPrefix = await bearer(`cst_000000000000${token.slice(16)}`, 'GET', `/api/v1/orgs/${slug}`);
    assert.equal(wrongSecret.statusCode, 401);
    assert.equal(unknownPrefix.statusCode, 401);
    assert.equal(json(wrongSecret).detail, json(unknownPrefix).detail);
    assert.equal(json(wrongSecret).title, json(unknownPrefix).title);
  });

  test('malformed tokens and Authorization headers are 401', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token } = await createToken(owner, slug, { scopes: ['org:read'] });
    for (const candidate of [
      'nonsense',
      token.slice(0, -1),
      `${token}x`,
      token.replace('cst_', 'cs_'),
      token.toUpperCase(),
      `cst_${'a'.repeat(12)}_${'b'.repeat(300)}`,
    ]) {
      const response = await bearer(candidate, 'GET', `/api/v1/orgs/${slug}`);
      assert.equal(response.statusCode, 401, candidate);
      assert.equal(json(response).code, 'unauthenticated');
    }
    const noScheme = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${slug}`,
      headers: { authorization: token },
    });
    assert.equal(noScheme.statusCode, 401);
  });

  test('last_used_at is recorded, at most once a minute', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token, apiToken } = await createToken(owner, slug, { scopes: ['org:read'] });
    assert.equal((await storedToken(apiToken.id)).last_used_at, null);

    await bearer(token, 'GET', `/api/v1/orgs/${slug}`);
    const first = (await storedToken(apiToken.id)).last_used_at;
    assert.equal(first?.getTime(), ctx.clock.now().getTime());

    ctx.clock.advance(30_000);
    await bearer(token, 'GET', `/api/v1/orgs/${slug}`);
    assert.equal((await storedToken(apiToken.id)).last_used_at?.getTime(), first?.getTime());

    ctx.clock.advance(31_000);
    await bearer(token, 'GET', `/api/v1/orgs/${slug}`);
    assert.equal((await storedToken(apiToken.id)).last_used_at?.getTime(), ctx.clock.now().getTime());

    const list = json<{ tokens: ApiTokenBody[] }>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/tokens` }),
    );
    assert.equal(list.tokens[0]?.lastUsedAt, ctx.clock.now().toISOString());
  });

  test('bearer writes are judged by scope, never by CSRF (a token is not a cookie)', async () => {
    // No write route is open to tokens yet; the refusal must be about scope, never about CSRF.
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const { token } = await createToken(owner, slug, { scopes: ['org:read'] });
    const response = await bearer(token, 'PATCH', `/api/v1/orgs/${slug}`, { name: 'x' });
    assert.equal(json(response).code, 'insufficient_scope');
  });
});

describe("a token is bounded by its creator's current access", () => {
  test('demoting the creator narrows the token; removing the creator ends it', async () => {
    const creator = await signedInUser(ctx);
    const organisation = await createOrg(creator);
    const coOwner = await createUser(ctx);
    await ctx.deps.services.organisations.addMember({
      actor: system,
      slug: organisation.slug,
      userId: coOwner.id,
      role: 'owner',
    });
    const { token } = await createToken(creator, organisation.slug, { scopes: ['org:read', 'members:read'] });
    assert.equal((await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}/members`)).statusCode, 200);

    await ctx.deps.services.organisations.changeMemberRole({
      actor: system,
      slug: organisation.slug,
      userId: creator.userId,
      role: 'viewer',
    });
    const narrowed = await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}/members`);
    assert.equal(narrowed.statusCode, 403, narrowed.body);
    assert.equal(json(narrowed).code, 'insufficient_scope');
    assert.equal((await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}`)).statusCode, 200);

    await ctx.deps.services.organisations.removeMember({
      actor: system,
      slug: organisation.slug,
      userId: creator.userId,
    });
    const ended = await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}`);
    assert.equal(ended.statusCode, 401, ended.body);
    assert.equal(json(ended).code, 'unauthenticated');
  });

  test("disabling the creator's account ends the token", async () => {
    const creator = await signedInUser(ctx);
    const organisation = await createOrg(creator);
    const { token } = await createToken(creator, organisation.slug, { scopes: ['org:read'] });
    await ctx.deps.services.accounts.adminUpdateUser({
      actor: system,
      userId: creator.userId,
      disabled: true,
    });
    assert.equal((await bearer(token, 'GET', `/api/v1/orgs/${organisation.slug}`)).statusCode, 401);
  });
});
