import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { systemActor } from '../../src/core/actor.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { randomId } from '../../src/core/ids.ts';
import { buildDeps } from '../../src/deps.ts';
import { createMailService, type MailMessage } from '../../src/modules/mail/mail.service.ts';
import {
  createOutboxTransport,
  createSmtpTransport,
  type MailTransport,
  type OutgoingMail,
} from '../../src/modules/mail/mail.transport.ts';
import { buildTestApp, type TestContext, testConfig } from '../helpers/app.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { uniqueEmail } from '../helpers/factories.ts';

let ctx: TestContext;
const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credstack-mail-'));
  tempDirs.push(dir);
  return dir;
}

before(async () => {
  ctx = await buildTestApp();
});
after(async () => {
  await ctx.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function message(overrides: Partial<MailMessage> = {}): MailMessage {
  return { to: uniqueEmail('mail'), subject: 'Hello from the tests', text: 'Plain text body', ...overrides };
}

/** Enqueues in a transaction of its own, as a service would inside its state change. */
async function enqueue(msg: MailMessage): Promise<string> {
  return ctx.deps.database.db.transaction().execute((trx) => ctx.deps.services.mail.enqueue(trx, msg));
}

function row(id: string) {
  return ctx.deps.database.db
    .selectFrom('mail_messages')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** Splits an RFC 5322 message into unfolded headers (lower-case names) and body. */
function parseMessage(raw: string): { headers: Map<string, string>; body: string } {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  assert.ok(split > 0, 'a blank line separates headers from the body');
  const headers = new Map<string, string>();
  for (const line of text
    .slice(0, split)
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')) {
    const colon = line.indexOf(':');
    assert.ok(colon > 0, `header line without a name: ${line}`);
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = text.slice(split + 2);
  if (headers.get('content-transfer-encoding')?.toLowerCase() === 'quoted-printable') {
    body = body
      .replace(/=\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return { headers, body };
}

describe('outbox transport', () => {
  test('writes each message as a parseable .eml file, readable only by its owner', async () => {
    const dir = join(tempDir(), 'outbox');
    const written: string[] = [];
    const transport = createOutboxTransport(dir, (path) => written.push(path));
    assert.equal(transport.name, 'outbox');
    const link = `http://credstack.test/verify-email?token=${'t'.repeat(43)}`;
    const mail: OutgoingMail = {
      id: '11111111-2222-4333-8444-555555555555',
      from: 'Credstack <no-reply@credstack.test>',
      to: 'ada@example.test',
      subject: 'Confirm your e-mail address for Credstack',
      text: `Hello Ada,\n\nOpen this link:\n${link}\n`,
      html: null,
    };
    await transport.send(mail);

    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /-11111111-2222-4333-8444-555555555555\.eml$/);
    assert.deepEqual(written, [join(dir, files[0]!)]);
    const path = join(dir, files[0]!);
    assert.equal(statSync(path).mode & 0o777, 0o600);

    const { headers, body } = parseMessage(readFileSync(path, 'utf8'));
    assert.equal(headers.get('from'), 'Credstack <no-reply@credstack.test>');
    assert.equal(headers.get('to'), 'ada@example.test');
    assert.equal(headers.get('subject'), 'Confirm your e-mail address for Credstack');
    assert.equal(headers.get('message-id'), '<11111111-2222-4333-8444-555555555555@credstack>');
    assert.equal(headers.get('mime-version'), '1.0');
    assert.match(headers.get('content-type') ?? '', /^text\/plain/);
    assert.ok(headers.get('date'));
    assert.ok(body.includes('Hello Ada,'));
    assert.ok(body.includes(link));
  });

  test('buildDeps writes to DATA_DIR/outbox without SMTP_URL and uses SMTP with it', async () => {
    const dataDir = tempDir();
    const logger = pino({ level: 'silent' });
    const database = await createTestDatabase();
    try {
      const deps = await buildDeps(testConfig({ DATA_DIR: dataDir }), logger, {
        database,
        clock: new ManualClock(),
      });
      assert.equal(deps.mailTransport.name, 'outbox');
      await deps.services.accounts.signup({
        actor: { kind: 'anonymous' },
        email: 'outbox@example.test',
        name: 'Outbox Reader',
        password: 'correct horse battery staple',
      });
      assert.equal(await deps.services.mail.flush(), 1);
      const files = readdirSync(join(dataDir, 'outbox'));
      assert.equal(files.length, 1);
      const { headers, body } = parseMessage(readFileSync(join(dataDir, 'outbox', files[0]!), 'utf8'));
      assert.equal(headers.get('to'), 'outbox@example.test');
      assert.equal(headers.get('from'), 'Credstack <no-reply@credstack.test>');
      assert.match(body, /http:\/\/credstack\.test\/verify-email\?token=[A-Za-z0-9_-]{43}/);

      const smtp = await buildDeps(testConfig({ SMTP_URL: 'smtp://127.0.0.1:1' }), logger, { database });
      assert.equal(smtp.mailTransport.name, 'smtp');
      await smtp.mailTransport.close?.();
    } finally {
      await database.close();
    }
  });
});

describe('outbox delivery', () => {
  test('a transport failure is retried after a back-off and delivered exactly once', async () => {
    const msg = message();
    const id = await enqueue(msg);
    ctx.mail.failNext = 1;
    assert.equal(await ctx.deps.services.mail.flush(), 0);
    let stored = await row(id);
    assert.equal(stored.status, 'pending');
    assert.equal(stored.attempts, 1);
    assert.equal(stored.last_error, 'simulated transport failure');
    assert.ok(stored.next_attempt_at.getTime() > ctx.clock.now().getTime());

    // Not due yet: nothing happens.
    assert.equal(await ctx.deps.services.mail.flush(), 0);
    assert.equal(ctx.mail.sent.filter((m) => m.to === msg.to).length, 0);

    ctx.clock.advance(stored.next_attempt_at.getTime() - ctx.clock.now().getTime());
    assert.equal(await ctx.deps.services.mail.flush(), 1);
    assert.equal(await ctx.deps.services.mail.flush(), 0);
    const sent = ctx.mail.sent.filter((m) => m.to === msg.to);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.subject, msg.subject);
    assert.equal(sent[0]?.text, msg.text);
    assert.equal(sent[0]?.id, id);
    assert.equal(sent[0]?.from, ctx.deps.config.mailFrom);
    stored = await row(id);
    assert.equal(stored.status, 'sent');
    assert.equal(stored.attempts, 2);
    assert.equal(stored.last_error, null);
    assert.ok(stored.sent_at);
  });

  test('the back-off grows, and a message that keeps failing is given up after 8 attempts', async () => {
    const id = await enqueue(message());
    ctx.mail.failNext = 1000;
    try {
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 8; attempt++) {
        assert.equal(await ctx.deps.services.mail.flush(), 0);
        const stored = await row(id);
        assert.equal(stored.attempts, attempt);
        delays.push(stored.next_attempt_at.getTime() - ctx.clock.now().getTime());
        ctx.clock.advance(7 * 3_600_000);
      }
      assert.deepEqual(delays.slice(0, 3), [60_000, 120_000, 240_000]);
      assert.ok(delays.every((delay) => delay <= 6 * 3_600_000));
      const stored = await row(id);
      assert.equal(stored.status, 'failed');
      assert.equal(stored.attempts, 8);
      assert.equal(await ctx.deps.services.mail.flush(), 0);
      assert.equal((await row(id)).attempts, 8, 'a failed message is not tried again');
    } finally {
      ctx.mail.failNext = 0;
    }
  });

  test('one failing message does not hold up the others', async () => {
    const first = message();
    const second = message();
    await enqueue(first);
    await enqueue(second);
    ctx.mail.failNext = 1;
    assert.equal(await ctx.deps.services.mail.flush(), 1);
    const delivered = () => ctx.mail.sent.filter((m) => m.to === first.to || m.to === second.to);
    assert.equal(delivered().length, 1);
    ctx.clock.advance(60_000);
    assert.equal(await ctx.deps.services.mail.flush(), 1);
    assert.deepEqual(
      delivered()
        .map((m) => m.to)
        .sort(),
      [first.to, second.to].sort(),
    );
  });

  test('mail enqueued in a rolled-back transaction is never sent', async () => {
    const msg = message();
    const count = async () =>
      Number(
        (
          await ctx.deps.database.db
            .selectFrom('mail_messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('to_address', '=', msg.to)
            .executeTakeFirstOrThrow()
        ).n,
      );
    await assert.rejects(
      ctx.deps.database.db.transaction().execute(async (trx) => {
        await ctx.deps.services.mail.enqueue(trx, msg);
        throw new Error('the state change failed');
      }),
      /the state change failed/,
    );
    assert.equal(await count(), 0);
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.filter((m) => m.to === msg.to).length, 0);
  });

  test('a failed sign-up sends no mail; a successful one sends exactly one', async () => {
    const email = uniqueEmail('signup-mail');
    const weak = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, name: 'Mail', password: 'short' },
    });
    assert.equal(weak.statusCode, 422);
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.filter((m) => m.to === email).length, 0);

    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email, name: 'Mail', password: 'correct horse battery staple' },
    });
    assert.equal(ok.statusCode, 201);
    await ctx.deps.services.mail.flush();
    assert.equal(ctx.mail.sent.filter((m) => m.to === email).length, 1);
  });

  test('a flush asked for while another is running also delivers what that run can no longer see', async () => {
    // Model the race between a run's last look for due mail and a request committing new mail: the
    // message becomes due just after the running flush looked. The later flush call must not be merged
    // into the run that missed it.
    const t0 = new Date('2030-01-01T00:00:00.000Z');
    const clock = new ManualClock(t0);
    const sent: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const firstTo = uniqueEmail('first');
    const transport: MailTransport = {
      name: 'gated',
      async send(mail) {
        sent.push(mail.to);
        if (mail.to === firstTo) await gate;
      },
    };
    const mail = createMailService({
      db: ctx.deps.database.db,
      clock,
      ids: randomId,
      transport,
      from: 'x@y.test',
    });
    await ctx.deps.database.db.transaction().execute((trx) => mail.enqueue(trx, message({ to: firstTo })));
    const running = mail.flush();
    while (sent.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    const secondTo = uniqueEmail('second');
    clock.set(new Date(t0.getTime() + 1000));
    await ctx.deps.database.db.transaction().execute((trx) => mail.enqueue(trx, message({ to: secondTo })));
    clock.set(t0);
    void running.then(() => clock.set(new Date(t0.getTime() + 1000)));
    const later = mail.flush();
    release();
    await running;
    await later;
    assert.deepEqual(
      sent.filter((to) => to === firstTo || to === secondTo),
      [firstTo, secondTo],
    );
  });
});

describe('SMTP transport', () => {
  test('delivers a verification mail to a real SMTP server on loopback', async () => {
    const received: Array<{ from: string; to: string[]; raw: string }> = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.server.address() as AddressInfo;
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
    assert.equal(transport.name, 'smtp');
    const database = await createTestDatabase();
    try {
      const deps = await buildDeps(testConfig(), pino({ level: 'silent' }), {
        database,
        clock: new ManualClock(),
        mailTransport: transport,
      });
      await deps.services.accounts.createUser({
        actor: systemActor('test'),
        email: 'smtp.reader@example.test',
        name: 'Smtp Reader',
        password: 'correct horse battery staple',
        via: 'cli',
      });
      assert.equal(await deps.services.mail.flush(), 1);

      assert.equal(received.length, 1);
      const [mail] = received;
      assert.equal(mail?.from, 'no-reply@credstack.test');
      assert.deepEqual(mail?.to, ['smtp.reader@example.test']);
      const { headers, body } = parseMessage(mail?.raw ?? '');
      assert.equal(headers.get('subject'), 'Confirm your e-mail address for Credstack');
      assert.equal(headers.get('to'), 'smtp.reader@example.test');
      assert.match(headers.get('message-id') ?? '', /^<[0-9a-f-]{36}@credstack>$/);
      assert.ok(body.includes('Hello Smtp Reader,'));
      const link = /http:\/\/credstack\.test\/verify-email\?token=([A-Za-z0-9_-]{43})/.exec(body);
      assert.ok(link, body);

      // The link in the delivered message really verifies the address.
      const verified = await deps.services.accounts.verifyEmail({
        actor: { kind: 'anonymous' },
        token: link[1]!,
      });
      assert.ok(verified.email_verified_at);
      const stored = await database.db.selectFrom('mail_messages').selectAll().executeTakeFirstOrThrow();
      assert.equal(stored.status, 'sent');
    } finally {
      await transport.close?.();
      await database.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('an unreachable SMTP server leaves the message pending with the error', async () => {
    const probe = new SMTPServer({ authOptional: true, logger: false });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const { port } = probe.server.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = createSmtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
    const clock = new ManualClock();
    const mail = createMailService({
      db: ctx.deps.database.db,
      clock,
      ids: randomId,
      transport,
      from: 'x@y.test',
    });
    const to = uniqueEmail('unreachable');
    const id = await ctx.deps.database.db.transaction().execute((trx) => mail.enqueue(trx, message({ to })));
    try {
      assert.equal(await mail.flush(), 0);
      const stored = await row(id);
      assert.equal(stored.status, 'pending');
      assert.equal(stored.attempts, 1);
      assert.match(stored.last_error ?? '', /ECONNREFUSED|connect/i);
    } finally {
      await transport.close?.();
      await ctx.deps.database.db.deleteFrom('mail_messages').where('id', '=', id).execute();
    }
  });
});
