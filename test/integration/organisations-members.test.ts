import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import type { MembershipRole } from '../../src/db/schema.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createUser, login, type Session, signedInUser } from '../helpers/factories.ts';

let ctx: TestContext;
let slugCounter = 0;
const system = systemActor('test');

function uniqueSlug(prefix = 'org'): string {
  slugCounter++;
  return `${prefix}-${process.pid}-${slugCounter}`;
}

async function createOrg(owner: Session): Promise<{ id: string; slug: string }> {
  const slug = uniqueSlug();
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: slug },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string; slug: string } }>(response).organisation;
}

/** A new user with `role` in the organisation, signed in. */
async function member(slug: string, role: MembershipRole): Promise<Session> {
  const user = await createUser(ctx);
  await ctx.deps.services.organisations.addMember({ actor: system, slug, userId: user.id, role });
  return login(ctx, user.email);
}

async function roleOf(slug: string, userId: string): Promise<string | undefined> {
  const members = await ctx.deps.services.organisations.listMembers({ actor: system, slug });
  return members.find((m) => m.user_id === userId)?.role;
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

const ROLES: MembershipRole[] = ['owner', 'admin', 'issuer', 'assessor', 'viewer'];

describe('the role matrix', () => {
  /**
   * Expected status per role for every org-scoped endpoint. Targets (a member, an invitation, a token) are
   * created fresh for each call so destructive calls do not affect the next row.
   */
  const matrix: Array<{
    name: string;
    expect: Record<MembershipRole, number>;
    call: (session: Session, slug: string) => Promise<LightMyRequestResponse>;
  }> = [
    {
      name: 'GET /orgs/:slug',
      expect: { owner: 200, admin: 200, issuer: 200, assessor: 200, viewer: 200 },
      call: (s, slug) => s.request({ method: 'GET', url: `/api/v1/orgs/${slug}` }),
    },
    {
      name: 'PATCH /orgs/:slug',
      expect: { owner: 200, admin: 200, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) =>
        s.request({ method: 'PATCH', url: `/api/v1/orgs/${slug}`, payload: { description: 'changed' } }),
    },
    {
      name: 'GET /orgs/:slug/members',
      expect: { owner: 200, admin: 200, issuer: 200, assessor: 200, viewer: 403 },
      call: (s, slug) => s.request({ method: 'GET', url: `/api/v1/orgs/${slug}/members` }),
    },
    {
      name: 'PATCH /orgs/:slug/members/:userId',
      expect: { owner: 200, admin: 200, issuer: 403, assessor: 403, viewer: 403 },
      call: async (s, slug) => {
        const target = await createUser(ctx);
        await ctx.deps.services.organisations.addMember({
          actor: system,
          slug,
          userId: target.id,
          role: 'viewer',
        });
        return s.request({
          method: 'PATCH',
          url: `/api/v1/orgs/${slug}/members/${target.id}`,
          payload: { role: 'issuer' },
        });
      },
    },
    {
      name: 'DELETE /orgs/:slug/members/:userId',
      expect: { owner: 204, admin: 204, issuer: 403, assessor: 403, viewer: 403 },
      call: async (s, slug) => {
        const target = await createUser(ctx);
        await ctx.deps.services.organisations.addMember({
          actor: system,
          slug,
          userId: target.id,
          role: 'issuer',
        });
        return s.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/members/${target.id}` });
      },
    },
    {
      name: 'POST /orgs/:slug/invitations',
      expect: { owner: 201, admin: 201, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) =>
        s.request({
          method: 'POST',
          url: `/api/v1/orgs/${slug}/invitations`,
          payload: { email: `matrix.${slugCounter++}@example.test`, role: 'viewer' },
        }),
    },
    {
      name: 'GET /orgs/:slug/invitations',
      expect: { owner: 200, admin: 200, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) => s.request({ method: 'GET', url: `/api/v1/orgs/${slug}/invitations` }),
    },
    {
      name: 'DELETE /orgs/:slug/invitations/:id',
      expect: { owner: 204, admin: 204, issuer: 403, assessor: 403, viewer: 403 },
      call: async (s, slug) => {
        const owner = await ownerOf(slug);
        const created = await owner.request({
          method: 'POST',
          url: `/api/v1/orgs/${slug}/invitations`,
          payload: { email: `revoke.${slugCounter++}@example.test`, role: 'viewer' },
        });
        const id = json<{ invitation: { id: string } }>(created).invitation.id;
        return s.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/invitations/${id}` });
      },
    },
    {
      name: 'POST /orgs/:slug/tokens',
      expect: { owner: 201, admin: 201, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) =>
        s.request({
          method: 'POST',
          url: `/api/v1/orgs/${slug}/tokens`,
          payload: { name: 'matrix', scopes: ['org:read'] },
        }),
    },
    {
      name: 'GET /orgs/:slug/tokens',
      expect: { owner: 200, admin: 200, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) => s.request({ method: 'GET', url: `/api/v1/orgs/${slug}/tokens` }),
    },
    {
      name: 'DELETE /orgs/:slug/tokens/:id',
      expect: { owner: 204, admin: 204, issuer: 403, assessor: 403, viewer: 403 },
      call: async (s, slug) => {
        const { record } = await ctx.deps.services.tokens.createToken({
          actor: system,
          slug,
          name: 'to revoke',
          scopes: ['org:read'],
          expiresAt: null,
        });
        return s.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/tokens/${record.id}` });
      },
    },
    {
      name: 'GET /orgs/:slug/audit-events',
      expect: { owner: 200, admin: 200, issuer: 403, assessor: 403, viewer: 403 },
      call: (s, slug) => s.request({ method: 'GET', url: `/api/v1/orgs/${slug}/audit-events` }),
    },
  ];

  const owners = new Map<string, Session>();
  async function ownerOf(slug: string): Promise<Session> {
    const owner = owners.get(slug);
    if (!owner) throw new Error(`no owner for ${slug}`);
    return owner;
  }

  for (const role of ROLES) {
    test(`${role}`, async () => {
      const owner = await signedInUser(ctx);
      const { slug } = await createOrg(owner);
      owners.set(slug, owner);
      const session = role === 'owner' ? owner : await member(slug, role);
      for (const row of matrix) {
        const response = await row.call(session, slug);
        assert.equal(response.statusCode, row.expect[role], `${role} ${row.name}: ${response.body}`);
        if (response.statusCode === 403) assert.equal(json(response).code, 'forbidden');
      }
    });
  }
});

describe('changing roles', () => {
  test('admins manage everyone below owner, other admins included', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const admin = await member(slug, 'admin');
    const otherAdmin = await member(slug, 'admin');
    const issuer = await member(slug, 'issuer');

    for (const [target, role] of [
      [otherAdmin, 'viewer'],
      [issuer, 'assessor'],
      [otherAdmin, 'admin'],
    ] as const) {
      const response = await admin.request({
        method: 'PATCH',
        url: `/api/v1/orgs/${slug}/members/${target.userId}`,
        payload: { role },
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(json<{ membership: { role: string } }>(response).membership.role, role);
    }
    assert.equal(await roleOf(slug, issuer.userId), 'assessor');
  });

  test('only owners grant, change or remove the owner role', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const admin = await member(slug, 'admin');
    const issuer = await member(slug, 'issuer');

    const promoteOther = await admin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${issuer.userId}`,
      payload: { role: 'owner' },
    });
    assert.equal(promoteOther.statusCode, 403);
    const promoteSelf = await admin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${admin.userId}`,
      payload: { role: 'owner' },
    });
    assert.equal(promoteSelf.statusCode, 403);
    const demoteOwner = await admin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
      payload: { role: 'admin' },
    });
    assert.equal(demoteOwner.statusCode, 403);
    const removeOwner = await admin.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
    });
    assert.equal(removeOwner.statusCode, 403);
    assert.equal(await roleOf(slug, owner.userId), 'owner');
    assert.equal(await roleOf(slug, admin.userId), 'admin');

    const byOwner = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${admin.userId}`,
      payload: { role: 'owner' },
    });
    assert.equal(byOwner.statusCode, 200);
    assert.equal(await roleOf(slug, admin.userId), 'owner');
  });

  test('setting the same role is a no-op without an audit event', async () => {
    const owner = await signedInUser(ctx);
    const { id, slug } = await createOrg(owner);
    const issuer = await member(slug, 'issuer');
    const before = await ctx.deps.services.audit.listForOrganisation({ organisationId: id, limit: 100 });
    const response = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${issuer.userId}`,
      payload: { role: 'issuer' },
    });
    assert.equal(response.statusCode, 200);
    const afterEvents = await ctx.deps.services.audit.listForOrganisation({ organisationId: id, limit: 100 });
    assert.equal(afterEvents.length, before.length);
  });

  test('role changes are audited with from and to', async () => {
    const owner = await signedInUser(ctx);
    const { id, slug } = await createOrg(owner);
    const viewer = await member(slug, 'viewer');
    await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${viewer.userId}`,
      payload: { role: 'assessor' },
    });
    const [event] = await ctx.deps.services.audit.listForOrganisation({ organisationId: id, limit: 1 });
    assert.equal(event?.type, 'membership.role_changed');
    assert.deepEqual(event?.data, { userId: viewer.userId, from: 'viewer', to: 'assessor' });
    assert.equal(event?.actor_id, owner.userId);
  });

  test('unknown members and invalid roles', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const outsider = await createUser(ctx);
    const notMember = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${outsider.id}`,
      payload: { role: 'viewer' },
    });
    assert.equal(notMember.statusCode, 404);
    const badRole = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
      payload: { role: 'superuser' },
    });
    assert.equal(badRole.statusCode, 422);
    const badId = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/not-a-uuid`,
      payload: { role: 'viewer' },
    });
    assert.equal(badId.statusCode, 400);
  });
});

describe('the last owner', () => {
  test('cannot be demoted, removed or leave (409 invalid_state)', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const demote = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
      payload: { role: 'admin' },
    });
    assert.equal(demote.statusCode, 409);
    assert.equal(json(demote).code, 'invalid_state');
    const leave = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
    });
    assert.equal(leave.statusCode, 409);
    assert.equal(json(leave).code, 'invalid_state');

    const platformAdmin = await signedInUser(ctx, { platformAdmin: true });
    const remove = await platformAdmin.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
    });
    assert.equal(remove.statusCode, 409);
    assert.equal(await roleOf(slug, owner.userId), 'owner');
  });

  test('with two owners one may go, and then the other is the last', async () => {
    const first = await signedInUser(ctx);
    const { slug } = await createOrg(first);
    const second = await member(slug, 'owner');
    const demoted = await first.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${second.userId}`,
      payload: { role: 'admin' },
    });
    assert.equal(demoted.statusCode, 200);
    await first.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${second.userId}`,
      payload: { role: 'owner' },
    });
    const leave = await first.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${first.userId}`,
    });
    assert.equal(leave.statusCode, 204);
    const secondLeaves = await second.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${second.userId}`,
    });
    assert.equal(secondLeaves.statusCode, 409);
    // The first owner is gone: the organisation is invisible to them now.
    const gone = await first.request({ method: 'GET', url: `/api/v1/orgs/${slug}` });
    assert.equal(gone.statusCode, 404);
  });
});

describe('removing members and leaving', () => {
  test('any member may leave; afterwards the organisation is 404 for them', async () => {
    const owner = await signedInUser(ctx);
    const { id, slug } = await createOrg(owner);
    const viewer = await member(slug, 'viewer');
    const leave = await viewer.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${viewer.userId}`,
    });
    assert.equal(leave.statusCode, 204);
    const after = await viewer.request({ method: 'GET', url: `/api/v1/orgs/${slug}` });
    assert.equal(after.statusCode, 404);
    const [event] = await ctx.deps.services.audit.listForOrganisation({ organisationId: id, limit: 1 });
    assert.equal(event?.type, 'membership.removed');
    assert.deepEqual(event?.data, { userId: viewer.userId, role: 'viewer' });
  });

  test('a viewer cannot remove someone else; removing a non-member is 404', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const viewer = await member(slug, 'viewer');
    const issuer = await member(slug, 'issuer');
    const response = await viewer.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${issuer.userId}`,
    });
    assert.equal(response.statusCode, 403);
    assert.equal(await roleOf(slug, issuer.userId), 'issuer');
    const stranger = await createUser(ctx);
    const missing = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${stranger.id}`,
    });
    assert.equal(missing.statusCode, 404);
  });

  test('an owner removes another owner', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const other = await member(slug, 'owner');
    const response = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${slug}/members/${other.userId}`,
    });
    assert.equal(response.statusCode, 204);
    assert.equal(await roleOf(slug, other.userId), undefined);
  });
});

describe('the member list', () => {
  test('shows names, e-mail addresses and roles to members with members:read, and nothing more', async () => {
    const owner = await signedInUser(ctx, { name: 'Olivia Owner' });
    const { slug } = await createOrg(owner);
    const issuer = await member(slug, 'issuer');
    const response = await issuer.request({ method: 'GET', url: `/api/v1/orgs/${slug}/members` });
    assert.equal(response.statusCode, 200);
    const { members } = json<{ members: Array<Record<string, unknown>> }>(response);
    assert.equal(members.length, 2);
    const ownerEntry = members.find((m) => m.userId === owner.userId);
    assert.deepEqual(Object.keys(ownerEntry ?? {}).sort(), [
      'email',
      'joinedAt',
      'name',
      'role',
      'updatedAt',
      'userId',
    ]);
    assert.equal(ownerEntry?.email, owner.email);
    assert.equal(ownerEntry?.name, 'Olivia Owner');
    assert.doesNotMatch(response.body, /password|scrypt/);
  });
});

describe('addMember (CLI, seeding, platform admins)', () => {
  test('the system actor and platform admins add members; others must invite', async () => {
    const { organisations } = ctx.deps.services;
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const user = await createUser(ctx);
    const membership = await organisations.addMember({
      actor: system,
      slug,
      userId: user.id,
      role: 'issuer',
    });
    assert.equal(membership.role, 'issuer');
    await assert.rejects(
      organisations.addMember({ actor: system, slug, userId: user.id, role: 'viewer' }),
      (error: unknown) => error instanceof AppError && error.code === 'conflict',
    );
    await assert.rejects(
      organisations.addMember({
        actor: system,
        slug,
        userId: '00000000-0000-4000-8000-000000000000',
        role: 'viewer',
      }),
      (error: unknown) => error instanceof AppError && error.code === 'not_found',
    );

    const another = await createUser(ctx);
    await assert.rejects(
      organisations.addMember({
        actor: {
          kind: 'user',
          userId: owner.userId,
          isPlatformAdmin: false,
          emailVerified: true,
          sessionId: null,
        },
        slug,
        userId: another.id,
        role: 'viewer',
      }),
      (error: unknown) => error instanceof AppError && error.code === 'forbidden',
    );
    await organisations.addMember({
      actor: {
        kind: 'user',
        userId: another.id,
        isPlatformAdmin: true,
        emailVerified: true,
        sessionId: null,
      },
      slug,
      userId: another.id,
      role: 'admin',
    });
    assert.equal(await roleOf(slug, another.id), 'admin');
  });

  test('platform admins may grant and take away the owner role', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const admin = await member(slug, 'admin');
    const platformAdmin = await signedInUser(ctx, { platformAdmin: true });
    const promote = await platformAdmin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${admin.userId}`,
      payload: { role: 'owner' },
    });
    assert.equal(promote.statusCode, 200);
    const demote = await platformAdmin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${slug}/members/${owner.userId}`,
      payload: { role: 'viewer' },
    });
    assert.equal(demote.statusCode, 200);
    assert.equal(await roleOf(slug, owner.userId), 'viewer');
  });
});

describe('concurrency', () => {
  test('two owners demoting each other at once: exactly one wins, one owner remains', async () => {
    const first = await signedInUser(ctx);
    const { slug } = await createOrg(first);
    const second = await member(slug, 'owner');
    const responses = await Promise.all([
      first.request({
        method: 'PATCH',
        url: `/api/v1/orgs/${slug}/members/${second.userId}`,
        payload: { role: 'admin' },
      }),
      second.request({
        method: 'PATCH',
        url: `/api/v1/orgs/${slug}/members/${first.userId}`,
        payload: { role: 'admin' },
      }),
    ]);
    const statuses = responses.map((r) => r.statusCode).sort();
    // The loser either lost the owner role first (403) or would remove the last owner (409).
    assert.equal(statuses[0], 200, responses.map((r) => r.body).join('\n'));
    assert.ok([403, 409].includes(statuses[1] ?? 0), responses.map((r) => r.body).join('\n'));
    const roles = [await roleOf(slug, first.userId), await roleOf(slug, second.userId)].sort();
    assert.deepEqual(roles, ['admin', 'owner']);
  });

  test('many writes to one organisation at once all succeed (no deadlock between its lock and the audit chain)', async () => {
    const owner = await signedInUser(ctx);
    const { slug } = await createOrg(owner);
    const targets = await Promise.all(
      [1, 2, 3].map(async () => {
        const user = await createUser(ctx);
        await ctx.deps.services.organisations.addMember({
          actor: system,
          slug,
          userId: user.id,
          role: 'viewer',
        });
        return user.id;
      }),
    );
    const calls = [];
    for (let i = 0; i < 3; i++) {
      calls.push(
        owner.request({
          method: 'POST',
          url: `/api/v1/orgs/${slug}/invitations`,
          payload: { email: `concurrent.${i}.${slug}@example.test`, role: 'viewer' },
        }),
        owner.request({
          method: 'POST',
          url: `/api/v1/orgs/${slug}/tokens`,
          payload: { name: `t${i}`, scopes: ['org:read'] },
        }),
        owner.request({ method: 'PATCH', url: `/api/v1/orgs/${slug}`, payload: { description: `d${i}` } }),
        owner.request({
          method: 'PATCH',
          url: `/api/v1/orgs/${slug}/members/${targets[i]}`,
          payload: { role: 'issuer' },
        }),
      );
    }
    const responses = await Promise.all(calls);
    for (const response of responses) assert.ok(response.statusCode < 300, response.body);
    assert.equal((await ctx.deps.services.audit.verifyChain()).ok, true);
  });
});
