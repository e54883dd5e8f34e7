import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { createOrganisation, problem } from '../helpers/credentials.ts';
import { createUser, lastMailTo, login, type Session, signedInUser } from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let definitionId: string;

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', ISSUE_RATE_LIMIT_MAX: '100000' } });
  let organisationId: string;
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'claim' }));
  definitionId = (await insertExternalDefinition(ctx, organisationId, { title: 'Crane operation' })).id;
});
after(async () => {
  await ctx.close();
});

let counter = 0;
function address(prefix = 'recipient'): string {
  counter++;
  return `${prefix}.${process.pid}.${counter}@example.org`;
}

/** Records a pass for `email` and returns the credential id. */
async function award(email: string): Promise<string> {
  const response = await owner.request({
    method: 'POST',
    url: `/api/v1/orgs/${slug}/definitions/${definitionId}/results`,
    payload: { email, name: 'Robin Recipient', passed: true, grade: 'Pass' },
  });
  assert.equal(response.statusCode, 201, response.body);
  return json<{ credential: { id: string } }>(response).credential.id;
}

async function claimMailTo(email: string) {
  await ctx.deps.services.mail.flush();
  const found = [...ctx.mail.sent]
    .reverse()
    .find((m) => m.to === email && /^Claim your credential/.test(m.subject));
  if (!found) return undefined;
  const token = /\/claim\?token=([A-Za-z0-9_%-]+)/.exec(found.text)?.[1];
  return { message: found, token: token ? decodeURIComponent(token) : undefined };
}

function claim(session: Session, token: string) {
  return session.request({ method: 'POST', url: '/api/v1/claims', payload: { token } });
}

/** The ids in the signed-in user's wallet (GET /api/v1/me/credentials). */
async function walletOf(session: Session): Promise<string[]> {
  const response = await session.request({ method: 'GET', url: '/api/v1/me/credentials' });
  assert.equal(response.statusCode, 200, response.body);
  return json<{ credentials: Array<{ id: string }> }>(response).credentials.map((entry) => entry.id);
}

async function auditCount(type: string): Promise<number> {
  const rows = await ctx.deps.database.db
    .selectFrom('audit_events')
    .select('id')
    .where('type', '=', type)
    .execute();
  return rows.length;
}

describe('claiming', () => {
  test('a recipient without an account gets a claim link; claiming binds the credential to another address', async () => {
    const recipient = address();
    const credentialId = await award(recipient);
    const mail = await claimMailTo(recipient);
    assert.ok(mail?.token, 'a claim mail with a link');
    assert.match(mail.message.subject, /Crane operation/);
    assert.match(mail.message.text, /http:\/\/credstack\.test\/claim\?token=/);
    assert.ok(mail.message.text.includes(`http://credstack.test/credentials/${credentialId}`));
    assert.deepEqual(
      ctx.mail.sent.filter((message) => message.to === recipient).map((message) => message.subject),
      [mail.message.subject],
      'one mail: the claim link names the credential',
    );
    const stored = await ctx.deps.database.db
      .selectFrom('credential_claims')
      .select('token_hash')
      .where('credential_id', '=', credentialId)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, mail.token, 'only a hash of the token is stored');

    const page = await ctx.app.inject({
      method: 'GET',
      url: `/claim?token=${encodeURIComponent(mail.token)}`,
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Crane operation/);

    assert.equal(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/claims', payload: { token: mail.token } }))
        .statusCode,
      401,
    );
    const learner = await signedInUser(ctx, { email: address('learner') });
    const response = await claim(learner, mail.token);
    assert.equal(response.statusCode, 200, response.body);
    const claimed = json<{ claimed: Array<{ credentialId: string; recipientEmail: string; url: string }> }>(
      response,
    ).claimed;
    assert.deepEqual(
      claimed.map((entry) => [entry.credentialId, entry.recipientEmail]),
      [[credentialId, recipient]],
    );
    const holder = await ctx.deps.database.db
      .selectFrom('credential_holders')
      .selectAll()
      .where('credential_id', '=', credentialId)
      .executeTakeFirstOrThrow();
    assert.equal(holder.user_id, learner.userId);
    assert.equal(holder.user_email, learner.email.toLowerCase());
    assert.equal(holder.recipient_email, recipient);
    assert.deepEqual(await ctx.deps.services.issuance.claimedCredentialIdsOf({ userId: learner.userId }), [
      credentialId,
    ]);
    // The claimed credential is in the learner's wallet, and the holder may choose to show their name.
    assert.deepEqual(await walletOf(learner), [credentialId]);
    const shown = await learner.request({
      method: 'PATCH',
      url: `/api/v1/me/credentials/${credentialId}`,
      payload: { holderNamePublic: true },
    });
    assert.equal(shown.statusCode, 200, shown.body);

    // Used once: a second claim, by anyone, is refused.
    const again = await claim(learner, mail.token);
    assert.equal(again.statusCode, 400);
    assert.equal(problem(again).code, 'token_invalid');
    const pageAgain = await ctx.app.inject({
      method: 'GET',
      url: `/claim?token=${encodeURIComponent(mail.token)}`,
    });
    assert.match(pageAgain.body, /This link does not work/);
  });

  test('one link claims every unclaimed credential addressed to the same recipient', async () => {
    const recipient = address();
    const first = await award(recipient);
    const firstToken = (await claimMailTo(recipient))?.token;
    const response = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/definitions/${definitionId}/results`,
      payload: { email: recipient, passed: true, grade: 'Merit', externalRef: 'second' },
    });
    assert.equal(response.statusCode, 201);
    const second = json<{ credential: { id: string } }>(response).credential.id;
    assert.ok(firstToken);
    const learner = await signedInUser(ctx, { email: address('learner') });
    const claimed = json<{ claimed: Array<{ credentialId: string }> }>(
      await claim(learner, firstToken),
    ).claimed;
    assert.deepEqual(claimed.map((entry) => entry.credentialId).sort(), [first, second].sort());
    const secondToken = (await claimMailTo(recipient))?.token;
    assert.ok(secondToken);
    assert.equal(problem(await claim(learner, secondToken)).code, 'token_invalid');
    assert.equal(await auditCount('credential.claimed'), 3);
  });

  test('expired and unknown links are refused; an unverified account cannot claim', async () => {
    const recipient = address();
    await award(recipient);
    const token = (await claimMailTo(recipient))?.token;
    assert.ok(token);
    const unverified = await createUser(ctx, { email: address('unverified'), verified: false });
    const unverifiedSession = await login(ctx, unverified.email);
    assert.equal(problem(await claim(unverifiedSession, token)).code, 'email_not_verified');

    assert.equal(problem(await claim(await signedInUser(ctx), 'not-a-token')).code, 'token_invalid');
    ctx.clock.advance(31 * 86_400_000);
    // Sessions do not last a month either: sign in afresh.
    owner = await login(ctx, owner.email);
    const learner = await signedInUser(ctx, { email: address('learner') });
    const expired = await claim(learner, token);
    assert.equal(expired.statusCode, 400);
    assert.equal(problem(expired).code, 'token_invalid');
  });

  test('a recipient who has an account gets no claim link', async () => {
    const user = await createUser(ctx, { email: address('member') });
    await award(user.email);
    assert.equal(await claimMailTo(user.email.toLowerCase()), undefined);
    assert.ok(
      ctx.mail.sent.some(
        (message) =>
          message.to === user.email.toLowerCase() && /issued you a credential/.test(message.subject),
      ),
      'they are told the usual way',
    );
  });
});

describe('further e-mail addresses', () => {
  test('add, confirm, list, remove; confirmed addresses count as the user’s', async () => {
    const session = await signedInUser(ctx, { email: address('holder') });
    const extra = address('work');
    const added = await session.request({
      method: 'POST',
      url: '/api/v1/me/emails',
      payload: { email: extra.toUpperCase() },
    });
    assert.equal(added.statusCode, 201, added.body);
    const email = json<{ email: { id: string; email: string; verified: boolean; primary: boolean } }>(
      added,
    ).email;
    assert.deepEqual([email.email, email.verified, email.primary], [extra, false, false]);
    assert.deepEqual(await ctx.deps.services.issuance.emailsOf({ userId: session.userId }), [
      session.email.toLowerCase(),
    ]);

    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, extra)?.token;
    assert.ok(token);
    assert.equal(
      problem(
        await session.request({
          method: 'POST',
          url: '/api/v1/me/emails/verify',
          payload: { token: 'wrong' },
        }),
      ).code,
      'token_invalid',
    );
    const verified = await session.request({
      method: 'POST',
      url: '/api/v1/me/emails/verify',
      payload: { token },
    });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(json<{ email: { verified: boolean } }>(verified).email.verified, true);
    const reused = await session.request({
      method: 'POST',
      url: '/api/v1/me/emails/verify',
      payload: { token },
    });
    assert.equal(problem(reused).code, 'token_invalid');

    const list = await session.request({ method: 'GET', url: '/api/v1/me/emails' });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      json<{ emails: Array<{ email: string; primary: boolean; verified: boolean }> }>(list).emails.map(
        (e) => [e.email, e.primary, e.verified],
      ),
      [
        [session.email.toLowerCase(), true, true],
        [extra, false, true],
      ],
    );
    assert.deepEqual(await ctx.deps.services.issuance.emailsOf({ userId: session.userId }), [
      session.email.toLowerCase(),
      extra,
    ]);

    // A credential to the confirmed address needs no claim link: it is already the user's.
    const toExtra = await award(extra);
    assert.equal(await claimMailTo(extra), undefined);
    assert.ok((await walletOf(session)).includes(toExtra), 'in the wallet of the address’s owner');

    // Nobody else may add or remove it.
    const someoneElse = await signedInUser(ctx, { email: address('other') });
    const taken = await someoneElse.request({
      method: 'POST',
      url: '/api/v1/me/emails',
      payload: { email: extra },
    });
    assert.equal(problem(taken).code, 'conflict');
    const own = await someoneElse.request({
      method: 'POST',
      url: '/api/v1/me/emails',
      payload: { email: someoneElse.email },
    });
    assert.equal(own.statusCode, 409);
    const accountAddress = await someoneElse.request({
      method: 'POST',
      url: '/api/v1/me/emails',
      payload: { email: session.email },
    });
    assert.equal(accountAddress.statusCode, 409);
    const invalid = await someoneElse.request({
      method: 'POST',
      url: '/api/v1/me/emails',
      payload: { email: 'nope' },
    });
    assert.equal(invalid.statusCode, 422);
    const stolen = await someoneElse.request({ method: 'DELETE', url: `/api/v1/me/emails/${email.id}` });
    assert.equal(stolen.statusCode, 404);
    assert.equal(
      (await session.request({ method: 'DELETE', url: `/api/v1/me/emails/${randomUUID()}` })).statusCode,
      404,
    );

    assert.ok(!(await walletOf(someoneElse)).includes(toExtra));
    const removed = await session.request({ method: 'DELETE', url: `/api/v1/me/emails/${email.id}` });
    assert.equal(removed.statusCode, 204);
    assert.ok(!(await walletOf(session)).includes(toExtra), 'a removed address takes its credentials along');
    assert.deepEqual(await ctx.deps.services.issuance.emailsOf({ userId: session.userId }), [
      session.email.toLowerCase(),
    ]);
    for (const type of ['user_email.added', 'user_email.verified', 'user_email.removed']) {
      assert.ok((await auditCount(type)) >= 1, type);
    }
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/api/v1/me/emails' })).statusCode, 401);
  });

  test('the mailed link confirms through the page too; the link expires', async () => {
    const session = await signedInUser(ctx, { email: address('holder') });
    const extra = address('home');
    assert.equal(
      (await session.request({ method: 'POST', url: '/api/v1/me/emails', payload: { email: extra } }))
        .statusCode,
      201,
    );
    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, extra)?.token;
    assert.ok(token);
    const form = await ctx.app.inject({ method: 'GET', url: `/confirm-email?token=${token}` });
    assert.equal(form.statusCode, 200);
    const confirmed = await ctx.app.inject({
      method: 'POST',
      url: '/confirm-email',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(token)}`,
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.match(confirmed.body, /confirmed/);

    const late = address('late');
    await session.request({ method: 'POST', url: '/api/v1/me/emails', payload: { email: late } });
    await ctx.deps.services.mail.flush();
    const lateToken = lastMailTo(ctx, late)?.token;
    assert.ok(lateToken);
    ctx.clock.advance(49 * 3_600_000);
    const expired = await session.request({
      method: 'POST',
      url: '/api/v1/me/emails/verify',
      payload: { token: lateToken },
    });
    assert.equal(problem(expired).code, 'token_invalid');
  });
});
