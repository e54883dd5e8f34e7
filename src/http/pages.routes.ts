import formbody from '@fastify/formbody';
import type { FastifyPluginAsync } from 'fastify';
import { isAppError } from '../core/errors.ts';
import type { AppDeps } from '../deps.ts';
import { PASSWORD_MIN_LENGTH } from '../modules/accounts/accounts.service.ts';
import type { ResetPasswordPageProps } from '../web/pages/page-data.ts';
import { formBody, linkInvalidPage, sendTranslatedPage, tokenQuery } from './link-pages.ts';
import { sendWebPage } from './web.ts';

/**
 * The landing page and the targets of the links the accounts module mails (confirm e-mail, reset
 * password, invitation): pages of the web app with plain forms, so they work without JavaScript.
 */

export const pagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  await app.register(formbody);
  const { accounts } = deps.services;
  const pageConfig = { sessionless: true };

  app.get('/', { schema: { hide: true } }, async (request, reply) =>
    sendWebPage(request, reply, {
      data: { page: 'home', props: {} },
      meta: {
        title: 'Credstack',
        description: 'Open, verifiable micro-credentials',
        url: deps.config.publicUrl.href,
      },
    }),
  );

  app.get(
    '/verify-email',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendTranslatedPage(request, reply, {
        data: { page: 'confirmEmail', props: { address: 'account', token, confirmed: false } },
        title: 'pages.verifyEmail.title',
      });
    },
  );

  app.post(
    '/verify-email',
    { schema: { hide: true, body: formBody(['token']) }, config: pageConfig },
    async (request, reply) => {
      const token = (request.body as { token?: string } | undefined)?.token ?? '';
      try {
        await accounts.verifyEmail({ actor: request.actor, token });
        return sendTranslatedPage(request, reply, {
          data: { page: 'confirmEmail', props: { address: 'account', token: '', confirmed: true } },
          title: 'pages.verifyEmail.doneTitle',
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        return sendTranslatedPage(request, reply, {
          status: error.status,
          data: linkInvalidPage('verifyEmail', error),
          title: 'pages.linkInvalid.title',
        });
      }
    },
  );

  const resetPage = (token: string, change: Partial<ResetPasswordPageProps> = {}) =>
    ({
      page: 'resetPassword',
      props: {
        token,
        minLength: PASSWORD_MIN_LENGTH,
        problem: null,
        problemDetail: null,
        done: false,
        ...change,
      },
    }) as const;

  app.get(
    '/reset-password',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendTranslatedPage(request, reply, { data: resetPage(token), title: 'pages.reset.title' });
    },
  );

  app.post(
    '/reset-password',
    { schema: { hide: true, body: formBody(['token', 'password', 'confirm']) }, config: pageConfig },
    async (request, reply) => {
      const body = (request.body ?? {}) as { token?: string; password?: string; confirm?: string };
      const token = body.token ?? '';
      if ((body.password ?? '') !== (body.confirm ?? '')) {
        return sendTranslatedPage(request, reply, {
          status: 422,
          data: resetPage(token, { problem: 'mismatch' }),
          title: 'pages.reset.title',
        });
      }
      try {
        await accounts.resetPassword({ actor: request.actor, token, password: body.password ?? '' });
        return sendTranslatedPage(request, reply, {
          data: resetPage('', { done: true }),
          title: 'pages.reset.doneTitle',
        });
      } catch (error) {
        if (!isAppError(error)) throw error;
        if (error.code === 'validation_failed') {
          return sendTranslatedPage(request, reply, {
            status: 422,
            data: resetPage(token, { problem: 'rejected', problemDetail: error.message }),
            title: 'pages.reset.title',
          });
        }
        return sendTranslatedPage(request, reply, {
          status: error.status,
          data: linkInvalidPage('resetPassword', error),
          title: 'pages.linkInvalid.title',
        });
      }
    },
  );

  app.get(
    '/invitations/accept',
    { schema: { hide: true, querystring: tokenQuery }, config: pageConfig },
    async (request, reply) => {
      const token = (request.query as { token?: string }).token ?? '';
      return sendTranslatedPage(request, reply, {
        data: { page: 'invitation', props: { token } },
        title: 'pages.invitation.title',
      });
    },
  );
};
