import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import type { TimeBucket } from '../credentials/credentials.statistics.ts';
import { presentAnalytics, presentIssuer } from './analytics.presenter.ts';
import { AnalyticsQuery, AnalyticsResponse, IssuerResponse, SlugParams } from './analytics.schemas.ts';

const tags = ['analytics'];

/** Organisation analytics (members who may issue) and the public issuer page, under /api/v1. */
export const analyticsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { analytics } = deps.services;

  app.get(
    '/orgs/:slug/analytics',
    {
      schema: {
        tags,
        summary: 'Issued and revoked over time, verifications, pass rates per definition, top skills',
        description:
          'Owners, admins and issuers (the `credentials:issue` permission); 404 for everyone else. Buckets ' +
          'are UTC days, ISO weeks or months from `from` (default 30 days ago) to `to` (default the end of the current bucket), at ' +
          'most 400. Every bucket is present, zeros included.',
        security: SESSION_OR_TOKEN,
        params: SlugParams,
        querystring: AnalyticsQuery,
        response: { 200: AnalyticsResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const query = request.query as { from?: string; to?: string; bucket?: TimeBucket };
      return { analytics: presentAnalytics(await analytics.getOrgAnalytics({ actor, slug, ...query })) };
    },
  );

  app.get(
    '/issuers/:slug',
    {
      config: { sessionless: true },
      schema: {
        tags,
        summary: 'An issuer’s public data: name, URL, DIDs, published definitions, credential counts',
        description: 'An organisation that has neither issued nor published anything is not public (404).',
        security: [],
        params: SlugParams,
        response: { 200: IssuerResponse, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const { slug } = request.params as { slug: string };
      return { issuer: presentIssuer(await analytics.getIssuerPage({ slug })) };
    },
  );
};
