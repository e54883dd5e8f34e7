import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import type { MembershipRole } from '../../src/db/schema.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import {
  DEFAULT_PASSWORD,
  lastMailTo,
  login,
  type Session,
  signedInUser,
  uniqueEmail,
} from '../helpers/factories.ts';

interface InvitationBody {
  id: string;
  email: string;
  role: MembershipRole;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

let ctx: TestContext;
let slugCounter = 0;
const DAY_MS = 86_400_000;

async function createOrg(owner: Session): Promise<{ id: string; slug: string; name: string }> {
  slugCounter++;
  const slug = `inv-${process.pid}-${slugCounter}`;
  const response = await owner.request({
    method: 'POST',
    url: '/api/v1/orgs',
    payload: { slug, name: `Invitations ${slugCounter}` },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ organisation: { id: string; slug: string; name: string } }>(response).organisation;
}

async function invite(
  by: Session,
  slug: string,
  email: string,
  role: MembershipRole = 'issuer',
): Promise<{ invitation: InvitationBody; token: string }> {
  const response = await by.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/invitations`,
    payload: { email, role },
  });
  assert.equal(response.statusCode, 201, response.body);
  await ctx.deps.services.mail.flush();
  const mail = lastMailTo(ctx, email.toLowerCase());
  assert.ok(mail?.token, 'the invitation mail carries a token');
  return { invitation: json<{ invitation: InvitationBody }>(response).invitation, token: mail.token };
}

function accept(session: Session, token: string) {
  return session.request({ method: 'POST', url: '/api/v1/invitations/accept', payload: { token } });
}

async function listInvitations(owner: Session, slug: string): Promise<InvitationBody[]> {
  const response = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/invitations` });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ invitations: InvitationBody[] }>(response).invitations;
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

describe('invitations end to end', () => {
  test('invite by mail → sign up → verify → accept → member with the invited role', async () => {
    const owner = await signedInUser(ctx, { name: 'Olivia Owner' });
    const organisation = await createOrg(owner);
    const email = uniqueEmail('invitee');

    const { invitation, token } = await invite(owner, organisation.slug, email, 'issuer');
    assert.equal(invitation.status, 'pending');
    assert.equal(invitation.email, email);
    assert.equal(invitation.role, 'issuer');
    assert.equal(invitation.invitedBy, owner.userId);
    assert.equal(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt), 7 * DAY_MS);
    assert.equal('token' in invitation, false);

    const mail = lastMailTo(ctx, email);
    assert.ok(mail);
    assert.match(mail.message.subject, new RegExp(organisation.name));
    assert.ok(mail.message.text.includes(`http://credstack.test/invitations/accept?token=${token}`));
    assert.match(mail.message.text, /Olivia Owner/);
    assert.match(mail.message.text, /an issuer/);

    // The invitee has no account yet: they sign up with the invited address.
    const signup = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, name: 'Ivy Invitee', password: DEFAULT_PASSWORD },
    });
    assert.equal(signup.statusCode, 201, signup.body);
    const invitee = await login(ctx, email);

    const unverified = await accept(invitee, token);
    assert.equal(unverified.statusCode, 403);
    assert.equal(json(unverified).code, 'email_not_verified');

    await ctx.deps.services.mail.flush();
    const verification = [...ctx.mail.sent]
      .reverse()
      .find((m) => m.to === email && /Confirm/.test(m.subject));
    const verifyToken = /token=([A-Za-z0-9_%-]+)/.exec(verification?.text ?? '')?.[1];
    assert.ok(verifyToken);
    const verified = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token: decodeURIComponent(verifyToken) },
    });
    assert.equal(verified.statusCode, 200);

    const accepted = await accept(invitee, token);
    assert.equal(accepted.statusCode, 200, accepted.body);
    const body = json<{ organisation: { slug: string }; membership: { role: string; userId: string } }>(
      accepted,
    );
    assert.equal(body.organisation.slug, organisation.slug);
    assert.equal(body.membership.role, 'issuer');
    assert.equal(body.membership.userId, invitee.userId);

    const mine = json<{ organisations: Array<{ organisation: { slug: string }; role: string }> }>(
      await invitee.request({ method: 'GET', url: '/api/v1/orgs' }),
    );
    assert.deepEqual(
      mine.organisations.map((e) => [e.organisation.slug, e.role]),
      [[organisation.slug, 'issuer']],
    );

    const [listed] = await listInvitations(owner, organisation.slug);
    assert.equal(listed?.status, 'accepted');
    assert.ok(listed?.acceptedAt);

    const again = await accept(invitee, token);
    assert.equal(again.statusCode, 400);
    assert.equal(json(again).code, 'token_invalid');

    const events = await ctx.deps.services.audit.listForOrganisation({
      organisationId: organisation.id,
      limit: 3,
    });
    assert.deepEqual(
      events.map((e) => e.type),
      ['membership.added', 'invitation.accepted', 'invitation.created'],
    );
    assert.equal(events[0]?.actor_id, invitee.userId);
    assert.deepEqual(events[1]?.data, { userId: invitee.userId, role: 'issuer' });
    // Audit data of invitations never carries the invited address.
    assert.doesNotMatch(JSON.stringify(events.map((e) => e.data)), /@/);
  });

  test('an existing, signed-in user accepts straight away; the address compares case-insensitively', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const invitee = await signedInUser(ctx);
    const { token } = await invite(owner, organisation.slug, invitee.email.toUpperCase(), 'viewer');
    const response = await accept(invitee, token);
    assert.equal(response.statusCode, 200, response.body);
    const read = await invitee.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}` });
    assert.equal(json(read).role, 'viewer');
  });

  test('someone signed in with another address is refused (403) and the invitation stays usable', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const invitee = await signedInUser(ctx);
    const someoneElse = await signedInUser(ctx);
    const { token } = await invite(owner, organisation.slug, invitee.email);

    const response = await accept(someoneElse, token);
    assert.equal(response.statusCode, 403);
    assert.equal(json(response).code, 'forbidden');
    assert.match(String(json(response).detail), /different e-mail address/);
    assert.doesNotMatch(String(json(response).detail), new RegExp(invitee.email.replace(/\./g, '\\.')));
    const notMember = await someoneElse.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}` });
    assert.equal(notMember.statusCode, 404);

    assert.equal((await accept(invitee, token)).statusCode, 200);
  });

  test('accepting needs a session; a garbage token is token_invalid', async () => {
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: 'x'.repeat(43) },
    });
    assert.equal(anonymous.statusCode, 401);
    const user = await signedInUser(ctx);
    const garbage = await accept(user, 'y'.repeat(43));
    assert.equal(garbage.statusCode, 400);
    assert.equal(json(garbage).code, 'token_invalid');
    const tooShort = await accept(user, 'short');
    assert.equal(tooShort.statusCode, 422);
  });

  test('an invitation expires after 7 days', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const invitee = await signedInUser(ctx);
    const { token } = await invite(owner, organisation.slug, invitee.email);
    ctx.clock.advance(7 * DAY_MS + 1000);
    const response = await accept(invitee, token);
    assert.equal(response.statusCode, 400);
    assert.equal(json(response).code, 'token_invalid');
    const [listed] = await listInvitations(owner, organisation.slug);
    assert.equal(listed?.status, 'expired');
    const revoke = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${organisation.slug}/invitations/${listed?.id}`,
    });
    assert.equal(revoke.statusCode, 409);
  });

  test('re-inviting a pending address replaces the old invitation', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const invitee = await signedInUser(ctx);
    const first = await invite(owner, organisation.slug, invitee.email, 'viewer');
    ctx.clock.advance(1000);
    const second = await invite(owner, organisation.slug, invitee.email, 'assessor');
    assert.notEqual(first.token, second.token);

    const invitations = await listInvitations(owner, organisation.slug);
    assert.deepEqual(
      invitations.map((i) => [i.id, i.status]),
      [
        [second.invitation.id, 'pending'],
        [first.invitation.id, 'revoked'],
      ],
    );
    const old = await accept(invitee, first.token);
    assert.equal(old.statusCode, 400);
    const fresh = await accept(invitee, second.token);
    assert.equal(fresh.statusCode, 200);
    assert.equal(json<{ membership: { role: string } }>(fresh).membership.role, 'assessor');
  });

  test('revoking: 204, the link stops working, a second revoke is 409, unknown ids 404', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const invitee = await signedInUser(ctx);
    const { invitation, token } = await invite(owner, organisation.slug, invitee.email);
    const url = `/api/v1/orgs/${organisation.slug}/invitations/${invitation.id}`;
    assert.equal((await owner.request({ method: 'DELETE', url })).statusCode, 204);
    const accepted = await accept(invitee, token);
    assert.equal(accepted.statusCode, 400);
    const twice = await owner.request({ method: 'DELETE', url });
    assert.equal(twice.statusCode, 409);
    assert.equal(json(twice).code, 'invalid_state');
    const unknown = await owner.request({
      method: 'DELETE',
      url: `/api/v1/orgs/${organisation.slug}/invitations/00000000-0000-4000-8000-000000000000`,
    });
    assert.equal(unknown.statusCode, 404);
    const [event] = await ctx.deps.services.audit.listForOrganisation({
      organisationId: organisation.id,
      limit: 1,
    });
    assert.equal(event?.type, 'invitation.revoked');
    assert.equal(event?.subject_id, invitation.id);
  });

  test('inviting or accepting as an existing member is a 409 conflict', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const memberSession = await signedInUser(ctx);
    await ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug: organisation.slug,
      userId: memberSession.userId,
      role: 'viewer',
    });
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/invitations`,
      payload: { email: memberSession.email, role: 'admin' },
    });
    assert.equal(response.statusCode, 409);

    // Invited first, added another way before accepting.
    const late = await signedInUser(ctx);
    const { token } = await invite(owner, organisation.slug, late.email);
    await ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug: organisation.slug,
      userId: late.userId,
      role: 'viewer',
    });
    const accepted = await accept(late, token);
    assert.equal(accepted.statusCode, 409);
    assert.equal(json(accepted).code, 'conflict');
  });

  test('only owners invite owners; admins invite everyone below', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    const admin = await signedInUser(ctx);
    await ctx.deps.services.organisations.addMember({
      actor: systemActor('test'),
      slug: organisation.slug,
      userId: admin.userId,
      role: 'admin',
    });
    const refused = await admin.request({
      method: 'POST',
      url: `/api/v1/orgs/${organisation.slug}/invitations`,
      payload: { email: uniqueEmail(), role: 'owner' },
    });
    assert.equal(refused.statusCode, 403);
    await invite(admin, organisation.slug, uniqueEmail(), 'admin');

    const futureOwner = await signedInUser(ctx);
    const { token } = await invite(owner, organisation.slug, futureOwner.email, 'owner');
    assert.equal((await accept(futureOwner, token)).statusCode, 200);
    const read = await futureOwner.request({ method: 'GET', url: `/api/v1/orgs/${organisation.slug}` });
    assert.equal(json(read).role, 'owner');
  });

  test('the body is validated: bad addresses, unknown roles, extra properties', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    for (const payload of [
      { email: 'not-an-address', role: 'viewer' },
      { email: uniqueEmail(), role: 'emperor' },
      { email: uniqueEmail(), role: 'viewer', message: 'hi' },
      { email: uniqueEmail() },
    ]) {
      const response = await owner.request({
        method: 'POST',
        url: `/api/v1/orgs/${organisation.slug}/invitations`,
        payload,
      });
      assert.equal(response.statusCode, 422, JSON.stringify(payload));
    }
    assert.deepEqual(await listInvitations(owner, organisation.slug), []);
  });

  test('the system actor cannot send invitations (there is no inviter to name)', async () => {
    const owner = await signedInUser(ctx);
    const organisation = await createOrg(owner);
    await assert.rejects(
      ctx.deps.services.organisations.createInvitation({
        actor: systemActor('cli'),
        slug: organisation.slug,
        email: uniqueEmail(),
        role: 'viewer',
      }),
      (error: unknown) => (error as { code?: string }).code === 'forbidden',
    );
  });
});
