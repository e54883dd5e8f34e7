import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import { ALL_TOKEN_SCOPES } from '../../src/core/scopes.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createUser, type Session, signedInUser } from '../helpers/factories.ts';

/**
 * Required by the issue: for EVERY org-scoped endpoint, a user of another organisation gets 404 — exactly
 * what an organisation that does not exist answers — and nothing changes.
 */

let ctx: TestContext;
const system = systemActor('test');

interface World {
  owner: Session;
  /** Owner of another organisation: a real, verified, active user who simply is not in `slug`. */
  outsider: Session;
  slug: string;
  organisationId: string;
  otherSlug: string;
  memberId: string;
  invitationId: string;
  tokenId: string;
  token: string;
  otherInvitationId: string;
  otherTokenId: string;
  otherMemberId: string;
}

let world: World;

async function createOrg(owner: Session, slug: string): Promise<string> {
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: slug },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string } }>(response).organisation.id;
}

async function snapshot() {
  const db = ctx.deps.database.db;
  const [organisation, memberships, invitations, tokens, events, mails] = await Promise.all([
    db.selectFrom('organisations').selectAll().where('id', '=', world.organisationId).executeTakeFirst(),
    db
      .selectFrom('memberships')
      .selectAll()
      .where('organisation_id', '=', world.organisationId)
      .orderBy('user_id')
      .execute(),
    db
      .selectFrom('invitations')
      .selectAll()
      .where('organisation_id', '=', world.organisationId)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'scopes', 'revoked_at', 'expires_at'])
      .where('organisation_id', '=', world.organisationId)
      .orderBy('id')
      .execute(),
    db.selectFrom('audit_events').select('seq').where('organisation_id', '=', world.organisationId).execute(),
    db.selectFrom('mail_messages').select('id').execute(),
  ]);
  return { organisation, memberships, invitations, tokens, events: events.length, mails: mails.length };
}

function assertNotFound(response: LightMyRequestResponse, what: string) {
  assert.equal(response.statusCode, 404, `${what}: ${response.body}`);
  assert.equal(json(response).code, 'not_found', what);
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  const owner = await signedInUser(ctx);
  const outsider = await signedInUser(ctx);
  const slug = `iso-a-${process.pid}`;
  const otherSlug = `iso-b-${process.pid}`;
  const organisationId = await createOrg(owner, slug);
  await createOrg(outsider, otherSlug);

  const memberUser = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({
    actor: system,
    slug,
    userId: memberUser.id,
    role: 'issuer',
  });
  const invitation = await owner.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/invitations`,
    payload: { email: 'pending.iso@example.test', role: 'viewer' },
  });
  const created = await ctx.deps.services.tokens.createToken({
    actor: system,
    slug,
    name: 'a-token',
    scopes: ['org:read'],
    expiresAt: null,
  });

  const otherMember = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({
    actor: system,
    slug: otherSlug,
    userId: otherMember.id,
    role: 'viewer',
  });
  const otherInvitation = await outsider.request({
    method: 'POST',
    url: `/api/v1/orgs/${otherSlug}/invitations`,
    payload: { email: 'pending.other@example.test', role: 'viewer' },
  });
  const otherToken = await ctx.deps.services.tokens.createToken({
    actor: system,
    slug: otherSlug,
    name: 'b-token',
    scopes: ['org:read'],
    expiresAt: null,
  });

  world = {
    owner,
    outsider,
    slug,
    organisationId,
    otherSlug,
    memberId: memberUser.id,
    invitationId: json<{ invitation: { id: string } }>(invitation).invitation.id,
    tokenId: created.record.id,
    token: created.token,
    otherInvitationId: json<{ invitation: { id: string } }>(otherInvitation).invitation.id,
    otherTokenId: otherToken.record.id,
    otherMemberId: otherMember.id,
  };
  await ctx.deps.services.mail.flush();
});
after(async () => {
  await ctx.close();
});

/** Every org-scoped endpoint, as the outsider would call it against organisation A. */
function endpoints(): Array<{
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
}> {
  const base = `/api/v1/orgs/${world.slug}`;
  return [
    { name: 'GET /orgs/:slug', method: 'GET', url: base },
    { name: 'PATCH /orgs/:slug', method: 'PATCH', url: base, payload: { name: 'Taken over' } },
    { name: 'GET /orgs/:slug/members', method: 'GET', url: `${base}/members` },
    {
      name: 'PATCH /orgs/:slug/members/:userId',
      method: 'PATCH',
      url: `${base}/members/${world.memberId}`,
      payload: { role: 'owner' },
    },
    {
      name: 'PATCH /orgs/:slug/members/:userId (promote self)',
      method: 'PATCH',
      url: `${base}/members/${world.outsider.userId}`,
      payload: { role: 'owner' },
    },
    {
      name: 'DELETE /orgs/:slug/members/:userId',
      method: 'DELETE',
      url: `${base}/members/${world.memberId}`,
    },
    {
      name: 'DELETE /orgs/:slug/members/:userId (the owner)',
      method: 'DELETE',
      url: `${base}/members/${world.owner.userId}`,
    },
    {
      name: 'POST /orgs/:slug/invitations',
      method: 'POST',
      url: `${base}/invitations`,
      payload: { email: world.outsider.email, role: 'owner' },
    },
    { name: 'GET /orgs/:slug/invitations', method: 'GET', url: `${base}/invitations` },
    {
      name: 'DELETE /orgs/:slug/invitations/:id',
      method: 'DELETE',
      url: `${base}/invitations/${world.invitationId}`,
    },
    {
      name: 'POST /orgs/:slug/tokens',
      method: 'POST',
      url: `${base}/tokens`,
      payload: { name: 'backdoor', scopes: ['org:read'] },
    },
    { name: 'GET /orgs/:slug/tokens', method: 'GET', url: `${base}/tokens` },
    { name: 'DELETE /orgs/:slug/tokens/:id', method: 'DELETE', url: `${base}/tokens/${world.tokenId}` },
    { name: 'GET /orgs/:slug/audit-events', method: 'GET', url: `${base}/audit-events` },
  ];
}

describe('a user of another organisation', () => {
  test('gets 404 not_found from every org-scoped endpoint, and nothing changes', async () => {
    const before = await snapshot();
    for (const endpoint of endpoints()) {
      const response = await world.outsider.request({
        method: endpoint.method,
        url: endpoint.url,
        payload: endpoint.payload,
      });
      assertNotFound(response, endpoint.name);
      assert.doesNotMatch(response.body, new RegExp(world.organisationId), endpoint.name);
    }
    await ctx.deps.services.mail.flush();
    assert.deepEqual(await snapshot(), before);
    // The token of organisation A still works, the member is still there, the invitation still pending.
    const stillValid = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${world.slug}`,
      headers: { authorization: `Bearer ${world.token}` },
    });
    assert.equal(stillValid.statusCode, 200);
  });

  test('gets exactly the answer a non-existent organisation gives (no existence oracle)', async () => {
    for (const endpoint of endpoints()) {
      const real = await world.outsider.request({
        method: endpoint.method,
        url: endpoint.url,
        payload: endpoint.payload,
      });
      const missingUrl = endpoint.url.replace(`/orgs/${world.slug}`, '/orgs/no-such-organisation');
      const missing = await world.outsider.request({
        method: endpoint.method,
        url: missingUrl,
        payload: endpoint.payload,
      });
      assert.equal(real.statusCode, missing.statusCode, endpoint.name);
      assert.equal(json(real).detail, json(missing).detail, endpoint.name);
      assert.equal(json(real).title, json(missing).title, endpoint.name);
    }
  });

  test('cannot reach organisation A’s members, invitations or tokens through their own organisation', async () => {
    const before = await snapshot();
    const base = `/api/v1/orgs/${world.otherSlug}`;
    const attempts = [
      { method: 'PATCH' as const, url: `${base}/members/${world.memberId}`, payload: { role: 'viewer' } },
      { method: 'DELETE' as const, url: `${base}/members/${world.memberId}` },
      { method: 'DELETE' as const, url: `${base}/invitations/${world.invitationId}` },
      { method: 'DELETE' as const, url: `${base}/tokens/${world.tokenId}` },
    ];
    for (const attempt of attempts) {
      const response = await world.outsider.request(attempt);
      assertNotFound(response, `${attempt.method} ${attempt.url}`);
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('and the other way round: organisation A’s owner cannot touch B’s things through A', async () => {
    const base = `/api/v1/orgs/${world.slug}`;
    for (const attempt of [
      { method: 'PATCH' as const, url: `${base}/members/${world.otherMemberId}`, payload: { role: 'admin' } },
      { method: 'DELETE' as const, url: `${base}/members/${world.otherMemberId}` },
      { method: 'DELETE' as const, url: `${base}/invitations/${world.otherInvitationId}` },
      { method: 'DELETE' as const, url: `${base}/tokens/${world.otherTokenId}` },
    ]) {
      const response = await world.owner.request(attempt);
      assertNotFound(response, `${attempt.method} ${attempt.url}`);
    }
    const otherTokens = await world.outsider.request({
      method: 'GET',
      url: `/api/v1/orgs/${world.otherSlug}/tokens`,
    });
    assert.equal(json<{ tokens: Array<{ status: string }> }>(otherTokens).tokens[0]?.status, 'active');
    const otherInvitations = await world.outsider.request({
      method: 'GET',
      url: `/api/v1/orgs/${world.otherSlug}/invitations`,
    });
    assert.equal(
      json<{ invitations: Array<{ status: string }> }>(otherInvitations).invitations[0]?.status,
      'pending',
    );
  });

  test('does not see the organisation in GET /orgs', async () => {
    const mine = json<{ organisations: Array<{ organisation: { slug: string } }> }>(
      await world.outsider.request({ method: 'GET', url: '/api/v1/orgs' }),
    );
    assert.deepEqual(
      mine.organisations.map((e) => e.organisation.slug),
      [world.otherSlug],
    );
  });
});

describe('an API token of another organisation', () => {
  test('gets 404 from every org-scoped endpoint, whatever its scopes, and nothing changes', async () => {
    const { token } = await ctx.deps.services.tokens.createToken({
      actor: system,
      slug: world.otherSlug,
      name: 'all scopes',
      scopes: [...ALL_TOKEN_SCOPES],
      expiresAt: null,
    });
    const before = await snapshot();
    for (const endpoint of endpoints()) {
      const response = await ctx.app.inject({
        method: endpoint.method,
        url: endpoint.url,
        payload: endpoint.payload,
        headers: { authorization: `Bearer ${token}` },
      });
      assertNotFound(response, endpoint.name);
    }
    assert.deepEqual(await snapshot(), before);
  });
});

describe('anonymous callers', () => {
  test('get 401 from every org-scoped endpoint', async () => {
    for (const endpoint of endpoints()) {
      const response = await ctx.app.inject({
        method: endpoint.method,
        url: endpoint.url,
        payload: endpoint.payload,
      });
      assert.equal(response.statusCode, 401, endpoint.name);
    }
  });
});
