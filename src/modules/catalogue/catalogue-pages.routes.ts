import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { negotiate } from '../../http/negotiate.ts';
import { sendWebPage } from '../../http/web.ts';
import { ProblemRef } from './catalogue.schemas.ts';
import { presentDefinitionPage } from './definition-page.presenter.ts';

const PAGE_TYPES = ['text/html', 'application/ld+json', 'application/json'] as const;
const FORMAT_TYPES = { html: 'text/html', json: 'application/json' } as const;

/**
 * The public page of a definition version at its URI (`/definitions/<id>`), which is also the OB 3.0
 * Achievement id inside the credentials earned for it: HTML for people, the Achievement (JSON-LD) for
 * machines. Published and retired versions only; drafts and unknown ids are 404.
 */
export const cataloguePagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { catalogue } = deps.services;

  app.get(
    '/definitions/:id',
    {
      config: { sessionless: true },
      schema: {
        tags: ['catalogue'],
        summary:
          'A definition version’s public page (HTML), or its OB 3.0 Achievement by content negotiation',
        description:
          'Accept `text/html` (default) for the page; `application/ld+json` or `application/json` for the ' +
          'Achievement. `?format=json` overrides the Accept header.',
        security: [],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 100 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['html', 'json'] } },
        },
        response: { 404: ProblemRef, 406: ProblemRef },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const format = (request.query as { format?: 'html' | 'json' }).format;
      const wanted = format ? FORMAT_TYPES[format] : negotiate(request.headers.accept, PAGE_TYPES);
      reply.header('vary', 'Accept');
      if (wanted === null) {
        throw new AppError('not_acceptable', 'This definition is available as HTML or JSON-LD', {
          detail: `Accept one of: ${PAGE_TYPES.join(', ')}`,
        });
      }
      if (wanted !== 'text/html') {
        const achievement = await catalogue.exportPublicDefinition({ id, format: 'ob3' });
        if (!achievement) throw AppError.notFound('Definition');
        return reply.type(`${wanted}; charset=utf-8`).send(JSON.stringify(achievement));
      }
      const details = await catalogue.getPublicDefinition({ id });
      if (!details) throw AppError.notFound('Definition');
      const { props, meta } = presentDefinitionPage(details, catalogue.definitionUrl);
      return sendWebPage(request, reply, { data: { page: 'definition', props }, meta });
    },
  );
};
