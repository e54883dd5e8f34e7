import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { AppError } from '../../src/core/errors.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createUser, login, type Session, signedInUser } from '../helpers/factories.ts';

interface OrganisationBody {
  id: string;
  slug: string;
  name: string;
  url: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

let ctx: TestContext;
let slugCounter = 0;
function uniqueSlug(prefix = 'org'): string {
  slugCounter++;
  return `${prefix}-${process.pid}-${slugCounter}`;
}

async function createOrg(owner: Session, slug = uniqueSlug()): Promise<OrganisationBody> {
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: `Org ${slug}` },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: OrganisationBody }>(response).organisation;
}

async function auditTypes(organisationId: string): Promise<string[]> {
  const rows = await ctx.deps.services.audit.listForOrganisation({ organisationId, limit: 1000 });
  return rows.map((row) => row.type).reverse();
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

describe('POST /orgs', () => {
  test('creates the organisation, makes the creator its owner and audits both', async () => {
    const owner = await signedInUser(ctx);
    const slug = uniqueSlug('acme');
    const response = await owner.request({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: {
        slug,
        name: '  Acme Academy  ',
        url: 'https://acme.example',
        description: 'We teach things',
      },
    });
    assert.equal(response.statusCode, 201, response.body);
    const { organisation } = json<{ organisation: OrganisationBody }>(response);
    assert.deepEqual(Object.keys(organisation).sort(), [
      'createdAt',
      'description',
      'id',
      'name',
      'slug',
      'updatedAt',
      'url',
    ]);
    assert.equal(organisation.slug, slug);
    assert.equal(organisation.name, 'Acme Academy');
    assert.equal(organisation.url, 'https://acme.example');
    assert.equal(organisation.description, 'We teach things');

    const mine = await owner.request({ method: 'GET', url: '/api/v1/orgs' });
    assert.equal(mine.statusCode, 200);
    const list = json<{ organisations: Array<{ organisation: OrganisationBody; role: string }> }>(mine);
    assert.deepEqual(
      list.organisations.map((entry) => [entry.organisation.slug, entry.role]),
      [[slug, 'owner']],
    );
    assert.deepEqual(await auditTypes(organisation.id), ['organisation.created', 'membership.added']);
  });

  test('refuses malformed, reserved and over-long slugs with 422', async () => {
    const owner = await signedInUser(ctx);
    for (const slug of ['Upper', 'has space', '-leading', 'trailing-', 'under_score', 'a'.repeat(64), '']) {
      const response = await owner.request({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug, name: 'X' },
      });
      assert.equal(response.statusCode, 422, `${slug}: ${response.body}`);
      assert.equal(json(response).code, 'validation_failed');
    }
    for (const slug of ['api', 'admin', 'new', 'settings']) {
      const response = await owner.request({
        method: 'POST',
        url: '/api/v1/orgs',
        payload: { slug, name: 'X' },
      });
      assert.equal(response.statusCode, 422, slug);
      assert.match(String(json(response).detail), /reserved/);
    }
    // The longest legal slug is 63 characters; a one-character slug is fine too.
    await createOrg(owner, `${'b'.repeat(61)}${String(process.pid % 10)}z`);
    await createOrg(owner, String(process.pid % 10));
  });

  test('a taken slug is a 409 conflict', async () => {
    const first = await signedInUser(ctx);
    const second = await signedInUser(ctx);
    const { slug } = await createOrg(first);
    const response = await second.request({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: { slug, name: 'Copycat' },
    });
    assert.equal(response.statusCode, 409);
    assert.equal(json(response).code, 'conflict');
  });

  test('validates the body: unknown properties, bad URLs, missing name', async () => {
    const owner = await signedInUser(ctx);
    const cases: Array<Record<string, unknown>> = [
      { slug: uniqueSlug(), name: 'X', extra: true },
      { slug: uniqueSlug(), name: 'X', url: 'ftp://files.example' },
      { slug: uniqueSlug(), name: 'X', url: 'not a url' },
      { slug: uniqueSlug() },
      { slug: uniqueSlug(), name: '   ' },
    ];
    for (const payload of cases) {
      const response = await owner.request({ method: 'POST', url: '/api/v1/orgs', payload });
      assert.equal(response.statusCode, 422, JSON.stringify(payload));
    }
  });

  test('needs a verified e-mail address (403 email_not_verified) and a session (401)', async () => {
    const unverified = await signedInUser(ctx, { verified: false });
    const response = await unverified.request({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: { slug: uniqueSlug(), name: 'X' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(json(response).code, 'email_not_verified');

    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: { slug: uniqueSlug(), name: 'X' },
    });
    assert.equal(anonymous.statusCode, 401);
  });

  test('the system actor (CLI, seeding) may create with or without an owner', async () => {
    const { organisations } = ctx.deps.services;
    const user = await createUser(ctx);
    const withOwner = await organisations.createOrganisation({
      actor: systemActor('cli'),
      slug: uniqueSlug('cli'),
      name: 'From the CLI',
      ownerUserId: user.id,
    });
    const session = await login(ctx, user.email);
    const response = await session.request({ method: 'GET', url: `/api/v1/orgs/${withOwner.slug}` });
    assert.equal(response.statusCode, 200);
    assert.equal(json(response).role, 'owner');

    const ownerless = await organisations.createOrganisation({
      actor: systemActor('seed'),
      slug: uniqueSlug('seed'),
      name: 'Seeded',
    });
    assert.deepEqual(await auditTypes(ownerless.id), ['organisation.created']);

    await assert.rejects(
      organisations.createOrganisation({
        actor: systemActor('cli'),
        slug: uniqueSlug('cli'),
        name: 'Nobody',
        ownerUserId: '00000000-0000-4000-8000-000000000000',
      }),
      (error: unknown) => error instanceof AppError && error.code === 'validation_failed',
    );
  });
});

describe('GET /orgs/:slug and GET /orgs', () => {
  test('a member sees the organisation and their role; an unknown slug is 404', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const response = await owner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}` });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { organisation, role: 'owner' });

    const missing = await owner.request({ method: 'GET', url: '/api/v1/orgs/no-such-org-here' });
    assert.equal(missing.statusCode, 404);
    assert.equal(json(missing).code, 'not_found');
  });

  test('GET /orgs lists only the caller’s organisations, and needs authentication', async () => {
    const alice = await signedInUser(ctx);
    const bob = await signedInUser(ctx);
    const a1 = await createOrg(alice);
    const a2 = await createOrg(alice);
    await createOrg(bob);
    await ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug: a2.slug,
      userId: bob.userId,
      role: 'viewer',
    });
    const aliceList = json<{ organisations: Array<{ organisation: { slug: string }; role: string }> }>(
      await alice.request({ method: 'GET', url: '/api/v1/orgs' }),
    );
    assert.deepEqual(
      aliceList.organisations.map((e) => e.organisation.slug).sort(),
      [a1.slug, a2.slug].sort(),
    );
    const bobList = json<{ organisations: Array<{ organisation: { slug: string }; role: string }> }>(
      await bob.request({ method: 'GET', url: '/api/v1/orgs' }),
    );
    assert.equal(bobList.organisations.length, 2);
    assert.equal(bobList.organisations.find((e) => e.organisation.slug === a2.slug)?.role, 'viewer');

    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/orgs' });
    assert.equal(anonymous.statusCode, 401);
  });
});

describe('PATCH /orgs/:slug', () => {
  test('owners and admins change the profile; the change is audited with the field names', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    ctx.clock.advance(1000);
    const response = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { name: 'Renamed', url: 'https://renamed.example', description: 'New text' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const updated = json<{ organisation: OrganisationBody }>(response).organisation;
    assert.equal(updated.name, 'Renamed');
    assert.equal(updated.url, 'https://renamed.example');
    assert.equal(updated.description, 'New text');
    assert.equal(updated.slug, organisation.slug);
    assert.notEqual(updated.updatedAt, organisation.updatedAt);

    const cleared = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { url: null, description: '' },
    });
    assert.equal(cleared.statusCode, 200);
    assert.equal(json<{ organisation: OrganisationBody }>(cleared).organisation.url, null);
    assert.equal(json<{ organisation: OrganisationBody }>(cleared).organisation.description, null);

    const events = await ctx.deps.services.audit.listForOrganisation({
      organisationId: organisation.id,
      limit: 10,
    });
    const updates = events.filter((e) => e.type === 'organisation.updated').map((e) => e.data.fields);
    assert.deepEqual(updates, [
      ['url', 'description'],
      ['name', 'url', 'description'],
    ]);
  });

  test('a change to nothing writes no audit event; an empty body or a slug change is refused', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const before = await auditTypes(organisation.id);
    const same = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { name: organisation.name },
    });
    assert.equal(same.statusCode, 200);
    assert.deepEqual(await auditTypes(organisation.id), before);

    const empty = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: {},
    });
    assert.equal(empty.statusCode, 422);
    const slugChange = await owner.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { slug: 'new-slug' },
    });
    assert.equal(slugChange.statusCode, 422);
  });

  test('cookie writes still need the CSRF token', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      headers: { cookie: owner.cookie },
      payload: { name: 'No CSRF' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(json(response).code, 'csrf_failed');
  });
});

describe('platform administrators', () => {
  test('see and manage every organisation without being members', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const admin = await signedInUser(ctx, { platformAdmin: true });

    const read = await admin.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}` });
    assert.equal(read.statusCode, 200);
    assert.equal(json(read).role, null);

    const patch = await admin.request({
      method: 'PATCH',
      url: `/api/v1/orgs/${organisation.slug}`,
      payload: { name: 'Moderated' },
    });
    assert.equal(patch.statusCode, 200);

    const members = await admin.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}/members` });
    assert.equal(members.statusCode, 200);

    // GET /orgs stays "mine": a platform admin who belongs nowhere has an empty list.
    const mine = await admin.request({ method: 'GET', url: '/api/v1/orgs' });
    assert.deepEqual(json(mine), { organisations: [] });
  });

  test('GET /admin/organisations lists every organisation with member counts, paged', async () => {
    const admin = await signedInUser(ctx, { platformAdmin: true });
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    await ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug: organisation.slug,
      userId: (await createUser(ctx)).id,
      role: 'viewer',
    });

    const all = await admin.request({ method: 'GET', url: '/api/v1/admin/organisations?limit=200' });
    assert.equal(all.statusCode, 200, all.body);
    const body = json<{
      organisations: Array<{ organisation: OrganisationBody; memberCount: number }>;
      total: number;
    }>(all);
    assert.equal(body.total, body.organisations.length);
    assert.equal(body.organisations.find((e) => e.organisation.id === organisation.id)?.memberCount, 2);

    const page = json<{ organisations: Array<{ organisation: OrganisationBody }>; total: number }>(
      await admin.request({ method: 'GET', url: '/api/v1/admin/organisations?limit=1&offset=1' }),
    );
    assert.equal(page.organisations.length, 1);
    assert.equal(page.total, body.total);
    assert.equal(page.organisations[0]?.organisation.id, body.organisations[1]?.organisation.id);

    const bad = await admin.request({ method: 'GET', url: '/api/v1/admin/organisations?limit=0' });
    assert.equal(bad.statusCode, 400);
  });

  test('GET /admin/organisations is 404 for everybody else', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const notAdmin = await owner.request({ method: 'GET', url: '/api/v1/admin/organisations' });
    assert.equal(notAdmin.statusCode, 404);
    assert.equal(json(notAdmin).code, 'not_found');

    const { token } = await ctx.deps.services.tokens.createToken({
      actor: systemActor('test'),
      slug: organisation.slug,
      name: 'integration',
      scopes: ['org:read'],
      expiresAt: null,
    });
    const withToken = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/admin/organisations',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.statusCode, 404);

    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/admin/organisations' });
    assert.equal(anonymous.statusCode, 401);
  });
});
