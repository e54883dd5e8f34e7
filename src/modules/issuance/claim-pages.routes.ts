import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { isAppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { escapeHtml, linkNotValidBody, sendPage, tokenQuery } from '../../http/html.ts';

/**
 * The targets of the links this module mails: a claim link (what is waiting, and how to claim it) and the
 * confirmation of a further e-mail address. They work without JavaScript. A link that does not work is a
 * page saying so (200): these are pages for people, and the API routes give the machine-readable errors.
 */
const tokenForm = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 300 } },
} as const;

export const claimPagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(formbody);
  const { issuance } = deps.services;
  const pageConfig = { sessionless: true };

  app.get(
    '/claim',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      try {
        const claim = await issuance.describeClaim({ token });
        return sendPage(
          reply,
          200,
          'Claim your credential',
          `<h1>Claim your credential</h1>
<p class="ok">${escapeHtml(claim.organisation.name)} issued you <strong>${escapeHtml(claim.title)}</strong>.
<a href="${escapeHtml(claim.pageUrl)}">See the credential</a>.</p>
<p>To keep it in your Credstack account, sign in (or create an account with any e-mail address) and claim it
with this link's token: the Credstack app does it for you, or send <code>POST /api/v1/claims</code> with
<code>{"token": "…"}</code> while signed in. The link works once and until ${escapeHtml(claim.expiresAt.toISOString().slice(0, 10))}.</p>`,
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendPage(reply, 200, 'Link not valid', linkNotValidBody(error.message));
      }
    },
  );

  app.get(
    '/confirm-email',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendPage(
        reply,
        200,
        'Confirm your e-mail address',
        `<h1>Confirm your additional e-mail address</h1>
<form method="post" action="/confirm-email"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Confirm this address</button></form>`,
      );
    },
  );

  app.post(
    '/confirm-email',
    { schema: { hide: true, body: tokenForm }, config: pageConfig },
    async (request, reply) => {
      const token = (request.body as { token?: string } | undefined)?.token ?? '';
      try {
        await issuance.verifyEmail({ actor: request.actor, token });
        return sendPage(
          reply,
          200,
          'E-mail address confirmed',
          '<h1>Thank you</h1><p class="ok">The address is confirmed: credentials issued to it now count as yours.</p>',
        );
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendPage(reply, 200, 'Link not valid', linkNotValidBody(error.message));
      }
    },
  );
};
