import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { sendWebPage } from '../../http/web.ts';
import type { IssuerPageProps } from '../../web/pages/page-data.ts';
import type { IssuerPage } from './analytics.service.ts';

/** An issuer's public page (`/issuers/:slug`): server-rendered, with Open Graph tags; 404 when not public. */
export const issuerPagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { analytics } = deps.services;
  app.get(
    '/issuers/:slug',
    {
      config: { sessionless: true },
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['slug'],
          properties: { slug: { type: 'string', maxLength: 64 } },
        },
      },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string };
      const issuer = await analytics.getIssuerPage({ slug });
      return sendWebPage(request, reply, {
        data: { page: 'issuer', props: presentIssuerPage(issuer) },
        meta: {
          title: issuer.organisation.name,
          description:
            issuer.organisation.description ??
            `Credentials issued by ${issuer.organisation.name}, verifiable by anyone`,
          url: new URL(`/issuers/${encodeURIComponent(issuer.organisation.slug)}`, deps.config.publicUrl)
            .href,
        },
      });
    },
  );
};

export function presentIssuerPage(issuer: IssuerPage): IssuerPageProps {
  return {
    slug: issuer.organisation.slug,
    name: issuer.organisation.name,
    url: issuer.organisation.url,
    logoUrl: issuer.logo,
    dids: [issuer.dids.web, ...(issuer.dids.key ? [issuer.dids.key] : [])],
    issuedCount: issuer.counts.issued,
    activeCount: issuer.counts.active,
    definitions: issuer.definitions.map((definition) => ({
      id: definition.id,
      name: definition.title,
      url: definition.url,
      level: definition.level ? `${definition.level.framework ?? ''} ${definition.level.value}`.trim() : null,
      hours: definition.hours,
    })),
  };
}
