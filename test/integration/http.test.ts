import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_STATUS } from '../../src/core/errors.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { signedInUser } from '../helpers/factories.ts';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: Array<{ in: string; pointer: string; message: string }>;
}

let ctx: TestContext;
before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
});
after(async () => {
  await ctx.close();
});

const PROBLEM_KEYS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'errors',
]);

/** Checks the full problem+json contract and returns the body. */
function assertProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json; charset=utf-8$/);
  const body = json<Problem>(response);
  for (const key of Object.keys(body)) assert.ok(PROBLEM_KEYS.has(key), `unexpected problem member ${key}`);
  assert.equal(body.type, `/docs/errors#${code}`);
  assert.equal(typeof body.title, 'string');
  assert.ok(body.title.length > 0);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(ERROR_STATUS[code as keyof typeof ERROR_STATUS], status);
  assert.equal(body.requestId, response.headers['x-request-id']);
  assert.equal(typeof body.detail, 'string');
  assert.doesNotMatch(response.body, /\n\s+at /, 'no stack trace');
  return body;
}

describe('health', () => {
  test('/healthz answers ok', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { status: 'ok' });
  });

  test('/readyz reports the database kind', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(json(response), { status: 'ready', database: ctx.deps.database.kind });
  });

  test('/readyz is 503 problem+json once the database is gone; /healthz still answers', async () => {
    const own = await buildTestApp();
    try {
      await own.deps.database.close();
      const response = await own.app.inject({ method: 'GET', url: '/readyz' });
      const problem = assertProblem(response, 503, 'unavailable');
      assert.equal(problem.title, 'Service unavailable');
      assert.equal(problem.detail, 'The database does not answer; see the server log');
      assert.equal((await own.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    } finally {
      await own.close();
    }
  });
});

describe('problem details', () => {
  test('validation errors list each field with its pointer', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { email: 'a@b.test', name: 7, extra: true },
    });
    const problem = assertProblem(response, 422, 'validation_failed');
    assert.equal(problem.title, 'Validation failed');
    assert.equal(problem.instance, '/api/v1/auth/signup');
    assert.match(problem.detail ?? '', /^The request body is invalid: /);
    const pointers = (problem.errors ?? []).map((e) => `${e.in} ${e.pointer} ${e.message}`).sort();
    assert.deepEqual(pointers, [
      'body /extra is not a known property',
      'body /name must be string',
      'body /password is required',
    ]);
  });

  test('query string errors are 400 invalid_request', async () => {
    const admin = await signedInUser(ctx, { platformAdmin: true });
    const response = await admin.request({ method: 'GET', url: '/api/v1/admin/users?limit=lots' });
    const problem = assertProblem(response, 400, 'invalid_request');
    assert.equal(problem.errors?.[0]?.in, 'querystring');
    assert.equal(problem.errors?.[0]?.pointer, '/limit');
    assert.equal(problem.instance, '/api/v1/admin/users', 'the query string is not echoed');
  });

  test('the request id is minted, or taken from a sane X-Request-Id', async () => {
    const minted = await ctx.app.inject({ method: 'GET', url: '/nowhere' });
    assert.match(String(minted.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    assert.equal(json<Problem>(minted).requestId, minted.headers['x-request-id']);

    const given = await ctx.app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'edge-proxy.42_abc' },
    });
    assert.equal(given.headers['x-request-id'], 'edge-proxy.42_abc');
    assert.equal(json<Problem>(given).requestId, 'edge-proxy.42_abc');

    // Successful responses carry it too.
    const ok = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-1' },
    });
    assert.equal(ok.headers['x-request-id'], 'trace-1');

    for (const bad of ['has spaces', 'x'.repeat(129), '<script>', 'ü']) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: '/nowhere',
        headers: { 'x-request-id': bad },
      });
      assert.match(String(response.headers['x-request-id']), /^[0-9a-f-]{36}$/, bad);
    }
  });

  test('unknown routes and methods are 404 problem+json', async () => {
    const problem = assertProblem(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/nothing?x=1' }),
      404,
      'not_found',
    );
    assert.equal(problem.detail, 'No route for GET /api/v1/nothing');
    assertProblem(await ctx.app.inject({ method: 'PUT', url: '/api/v1/me' }), 404, 'not_found');
    assertProblem(await ctx.app.inject({ method: 'DELETE', url: '/healthz' }), 404, 'not_found');
  });

  test('URLs the router cannot decode are 400 problem+json, with the request id', async () => {
    for (const url of [
      '/api/v1/orgs/%zz',
      '/api/v1/me/sessions/%',
      '/api/v1/orgs/%E0%A4%A',
      `/api/v1/orgs/${'a'.repeat(300)}`,
    ]) {
      const response = await ctx.app.inject({ method: 'GET', url, headers: { 'x-request-id': 'bad-url-1' } });
      const problem = assertProblem(response, 400, 'invalid_request');
      assert.equal(problem.requestId, 'bad-url-1', url);
    }
  });

  test("plugins' own client errors stay 4xx problem+json", async () => {
    // The API reference's static file server refuses over-long file names with a 403 of its own.
    const response = await ctx.app.inject({ method: 'GET', url: `/api/docs/static/${'a'.repeat(300)}` });
    assertProblem(response, 403, 'forbidden');
  });

  test('a body over BODY_LIMIT_BYTES is 413', async () => {
    const small = await buildTestApp({ env: { BODY_LIMIT_BYTES: '1024' } });
    try {
      const response = await small.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: {
          email: 'big@example.test',
          name: 'x'.repeat(2000),
          password: 'correct horse battery staple',
        },
      });
      const problem = assertProblem(response, 413, 'payload_too_large');
      assert.equal(problem.title, 'Payload too large');
      const fits = await small.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: {
          email: 'small@example.test',
          name: 'x'.repeat(100),
          password: 'correct horse battery staple',
        },
      });
      assert.equal(fits.statusCode, 201, fits.body);
    } finally {
      await small.close();
    }
  });

  test('anything but JSON is 415', async () => {
    for (const contentType of [
      'text/plain',
      'text/plain; charset=utf-8',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=abc',
      'application/octet-stream',
    ]) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: 'email=a@b.test&password=whatever',
        headers: { 'content-type': contentType },
      });
      const problem = assertProblem(response, 415, 'unsupported_media_type');
      assert.equal(problem.title, 'Unsupported media type', contentType);
    }
  });

  test('malformed JSON is 400 malformed_request', async () => {
    for (const payload of ['{"email":', '{email: "a"}', '[1,2', "{'a':1}", '{"a":1}}']) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      const problem = assertProblem(response, 400, 'malformed_request');
      assert.equal(problem.detail, 'The request body is not valid JSON', payload);
    }
    const empty = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(
      assertProblem(empty, 400, 'malformed_request').detail,
      'The request body is empty but Content-Type says JSON',
    );
  });

  test('JSON with prototype keys is refused, and pollutes nothing', async () => {
    for (const payload of [
      '{"email":"a@b.test","password":"x","__proto__":{"isPlatformAdmin":true}}',
      '{"email":"a@b.test","password":"x","constructor":{"prototype":{"isPlatformAdmin":true}}}',
    ]) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      assert.ok([400, 422].includes(response.statusCode), `${response.statusCode} ${response.body}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    }
    assert.equal(({} as Record<string, unknown>).isPlatformAdmin, undefined);
  });

  test('text that PostgreSQL cannot store (NUL, lone surrogates) is refused before it reaches the database', async () => {
    const admin = await signedInUser(ctx, { platformAdmin: true });
    const cases: Array<[LightMyRequestResponse, string]> = [
      [
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/signup',
          payload:
            '{"email":"nul@example.test","name":"a\\u0000b","password":"correct horse battery staple"}',
          headers: { 'content-type': 'application/json' },
        }),
        'body',
      ],
      [
        await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: '{"email":"x\\ud800@example.test","password":"whatever"}',
          headers: { 'content-type': 'application/json' },
        }),
        'body',
      ],
      [await admin.request({ method: 'GET', url: '/api/v1/admin/users?q=%00' }), 'querystring'],
      [await admin.request({ method: 'GET', url: '/api/v1/orgs/abc%00def' }), 'params'],
    ];
    for (const [response, part] of cases) {
      assert.ok(
        response.statusCode === 400 || response.statusCode === 422,
        `${part}: ${response.statusCode} ${response.body}`,
      );
      const problem = json<Problem>(response);
      assert.ok(['validation_failed', 'invalid_request'].includes(problem.code), problem.code);
      assert.equal(problem.errors?.[0]?.in, part);
    }
  });
});

describe('security headers', () => {
  test('helmet sets the usual headers; no HSTS over plain http', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/healthz' });
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.equal(response.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'nothing answers https on a plain-http install');
  });

  test('errors carry the headers too', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/nowhere' });
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.ok(response.headers['content-security-policy']);
  });

  test('HSTS and upgrade-insecure-requests are sent when PUBLIC_URL is https', async () => {
    const secure = await buildTestApp({ env: { PUBLIC_URL: 'https://credstack.test' } });
    try {
      const response = await secure.app.inject({ method: 'GET', url: '/healthz' });
      assert.equal(response.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      assert.match(String(response.headers['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await secure.close();
    }
  });
});

describe('CORS', () => {
  test('is off by default', async () => {
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { origin: 'https://app.example.org' },
    });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
    const preflight = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/me',
      headers: { origin: 'https://app.example.org', 'access-control-request-method': 'PATCH' },
    });
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  test('CORS_ORIGINS allows exactly the listed origins, with credentials', async () => {
    const cors = await buildTestApp({ env: { CORS_ORIGINS: 'https://app.example.org' } });
    try {
      const allowed = await cors.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://app.example.org' },
      });
      assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.org');
      assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
      assert.match(String(allowed.headers['access-control-expose-headers']), /x-request-id/);

      const preflight = await cors.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/me',
        headers: { origin: 'https://app.example.org', 'access-control-request-method': 'PATCH' },
      });
      assert.ok(preflight.statusCode < 300, String(preflight.statusCode));
      assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.org');

      const other = await cors.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(other.headers['access-control-allow-origin'], undefined);

      // A listed origin may also write with a session (it is allowed past the cross-origin check).
      const session = await signedInUser(cors);
      const write = await session.request({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: { name: 'From the SPA' },
        headers: { origin: 'https://app.example.org' },
      });
      assert.equal(write.statusCode, 200, write.body);
      const refused = await session.request({
        method: 'PATCH',
        url: '/api/v1/me',
        payload: { name: 'From elsewhere' },
        headers: { origin: 'https://evil.example' },
      });
      assertProblem(refused, 403, 'csrf_failed');
    } finally {
      await cors.close();
    }
  });
});

describe('API documentation', () => {
  interface OpenApi {
    openapi: string;
    info: { title: string; version: string };
    servers: Array<{ url: string }>;
    paths: Record<
      string,
      Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
    >;
    components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  }

  test('/api/openapi.json is OpenAPI 3.1 and documents every /api/v1 route with a response schema', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const doc = json<OpenApi>(response);
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Credstack API');
    assert.deepEqual(doc.servers, [{ url: 'http://credstack.test' }]);
    assert.ok(doc.components.schemas?.Problem, 'the Problem schema is a component');
    assert.ok(doc.components.schemas?.UserSelf);
    assert.deepEqual(Object.keys(doc.components.securitySchemes ?? {}).sort(), ['bearer', 'session']);

    const apiRoutes = ctx.routes.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD');
    assert.ok(apiRoutes.length >= 15, `only ${apiRoutes.length} API routes collected`);
    for (const route of apiRoutes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${path} is not documented`);
      const responses = operation.responses ?? {};
      const success = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
      assert.ok(success.length > 0, `${route.method} ${path} documents no success response`);
      assert.ok(
        responses.default?.content?.['application/problem+json'],
        `${route.method} ${path} does not document its problem+json errors`,
      );
      for (const status of success) {
        if (status === '204') continue;
        const schema = Object.values(responses[status]?.content ?? {})[0]?.schema;
        assert.ok(schema, `${route.method} ${path} ${status} has no response schema`);
      }
    }
    // Every $ref points at something that exists.
    for (const [, name] of response.body.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      assert.ok(doc.components.schemas?.[name!], `dangling $ref ${name}`);
    }
    // Internal pages are not part of the API reference.
    assert.equal(doc.paths['/verify-email'], undefined);
    assert.equal(doc.paths['/api/openapi.json'], undefined);
  });

  test('/api/docs serves the HTML reference', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.match(response.body, /swagger/i);
  });

  test('the landing page links to the reference', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.ok(response.body.includes('href="/api/docs"'));
  });
});
