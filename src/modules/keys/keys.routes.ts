import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { problemResponses, SESSION_ONLY, SESSION_OR_TOKEN } from '../../http/route-docs.ts';
import { presentIssuerKey } from './keys.presenter.ts';
import {
  DidDocument,
  DidDocumentParams,
  IssuerKey,
  ProblemRef,
  RotatedKeys,
  SlugParams,
} from './keys.schemas.ts';

const errors = problemResponses(400, 401, 403, 404, 409, 422);
const security = SESSION_OR_TOKEN;
const sessionOnly = SESSION_ONLY;

/**
 * The media types a DID document is served as. DID Core 1.0 (§6.3) names `application/did+ld+json` for
 * the JSON-LD representation, which ours is (it has `@context`), so that is the default; clients that ask
 * for `application/did+json` or plain `application/json` get the same bytes under the type they asked for.
 */
export const DID_MEDIA_TYPES = [
  'application/did+ld+json',
  'application/did+json',
  'application/json',
] as const;
type DidMediaType = (typeof DID_MEDIA_TYPES)[number];

/** DID documents change only on rotation; verifiers may cache them briefly and revalidate with the ETag. */
export const DID_DOCUMENT_CACHE_CONTROL = 'public, max-age=300';

/** Picks the media type from Accept: the listed DID type with the highest q, else the default. */
export function negotiateDidMediaType(accept: string | undefined): DidMediaType {
  let best: { type: DidMediaType; q: number } | undefined;
  for (const part of (accept ?? '').split(',')) {
    const [range = '', ...params] = part.split(';').map((piece) => piece.trim());
    const type = DID_MEDIA_TYPES.find((candidate) => candidate === range.toLowerCase());
    if (!type) continue;
    const qParam = params.find((param) => /^q=/i.test(param));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    const better =
      !best ||
      q > best.q ||
      (q === best.q && DID_MEDIA_TYPES.indexOf(type) < DID_MEDIA_TYPES.indexOf(best.type));
    if (better) best = { type, q };
  }
  return best?.type ?? DID_MEDIA_TYPES[0];
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

/**
 * The public did:web documents: `GET /orgs/<slug>/did.json` is where did:web resolution of
 * `did:web:<host>:orgs:<slug>` looks. No authentication (sessions and tokens are ignored), cacheable,
 * readable cross-origin.
 */
export const didDocumentRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { keys } = deps.services;
  const content = Object.fromEntries(DID_MEDIA_TYPES.map((type) => [type, { schema: DidDocument }]));

  app.get(
    '/orgs/:slug/did.json',
    {
      schema: {
        tags: ['identity'],
        summary:
          "An organisation's did:web DID document: every key it signs or signed with, as Multikey verification methods",
        security: [],
        params: DidDocumentParams,
        response: {
          200: { description: 'The DID document', content },
          304: { description: 'Not modified: the If-None-Match ETag is current', type: 'null' },
          404: ProblemRef,
        },
      },
      config: { sessionless: true },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string };
      const document = await keys.didDocumentForSlug(slug);
      const type = negotiateDidMediaType(request.headers.accept);
      const body = JSON.stringify(document);
      const etag = `"${createHash('sha256').update(`${type}\n${body}`).digest('base64url').slice(0, 27)}"`;
      reply
        .header('cache-control', DID_DOCUMENT_CACHE_CONTROL)
        .header('etag', etag)
        .header('vary', 'Accept')
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin');
      if (matchesEtag(request.headers['if-none-match'], etag)) return reply.status(304).send();
      // A Buffer, so the media type goes out as registered (JSON types define no charset parameter).
      return reply.type(type).send(Buffer.from(body, 'utf8'));
    },
  );
};

/**
 * An organisation's signing keys. Listing needs `org:read` (members and tokens); rotating needs
 * `keys:manage` (owners and admins, never an API token).
 */
export const keysRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { keys } = deps.services;

  app.get(
    '/orgs/:slug/keys',
    {
      schema: {
        tags: ['identity'],
        summary: "The organisation's signing keys, current and retired, oldest first (scope org:read)",
        security,
        params: SlugParams,
        response: { 200: Type.Object({ keys: Type.Array(IssuerKey) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const list = await keys.listKeys({ actor, slug });
      return { keys: list.map(presentIssuerKey) };
    },
  );

  app.post(
    '/orgs/:slug/keys/rotate',
    {
      schema: {
        tags: ['identity'],
        summary:
          'Rotate the signing key: a new key signs from now on; the old one is retired but stays in the DID document (owners and admins)',
        security: sessionOnly,
        params: SlugParams,
        response: { 201: RotatedKeys, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const { active, retired } = await keys.rotateKey({ actor, slug });
      return reply.status(201).send({ key: presentIssuerKey(active), retiredKey: presentIssuerKey(retired) });
    },
  );
};
