import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { systemActor } from '../../src/core/actor.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { GENESIS_HASH } from '../../src/modules/audit/audit.service.ts';
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

let ctx: TestContext;
before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', LOGIN_MAX_FAILURES: '3' } });
});
after(async () => {
  await ctx.close();
});

let ipCounter = 0;
function freshIp(): string {
  ipCounter++;
  return `10.30.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

async function lastSeq(c: TestContext = ctx): Promise<number> {
  const row = await c.deps.database.db
    .selectFrom('audit_events')
    .select('seq')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.seq ?? 0;
}

async function eventsAfter(seq: number, c: TestContext = ctx): Promise<AuditEventRow[]> {
  return c.deps.database.db
    .selectFrom('audit_events')
    .selectAll()
    .where('seq', '>', seq)
    .orderBy('seq')
    .execute();
}

/** Runs `action` and returns the audit events it wrote, in order. */
async function recorded(action: () => Promise<unknown>, c: TestContext = ctx): Promise<AuditEventRow[]> {
  const before = await lastSeq(c);
  await action();
  return eventsAfter(before, c);
}

const types = (events: AuditEventRow[]) => events.map((event) => event.type);

async function countEvents(c: TestContext = ctx): Promise<number> {
  const row = await c.deps.database.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function post(url: string, payload?: object, remoteAddress = freshIp()) {
  return ctx.app.inject({ method: 'POST', url, payload, remoteAddress });
}

async function tokenFor(email: string): Promise<string> {
  await ctx.deps.services.mail.flush();
  const token = lastMailTo(ctx, email)?.token;
  assert.ok(token, `no token mailed to ${email}`);
  return token;
}

describe('every state change in the account flows is audited', () => {
  test('sign-up: user.created, by the new user, about the new user', async () => {
    const email = uniqueEmail('audit');
    let userId = '';
    const events = await recorded(async () => {
      const response = await post('/api/v1/auth/signup', {
        email,
        name: 'Audited',
        password: DEFAULT_PASSWORD,
      });
      assert.equal(response.statusCode, 201);
      userId = json<{ user: { id: string } }>(response).user.id;
    });
    assert.deepEqual(types(events), ['user.created']);
    const [event] = events;
    assert.equal(event?.actor_type, 'user');
    assert.equal(event?.actor_id, userId);
    assert.equal(event?.subject_type, 'user');
    assert.equal(event?.subject_id, userId);
    assert.equal(event?.organisation_id, null);
    assert.deepEqual(event?.data, { via: 'signup' });
    assert.equal(event?.occurred_at.getTime(), ctx.clock.now().getTime());
    assert.ok(!JSON.stringify(events).includes(DEFAULT_PASSWORD));
    assert.ok(!JSON.stringify(events).includes(email), 'the e-mail address is not copied into the log');
  });

  test('e-mail verification: user.email_verified; a reused link writes nothing', async () => {
    const email = uniqueEmail('verify');
    await post('/api/v1/auth/signup', { email, name: 'V', password: DEFAULT_PASSWORD });
    const token = await tokenFor(email);
    const events = await recorded(() => post('/api/v1/auth/verify-email', { token }));
    assert.deepEqual(types(events), ['user.email_verified']);
    assert.deepEqual(await recorded(() => post('/api/v1/auth/verify-email', { token })), []);
  });

  test('login: user.login_succeeded and session.created', async () => {
    const user = await createUser(ctx);
    const events = await recorded(() =>
      post('/api/v1/auth/login', { email: user.email, password: DEFAULT_PASSWORD }),
    );
    assert.deepEqual(types(events), ['user.login_succeeded', 'session.created']);
    assert.equal(events[0]?.subject_id, user.id);
    assert.equal(events[1]?.subject_type, 'session');
    assert.equal(events[1]?.actor_id, user.id);
  });

  test('failed logins: user.login_failed per failure, user.login_locked at the limit; unknown users log nothing', async () => {
    const user = await createUser(ctx);
    const ip = freshIp();
    const events = await recorded(async () => {
      for (let i = 0; i < 3; i++)
        await post('/api/v1/auth/login', { email: user.email, password: 'wrong password' }, ip);
      // Refused while locked, without even looking at the password: nothing more to log.
      await post('/api/v1/auth/login', { email: user.email, password: DEFAULT_PASSWORD }, ip);
    });
    assert.deepEqual(types(events), [
      'user.login_failed',
      'user.login_failed',
      'user.login_failed',
      'user.login_locked',
    ]);
    for (const event of events) {
      assert.equal(event.actor_type, 'anonymous');
      assert.equal(event.actor_id, null);
      assert.equal(event.subject_id, user.id);
    }
    assert.deepEqual(events[0]?.data, { reason: 'bad_password' });
    const locked = events[3]?.data as { failures: number; lockedUntil: string } | undefined;
    assert.equal(locked?.failures, 3);
    assert.match(String(locked?.lockedUntil), /^\d{4}-\d\d-\d\dT/);

    assert.deepEqual(
      await recorded(() =>
        post('/api/v1/auth/login', { email: uniqueEmail('ghost'), password: 'wrong password' }),
      ),
      [],
    );
  });

  test('a disabled user logging in: user.login_failed with reason disabled', async () => {
    const user = await createUser(ctx);
    await ctx.deps.services.accounts.adminUpdateUser({
      actor: systemActor('test'),
      userId: user.id,
      disabled: true,
    });
    const events = await recorded(() =>
      post('/api/v1/auth/login', { email: user.email, password: DEFAULT_PASSWORD }),
    );
    assert.deepEqual(types(events), ['user.login_failed']);
    assert.deepEqual(events[0]?.data, { reason: 'disabled' });
  });

  test('logout: session.revoked with reason logout', async () => {
    const session = await signedInUser(ctx);
    const events = await recorded(() => session.request({ method: 'POST', url: '/api/v1/auth/logout' }));
    assert.deepEqual(types(events), ['session.revoked']);
    assert.deepEqual(events[0]?.data, { reason: 'logout' });
    assert.equal(events[0]?.actor_id, session.userId);
  });

  test('revoking one of your sessions: session.revoked with reason user_request', async () => {
    const user = await createUser(ctx);
    const a = await login(ctx, user.email);
    const b = await login(ctx, user.email);
    const list = json<{ sessions: Array<{ id: string; current: boolean }> }>(
      await a.request({ method: 'GET', url: '/api/v1/me/sessions' }),
    );
    const other = list.sessions.find((s) => !s.current);
    assert.ok(other);
    const events = await recorded(() =>
      a.request({ method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` }),
    );
    assert.deepEqual(types(events), ['session.revoked']);
    assert.equal(events[0]?.subject_id, other.id);
    assert.deepEqual(events[0]?.data, { reason: 'user_request' });
    assert.ok(b);
  });

  test('profile update: user.profile_updated naming the fields; no change, no event', async () => {
    const session = await signedInUser(ctx, { name: 'Old Name' });
    const events = await recorded(() =>
      session.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: 'New Name' } }),
    );
    assert.deepEqual(types(events), ['user.profile_updated']);
    assert.deepEqual(events[0]?.data, { fields: ['name'] });
    assert.deepEqual(
      await recorded(() =>
        session.request({ method: 'PATCH', url: '/api/v1/me', payload: { name: 'New Name' } }),
      ),
      [],
    );
  });

  test('password reset: requested, then every session revoked and the password changed', async () => {
    const user = await createUser(ctx);
    await login(ctx, user.email);
    await login(ctx, user.email);
    const requested = await recorded(() => post('/api/v1/auth/password/forgot', { email: user.email }));
    assert.deepEqual(types(requested), ['user.password_reset_requested']);
    assert.equal(requested[0]?.actor_type, 'anonymous');
    assert.deepEqual(
      await recorded(() => post('/api/v1/auth/password/forgot', { email: uniqueEmail('nobody') })),
      [],
    );

    const token = await tokenFor(user.email);
    const events = await recorded(() =>
      post('/api/v1/auth/password/reset', { token, password: 'a reset password!' }),
    );
    assert.deepEqual(types(events), ['session.revoked', 'session.revoked', 'user.password_changed']);
    assert.deepEqual(events[0]?.data, { reason: 'password_changed' });
    assert.deepEqual(events[2]?.data, { via: 'reset' });
  });

  test('password change: the other sessions revoked and the password changed', async () => {
    const user = await createUser(ctx);
    const current = await login(ctx, user.email);
    await login(ctx, user.email);
    const events = await recorded(() =>
      current.request({
        method: 'POST',
        url: '/api/v1/auth/password/change',
        payload: { currentPassword: DEFAULT_PASSWORD, newPassword: 'a changed password' },
      }),
    );
    assert.deepEqual(types(events), ['session.revoked', 'user.password_changed']);
    assert.deepEqual(events[1]?.data, { via: 'change' });
    assert.deepEqual(
      await recorded(() =>
        current.request({
          method: 'POST',
          url: '/api/v1/auth/password/change',
          payload: { currentPassword: 'wrong password', newPassword: 'another password' },
        }),
      ),
      [],
    );
  });

  test('platform administration: admin changes, disabling (with its session revocations) and enabling', async () => {
    const admin: Session = await signedInUser(ctx, { platformAdmin: true });
    const target = await signedInUser(ctx);
    const patch = (payload: object) =>
      admin.request({ method: 'PATCH', url: `/api/v1/admin/users/${target.userId}`, payload });

    const granted = await recorded(() => patch({ isPlatformAdmin: true }));
    assert.deepEqual(types(granted), ['user.platform_admin_changed']);
    assert.deepEqual(granted[0]?.data, { isPlatformAdmin: true });
    assert.equal(granted[0]?.actor_id, admin.userId);
    assert.equal(granted[0]?.subject_id, target.userId);

    const disabled = await recorded(() => patch({ disabled: true }));
    assert.deepEqual(types(disabled), ['user.disabled', 'session.revoked']);
    assert.deepEqual(disabled[1]?.data, { reason: 'disabled' });

    assert.deepEqual(types(await recorded(() => patch({ disabled: false }))), ['user.enabled']);
    assert.deepEqual(await recorded(() => patch({ disabled: false })), [], 'no change, no event');
  });

  test('the chain of everything above verifies', async () => {
    const check = await ctx.deps.services.audit.verifyChain();
    assert.equal(check.ok, true, JSON.stringify(check));
    assert.equal(check.events, await countEvents());
    if (check.ok) {
      const last = await ctx.deps.database.db
        .selectFrom('audit_events')
        .select('hash')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      assert.equal(check.lastHash, last.hash);
    }
  });
});

describe("listing an organisation's events", () => {
  test('pages newest first; a cursor beyond any sequence number bounds nothing', async () => {
    const owner = await signedInUser(ctx);
    const slug = `audit-list-${process.pid}`;
    const created = await owner.request({
      method: 'POST',
      url: '/api/v1/orgs',
      payload: { slug, name: 'Listed' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const organisationId = json<{ organisation: { id: string } }>(created).organisation.id;
    const { audit } = ctx.deps.services;
    const all = await audit.listForOrganisation({ organisationId, limit: 100 });
    assert.ok(all.length >= 1);
    assert.ok(all.every((event) => event.organisation_id === organisationId));
    const seqs = all.map((event) => event.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => b - a),
    );
    for (const beforeSeq of [1e20, 2 ** 63, Number.MAX_SAFE_INTEGER + 2]) {
      const page = await audit.listForOrganisation({ organisationId, limit: 100, beforeSeq });
      assert.deepEqual(
        page.map((event) => event.seq),
        seqs,
      );
    }
    const newest = seqs[0]!;
    const older = await audit.listForOrganisation({ organisationId, limit: 100, beforeSeq: newest });
    assert.ok(older.every((event) => event.seq < newest));
  });
});

describe('events are written in the same transaction as the change', () => {
  test('a refused sign-up (duplicate address) leaves the log as it was', async () => {
    const user = await createUser(ctx);
    const before = await countEvents();
    const response = await post('/api/v1/auth/signup', {
      email: user.email,
      name: 'Dup',
      password: DEFAULT_PASSWORD,
    });
    assert.equal(response.statusCode, 409);
    assert.equal(await countEvents(), before);
  });

  test('a reset refused after the token was consumed rolls back the token use too', async () => {
    const user = await createUser(ctx);
    await post('/api/v1/auth/password/forgot', { email: user.email });
    const token = await tokenFor(user.email);
    const before = await countEvents();
    assert.equal((await post('/api/v1/auth/password/reset', { token, password: 'short' })).statusCode, 422);
    assert.equal(await countEvents(), before);
    assert.equal(
      (await post('/api/v1/auth/password/reset', { token, password: 'long enough now' })).statusCode,
      204,
    );
  });

  test('a failure after the event was recorded takes the event, the user and the mail with it', async () => {
    const own = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
    try {
      // Make the verification mail insert (which comes after the user.created event) fail for one address.
      await sql`alter table mail_messages add constraint test_refuse_mail check (to_address <> 'refused@example.test')`.execute(
        own.deps.database.db,
      );
      const before = await countEvents(own);
      const response = await own.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email: 'refused@example.test', name: 'Refused', password: DEFAULT_PASSWORD },
      });
      assert.equal(response.statusCode, 500, response.body);
      assert.equal(json(response).code, 'internal_error');
      assert.ok(!response.body.includes('test_refuse_mail'), 'database details stay in the log');
      assert.equal(await countEvents(own), before);
      assert.equal(await own.deps.services.accounts.findUserByEmail('refused@example.test'), undefined);
      assert.equal((await own.deps.services.audit.verifyChain()).ok, true);

      // The next event links to the last committed one, not to the rolled-back one.
      await createUser(own);
      assert.equal((await own.deps.services.audit.verifyChain()).ok, true);
    } finally {
      await own.close();
    }
  });

  test('concurrent changes still form one unbroken chain', async () => {
    const users = await Promise.all(Array.from({ length: 3 }, () => createUser(ctx)));
    await Promise.all(
      users.flatMap((user) => [
        post('/api/v1/auth/login', { email: user.email, password: DEFAULT_PASSWORD }),
        post('/api/v1/auth/password/forgot', { email: user.email }),
        post('/api/v1/auth/login', { email: user.email, password: 'wrong password' }),
      ]),
    );
    const check = await ctx.deps.services.audit.verifyChain();
    assert.equal(check.ok, true, JSON.stringify(check));
  });
});

describe('tampering is detected', () => {
  let own: TestContext;
  let seqs: number[];

  before(async () => {
    own = await buildTestApp();
    for (let i = 0; i < 5; i++) await createUser(own);
    seqs = (await eventsAfter(0, own)).map((event) => event.seq);
    assert.equal(seqs.length, 5);
  });
  after(async () => {
    await own.close();
  });

  async function expectBroken(seq: number, reason: RegExp) {
    const check = await own.deps.services.audit.verifyChain();
    assert.equal(check.ok, false, 'the chain should be broken');
    if (check.ok) return;
    assert.equal(check.brokenAt.seq, seq);
    assert.match(check.brokenAt.reason, reason);
    assert.equal(check.events, seqs.indexOf(seq), 'the events before the break are counted as good');
    const row = await own.deps.database.db
      .selectFrom('audit_events')
      .select('id')
      .where('seq', '=', seq)
      .executeTakeFirstOrThrow();
    assert.equal(check.brokenAt.id, row.id);
  }

  test('an intact log verifies from the genesis hash', async () => {
    const check = await own.deps.services.audit.verifyChain();
    assert.deepEqual({ ok: check.ok, events: check.events }, { ok: true, events: 5 });
    const first = (await eventsAfter(0, own))[0];
    assert.equal(first?.prev_hash, GENESIS_HASH);
  });

  test('changed data is found at its event; putting it back (in any key order) heals it', async () => {
    const seq = seqs[2]!;
    const db = own.deps.database.db;
    await sql`update audit_events set data = ${JSON.stringify({ via: 'signup' })}::jsonb where seq = ${seq}`.execute(
      db,
    );
    await expectBroken(seq, /content does not match its hash/);
    await sql`update audit_events set data = ${JSON.stringify({ via: 'cli' })}::jsonb where seq = ${seq}`.execute(
      db,
    );
    assert.equal((await own.deps.services.audit.verifyChain()).ok, true);
  });

  test('a changed time, type, actor or subject is found', async () => {
    const seq = seqs[1]!;
    const db = own.deps.database.db;
    const original = (await eventsAfter(seq - 1, own))[0]!;
    const changes = [
      sql`update audit_events set occurred_at = occurred_at + interval '1 second' where seq = ${seq}`,
      sql`update audit_events set type = 'user.deleted' where seq = ${seq}`,
      sql`update audit_events set actor_id = 'someone-else' where seq = ${seq}`,
      sql`update audit_events set subject_id = ${'00000000-0000-4000-8000-000000000000'} where seq = ${seq}`,
    ];
    for (const change of changes) {
      await change.execute(db);
      await expectBroken(seq, /content does not match its hash/);
      await db
        .updateTable('audit_events')
        .set({
          occurred_at: original.occurred_at,
          type: original.type,
          actor_id: original.actor_id,
          subject_id: original.subject_id,
        })
        .where('seq', '=', seq)
        .execute();
      assert.equal((await own.deps.services.audit.verifyChain()).ok, true);
    }
  });

  test('a rewritten hash is found', async () => {
    const seq = seqs[3]!;
    const db = own.deps.database.db;
    const original = (await eventsAfter(seq - 1, own))[0]!;
    await sql`update audit_events set hash = ${'f'.repeat(64)} where seq = ${seq}`.execute(db);
    await expectBroken(seq, /content does not match its hash/);
    await db.updateTable('audit_events').set({ hash: original.hash }).where('seq', '=', seq).execute();
    assert.equal((await own.deps.services.audit.verifyChain()).ok, true);
  });

  test('the database refuses a second event claiming the same predecessor', async () => {
    const [first] = await eventsAfter(0, own);
    assert.ok(first);
    await assert.rejects(
      own.deps.database.db
        .insertInto('audit_events')
        .values({
          id: '00000000-0000-4000-8000-0000000000aa',
          occurred_at: first.occurred_at,
          type: first.type,
          actor_type: first.actor_type,
          actor_id: first.actor_id,
          organisation_id: null,
          subject_type: null,
          subject_id: null,
          data: '{}',
          prev_hash: first.prev_hash,
          hash: 'a'.repeat(64),
        })
        .execute(),
    );
  });

  test('a removed event is found at the event after it', async () => {
    const removed = seqs[2]!;
    await sql`delete from audit_events where seq = ${removed}`.execute(own.deps.database.db);
    const check = await own.deps.services.audit.verifyChain();
    assert.equal(check.ok, false);
    if (!check.ok) {
      assert.equal(check.brokenAt.seq, seqs[3]);
      assert.match(check.brokenAt.reason, /an event was removed or reordered/);
      assert.equal(check.events, 2);
    }
  });

  test('removing the newest events cannot be seen from the chain alone, but changes the last hash', async () => {
    // Truncation is why operators keep the last hash elsewhere: compare it with what verifyChain returns.
    const fresh = await buildTestApp();
    try {
      for (let i = 0; i < 3; i++) await createUser(fresh);
      const full = await fresh.deps.services.audit.verifyChain();
      const last = await lastSeq(fresh);
      await sql`delete from audit_events where seq = ${last}`.execute(fresh.deps.database.db);
      const truncated = await fresh.deps.services.audit.verifyChain();
      assert.equal(truncated.ok, true);
      assert.equal(truncated.events, 2);
      assert.ok(full.ok && truncated.ok && full.lastHash !== truncated.lastHash);
    } finally {
      await fresh.close();
    }
  });
});
