import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { isAppError } from '../core/errors.ts';
import type { AppDeps } from '../deps.ts';
import { escapeHtml, linkNotValidBody, sendPage, tokenQuery } from './html.ts';

/**
 * The few server-rendered pages the foundation needs: the landing page and the targets of the links we
 * mail (confirm e-mail, reset password, invitation). They work without JavaScript; the full web
 * application replaces the landing page later.
 */
const formBody = (fields: string[]) =>
  ({
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: 300 }])),
  }) as const;

export const pagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(formbody);
  const { accounts } = deps.services;
  const pageConfig = { sessionless: true };

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    sendPage(
      reply,
      200,
      'Credstack',
      `<h1>Credstack is running</h1>
<p>Credstack issues, holds and verifies micro-credentials as Open Badges 3.0 / W3C Verifiable Credentials.</p>
<ul><li><a href="/api/docs">API reference</a> (OpenAPI 3.1 at <a href="/api/openapi.json">/api/openapi.json</a>)</li>
<li><a href="/readyz">Readiness</a> and <a href="/healthz">liveness</a> checks</li></ul>`,
    ),
  );

  app.get(
    '/verify-email',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendPage(
        reply,
        200,
        'Confirm your e-mail address',
        `<h1>Confirm your e-mail address</h1>
<form method="post" action="/verify-email"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm my e-mail address</button></form>`,
      );
    },
  );

  app.post(
    '/verify-email',
    { schema: { hide: true, body: formBody(['token']) }, config: pageConfig },
    async (request, reply) => {
      const token = (request.body as { token?: string } | undefined)?.token ?? '';
      try {
        await accounts.verifyEmail({ actor: request.actor, token });
        return sendPage(
          reply,
          200,
          'E-mail address confirmed',
          '<h1>Thank you</h1><p class="ok">Your e-mail address is confirmed.</p>',
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendPage(reply, error.status, 'Link not valid', linkNotValidBody(error.message));
      }
    },
  );

  app.get(
    '/reset-password',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendPage(reply, 200, 'Choose a new password', resetForm(token));
    },
  );

  app.post(
    '/reset-password',
    { schema: { hide: true, body: formBody(['token', 'password', 'confirm']) }, config: pageConfig },
    async (request, reply) => {
      const body = (request.body ?? {}) as { token?: string; password?: string; confirm?: string };
      const token = body.token ?? '';
      if ((body.password ?? '') !== (body.confirm ?? '')) {
        return sendPage(
          reply,
          422,
          'Choose a new password',
          resetForm(token, 'The two passwords do not match.'),
        );
      }
      try {
        await accounts.resetPassword({ actor: request.actor, token, password: body.password ?? '' });
        return sendPage(
          reply,
          200,
          'Password changed',
          '<h1>Password changed</h1><p class="ok">Sign in with your new password. Every other session has been signed out.</p>',
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        if (error.code === 'validation_failed')
          return sendPage(reply, 422, 'Choose a new password', resetForm(token, error.message));
        return sendPage(reply, error.status, 'Link not valid', linkNotValidBody(error.message));
      }
    },
  );

  app.get(
    '/invitations/accept',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendPage(
        reply,
        200,
        'Accept your invitation',
        `<h1>You are invited</h1>
<p>Sign in (or create an account) with the e-mail address the invitation was sent to, then accept it with this token:</p>
<p><code>${escapeHtml(token)}</code></p>
<p>API: <code>POST /api/v1/invitations/accept</code> with <code>{"token": "…"}</code> while signed in.</p>`,
      );
    },
  );
};

function resetForm(token: string, problem?: string): string {
  return `<h1>Choose a new password</h1>
${problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/reset-password"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="password">New password (at least 10 characters)</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="10">
<label for="confirm">Repeat the new password</label>
<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="10">
<button type="submit">Set new password</button></form>`;
}
