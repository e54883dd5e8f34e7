import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppError } from '../core/errors.ts';
import { createI18n, type MessageKey, pickLocale } from '../web/i18n/index.tsx';
import type { LinkInvalidPageProps, PageData } from '../web/pages/page-data.ts';
import type { PageMeta } from '../web/server/render.tsx';
import { LANGUAGE_COOKIE, sendWebPage } from './web.ts';

/**
 * What the landing pages of mailed links share: the token in the query string, and the page saying a
 * link does not work (used, expired, unknown), in the reader's language with the server's detail.
 */
export const tokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 200 } },
} as const;

/** A form posting a token (and, for the reset page, the passwords) back; extra fields are ignored. */
export function formBody(fields: string[]) {
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string', maxLength: 300 }])),
  } as const;
}

export function linkInvalidPage(link: LinkInvalidPageProps['link'], error: AppError): PageData {
  const reason: LinkInvalidPageProps['reason'] =
    error.code === 'token_invalid' ? 'token_invalid' : error.code === 'conflict' ? 'conflict' : 'other';
  return { page: 'linkInvalid', props: { link, reason, detail: reason === 'other' ? error.message : '' } };
}

/**
 * Sends a page of the web app with its `<title>` in the reader's language too (the same choice
 * `sendWebPage` makes for the body).
 */
export function sendTranslatedPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { status?: number; data: PageData; title: MessageKey; meta?: Omit<PageMeta, 'title'> },
) {
  const locale = pickLocale(request.cookies[LANGUAGE_COOKIE], request.headers['accept-language']);
  const title = createI18n(locale).t(options.title);
  return sendWebPage(request, reply, {
    ...(options.status === undefined ? {} : { status: options.status }),
    data: options.data,
    meta: { ...options.meta, title },
  });
}
