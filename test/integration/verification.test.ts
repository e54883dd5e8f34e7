import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { createVerificationService } from '../../src/modules/verification/verification.service.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation, issueAs, type LooseJson, pathOf, problem } from '../helpers/credentials.ts';

const fixture = (name: string) => new URL(`../fixtures/vc/${name}`, import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as LooseJson;
const system = systemActor('test');

let ctx: TestContext;

before(async () => {
  // The fixtures were signed in 2026; a fixed clock keeps the expiry fixtures meaningful.
  ctx = await buildTestApp({
    env: { AUTH_RATE_LIMIT_MAX: '100000', VERIFY_RATE_LIMIT_MAX: '100000' },
    now: new Date('2026-06-01T00:00:00Z'),
  });
});
after(async () => {
  await ctx.close();
});

function verify(url: string, payload: unknown, headers: Record<string, string> = {}) {
  return ctx.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

describe('POST /vc-api/credentials/verify', () => {
  test('a valid did:key credential: 200, verified, every step named', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: readJson('valid-eddsa-rdfc-2022.json'),
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as LooseJson;
    assert.equal(body.verified, true);
    assert.equal(body.verdict, 'valid');
    assert.deepEqual(
      body.steps.map((s: LooseJson) => s.id),
      ['format', 'proof', 'issuer', 'status', 'validity', 'schema'],
    );
    assert.deepEqual(body.errors, []);
    assert.ok(body.checks.includes('proof'));
  });

  test('vc+jwt given as a compact string verifies', async () => {
    const jwt = readFileSync(fixture('valid-vc-jwt.jwt'), 'utf8').trim();
    const response = await verify('/vc-api/credentials/verify', { verifiableCredential: jwt });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((response.json() as LooseJson).format, 'vc+jwt');
  });

  test('a tampered credential: 422 with an error at the proof step', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: readJson('tampered.json'),
    });
    assert.equal(response.statusCode, 422, response.body);
    const body = response.json() as LooseJson;
    assert.equal(body.verified, false);
    assert.equal(body.verdict, 'invalid');
    assert.ok(body.errors.length > 0);
    assert.ok(
      body.errors.every((e: LooseJson) => typeof e.code === 'string' && typeof e.detail === 'string'),
    );
    assert.ok(body.errors.some((e: LooseJson) => e.step === 'proof'));
  });

  test('not a credential at all: 400 with errors at the format step', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: { hello: 'world' },
    });
    assert.equal(response.statusCode, 400, response.body);
    const body = response.json() as LooseJson;
    assert.equal(body.verified, false);
    assert.ok(body.errors.some((e: LooseJson) => e.step === 'format'));
  });

  test('a request without verifiableCredential is a problem+json 422', async () => {
    const response = await verify('/vc-api/credentials/verify', { credential: {} });
    assert.ok([400, 422].includes(response.statusCode), response.body);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  });

  test('a status list on another host with remote fetch off: unknown (422), never "not revoked"', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: readJson('status-active.json'),
    });
    assert.equal(response.statusCode, 422, response.body);
    const body = response.json() as LooseJson;
    assert.equal(body.verdict, 'unknown');
    const status = body.steps.find((s: LooseJson) => s.id === 'status');
    assert.equal(status.outcome, 'unknown');
    assert.ok(body.statuses.every((s: LooseJson) => s.state === 'unknown'));
  });

  test('a did:web issuer on another host with remote fetch off is not trusted', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: readJson('valid-did-web.json'),
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.notEqual((response.json() as LooseJson).verdict, 'valid');
  });

  test('no session or token is needed, and the answer is not cached', async () => {
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: readJson('expired.json'),
    });
    assert.equal(response.statusCode, 422, response.body);
    const validity = (response.json() as LooseJson).steps.find((s: LooseJson) => s.id === 'validity');
    assert.equal(validity.outcome, 'failed');
  });
});

describe('POST /vc-api/presentations/verify', () => {
  test('a presentation with the right challenge and domain verifies with each credential', async () => {
    const response = await verify('/vc-api/presentations/verify', {
      verifiablePresentation: readJson('presentation.json'),
      options: { challenge: 'fixture-challenge-5f1c', domain: 'verifier.example' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json() as LooseJson;
    assert.equal(body.verified, true);
    assert.ok(body.credentials.length >= 1);
    assert.ok(body.credentials.every((c: LooseJson) => c.verified === true));
  });

  test('the wrong challenge fails the holder proof', async () => {
    const response = await verify('/vc-api/presentations/verify', {
      verifiablePresentation: readJson('presentation.json'),
      options: { challenge: 'replayed', domain: 'verifier.example' },
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.equal((response.json() as LooseJson).verified, false);
  });
});

describe('POST /api/v1/verify', () => {
  test('always 200 with the step log when the request is well-formed', async () => {
    const response = await verify('/api/v1/verify', { verifiableCredential: readJson('tampered.json') });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((response.json() as LooseJson).verdict, 'invalid');
  });
});

describe('our own credentials verify through the public endpoints, status included', () => {
  test('issued → valid; revoked → invalid at the status step; suspended → invalid', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'verify' });
    const issued = await issueAs(owner, slug);
    const first = await verify('/vc-api/credentials/verify', {
      verifiableCredential: issued.verifiableCredential,
    });
    assert.equal(first.statusCode, 200, first.body);
    const statuses = (first.json() as LooseJson).statuses as LooseJson[];
    assert.deepEqual(statuses.map((s) => s.state).sort(), ['active', 'active']);

    await ctx.deps.services.credentials.suspendCredential({
      actor: system,
      slug,
      id: issued.id,
      reason: 'Under review',
    });
    const suspended = await verify('/vc-api/credentials/verify', {
      verifiableCredential: issued.verifiableCredential,
    });
    assert.equal(suspended.statusCode, 422);
    assert.ok(((suspended.json() as LooseJson).statuses as LooseJson[]).some((s) => s.state === 'suspended'));

    await ctx.deps.services.credentials.revokeCredential({
      actor: system,
      slug,
      id: issued.id,
      reason: 'Issued in error',
    });
    const revoked = await verify('/vc-api/credentials/verify', {
      verifiableCredential: issued.verifiableCredential,
    });
    assert.equal(revoked.statusCode, 422);
    const body = revoked.json() as LooseJson;
    assert.ok((body.statuses as LooseJson[]).some((s) => s.state === 'revoked'));
    assert.equal(body.steps.find((s: LooseJson) => s.id === 'status').outcome, 'failed');
  });

  test('a vc+jwt credential we issued verifies, status included', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'verify-jwt' });
    const issued = await issueAs(owner, slug, { format: 'vc+jwt' });
    assert.equal(typeof issued.verifiableCredential, 'string');
    const response = await verify('/vc-api/credentials/verify', {
      verifiableCredential: issued.verifiableCredential,
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal((response.json() as LooseJson).statuses.length, 2);
  });
});

describe('GET /credentials/:id', () => {
  test('HTML for people: achievement, issuer, status and the step log; no e-mail, no hidden name', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'page' });
    const issued = await issueAs(owner, slug);
    const response = await ctx.app.inject({
      method: 'GET',
      url: pathOf(ctx, issued.url),
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /text\/html/);
    assert.match(String(response.headers.vary), /Accept/i);
    const html = response.body;
    assert.match(html, /Data Analysis with SQL/);
    assert.match(html, /data-verdict="valid"/);
    for (const step of ['format', 'proof', 'issuer', 'status', 'validity', 'schema']) {
      assert.match(html, new RegExp(`data-step="${step}"`));
    }
    assert.match(html, /property="og:title"/);
    assert.doesNotMatch(html, /@example\.org/i, 'the recipient e-mail never appears');
    assert.doesNotMatch(html, /Lea Learner/, 'the holder has not made the name public');
    // No inline script: only the bundle (by src) and the page's JSON data block.
    for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
      assert.match(tag, /type="module" src="\/assets\/|type="application\/json"/, tag);
    }
  });

  test('the page reports revocation', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'page-rev' });
    const issued = await issueAs(owner, slug);
    await ctx.deps.services.credentials.revokeCredential({
      actor: system,
      slug,
      id: issued.id,
      reason: 'Issued in error',
    });
    const response = await ctx.app.inject({ method: 'GET', url: pathOf(ctx, issued.url) });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Revoked/);
    assert.match(response.body, /data-verdict="invalid"/);
    assert.match(response.body, /data-step="status" data-outcome="failed"/);
  });

  test('machines get the credential by content negotiation', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'page-json' });
    const issued = await issueAs(owner, slug);
    for (const accept of ['application/vc', 'application/ld+json', 'application/json']) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: pathOf(ctx, issued.url),
        headers: { accept },
      });
      assert.equal(response.statusCode, 200, `${accept}: ${response.body}`);
      assert.match(String(response.headers['content-type']), new RegExp(accept.replace('+', '\\+')));
      assert.deepEqual(response.json(), issued.verifiableCredential);
    }
    const viaQuery = await ctx.app.inject({ method: 'GET', url: `${pathOf(ctx, issued.url)}?format=json` });
    assert.deepEqual(viaQuery.json(), issued.verifiableCredential);

    const jwtOfDataIntegrity = await ctx.app.inject({
      method: 'GET',
      url: pathOf(ctx, issued.url),
      headers: { accept: 'application/vc+jwt' },
    });
    assert.equal(jwtOfDataIntegrity.statusCode, 406);
    assert.equal(problem(jwtOfDataIntegrity).code, 'not_acceptable');

    const nothingAcceptable = await ctx.app.inject({
      method: 'GET',
      url: pathOf(ctx, issued.url),
      headers: { accept: 'image/png' },
    });
    assert.equal(nothingAcceptable.statusCode, 406);
  });

  test('a vc+jwt credential: the JWT itself, or enveloped in JSON', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'page-jwt' });
    const issued = await issueAs(owner, slug, { format: 'vc+jwt' });
    const jwt = await ctx.app.inject({
      method: 'GET',
      url: pathOf(ctx, issued.url),
      headers: { accept: 'application/vc+jwt' },
    });
    assert.equal(jwt.statusCode, 200);
    assert.match(String(jwt.headers['content-type']), /application\/vc\+jwt/);
    assert.equal(jwt.body, issued.verifiableCredential);

    const enveloped = await ctx.app.inject({
      method: 'GET',
      url: pathOf(ctx, issued.url),
      headers: { accept: 'application/vc' },
    });
    const body = enveloped.json() as LooseJson;
    assert.equal(body.type, 'EnvelopedVerifiableCredential');
    assert.equal(body.id, `data:application/vc+jwt,${issued.verifiableCredential}`);

    const html = await ctx.app.inject({ method: 'GET', url: pathOf(ctx, issued.url) });
    assert.match(html.body, /data-verdict="valid"/);
    assert.match(html.body, /Data Analysis with SQL/);
  });

  test('unknown ids and non-ids answer 404 in every representation', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', `${randomUUID()}x`]) {
      for (const accept of ['text/html', 'application/vc']) {
        const response = await ctx.app.inject({
          method: 'GET',
          url: `/credentials/${id}`,
          headers: { accept },
        });
        assert.equal(response.statusCode, 404, `${id} ${accept}`);
        if (accept === 'text/html') {
          // A person's browser gets a page saying so; machines get the problem document.
          assert.match(String(response.headers['content-type']), /text\/html/);
          assert.match(response.body, /There is nothing at this address/);
        } else {
          assert.equal(problem(response).code, 'not_found');
        }
      }
    }
  });
});

describe('our own host is never fetched', () => {
  test('an unknown did:web on our host fails at the proof step without any HTTP request, even with remote fetch on', async () => {
    const { owner, slug } = await createOrganisation(ctx, { prefix: 'own-host' });
    const issued = await issueAs(owner, slug);
    const forged = structuredClone(issued.verifiableCredential) as LooseJson;
    const nobody = `did:web:${ctx.deps.config.publicUrl.host.replace(':', '%3A')}:orgs:nobody-here`;
    forged.issuer = { ...forged.issuer, id: nobody };
    forged.proof.verificationMethod = `${nobody}#key-1`;
    const fetched: string[] = [];
    const service = createVerificationService({
      config: { ...ctx.deps.config, remoteFetch: { ...ctx.deps.config.remoteFetch, enabled: true } },
      clock: ctx.clock,
      local: {
        resolveLocalDid: (did) => ctx.deps.services.keys.resolveLocalDid(did),
        loadLocalStatusList: (url) => ctx.deps.services.credentials.loadLocalStatusList(url),
      },
      remoteFetch: async (url) => {
        fetched.push(String(url));
        throw new Error('no network in tests');
      },
    });
    const report = await service.verifyCredential({ credential: forged });
    assert.deepEqual(fetched, []);
    assert.equal(report.verdict, 'invalid');
    assert.equal(report.steps.find((s) => s.id === 'proof')?.outcome, 'failed');
  });
});

describe('rate limit', () => {
  test('the public verify endpoints are rate-limited per client', async () => {
    const limited = await buildTestApp({ env: { VERIFY_RATE_LIMIT_MAX: '2' } });
    try {
      const send = () =>
        limited.app.inject({
          method: 'POST',
          url: '/vc-api/credentials/verify',
          payload: { verifiableCredential: { hello: 'world' } },
        });
      assert.equal((await send()).statusCode, 400);
      assert.equal((await send()).statusCode, 400);
      const third = await send();
      assert.equal(third.statusCode, 429);
      assert.equal(problem(third).code, 'rate_limited');
      // The public page verifies on every view: it is limited too.
      const view = () => limited.app.inject({ method: 'GET', url: `/credentials/${randomUUID()}` });
      assert.equal((await view()).statusCode, 404);
      assert.equal((await view()).statusCode, 404);
      assert.equal((await view()).statusCode, 429);
    } finally {
      await limited.close();
    }
  });
});
