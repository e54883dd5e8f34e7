import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  type CredentialBody,
  createOrganisation,
  issueAs,
  pathOf,
  problem,
} from '../helpers/credentials.ts';
import {
  createUser,
  lastMailTo,
  login,
  type Session,
  signedInUser,
  uniqueEmail,
} from '../helpers/factories.ts';

interface HeldBody {
  id: string;
  url: string;
  name: string | null;
  achievementName: string | null;
  organisation: { name: string; slug: string };
  status: 'active' | 'suspended' | 'revoked';
  validFrom: string | null;
  validUntil: string | null;
  issuedAt: string;
  holderName: string | null;
  holderNamePublic: boolean;
  format: 'data-integrity' | 'vc+jwt';
  verifiableCredential: Record<string, unknown> | string;
}

interface ListBody {
  credentials: HeldBody[];
  nextCursor: string | null;
}

const HELD_FIELDS = [
  'achievementName',
  'format',
  'holderName',
  'holderNamePublic',
  'id',
  'issuedAt',
  'name',
  'organisation',
  'status',
  'url',
  'validFrom',
  'validUntil',
  'verifiableCredential',
];

let ctx: TestContext;
let issuerA: Session;
let slugA: string;
let orgA: string;
let issuerB: Session;
let slugB: string;
/** A verified holder with credentials from two organisations. */
let holder: Session;
let heldA: CredentialBody;
let heldB: CredentialBody;
/** Issued to someone else. */
let others: CredentialBody;

/** The address in another case, as an issuer might type it. */
function asTyped(email: string): string {
  const [local, domain] = email.split('@');
  return `${local!.toUpperCase()}@${domain!.replace(/^./, (c) => c.toUpperCase())}`;
}

function issueTo(session: Session, slug: string, email: string, overrides: Record<string, unknown> = {}) {
  return issueAs(session, slug, { recipient: { email, name: 'Lea Learner' }, ...overrides });
}

function listAs(session: Session, query = '') {
  return session.request({ method: 'GET', url: `/api/v1/me/credentials${query}` });
}

function patchAs(session: Session, id: string, payload: unknown, headers: Record<string, string> = {}) {
  return session.request({
    method: 'PATCH',
    url: `/api/v1/me/credentials/${id}`,
    payload: payload as object,
    headers,
  });
}

async function visibilityEvents(credentialId: string) {
  return ctx.deps.database.db
    .selectFrom('audit_events')
    .select(['type', 'actor_type', 'actor_id', 'organisation_id', 'subject_type', 'subject_id', 'data'])
    .where('subject_id', '=', credentialId)
    .where('type', '=', 'credential.holder_name_visibility_changed')
    .orderBy('seq')
    .execute();
}

async function publicPage(credential: CredentialBody): Promise<string> {
  const response = await ctx.app.inject({
    method: 'GET',
    url: pathOf(ctx, credential.url),
    headers: { accept: 'text/html' },
  });
  assert.equal(response.statusCode, 200, response.body);
  assert.match(String(response.headers['content-type']), /text\/html/);
  return response.body;
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner: issuerA, slug: slugA, id: orgA } = await createOrganisation(ctx, { prefix: 'holder-a' }));
  ({ owner: issuerB, slug: slugB } = await createOrganisation(ctx, { prefix: 'holder-b' }));
  holder = await signedInUser(ctx, { email: uniqueEmail('holder'), name: 'Lea Learner' });
  heldA = await issueTo(issuerA, slugA, asTyped(holder.email));
  ctx.clock.advance(1000);
  heldB = await issueTo(issuerB, slugB, holder.email, { format: 'vc+jwt' });
  others = await issueTo(issuerA, slugA, uniqueEmail('someone-else'));
});
after(async () => {
  await ctx.close();
});

describe('GET /api/v1/me/credentials', () => {
  test('a verified holder sees the credentials issued to their address, from every organisation, and no others', async () => {
    const response = await listAs(holder);
    assert.equal(response.statusCode, 200, response.body);
    const body = json<ListBody>(response);
    assert.deepEqual(
      body.credentials.map((c) => c.id),
      [heldB.id, heldA.id],
      'newest first, matched whatever case the issuer typed',
    );
    assert.equal(body.nextCursor, null);
    assert.ok(!body.credentials.some((c) => c.id === others.id));

    const [b, a] = body.credentials as [HeldBody, HeldBody];
    assert.deepEqual(Object.keys(a).sort(), HELD_FIELDS);
    assert.equal(a.url, heldA.url);
    assert.equal(a.name, heldA.name);
    assert.equal(a.achievementName, 'Data Analysis with SQL');
    assert.deepEqual(a.organisation.slug, slugA);
    assert.equal(a.status, 'active');
    assert.equal(a.issuedAt, heldA.issuedAt);
    assert.equal(a.validFrom, heldA.validFrom);
    assert.equal(a.holderName, 'Lea Learner');
    assert.equal(a.holderNamePublic, false);
    assert.equal(a.format, 'data-integrity');
    assert.deepEqual(a.verifiableCredential, heldA.verifiableCredential, 'the holder can download it');
    assert.equal(b.organisation.slug, slugB);
    assert.equal(b.format, 'vc+jwt');
    assert.equal(b.verifiableCredential, heldB.verifiableCredential);

    // Nothing about the organisation's internals or any e-mail address leaves.
    assert.ok(!response.body.toLowerCase().includes(holder.email), 'not even the holder’s own address');
    assert.ok(!response.body.includes('someone-else'));
    assert.ok(!response.body.includes('issuedBy'));
    assert.ok(!response.body.includes('statusReason'));
  });

  test('a credential issued to someone else appears only in their list', async () => {
    const someone = await signedInUser(ctx, { email: uniqueEmail('lister') });
    const mine = await issueTo(issuerA, slugA, someone.email);
    const body = json<ListBody>(await listAs(someone));
    assert.deepEqual(
      body.credentials.map((c) => c.id),
      [mine.id],
    );
    const holders = json<ListBody>(await listAs(holder));
    assert.ok(!holders.credentials.some((c) => c.id === mine.id));
  });

  test('a holder with nothing issued to them gets an empty list', async () => {
    const nobody = await signedInUser(ctx, { email: uniqueEmail('nobody') });
    const response = await listAs(nobody);
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(json<ListBody>(response), { credentials: [], nextCursor: null });
  });

  test('pages with a cursor', async () => {
    const first = json<ListBody>(await listAs(holder, '?limit=1'));
    assert.deepEqual(
      first.credentials.map((c) => c.id),
      [heldB.id],
    );
    assert.ok(first.nextCursor);
    const second = json<ListBody>(
      await listAs(holder, `?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`),
    );
    assert.deepEqual(
      second.credentials.map((c) => c.id),
      [heldA.id],
    );
    assert.equal(second.nextCursor, null);

    const bad = await listAs(holder, '?cursor=not-a-cursor');
    assert.equal(bad.statusCode, 400, bad.body);
    assert.equal(problem(bad).code, 'invalid_request');
    const tooMany = await listAs(holder, '?limit=1000');
    assert.equal(tooMany.statusCode, 400, tooMany.body);
    assert.equal(problem(tooMany).code, 'invalid_request');
  });

  test('an unverified address: 403 email_not_verified until it is verified', async () => {
    const email = uniqueEmail('unverified');
    await createUser(ctx, { email, verified: false });
    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, email)?.token;
    assert.ok(token, 'a verification mail was sent');
    const unverified = await login(ctx, email);
    const credential = await issueTo(issuerA, slugA, email);

    const listed = await listAs(unverified);
    assert.equal(listed.statusCode, 403, listed.body);
    assert.match(String(listed.headers['content-type']), /application\/problem\+json/);
    assert.equal(problem(listed).code, 'email_not_verified');
    const patched = await patchAs(unverified, credential.id, { holderNamePublic: true });
    assert.equal(patched.statusCode, 403, patched.body);
    assert.equal(problem(patched).code, 'email_not_verified');
    assert.equal((await visibilityEvents(credential.id)).length, 0);

    // Verifying in the same session is enough.
    const verified = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/verify-email',
      payload: { token },
    });
    assert.equal(verified.statusCode, 200, verified.body);
    const afterwards = await listAs(unverified);
    assert.equal(afterwards.statusCode, 200, afterwards.body);
    assert.deepEqual(
      json<ListBody>(afterwards).credentials.map((c) => c.id),
      [credential.id],
    );
  });

  test('needs a session: 401 anonymously and with an API token', async () => {
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/credentials' });
    assert.equal(anonymous.statusCode, 401, anonymous.body);
    assert.match(String(anonymous.headers['content-type']), /application\/problem\+json/);
    assert.equal(problem(anonymous).code, 'unauthenticated');

    const token = await apiToken(ctx, slugA, ['credentials:read']);
    const withToken = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/me/credentials',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.statusCode, 401, withToken.body);
    assert.equal(problem(withToken).code, 'unauthenticated');
  });
});

describe('GET /api/v1/me/credentials/:id', () => {
  test('the holder reads one credential; anyone else, an unknown id and a malformed one do not', async () => {
    const own = await holder.request({ method: 'GET', url: `/api/v1/me/credentials/${heldA.id}` });
    assert.equal(own.statusCode, 200, own.body);
    const { credential } = json<{ credential: HeldBody }>(own);
    assert.deepEqual(Object.keys(credential).sort(), HELD_FIELDS);
    assert.equal(credential.id, heldA.id);
    assert.equal(credential.organisation.slug, slugA);
    assert.ok(!own.body.toLowerCase().includes(holder.email));

    const stranger = await signedInUser(ctx, { email: uniqueEmail('reader') });
    for (const [session, id] of [
      [stranger, heldA.id],
      [issuerA, heldA.id],
      [holder, others.id],
      [holder, randomUUID()],
    ] as const) {
      const response = await session.request({ method: 'GET', url: `/api/v1/me/credentials/${id}` });
      assert.equal(response.statusCode, 404, response.body);
      assert.equal(problem(response).code, 'not_found');
    }
    const malformed = await holder.request({ method: 'GET', url: '/api/v1/me/credentials/not-a-uuid' });
    assert.equal(malformed.statusCode, 400, malformed.body);
    const anonymous = await ctx.app.inject({ method: 'GET', url: `/api/v1/me/credentials/${heldA.id}` });
    assert.equal(anonymous.statusCode, 401, anonymous.body);
  });
});

describe('PATCH /api/v1/me/credentials/:id', () => {
  test('the holder shows their name on the public page and hides it again; each change is audited', async () => {
    assert.doesNotMatch(await publicPage(heldA), /Lea Learner/, 'hidden by default');

    const shown = await patchAs(holder, heldA.id, { holderNamePublic: true });
    assert.equal(shown.statusCode, 200, shown.body);
    const credential = json<{ credential: HeldBody }>(shown).credential;
    assert.deepEqual(Object.keys(credential).sort(), HELD_FIELDS);
    assert.equal(credential.id, heldA.id);
    assert.equal(credential.holderNamePublic, true);
    assert.equal(credential.organisation.slug, slugA);
    assert.deepEqual(credential.verifiableCredential, heldA.verifiableCredential);
    assert.match(await publicPage(heldA), /Lea Learner/);
    assert.equal(
      json<ListBody>(await listAs(holder)).credentials.find((c) => c.id === heldA.id)?.holderNamePublic,
      true,
    );
    // The other credential is untouched.
    assert.doesNotMatch(await publicPage(heldB), /Lea Learner/);

    const hidden = await patchAs(holder, heldA.id, { holderNamePublic: false });
    assert.equal(hidden.statusCode, 200, hidden.body);
    assert.equal(json<{ credential: HeldBody }>(hidden).credential.holderNamePublic, false);
    assert.doesNotMatch(await publicPage(heldA), /Lea Learner/);

    // Setting the value it already has changes nothing and records nothing.
    const again = await patchAs(holder, heldA.id, { holderNamePublic: false });
    assert.equal(again.statusCode, 200, again.body);

    const events = await visibilityEvents(heldA.id);
    assert.deepEqual(
      events.map((event) => ({ ...event })),
      [
        {
          type: 'credential.holder_name_visibility_changed',
          actor_type: 'user',
          actor_id: holder.userId,
          organisation_id: orgA,
          subject_type: 'credential',
          subject_id: heldA.id,
          data: { before: false, after: true },
        },
        {
          type: 'credential.holder_name_visibility_changed',
          actor_type: 'user',
          actor_id: holder.userId,
          organisation_id: orgA,
          subject_type: 'credential',
          subject_id: heldA.id,
          data: { before: true, after: false },
        },
      ],
    );
    const chain = await ctx.deps.services.audit.verifyChain();
    assert.equal(chain.ok, true, JSON.stringify(chain));
  });

  test('anyone but the holder gets 404, even the issuing organisation’s owner', async () => {
    const stranger = await signedInUser(ctx, { email: uniqueEmail('stranger') });
    for (const session of [stranger, issuerA]) {
      const response = await patchAs(session, heldA.id, { holderNamePublic: true });
      assert.equal(response.statusCode, 404, response.body);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      assert.equal(problem(response).code, 'not_found');
    }
    // The holder may not change someone else's credential either.
    const notTheirs = await patchAs(holder, others.id, { holderNamePublic: true });
    assert.equal(notTheirs.statusCode, 404, notTheirs.body);
    assert.equal(problem(notTheirs).code, 'not_found');
    assert.doesNotMatch(await publicPage(others), /Lea Learner/);
    assert.equal((await visibilityEvents(others.id)).length, 0);
  });

  test('an unknown id is 404, a malformed one 400', async () => {
    const unknown = await patchAs(holder, randomUUID(), { holderNamePublic: true });
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(problem(unknown).code, 'not_found');
    const malformed = await patchAs(holder, 'not-a-uuid', { holderNamePublic: true });
    assert.equal(malformed.statusCode, 400, malformed.body);
    assert.equal(problem(malformed).code, 'invalid_request');
  });

  test('a bad body is a 422 problem+json', async () => {
    for (const payload of [
      {},
      { holderNamePublic: 'true' },
      { holderNamePublic: 1 },
      { holderNamePublic: null },
      { holderNamePublic: true, holderName: 'Someone Else' },
    ]) {
      const response = await patchAs(holder, heldA.id, payload);
      assert.equal(response.statusCode, 422, `${JSON.stringify(payload)}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /application\/problem\+json/);
      assert.equal(problem(response).code, 'validation_failed');
    }
    assert.equal(
      json<ListBody>(await listAs(holder)).credentials.find((c) => c.id === heldA.id)?.holderNamePublic,
      false,
    );
  });

  test('needs a session and its CSRF token', async () => {
    const anonymous = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/me/credentials/${heldA.id}`,
      payload: { holderNamePublic: true },
    });
    assert.equal(anonymous.statusCode, 401, anonymous.body);
    assert.equal(problem(anonymous).code, 'unauthenticated');

    const token = await apiToken(ctx, slugA, ['credentials:status']);
    const withToken = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/v1/me/credentials/${heldA.id}`,
      payload: { holderNamePublic: true },
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(withToken.statusCode, 401, withToken.body);

    const forged = await patchAs(holder, heldA.id, { holderNamePublic: true }, { 'x-csrf-token': 'wrong' });
    assert.equal(forged.statusCode, 403, forged.body);
    assert.equal(problem(forged).code, 'csrf_failed');
    assert.doesNotMatch(await publicPage(heldA), /Lea Learner/);
  });
});
