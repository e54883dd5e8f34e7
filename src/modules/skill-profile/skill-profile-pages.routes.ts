import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/**
 * The learner's skills and path pages moved into the wallet (`/wallet/skills`, `/wallet/path`); the old
 * addresses (in bookmarks and mails) redirect there with their query, which keeps the same parameters.
 */
export const skillProfilePagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app) => {
  for (const [from, to] of [
    ['/me/skills', '/wallet/skills'],
    ['/me/path', '/wallet/path'],
  ] as const) {
    app.get(from, { schema: { hide: true } }, async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      return reply.redirect(`${to}${query}`, 301);
    });
  }
};
