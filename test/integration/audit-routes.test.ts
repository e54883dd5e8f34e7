import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import type { MembershipRole } from '../../src/db/schema.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createUser, login, type Session, signedInUser } from '../helpers/factories.ts';

interface AuditEventBody {
  seq: number;
  id: string;
  occurredAt: string;
  type: string;
  actor: { type: string; id: string | null };
  subject: { type: string; id: string } | null;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}
interface Page {
  events: AuditEventBody[];
  nextCursor: number | null;
}

let ctx: TestContext;
let slugCounter = 0;
const system = systemActor('test');

async function createOrg(owner: Session): Promise<{ id: string; slug: string }> {
  slugCounter++;
  const slug = `audit-${process.pid}-${slugCounter}`;
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: slug },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string; slug: string } }>(response).organisation;
}

async function member(slug: string, role: MembershipRole): Promise<Session> {
  const user = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({ actor: system, slug, userId: user.id, role });
  return login(ctx, user.email);
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

describe('GET /orgs/:slug/audit-events', () => {
  test('lists the organisation’s events newest first, with actor, subject, data and hash chain', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { name: 'New' },
    });

    const response = await owner.request({
      method: 'GET',
      url: `/api/v1/orgs/${organisation.slug}/audit-events`,
    });
    assert.equal(response.statusCode, 200, response.body);
    const page = json<Page>(response);
    assert.deepEqual(
      page.events.map((e) => e.type),
      ['organisation.updated', 'membership.added', 'organisation.created'],
    );
    assert.equal(page.nextCursor, null);
    const [updated, added, created] = page.events;
    assert.deepEqual(updated?.actor, { type: 'user', id: owner.userId });
    assert.deepEqual(updated?.subject, { type: 'organisation', id: organisation.id });
    assert.deepEqual(updated?.data, { fields: ['name'] });
    assert.deepEqual(added?.data, { userId: owner.userId, role: 'owner' });
    assert.deepEqual(Object.keys(created ?? {}).sort(), [
      'actor',
      'data',
      'hash',
      'id',
      'occurredAt',
      'prevHash',
      'seq',
      'subject',
      'type',
    ]);
    assert.ok((updated?.seq ?? 0) > (added?.seq ?? 0));
    assert.equal(added?.prevHash, created?.hash);
    assert.match(created?.hash ?? '', /^[0-9a-f]{64}$/);
  });

  test('pages backwards with ?before=&limit= until nextCursor is null, without gaps or repeats', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    for (let i = 0; i < 6; i++) {
      const response = await owner.request({
        method: 'PATCH',
        url: `/api/v1/orgs/${organisation.slug}`,
        payload: { description: `revision ${i}` },
      });
      assert.equal(response.statusCode, 200);
    }
    const all = json<Page>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/audit-events?limit=200` }),
    ).events.map((e) => e.seq);
    assert.equal(all.length, 8);

    const seen: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? 'limit=3' : `limit=3&before=${cursor}`;
      const response = await owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${organisation.slug}/audit-events?${query}`,
      });
      assert.equal(response.statusCode, 200, response.body);
      const page = json<Page>(response);
      assert.ok(page.events.length <= 3);
      seen.push(...page.events.map((e) => e.seq));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, all);
    assert.deepEqual(
      [...seen].sort((a, b) => b - a),
      seen,
    );

    // An exact fit leaves no dangling cursor.
    const exact = json<Page>(
      await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/audit-events?limit=8` }),
    );
    assert.equal(exact.events.length, 8);
    assert.equal(exact.nextCursor, null);
  });

  test('shows only this organisation’s events', async () => {
    const alice = await signedInUser(ctx);
    const bob = await signedInUser(ctx);
    const mine = await createOrg(alice);
    const theirs = await createOrg(bob);
    await bob.request({ method: 'PATCH', url: `/api/v1/orgs/${theirs.slug}`, payload: { name: 'Bob’s' } });
    const response = await alice.request({ method: 'GET', url: `/api/v1/orgs/${mine.slug}/audit-events` });
    const page = json<Page>(response);
    assert.equal(page.events.length, 2);
    assert.doesNotMatch(response.body, new RegExp(theirs.id));
    assert.doesNotMatch(response.body, new RegExp(bob.userId));
  });

  test('needs audit:read: owners and admins yes, other roles 403, outsiders 404, anonymous 401', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const url = `/api/v1/orgs/${slug}/audit-events`;
    const admin = await member(slug, 'admin');
    assert.equal((await admin.request({ method: 'GET', url })).statusCode, 200);
    for (const role of ['issuer', 'assessor', 'viewer'] as const) {
      const session = await member(slug, role);
      const response = await session.request({ method: 'GET', url });
      assert.equal(response.statusCode, 403, role);
      assert.equal(json(response).code, 'forbidden');
    }
    const outsider = await signedInUser(ctx);
    await createOrg(outsider);
    const hidden = await outsider.request({ method: 'GET', url });
    assert.equal(hidden.statusCode, 404);
    assert.equal(json(hidden).code, 'not_found');
    const platformAdmin = await signedInUser(ctx, { platformAdmin: true });
    assert.equal((await platformAdmin.request({ method: 'GET', url })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'GET', url })).statusCode, 401);
  });

  test('API tokens: audit:read scope 200, without it 403 insufficient_scope, other organisation 404', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const other = await createOrg(owner);
    const { tokens } = ctx.deps.services;
    const withScope = await tokens.createToken({
      actor: system,
      slug: organisation.slug,
      name: 'siem export',
      scopes: ['audit:read'],
      expiresAt: null,
    });
    const withoutScope = await tokens.createToken({
      actor: system,
      slug: organisation.slug,
      name: 'reader',
      scopes: ['org:read'],
      expiresAt: null,
    });
    const get = (token: string, slug: string) =>
      ctx.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/audit-events`,
        headers: { authorization: `Bearer ${token}` },
      });

    const ok = await get(withScope.token, organisation.slug);
    assert.equal(ok.statusCode, 200);
    assert.ok(json<Page>(ok).events.some((e) => e.type === 'api_token.created' && e.actor.type === 'system'));
    const denied = await get(withoutScope.token, organisation.slug);
    assert.equal(denied.statusCode, 403);
    assert.equal(json(denied).code, 'insufficient_scope');
    const elsewhere = await get(withScope.token, other.slug);
    assert.equal(elsewhere.statusCode, 404);
  });

  test('rejects a bad query with 400', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=abc',
      'before=0',
      'before=-5',
      'before=x',
      'other=1',
    ]) {
      const response = await owner.request({
        method: 'GET',
        url: `/api/v1/orgs/${slug}/audit-events?${query}`,
      });
      assert.equal(response.statusCode, 400, query);
      assert.equal(json(response).code, 'invalid_request');
    }
  });

  test('the chain of everything recorded here verifies', async () => {
    const check = await ctx.deps.services.audit.verifyChain();
    assert.equal(check.ok, true);
  });
});
