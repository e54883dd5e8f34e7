import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { loadConfig } from '../../src/core/config.ts';
import { createMemoryTransport } from '../../src/modules/mail/mail.transport.ts';
import { createServerLogger, type RunningServer, startServer } from '../../src/server.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { writeSelfSignedCertificate } from '../helpers/tls.ts';

/**
 * The server as production runs it: HTTPS served by Credstack itself, JSON logs at the most verbose level.
 * Whatever a request carries — passwords, session cookies, CSRF tokens, API tokens, e-mail link tokens —
 * must never reach the log, while every request line still carries its request id.
 */
describe('HTTPS serving and log hygiene (production mode)', { concurrency: 1 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'credstack-tls-'));
  const logLines: string[] = [];
  const secret = randomBytes(32).toString('base64url');
  const masterKey = randomBytes(32).toString('base64');
  let server: RunningServer;
  let ca: string;
  let origin: string;

  function request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
    const url = new URL(path, origin);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca,
          servername: 'localhost',
          headers: {
            ...(payload ? { 'content-type': 'application/json' } : {}),
            ...(options.headers ?? {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  before(async () => {
    writeSelfSignedCertificate(dir, { commonName: 'localhost', altNames: ['DNS:localhost', 'IP:127.0.0.1'] });
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '0',
        HOST: '127.0.0.1',
        PUBLIC_URL: 'https://credstack.test',
        DATA_DIR: dir,
        CREDSTACK_SECRET: secret,
        CREDSTACK_MASTER_KEY: masterKey,
        TLS_CERT: join(dir, 'cert.pem'),
        TLS_KEY: join(dir, 'key.pem'),
        LOG_LEVEL: 'trace',
        DEMO_SEED: 'false',
      },
      { cwd: dir },
    );
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    server = await startServer(config, {
      handleSignals: false,
      print: () => {},
      logger: createServerLogger(config, sink),
      overrides: { database: await createTestDatabase(), mailTransport: createMemoryTransport() },
    });
    origin = server.listeningUrl.replace('127.0.0.1', 'localhost');
  });

  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves HTTPS itself', async () => {
    assert.match(server.listeningUrl, /^https:\/\//);
    const health = await request('GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.headers['strict-transport-security'] !== undefined, true, 'HSTS over TLS');
  });

  test('no password, cookie, CSRF token, API token or link token is ever logged', async () => {
    const { accounts, organisations } = server.deps.services;
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const wrongPassword = `wrong-${randomBytes(12).toString('hex')}`;
    const user = await accounts.createUser({
      actor: systemActor('test'),
      email: 'logs@example.test',
      name: 'Log Tester',
      password,
      emailVerified: true,
      via: 'cli',
    });
    await organisations.createOrganisation({
      actor: systemActor('test'),
      slug: 'log-org',
      name: 'Log Org',
      ownerUserId: user.id,
    });

    const failed = await request('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: wrongPassword },
    });
    assert.equal(failed.status, 401);

    const login = await request('POST', '/api/v1/auth/login', { body: { email: user.email, password } });
    assert.equal(login.status, 200, login.body);
    const setCookie = ([] as string[])
      .concat(login.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('cs_session='));
    assert.ok(setCookie, 'a session cookie is set');
    assert.match(setCookie, /;\s*Secure/i, 'the session cookie is Secure behind TLS');
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=(Lax|Strict)/i);
    const sessionToken = setCookie.slice('cs_session='.length).split(';')[0]!;
    const csrfToken = (JSON.parse(login.body) as { csrfToken: string }).csrfToken;
    const cookieHeaders = {
      cookie: `cs_session=${sessionToken}`,
      'x-csrf-token': csrfToken,
      origin: 'https://credstack.test',
    };

    const me = await request('GET', '/api/v1/me', { headers: cookieHeaders });
    assert.equal(me.status, 200, me.body);

    const created = await request('POST', '/api/v1/orgs/log-org/tokens', {
      headers: cookieHeaders,
      body: { name: 'ci', scopes: ['org:read'] },
    });
    assert.equal(created.status, 201, created.body);
    const apiToken = (JSON.parse(created.body) as { token: string }).token;
    const viaToken = await request('GET', '/api/v1/orgs/log-org', {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    assert.equal(viaToken.status, 200, viaToken.body);

    const linkToken = randomBytes(24).toString('base64url');
    await request('GET', `/verify-email?token=${linkToken}`);
    await request('POST', '/api/v1/auth/password/change', {
      headers: cookieHeaders,
      body: { currentPassword: wrongPassword, newPassword: `${password}-new` },
    });

    const log = logLines.join('\n');
    assert.ok(logLines.length > 5, 'the server logged the requests');
    for (const line of logLines) JSON.parse(line); // production logs are JSON lines
    const secrets = {
      password,
      wrongPassword,
      newPassword: `${password}-new`,
      sessionToken,
      csrfToken,
      apiToken,
      linkToken,
      secret,
      masterKey,
    };
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!log.includes(value), `the log contains the ${name}`);
    }
    const requestLines = logLines
      .map((line) => JSON.parse(line) as { reqId?: string; req?: { url?: string }; msg?: string })
      .filter((entry) => entry.req?.url);
    assert.ok(requestLines.length >= 5, 'incoming requests are logged');
    for (const entry of requestLines) assert.ok(entry.reqId, `request line without reqId: ${entry.msg}`);
    assert.ok(
      requestLines.some((entry) => entry.req?.url === '/verify-email?token=[redacted]'),
      'the link token is replaced in the logged URL',
    );
  });
});
