import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestContext } from '../helpers/app.ts';
import { createOrganisation } from '../helpers/credentials.ts';
import { insertDefinition, sampleDefinitionContent } from '../helpers/definitions.ts';
import { createUser, lastMailTo, type Session } from '../helpers/factories.ts';
import { insertExternalDefinition } from '../helpers/issuance.ts';

/**
 * The landing pages of mailed links and the definition page, as pages of the web app: the reader's
 * language (titles included), the token carried in the form, the status codes, no caching and no referrer,
 * and the definition page's Open Graph head. The English texts are checked by the modules' own tests.
 */

let ctx: TestContext;
let owner: Session;
let slug: string;
let organisationId: string;
const spanish = { 'accept-language': 'es-ES,es;q=0.9' };

before(async () => {
  ctx = await buildTestApp({ env: { AUTH_RATE_LIMIT_MAX: '100000', ISSUE_RATE_LIMIT_MAX: '100000' } });
  ({ owner, slug, id: organisationId } = await createOrganisation(ctx, { prefix: 'links' }));
});
after(async () => {
  await ctx.close();
});

function get(url: string, headers: Record<string, string> = spanish) {
  return ctx.app.inject({ method: 'GET', url, headers });
}

function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = spanish) {
  return ctx.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

/** A page of the web app in Spanish, sent with the headers that keep a token in its URL private. */
function assertSpanishPage(response: LightMyRequestResponse, status: number, title: string) {
  assert.equal(response.statusCode, status, response.body.slice(0, 500));
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.match(response.body, /<html lang="es">/);
  assert.ok(response.body.includes(`<title>${title} · Credstack</title>`), `title ${title}`);
  assert.ok(response.body.includes('id="page-data"'), 'hydrates like every page of the web app');
}

describe('mailed-link pages', () => {
  test('confirm e-mail (account and additional address) and invitation: Spanish forms carrying the token', async () => {
    const form = await get('/verify-email?token=abc-123');
    assertSpanishPage(form, 200, 'Confirme su dirección de correo electrónico');
    assert.match(
      form.body,
      /<form action="\/verify-email" method="post"><input type="hidden" name="token" value="abc-123"\/>/,
    );
    assert.match(form.body, /<button type="submit">Confirmar mi dirección de correo<\/button>/);
    const used = await postForm('/verify-email', { token: 'abc-123' });
    assertSpanishPage(used, 400, 'Este enlace no funciona');
    assert.match(used.body, /<h1>Este enlace no funciona<\/h1>/);
    assert.match(
      used.body,
      /ya se ha usado o ha caducado\.<!-- --> <!-- -->Inicie sesión y pida un nuevo correo/,
    );

    const additional = await get('/confirm-email?token=def-456');
    assertSpanishPage(additional, 200, 'Confirme su dirección de correo adicional');
    assert.match(
      additional.body,
      /action="\/confirm-email" method="post"><input type="hidden" name="token" value="def-456"\/>/,
    );
    const unknown = await postForm('/confirm-email', { token: 'def-456' });
    assertSpanishPage(unknown, 200, 'Este enlace no funciona');
    assert.match(unknown.body, /Añada de nuevo la dirección/);

    const invitation = await get(`/invitations/accept?token=${encodeURIComponent('inv<tok>')}`);
    assertSpanishPage(invitation, 200, 'Le han invitado');
    assert.match(invitation.body, /<label for="invitation-token">Código de la invitación<\/label>/);
    assert.match(
      invitation.body,
      /<input id="invitation-token" type="text" readOnly="" spellCheck="false" value="inv&lt;tok&gt;"/,
    );
    assert.match(
      invitation.body,
      /envíe <code>POST <!-- -->\/api\/v1\/invitations\/accept<\/code> con <code>/,
    );
  });

  test('reset password: mismatch and rejected passwords keep the token; the reset then works once', async () => {
    const user = await createUser(ctx);
    const forgot = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password/forgot',
      payload: { email: user.email },
    });
    assert.equal(forgot.statusCode, 202, forgot.body);
    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, user.email)?.token;
    assert.ok(token);

    const form = await get(`/reset-password?token=${token}`);
    assertSpanishPage(form, 200, 'Elija una contraseña nueva');
    assert.match(form.body, /<label for="password">Contraseña nueva \(al menos 10 caracteres\)<\/label>/);
    assert.match(form.body, /minLength="10"/);

    const mismatch = await postForm('/reset-password', {
      token,
      password: 'one new password',
      confirm: 'other',
    });
    assertSpanishPage(mismatch, 422, 'Elija una contraseña nueva');
    assert.match(mismatch.body, /role="alert" id="reset-problem">Las dos contraseñas no coinciden\.<\/p>/);
    assert.match(mismatch.body, /aria-describedby="reset-problem"/);
    assert.ok(mismatch.body.includes(`name="token" value="${token}"`), 'the token stays in the form');

    const short = await postForm('/reset-password', { token, password: 'short', confirm: 'short' });
    assertSpanishPage(short, 422, 'Elija una contraseña nueva');
    assert.match(short.body, /No se puede usar esa contraseña: The password must be at least 10 characters/);

    const done = await postForm('/reset-password', {
      token,
      password: 'one new password',
      confirm: 'one new password',
    });
    assertSpanishPage(done, 200, 'Contraseña cambiada');
    assert.ok(!done.body.includes(token), 'the used token is not echoed');
    const again = await postForm('/reset-password', {
      token,
      password: 'one new password',
      confirm: 'one new password',
    });
    assertSpanishPage(again, 400, 'Este enlace no funciona');
    assert.match(again.body, /Pida un nuevo correo para restablecer la contraseña/);
  });

  test('claim: what is waiting, in Spanish with the expiry date; an unknown link says so (200)', async () => {
    const definition = await insertExternalDefinition(ctx, organisationId, { title: 'Grúa <torre>' });
    const recipient = `claim.${process.pid}@example.org`;
    const recorded = await owner.request({
      method: 'POST',
      url: `/api/v1/orgs/${slug}/definitions/${definition.id}/results`,
      payload: { email: recipient, name: 'Robin', passed: true, grade: 'Pass' },
    });
    assert.equal(recorded.statusCode, 201, recorded.body);
    await ctx.deps.services.mail.flush();
    const token = lastMailTo(ctx, recipient)?.token;
    assert.ok(token);
    const credentialId = (recorded.json() as { credential: { id: string } }).credential.id;
    const expiresAt = (
      await ctx.deps.database.db
        .selectFrom('credential_claims')
        .select('expires_at')
        .where('credential_id', '=', credentialId)
        .executeTakeFirstOrThrow()
    ).expires_at;

    const page = await get(`/claim?token=${encodeURIComponent(token)}`);
    assertSpanishPage(page, 200, 'Reclame su credencial');
    assert.match(page.body, /le ha emitido <strong>Grúa &lt;torre&gt;<\/strong>\./);
    assert.ok(
      page.body.includes(`<a href="http://credstack.test/credentials/${credentialId}">Ver la credencial</a>`),
    );
    const day = new Intl.DateTimeFormat('es', { dateStyle: 'long', timeZone: 'UTC' }).format(expiresAt);
    assert.ok(page.body.includes(`hasta el ${day}`), day);

    const bogus = await get('/claim?token=not-a-token');
    assertSpanishPage(bogus, 200, 'Este enlace no funciona');
    assert.match(bogus.body, /Pida al emisor que le envíe uno nuevo/);
  });
});

describe('the definition page', () => {
  test('facts in the reader’s language, Open Graph with the version’s URI, the retired notice', async () => {
    const newer = await insertDefinition(ctx, { organisationId, version: 2 });
    const older = await insertDefinition(ctx, {
      organisationId,
      version: 1,
      status: 'retired',
      seriesId: newer.seriesId,
      content: sampleDefinitionContent({ level: { framework: 'difficulty', value: 'advanced' } }),
    });
    await ctx.deps.database.db
      .updateTable('credential_definitions')
      .set({ superseded_by_id: newer.id })
      .where('id', '=', older.id)
      .execute();
    const url = ctx.deps.services.catalogue.definitionUrl(older.id);

    const page = await get(`/definitions/${older.id}`);
    assertSpanishPage(page, 200, 'Retrieval-augmented generation in practice');
    for (const fact of [
      '<dt>Carga de trabajo</dt><dd>25 horas</dd>',
      '<dt>Validez</dt><dd>36 meses</dd>',
      '<dt>Evaluación</dt><dd>Prueba</dd>',
      '<dt>Modalidad</dt><dd>En línea</dd>',
      '<dt>Nivel</dt><dd>Avanzado</dd>',
      `<dt>Coste</dt><dd>${new Intl.NumberFormat('es', { style: 'currency', currency: 'EUR' }).format(0)}</dd>`,
    ]) {
      assert.ok(page.body.includes(fact), fact);
    }
    assert.match(page.body, /Esta versión está retirada; la sustituye una versión más reciente\./);
    assert.ok(page.body.includes(`<a href="${ctx.deps.services.catalogue.definitionUrl(newer.id)}">`));
    assert.match(page.body, /<h2>Por qué esta puntuación de calidad<\/h2>/);
    assert.ok(page.body.includes(`<meta property="og:url" content="${url}">`));
    assert.ok(
      page.body.includes('<meta property="og:title" content="Retrieval-augmented generation in practice">'),
    );
    assert.ok(page.body.includes('<meta property="og:description" content="Design, build and evaluate'));
    assert.ok(
      page.body.includes(`<link rel="alternate" type="application/ld+json" href="${url}?format=json">`),
    );
    assert.ok(page.body.includes('<a href="?format=json">'));

    const english = await get(`/definitions/${newer.id}`, {});
    assert.match(english.body, /<html lang="en">/);
    assert.match(english.body, /<dt>Level<\/dt><dd>EQF 6<\/dd>/);
    assert.doesNotMatch(english.body, /This version is retired/);
    assert.match(String(english.headers.vary), /Accept\b/);
  });
});
