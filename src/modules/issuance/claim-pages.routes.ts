import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { isAppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { formBody, linkInvalidPage, sendTranslatedPage, tokenQuery } from '../../http/link-pages.ts';

/**
 * The targets of the links this module mails: a claim link (what is waiting, and how to claim it) and the
 * confirmation of a further e-mail address. Pages of the web app with plain forms, so they work without
 * JavaScript. A link that does not work is a page saying so (200): these are pages for people, and the API
 * routes give the machine-readable errors.
 */
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
        return sendTranslatedPage(request, reply, {
          data: {
            page: 'claim',
            props: {
              title: claim.title,
              organisationName: claim.organisation.name,
              credentialUrl: claim.pageUrl,
              expiresAt: claim.expiresAt.toISOString(),
              walletClaimUrl: `/wallet/claim?token=${encodeURIComponent(token)}`,
            },
          },
          title: 'pages.claim.title',
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendTranslatedPage(request, reply, {
          data: linkInvalidPage('claim', error),
          title: 'pages.linkInvalid.title',
        });
      }
    },
  );

  app.get(
    '/confirm-email',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendTranslatedPage(request, reply, {
        data: { page: 'confirmEmail', props: { address: 'additional', token, confirmed: false } },
        title: 'pages.confirmEmail.title',
      });
    },
  );

  app.post(
    '/confirm-email',
    { schema: { hide: true, body: formBody(['token']) }, config: pageConfig },
    async (request, reply) => {
      const token = (request.body as { token?: string } | undefined)?.token ?? '';
      try {
        await issuance.verifyEmail({ actor: request.actor, token });
        return sendTranslatedPage(request, reply, {
          data: { page: 'confirmEmail', props: { address: 'additional', token: '', confirmed: true } },
          title: 'pages.confirmEmail.doneTitle',
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendTranslatedPage(request, reply, {
          data: linkInvalidPage('confirmEmail', error),
          title: 'pages.linkInvalid.title',
        });
      }
    },
  );
};
