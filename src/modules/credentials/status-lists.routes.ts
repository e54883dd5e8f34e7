import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { ProblemRef, StatusListParams } from './credentials.schemas.ts';
import { STATUS_LIST_CACHE_CONTROL } from './status-lists.service.ts';

/** An If-None-Match header matches when it names the current ETag (weakly compared) or is `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * Published Bitstring status lists: public, stable URLs (`/status-lists/<id>`) that every credential's
 * status entries point to. The signed list is stored when it changes, so a GET reads one row; ETag and
 * If-None-Match let verifiers revalidate for the price of a 304.
 */
export const statusListsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { credentials } = deps.services;

  app.get(
    '/status-lists/:listId',
    {
      config: { sessionless: true },
      schema: {
        tags: ['status lists'],
        summary: 'A BitstringStatusListCredential (public)',
        description:
          'The signed status list an issued credential’s credentialStatus entries point to. Send ' +
          'If-None-Match with the ETag of a copy you hold to get 304 when it has not changed.',
        security: [],
        params: StatusListParams,
        response: {
          200: Type.Unknown({
            description: 'The BitstringStatusListCredential (VC 2.0, Data Integrity proof)',
          }),
          304: Type.Null(),
          404: ProblemRef,
        },
      },
    },
    async (request, reply) => {
      const { listId } = request.params as { listId: string };
      const list = await credentials.getStatusList({ listId });
      reply
        .header('etag', list.etag)
        .header('cache-control', STATUS_LIST_CACHE_CONTROL)
        .header('last-modified', list.updatedAt.toUTCString())
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin');
      if (matches(request.headers['if-none-match'], list.etag)) return reply.status(304).send();
      return reply
        .status(200)
        .type('application/vc; charset=utf-8')
        .serializer((body) => body as string)
        .send(list.body);
    },
  );
};
