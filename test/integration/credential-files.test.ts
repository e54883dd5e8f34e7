import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { extractText } from 'unpdf';
import { unbakeCredential } from '../../src/core/baking.ts';
import { buildTestApp, json, type TestContext } from '../helpers/app.ts';
import { type CredentialBody, createOrganisation, issueAs, problem } from '../helpers/credentials.ts';
import { type Session, signedInUser, uniqueEmail } from '../helpers/factories.ts';
import { multipartBody } from '../helpers/portfolio.ts';

let ctx: TestContext;
let issuer: Session;
let slug: string;
let holder: Session;
let stranger: Session;
/** Data Integrity, issued to the holder. */
let held: CredentialBody;
/** vc+jwt, issued to the holder. */
let heldJwt: CredentialBody;

const DOWNLOADS = ['badge.png', 'badge.svg', 'certificate.pdf', 'credential.json', 'share'];

function download(session: Session, id: string, file: string) {
  return session.request({ method: 'GET', url: `/api/v1/me/credentials/${id}/${file}` });
}

function verifyFile(content: Buffer, fileName = 'badge') {
  const body = multipartBody(fileName, content);
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/verify/file',
    payload: body.payload,
    headers: body.headers,
  });
}

function verifyUrl(url: string) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/verify/url', payload: { url } });
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string): { detail: string } {
  assert.equal(response.statusCode, status, response.body);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  assert.equal(problem(response).code, code);
  return problem(response);
}

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', VERIFY_RATE_LIMIT_MAX: '100000' } });
  ({ owner: issuer, slug } = await createOrganisation(ctx, { prefix: 'files' }));
  holder = await signedInUser(ctx, { email: uniqueEmail('files-holder'), name: 'Lea Learner' });
  stranger = await signedInUser(ctx, { email: uniqueEmail('files-stranger') });
  held = await issueAs(issuer, slug, { recipient: { email: holder.email, name: 'Lea Learner' } });
  heldJwt = await issueAs(issuer, slug, {
    recipient: { email: holder.email, name: 'Lea Learner' },
    format: 'vc+jwt',
  });
});
after(async () => {
  await ctx.close();
});

describe('holder downloads under /api/v1/me/credentials/:id', () => {
  test('badge PNG and SVG carry the signed credential, as attachments with sensible names', async () => {
    const png = await download(holder, held.id, 'badge.png');
    assert.equal(png.statusCode, 200, png.body);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.match(
      String(png.headers['content-disposition']),
      /^attachment; filename="data-analysis-with-sql-badge\.png"/,
    );
    assert.deepEqual(unbakeCredential(png.rawPayload), {
      format: 'png',
      credential: held.verifiableCredential,
    });

    const svg = await download(holder, heldJwt.id, 'badge.svg');
    assert.equal(svg.statusCode, 200, svg.body);
    assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
    // VC-JWT goes into the verify attribute as the compact JWS (OB 3.0 §SVG baking).
    assert.deepEqual(unbakeCredential(svg.rawPayload), {
      format: 'svg',
      credential: heldJwt.verifiableCredential,
    });
    assert.match(svg.body, /<openbadges:credential verify="[\w-]+\.[\w-]+\.[\w-]+">/);
  });

  test('the certificate is a PDF with the verification URL, and the name only once the holder makes it public', async () => {
    const hidden = await download(holder, held.id, 'certificate.pdf');
    assert.equal(hidden.statusCode, 200, hidden.body);
    assert.equal(hidden.headers['content-type'], 'application/pdf');
    const hiddenText = (await extractText(new Uint8Array(hidden.rawPayload), { mergePages: true })).text;
    assert.ok(hiddenText.includes(held.url), hiddenText);
    assert.ok(!hiddenText.includes('Lea Learner'));

    const patched = await holder.request({
      method: 'PATCH',
      url: `/api/v1/me/credentials/${held.id}`,
      payload: { holderNamePublic: true },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const shown = await download(holder, held.id, 'certificate.pdf');
    const shownText = (await extractText(new Uint8Array(shown.rawPayload), { mergePages: true })).text;
    assert.ok(shownText.includes('Lea Learner'), shownText);
    assert.ok(shownText.includes('Use databases'), 'the skills are listed');
  });

  test('credential.json is the signed credential; share gives the public, LinkedIn and embed links', async () => {
    const file = await download(holder, held.id, 'credential.json');
    assert.equal(file.statusCode, 200, file.body);
    assert.deepEqual(JSON.parse(file.body), held.verifiableCredential);

    const share = await download(holder, held.id, 'share');
    assert.equal(share.statusCode, 200, share.body);
    const body = json<{ share: Record<string, string> }>(share).share;
    assert.equal(body.publicUrl, held.url);
    const linkedIn = new URL(body.linkedInAddToProfileUrl ?? '');
    assert.equal(linkedIn.searchParams.get('certUrl'), held.url);
    assert.equal(linkedIn.searchParams.get('name'), 'Data Analysis with SQL');
    assert.ok(body.embedHtml?.startsWith(`<a href="${held.url}"`));
  });

  test('anyone but the holder gets 404 (other users, the issuer, unknown ids); no session gets 401', async () => {
    for (const file of DOWNLOADS) {
      expectProblem(await download(stranger, held.id, file), 404, 'not_found');
      expectProblem(await download(issuer, held.id, file), 404, 'not_found');
      expectProblem(await download(holder, randomUUID(), file), 404, 'not_found');
      const anonymous = await ctx.app.inject({
        method: 'GET',
        url: `/api/v1/me/credentials/${held.id}/${file}`,
      });
      expectProblem(anonymous, 401, 'unauthenticated');
    }
  });
});

describe('POST /api/v1/verify/file and /verify/url', () => {
  test('a baked PNG or SVG verifies like the credential itself; a tampered one does not', async () => {
    const png = (await download(holder, held.id, 'badge.png')).rawPayload;
    const result = await verifyFile(png);
    assert.equal(result.statusCode, 200, result.body);
    assert.deepEqual(
      { ...json<Record<string, unknown>>(result), checkedAt: null, steps: null },
      {
        ...json<Record<string, unknown>>(
          await ctx.app.inject({
            method: 'POST',
            url: '/api/v1/verify',
            payload: { verifiableCredential: held.verifiableCredential },
          }),
        ),
        checkedAt: null,
        steps: null,
        source: 'png',
      },
    );
    assert.equal(json(result).verified, true);

    const svg = (await download(holder, heldJwt.id, 'badge.svg')).body;
    const jwtResult = json(await verifyFile(Buffer.from(svg)));
    assert.deepEqual([jwtResult.verified, jwtResult.source], [true, 'svg']);

    // One byte of the credential JSON inside the SVG changed: the proof no longer matches.
    const tampered = (await download(holder, held.id, 'badge.svg')).body.replace(
      'Data Analysis with SQL',
      'Data Analysis with SQM',
    );
    const tamperedResult = json(await verifyFile(Buffer.from(tampered)));
    assert.deepEqual([tamperedResult.verified, tamperedResult.verdict], [false, 'invalid']);
  });

  test('files that are not credential files, unbaked images and oversized uploads get clear problems', async () => {
    const unsupported = expectProblem(await verifyFile(Buffer.from('hello')), 415, 'unsupported_media_type');
    assert.match(unsupported.detail, /JSON.*PNG.*SVG/);
    const unbaked = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    assert.match(
      expectProblem(await verifyFile(Buffer.from(unbaked)), 422, 'validation_failed').detail,
      /no baked credential/,
    );
    expectProblem(await verifyFile(Buffer.alloc(10 * 1024 * 1024 + 1, 0x20)), 413, 'payload_too_large');
    const notMultipart = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/verify/file',
      payload: { a: 1 },
    });
    expectProblem(notMultipart, 415, 'unsupported_media_type');
  });

  test('our own credential URLs are checked locally; any other URL is refused, never fetched', async () => {
    const own = await verifyUrl(held.url);
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual([json(own).verified, json(own).source], [true, 'url']);
    expectProblem(
      await verifyUrl(`${new URL(held.url).origin}/credentials/${randomUUID()}`),
      404,
      'not_found',
    );
    const external = expectProblem(
      await verifyUrl('http://169.254.169.254/latest/meta-data'),
      422,
      'validation_failed',
    );
    assert.match(external.detail, /never fetched/);
  });

  test('a revoked credential still downloads, and its badge verifies as revoked', async () => {
    const revoked = await issueAs(issuer, slug, { recipient: { email: holder.email, name: 'Lea Learner' } });
    const revoke = await issuer.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/credentials/${revoked.id}/revoke`,
      payload: { reason: 'Issued in error' },
    });
    assert.equal(revoke.statusCode, 200, revoke.body);
    const png = await download(holder, revoked.id, 'badge.png');
    assert.equal(png.statusCode, 200, png.body);
    const result = json<{ verified: boolean; statuses: Array<{ purpose: string; state: string }> }>(
      await verifyFile(png.rawPayload),
    );
    assert.equal(result.verified, false);
    assert.ok(
      result.statuses.some((status) => status.purpose === 'revocation' && status.state !== 'active'),
      JSON.stringify(result.statuses),
    );
  });
});
