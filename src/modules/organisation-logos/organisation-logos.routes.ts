import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { readSingleFilePart } from '../../http/multipart.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import { MAX_LOGO_BYTES } from './logo-image.ts';
import { presentLogo } from './organisation-logos.presenter.ts';
import {
  LogoImage,
  LogoQuery,
  LogoResponse,
  MaybeLogoResponse,
  SlugParams,
} from './organisation-logos.schemas.ts';

const tags = ['organisations'];
const errors = problemResponses(400, 401, 403, 404, 422);
const uploadErrors = problemResponses(400, 401, 403, 404, 413, 415, 422);

/**
 * An organisation's logo under /api/v1: read it (`org:read`), upload or replace it and remove it (owners
 * and admins; never an API token). Multipart parsing is registered here only, for the upload route.
 */
export const organisationLogosRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { organisationLogos } = deps.services;
  await app.register(multipart, {
    limits: { fileSize: MAX_LOGO_BYTES, files: 1, fields: 0, parts: 1 },
    throwFileSizeLimit: true,
  });

  app.get(
    '/orgs/:slug/logo',
    {
      schema: {
        tags,
        summary: "The organisation's logo, or null (scope org:read)",
        security: SESSION_OR_TOKEN,
        params: SlugParams,
        response: { 200: MaybeLogoResponse, ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const logo = await organisationLogos.getLogo({ actor, slug });
      return { logo: logo ? presentLogo(logo) : null };
    },
  );

  app.put(
    '/orgs/:slug/logo',
    {
      schema: {
        tags,
        summary: 'Upload or replace the logo (multipart/form-data, part "file"; owners and admins)',
        description:
          `PNG, JPEG or SVG of at most ${MAX_LOGO_BYTES / 1024} KB (413 beyond), recognised by its content ` +
          '(415 otherwise). An SVG with scripts, event handlers, a DOCTYPE, embedded HTML or links to ' +
          'anything but #fragments and data:image is refused (422).',
        security: SESSION_ONLY,
        consumes: ['multipart/form-data'],
        params: SlugParams,
        response: { 200: LogoResponse, ...uploadErrors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const part = await readSingleFilePart(request, {
        maxBytes: MAX_LOGO_BYTES,
        noun: 'logo',
        sizeDetail: `Logos may be at most ${MAX_LOGO_BYTES / 1024} KB`,
      });
      const logo = await organisationLogos.setLogo({ actor, slug, bytes: part.content });
      return { logo: presentLogo(logo) };
    },
  );

  app.delete(
    '/orgs/:slug/logo',
    {
      schema: {
        tags,
        summary: 'Remove the logo (owners and admins); 404 when there is none',
        security: SESSION_ONLY,
        params: SlugParams,
        response: { 204: { type: 'null', description: 'Removed' }, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      await organisationLogos.removeLogo({ actor, slug });
      return reply.status(204).send();
    },
  );
};

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * The public image at `/orgs/:slug/logo` (next to the did:web document): no authentication, cacheable,
 * revalidated with the ETag. A versioned URL (`?v=` matching the content) may be cached for a year.
 * SVG goes out with a CSP that forbids scripts and fetches, in case someone opens it directly.
 */
export const organisationLogoPublicRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { organisationLogos } = deps.services;
  app.get(
    '/orgs/:slug/logo',
    {
      config: { sessionless: true },
      schema: {
        tags,
        summary: "An organisation's logo image (public)",
        security: [],
        params: SlugParams,
        querystring: LogoQuery,
        response: {
          200: LogoImage,
          304: { description: 'Not modified: the If-None-Match ETag is current', type: 'null' },
          ...problemResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string };
      const { v } = request.query as { v?: string };
      const logo = await organisationLogos.getPublicLogo({ slug });
      const etag = `"${logo.sha256.slice(0, 32)}"`;
      const versioned = v !== undefined && v.length >= 8 && logo.sha256.startsWith(v);
      reply
        .header('etag', etag)
        .header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        );
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
      return reply.type(logo.content_type).send(Buffer.from(logo.content));
    },
  );
};
