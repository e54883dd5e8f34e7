import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import {
  apiToken,
  createOrganisation,
  issueAs,
  memberWithRole,
  pathOf,
  problem,
} from '../helpers/credentials.ts';
import type { Session } from '../helpers/factories.ts';
import { multipartBody } from '../helpers/portfolio.ts';

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>',
);

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'logo' }));
});
after(async () => {
  await ctx.close();
});

function putLogo(session: Session, orgSlug: string, content: Buffer, fileName = 'logo.png') {
  const body = multipartBody(fileName, content, { contentType: 'image/png' });
  return session.request({
    method: 'PUT',
    url: `/api/v1/orgs/${orgSlug}/logo`,
    payload: body.payload,
    headers: body.headers,
  });
}

function isProblem(response: LightMyRequestResponse, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
}

describe('organisation logos', () => {
  test('upload, public image with ETag, issuer page, replace, remove; audit events', async () => {
    const none = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/logo` });
    assert.deepEqual(none.json(), { logo: null });
    isProblem(await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/logo` }), 404, 'not_found');

    const uploaded = await putLogo(owner, slug, PNG);
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const logo = (uploaded.json() as { logo: Record<string, string | number> }).logo;
    assert.equal(logo.contentType, 'image/png');
    assert.equal(logo.bytes, PNG.length);
    assert.match(String(logo.url), new RegExp(`/orgs/${slug}/logo\\?v=[0-9a-f]{16}$`));

    const image = await ctx.app.inject({ method: 'GET', url: pathOf(ctx, String(logo.url)) });
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, PNG);
    assert.match(String(image.headers['cache-control']), /immutable/);
    const etag = String(image.headers.etag);
    const plain = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/logo` });
    assert.equal(plain.headers['cache-control'], 'public, max-age=300');
    assert.equal(plain.headers.etag, etag);
    const revalidated = await ctx.app.inject({
      method: 'GET',
      url: `/orgs/${slug}/logo`,
      headers: { 'if-none-match': etag },
    });
    assert.equal(revalidated.statusCode, 304);

    // The public issuer page (JSON and HTML) shows it once the organisation has issued.
    await issueAs(owner, slug);
    const issuer = await ctx.app.inject({ method: 'GET', url: `/api/v1/issuers/${slug}` });
    assert.equal((issuer.json() as { issuer: { logo: string } }).issuer.logo, logo.url);
    const page = await ctx.app.inject({ method: 'GET', url: `/issuers/${slug}` });
    assert.match(page.body, /<img[^>]+class="org-logo"/);
    assert.ok(page.body.includes(`alt="Logo of Academy`), 'the image has alt text naming the issuer');

    // Replacing with an SVG changes the type, the ETag and the URL.
    const replaced = await putLogo(owner, slug, SVG, 'logo.svg');
    assert.equal(replaced.statusCode, 200, replaced.body);
    const svgLogo = (replaced.json() as { logo: Record<string, string> }).logo;
    assert.notEqual(svgLogo.url, logo.url);
    const svgImage = await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/logo` });
    assert.equal(svgImage.headers['content-type'], 'image/svg+xml');
    assert.notEqual(svgImage.headers.etag, etag);
    assert.match(String(svgImage.headers['content-security-policy']), /default-src 'none'/);

    const removed = await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/logo` });
    assert.equal(removed.statusCode, 204, removed.body);
    isProblem(await ctx.app.inject({ method: 'GET', url: `/orgs/${slug}/logo` }), 404, 'not_found');
    isProblem(await owner.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/logo` }), 404, 'not_found');
    const after = await ctx.app.inject({ method: 'GET', url: `/api/v1/issuers/${slug}` });
    assert.equal((after.json() as { issuer: { logo: string | null } }).issuer.logo, null);

    const events = await ctx.deps.database.db
      .selectFrom('audit_events')
      .select(['type'])
      .where('organisation_id', '=', organisationId)
      .where('type', 'like', 'organisation.logo%')
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      events.map((event) => event.type),
      ['organisation.logo_set', 'organisation.logo_set', 'organisation.logo_removed'],
    );
  });

  test('bad files: wrong type 415, unsafe SVG 422, too large 413, empty 422, no file part; nothing stored', async () => {
    isProblem(
      await putLogo(owner, slug, Buffer.from('GIF89a fake', 'latin1'), 'x.png'),
      415,
      'unsupported_media_type',
    );
    const unsafe = await putLogo(owner, slug, Buffer.from('<svg onload="alert(1)"></svg>'), 'x.svg');
    isProblem(unsafe, 422, 'validation_failed');
    assert.match(problem(unsafe).detail, /event handler/);
    const large = Buffer.concat([PNG, Buffer.alloc(256 * 1024)]);
    isProblem(await putLogo(owner, slug, large), 413, 'payload_too_large');
    isProblem(await putLogo(owner, slug, Buffer.alloc(0)), 422, 'validation_failed');
    isProblem(
      await owner.request({
        method: 'PUT',
        url: `/api/v1/orgs/${slug}/logo`,
        payload: { file: 'x' },
      }),
      415,
      'unsupported_media_type',
    );
    const field = multipartBody('x.png', PNG, { field: 'image' });
    isProblem(
      await owner.request({ method: 'PUT', url: `/api/v1/orgs/${slug}/logo`, ...field }),
      422,
      'validation_failed',
    );
    const current = await owner.request({ method: 'GET', url: `/api/v1/orgs/${slug}/logo` });
    assert.deepEqual(current.json(), { logo: null });
  });

  test('owners and admins only: members 403, outsiders 404, tokens read but never write', async () => {
    const admin = await memberWithRole(ctx, slug, 'admin');
    assert.equal((await putLogo(admin, slug, PNG)).statusCode, 200);
    const issuer = await memberWithRole(ctx, slug, 'issuer');
    isProblem(await putLogo(issuer, slug, PNG), 403, 'forbidden');
    isProblem(await issuer.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/logo` }), 403, 'forbidden');
    const viewer = await memberWithRole(ctx, slug, 'viewer');
    assert.equal((await viewer.request({ method: 'GET', url: `/api/v1/orgs/${slug}/logo` })).statusCode, 200);

    const { owner: stranger } = await createOrganisation(ctx, { prefix: 'logo-other' });
    isProblem(await putLogo(stranger, slug, PNG), 404, 'not_found');
    isProblem(await stranger.request({ method: 'GET', url: `/api/v1/orgs/${slug}/logo` }), 404, 'not_found');
    isProblem(
      await stranger.request({ method: 'DELETE', url: `/api/v1/orgs/${slug}/logo` }),
      404,
      'not_found',
    );
    // An outsider's unsafe upload is a 404 too: authorisation comes before the file is looked at.
    isProblem(await putLogo(stranger, slug, Buffer.from('<svg onload="x()"/>')), 404, 'not_found');
    isProblem(await putLogo(owner, 'no-such-org', PNG), 404, 'not_found');

    const token = await apiToken(ctx, slug, ['org:read']);
    const read = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/orgs/${slug}/logo`,
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(read.statusCode, 200, read.body);
    const body = multipartBody('x.png', PNG);
    const write = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/orgs/${slug}/logo`,
      payload: body.payload,
      headers: { ...body.headers, authorization: `Bearer ${token}` },
    });
    isProblem(write, 403, 'insufficient_scope');
  });
});
