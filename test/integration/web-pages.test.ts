import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemActor } from '../../src/core/actor.ts';
import { bakePng, bakeSvg } from '../../src/core/baking.ts';
import { safeReturnPath } from '../../src/http/web.ts';
import { defaultBadgeSvg, renderSvgToPng } from '../../src/modules/credential-files/badge-image.ts';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { ACHIEVEMENT, type CredentialBody, createOrganisation, issueAs } from '../helpers/credentials.ts';
import { type Session, signedInUser } from '../helpers/factories.ts';

/**
 * The web app's server side: pages rendered by React in the reader's language, the verify page's three
 * inputs (paste, file, URL) with revoked / suspended / expired said plainly, the language switch, and the
 * console and wallet shells.
 */

const system = systemActor('test');
let ctx: TestContext;
let owner: Session;
let slug: string;
let credential: CredentialBody;

function pageData(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="page-data">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'the page carries its data block');
  return JSON.parse(match[1]!) as Record<string, unknown>;
}

async function postVerify(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return ctx.app.inject({
    method: 'POST',
    url: '/verify',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });
}

async function uploadToVerify(content: Uint8Array | string, filename: string, type: string) {
  const boundary = '----credstack-test';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  const payload = Buffer.concat([
    Buffer.from(head),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return ctx.app.inject({
    method: 'POST',
    url: '/verify',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}

function documentOf(body: CredentialBody): Record<string, unknown> {
  assert.equal(typeof body.verifiableCredential, 'object');
  return body.verifiableCredential as Record<string, unknown>;
}

before(async () => {
  ctx = await buildTestApp({ env: { PUBLIC_URL: 'https://credstack.example' } });
  ({ owner, slug } = await createOrganisation(ctx));
  credential = await issueAs(owner, slug);
});
after(() => ctx?.close());

describe('server-rendered pages', () => {
  test('the credential page: React-rendered, Open Graph tags, verified live, data block escaped', async () => {
    const tricky = await issueAs(owner, slug, {
      achievement: { ...ACHIEVEMENT, name: 'Evil </script><script>alert(1)</script>' },
    });
    const response = await ctx.app.inject({ method: 'GET', url: `/credentials/${tricky.id}` });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /text\/html/);
    const html = response.body;
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<meta property="og:title" content="Evil &lt;\/script&gt;/);
    assert.match(
      html,
      new RegExp(`<meta property="og:url" content="https://credstack.example/credentials/${tricky.id}">`),
    );
    assert.doesNotMatch(html, /<script>alert\(1\)<\/script>/, 'the name never becomes markup');
    const data = pageData(html);
    assert.equal(data.page, 'credential');
    const props = data.props as { achievementName: string; verification: { verdict: string } };
    assert.equal(props.achievementName, 'Evil </script><script>alert(1)</script>');
    assert.equal(props.verification.verdict, 'valid');
    assert.match(html, /data-verdict="valid"/);
  });

  test('Spanish from Accept-Language or the lang cookie; the switch only goes back to this site', async () => {
    const byHeader = await ctx.app.inject({
      method: 'GET',
      url: '/verify',
      headers: { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' },
    });
    assert.match(byHeader.body, /<html lang="es">/);
    assert.match(byHeader.body, /Verificar una credencial/);
    const switched = await ctx.app.inject({
      method: 'POST',
      url: '/lang',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'lang=es&return=%2Fverify',
    });
    assert.equal(switched.statusCode, 303);
    assert.equal(switched.headers.location, '/verify');
    assert.match(String(switched.headers['set-cookie']), /lang=es/);
    const byCookie = await ctx.app.inject({ method: 'GET', url: '/verify', cookies: { lang: 'es' } });
    assert.match(byCookie.body, /<html lang="es">/);
    const unknownLanguage = await ctx.app.inject({ method: 'GET', url: '/verify', cookies: { lang: 'xx' } });
    assert.match(unknownLanguage.body, /<html lang="en">/);
    assert.equal(safeReturnPath('//evil.example/x'), '/');
    assert.equal(safeReturnPath('https://evil.example/'), '/');
    assert.equal(safeReturnPath('/\\evil.example'), '/');
    assert.equal(safeReturnPath('/wallet/credentials/1?x=1'), '/wallet/credentials/1?x=1');
  });

  test('a learner’s public profile and an issuer’s page; what is not public is a page saying not found', async () => {
    const learner = await signedInUser(ctx);
    const held = await issueAs(owner, slug, { recipient: { email: learner.email, name: 'Lea Learner' } });
    const handle = `lea-${process.pid}`;
    const saved = await learner.request({
      method: 'PUT',
      url: '/api/v1/me/profile',
      payload: {
        handle,
        displayName: 'Lea Learner',
        bio: 'Data analyst',
        public: true,
        credentialIds: [held.id],
        importedCredentialIds: [],
      },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    const profile = await ctx.app.inject({ method: 'GET', url: `/u/${handle}` });
    assert.equal(profile.statusCode, 200);
    assert.match(profile.body, /<h1>Lea Learner<\/h1>/);
    assert.match(profile.body, /Data Analysis with SQL/);
    assert.match(profile.body, new RegExp(`href="https://credstack.example/credentials/${held.id}"`));
    assert.match(profile.body, /<meta property="og:type" content="profile">/);

    const issuer = await ctx.app.inject({
      method: 'GET',
      url: `/issuers/${slug}`,
      headers: { 'accept-language': 'es' },
    });
    assert.equal(issuer.statusCode, 200);
    assert.match(issuer.body, /credenciales emitidas/);
    assert.match(issuer.body, new RegExp(`did:web:credstack.example:orgs:${slug}`));

    for (const url of ['/u/nobody-here', '/issuers/no-such-org']) {
      const asBrowser = await ctx.app.inject({
        method: 'GET',
        url,
        headers: { accept: 'text/html,application/xhtml+xml' },
      });
      assert.equal(asBrowser.statusCode, 404, url);
      assert.match(asBrowser.headers['content-type'] as string, /text\/html/);
      assert.match(asBrowser.body, /There is nothing at this address/);
      const asMachine = await ctx.app.inject({ method: 'GET', url });
      assert.equal(asMachine.statusCode, 404);
      assert.match(asMachine.headers['content-type'] as string, /problem\+json/);
    }
  });

  test('the console and the wallet answer every path under them with the app shell', async () => {
    for (const url of ['/console', '/console/orgs/x/credentials', '/wallet', '/wallet/credentials/abc']) {
      const response = await ctx.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 200, url);
      const data = pageData(response.body);
      assert.equal(data.page, 'app', url);
    }
    const missingAsset = await ctx.app.inject({ method: 'GET', url: '/assets/nope.js' });
    assert.equal(missingAsset.statusCode, 404);
    assert.doesNotMatch(missingAsset.headers['content-type'] as string, /text\/html/);
    const icon = await ctx.app.inject({ method: 'GET', url: '/favicon.ico' });
    assert.equal(icon.statusCode, 200);
  });
});

describe('the verify page', () => {
  test('pasted JSON of a credential of ours: valid; after revocation it says revoked, when and why', async () => {
    const fresh = await issueAs(owner, slug);
    const pasted = JSON.stringify(documentOf(fresh));
    const before = await postVerify({ credential: pasted });
    assert.equal(before.statusCode, 200);
    const result = (pageData(before.body).props as { result: { verdict: string; source: string } }).result;
    assert.equal(result.verdict, 'valid');
    assert.equal(result.source, 'text');
    assert.match(before.body, /data-verdict="valid"/);

    await ctx.deps.services.credentials.revokeCredential({
      actor: system,
      slug,
      id: fresh.id,
      reason: 'Issued to the wrong learner',
    });
    const after = await postVerify({ credential: pasted });
    assert.match(after.body, /data-verdict="invalid"/);
    assert.match(after.body, /data-standing="revoked"/);
    assert.match(after.body, /Revoked by the issuer/);
    assert.match(after.body, /Reason given by the issuer: Issued to the wrong learner/);
  });

  test('a baked PNG and a baked SVG upload verify; a tampered one does not', async () => {
    const png = bakePng(
      renderSvgToPng(defaultBadgeSvg({ achievementName: 'Badge', issuerName: 'Academy', seed: 'x' })),
      documentOf(credential),
    );
    const fromPng = await uploadToVerify(png, 'badge.png', 'image/png');
    assert.equal(fromPng.statusCode, 200, fromPng.body.slice(0, 500));
    const pngResult = (pageData(fromPng.body).props as { result: { verdict: string; source: string } })
      .result;
    assert.deepEqual([pngResult.verdict, pngResult.source], ['valid', 'png']);

    const svg = bakeSvg(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
      documentOf(credential),
    );
    const fromSvg = await uploadToVerify(svg, 'badge.svg', 'image/svg+xml');
    const svgResult = (pageData(fromSvg.body).props as { result: { verdict: string; source: string } })
      .result;
    assert.deepEqual([svgResult.verdict, svgResult.source], ['valid', 'svg']);

    const tampered = { ...documentOf(credential), name: 'A credential I did not earn' };
    const fromTampered = await uploadToVerify(
      JSON.stringify(tampered),
      'credential.json',
      'application/json',
    );
    const tamperedResult = (pageData(fromTampered.body).props as { result: { verdict: string } }).result;
    assert.equal(tamperedResult.verdict, 'invalid');
    assert.match(fromTampered.body, /data-step="proof" data-outcome="failed"/);

    const notACredential = await uploadToVerify(
      Buffer.from([0, 1, 2, 3, 4]),
      'x.bin',
      'application/octet-stream',
    );
    assert.ok(notACredential.statusCode >= 400 && notACredential.statusCode < 500);
    assert.match(notACredential.body, /could not be read as a credential/);
  });

  test('a URL of ours is checked locally; any other URL is refused without a request', async () => {
    const ours = await postVerify({ url: `https://credstack.example/credentials/${credential.id}` });
    assert.equal(ours.statusCode, 200);
    assert.equal((pageData(ours.body).props as { result: { source: string } }).result.source, 'url');
    const external = await postVerify({ url: 'https://elsewhere.example/credentials/1' });
    assert.equal(external.statusCode, 422);
    assert.match(external.body, /Other sites are not fetched from here/);
    const unknown = await postVerify({
      url: 'https://credstack.example/credentials/00000000-0000-4000-8000-000000000000',
    });
    assert.equal(unknown.statusCode, 422);
    assert.match(unknown.body, /no credential at that address/);
    const empty = await postVerify({ credential: '   ' });
    assert.equal(empty.statusCode, 422);
    assert.match(empty.body, /Paste a credential, choose a file or give a URL/);
  });

  test('a CLR 2.0 transcript: said to be one, each embedded credential listed with its own verdict', async () => {
    const learner = await signedInUser(ctx);
    const names = ['Spreadsheet modelling', 'Data visualisation'];
    const held: CredentialBody[] = [];
    for (const name of names) {
      held.push(
        await issueAs(owner, slug, {
          achievement: { ...ACHIEVEMENT, name },
          recipient: { email: learner.email, name: 'Tia Transcript' },
        }),
      );
    }
    const made = await learner.request({
      method: 'POST',
      url: '/api/v1/me/transcripts',
      payload: { credentialIds: held.map((credential) => credential.id), name: 'My data transcript' },
    });
    assert.equal(made.statusCode, 201, made.body);
    const pasted = made.body;

    type Result = {
      verdict: string;
      achievementName: string | null;
      transcriptName?: string | null;
      embedded?: Array<{ verdict: string; achievementName: string | null; issuerName: string | null }>;
    };
    const valid = await postVerify({ credential: pasted });
    assert.equal(valid.statusCode, 200);
    const result = (pageData(valid.body).props as { result: Result }).result;
    assert.equal(result.verdict, 'valid');
    assert.equal(result.transcriptName, 'My data transcript');
    assert.equal(result.achievementName, null, 'a transcript is not named after its first achievement');
    assert.deepEqual(
      result.embedded?.map((entry) => [entry.verdict, entry.achievementName]),
      names.map((name) => ['valid', name]),
    );
    assert.ok(result.embedded?.every((entry) => entry.issuerName));
    const html = valid.body;
    assert.match(html, /data-verdict="valid"/);
    assert.match(html, /Transcript \(CLR 2\.0\): My data transcript/);
    assert.match(html, /data-transcript-count="2"/);
    assert.match(html, /A transcript of 2 credentials, each checked on its own below/);
    assert.match(html, /<h2 id="embedded-heading">The 2 credentials in this transcript<\/h2>/);
    assert.match(html, /2 of 2 verified/);
    for (const name of names) assert.match(html, new RegExp(`<h3 id="embedded-heading-\\d">${name}</h3>`));
    assert.equal(html.match(/data-embedded-verdict="valid"/g)?.length, 2);
    assert.equal(html.match(/data-verdict=/g)?.length, 1, 'only the transcript carries data-verdict');

    // One embedded credential revoked: the transcript fails, and the page says which one and at what step.
    await ctx.deps.services.credentials.revokeCredential({
      actor: system,
      slug,
      id: held[1]!.id,
      reason: 'Issued in error',
    });
    const revoked = await postVerify({ credential: pasted });
    const after = (pageData(revoked.body).props as { result: Result }).result;
    assert.equal(after.verdict, 'invalid');
    assert.deepEqual(
      after.embedded?.map((entry) => entry.verdict),
      ['valid', 'invalid'],
    );
    assert.match(revoked.body, /data-verdict="invalid"/);
    assert.match(revoked.body, /1 of 2 verified/);
    assert.match(revoked.body, /data-embedded-verdict="invalid" data-embedded-standing="revoked"/);
    assert.match(revoked.body, /Steps that did not pass/);

    const spanish = await postVerify({ credential: pasted }, { cookie: 'lang=es' });
    assert.match(spanish.body, /Las 2 credenciales de este expediente/);
  });

  test('an expired credential is said to be expired, with its date', async () => {
    const soon = new Date(ctx.clock.now().getTime() + 24 * 3600 * 1000);
    const expiring = await issueAs(owner, slug, { validUntil: soon.toISOString() });
    ctx.clock.advance(2 * 24 * 3600 * 1000);
    try {
      const response = await postVerify({ credential: JSON.stringify(documentOf(expiring)) });
      assert.match(response.body, /data-standing="expired"/);
      assert.match(response.body, /Expired/);
      const page = await ctx.app.inject({ method: 'GET', url: `/credentials/${expiring.id}` });
      assert.match(page.body, /data-standing="expired"/);
    } finally {
      ctx.clock.advance(-2 * 24 * 3600 * 1000);
    }
  });
});
