import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { isLocale, pickLocale } from '../web/i18n/index.tsx';
import type { PageData } from '../web/pages/page-data.ts';
import { CLIENT_DIR_NAME, packageRoot } from '../web/server/paths.ts';
import { type PageMeta, renderDocument } from '../web/server/render.tsx';

export const LANGUAGE_COOKIE = 'lang';

/**
 * Sends a page of the web app, rendered by React on the server in the reader's language (the `lang`
 * cookie, else Accept-Language). Never cached and never sent on as a referrer: pages verify live, and
 * some show one person's things.
 */
export function sendWebPage(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { status?: number; data: PageData; meta: PageMeta },
) {
  const locale = pickLocale(request.cookies[LANGUAGE_COOKIE], request.headers['accept-language']);
  const path = request.url.split('?')[0] ?? '/';
  const returnTo = safeReturnPath(request.url.slice(0, 2000));
  const html = renderDocument({ ...options.data, locale, timeZone: 'UTC', path, returnTo }, options.meta);
  return reply
    .status(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('vary', 'Accept, Accept-Language, Cookie')
    .send(html);
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b57d0"/><path d="M18 33l9 9 19-20" stroke="#fff" stroke-width="7" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/**
 * The web app's plumbing: the browser bundle under /assets/ (hashed names, cached for a year, served
 * pre-compressed), the icon, the language switch, and the console and wallet apps at every path under
 * /console and /wallet (the browser app routes from there; reloads and shared links work).
 */
export const webRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app) => {
  await app.register(formbody);
  const assetsDir = join(packageRoot(), CLIENT_DIR_NAME, 'assets');
  if (!existsSync(assetsDir)) mkdirSync(assetsDir, { recursive: true });
  await app.register(fastifyStatic, {
    root: assetsDir,
    prefix: '/assets/',
    preCompressed: true,
    wildcard: true,
    index: false,
    immutable: true,
    maxAge: '365d',
    decorateReply: false,
  });

  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, { schema: { hide: true }, config: { sessionless: true } }, async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
    );
  }

  app.post(
    '/lang',
    {
      config: { sessionless: true },
      schema: {
        tags: ['pages'],
        summary: 'Choose the language of the web pages (form post; sets the `lang` cookie and goes back)',
        security: [],
        body: {
          type: 'object',
          required: ['lang'],
          additionalProperties: false,
          properties: {
            lang: { type: 'string', maxLength: 10 },
            return: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { lang: string; return?: string };
      if (isLocale(body.lang)) {
        reply.setCookie(LANGUAGE_COOKIE, body.lang, {
          path: '/',
          sameSite: 'lax',
          maxAge: 365 * 24 * 3600,
          httpOnly: false,
        });
      }
      return reply.redirect(safeReturnPath(body.return), 303);
    },
  );

  for (const area of ['console', 'wallet'] as const) {
    const handler = async (request: FastifyRequest, reply: FastifyReply) =>
      sendWebPage(request, reply, {
        data: { page: 'app', props: { area } },
        meta: { title: area === 'console' ? 'Issuer console' : 'Wallet' },
      });
    app.get(`/${area}`, { schema: { hide: true } }, handler);
    app.get(`/${area}/*`, { schema: { hide: true } }, handler);
  }
};

/** Only a path on this site (never `//host` or a scheme): anything else goes home. */
export function safeReturnPath(value: string | undefined): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return '/';
  }
  return value;
}
