import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../core/errors.ts';
import type { AppDeps } from '../../deps.ts';
import { negotiate } from '../../http/negotiate.ts';
import { sendWebPage } from '../../http/web.ts';
import { presentCredentialPage } from './credential-page.presenter.ts';
import {
  presentCredentialReport,
  presentPresentationReport,
  verificationStatus,
} from './verification.presenter.ts';
import {
  CredentialVerificationResult,
  PresentationVerificationResult,
  ProblemRef,
  VerifyCredentialBody,
  VerifyPresentationBody,
} from './verification.schemas.ts';

/**
 * Public verification (anyone may check any credential): the W3C VC-API endpoints and a JSON API twin that
 * always answers 200 with the step log (for pages that render the result). Rate-limited per client.
 */
export const verificationRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { verification } = deps.services;
  const routeConfig = {
    sessionless: true,
    rateLimit: { max: deps.config.verifyRateLimit.max, timeWindow: deps.config.verifyRateLimit.windowMs },
  };
  const errors = { 413: ProblemRef, 415: ProblemRef, 429: ProblemRef };

  app.post(
    '/vc-api/credentials/verify',
    {
      config: routeConfig,
      schema: {
        tags: ['verification'],
        summary: 'Verify a credential (VC-API): 200 when valid, 400 when not a credential, 422 when it fails',
        description:
          'Checks, in order: format, proof, issuer, status, validity, schema. A status list that cannot be ' +
          'fetched makes the verdict `unknown` (422), never valid.',
        security: [],
        body: VerifyCredentialBody,
        // 400/422 carry either a verification result (the credential failed) or a problem (the request did).
        response: {
          200: CredentialVerificationResult,
          400: Type.Union([CredentialVerificationResult, ProblemRef]),
          422: Type.Union([CredentialVerificationResult, ProblemRef]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { verifiableCredential: unknown };
      const report = await verification.verifyCredential({ credential: body.verifiableCredential });
      return reply.status(verificationStatus(report)).send(presentCredentialReport(report));
    },
  );

  app.post(
    '/vc-api/presentations/verify',
    {
      config: routeConfig,
      schema: {
        tags: ['verification'],
        summary: 'Verify a presentation and every credential in it (VC-API)',
        security: [],
        body: VerifyPresentationBody,
        response: {
          200: PresentationVerificationResult,
          400: Type.Union([PresentationVerificationResult, ProblemRef]),
          422: Type.Union([PresentationVerificationResult, ProblemRef]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as {
        verifiablePresentation: unknown;
        options?: { challenge?: string; domain?: string };
      };
      const report = await verification.verifyPresentation({
        presentation: body.verifiablePresentation,
        ...(body.options?.challenge !== undefined ? { challenge: body.options.challenge } : {}),
        ...(body.options?.domain !== undefined ? { domain: body.options.domain } : {}),
      });
      return reply.status(verificationStatus(report)).send(presentPresentationReport(report));
    },
  );

  app.post(
    '/api/v1/verify',
    {
      config: routeConfig,
      schema: {
        tags: ['verification'],
        summary:
          'Verify a credential and get the step log; always 200 when the request itself is well-formed',
        security: [],
        body: VerifyCredentialBody,
        response: { 200: CredentialVerificationResult, 400: ProblemRef, 422: ProblemRef, ...errors },
      },
    },
    async (request) => {
      const body = request.body as { verifiableCredential: unknown };
      const report = await verification.verifyCredential({ credential: body.verifiableCredential });
      return presentCredentialReport(report);
    },
  );

  /**
   * The credential's `id` URL: a page for people and the credential for machines. `?format=json|jwt`
   * overrides the Accept header so a browser link can download either. Unknown ids (and anything that is
   * not an id) answer 404.
   */
  app.get(
    '/credentials/:id',
    {
      // The page runs a full verification on every view, so it shares the verify endpoints' limit.
      config: routeConfig,
      schema: {
        tags: ['verification'],
        summary: 'A credential’s public page (HTML), or the credential itself by content negotiation',
        description:
          'Accept `text/html` (default) for the page with a live verification log; `application/vc`, ' +
          '`application/vc+ld+json`, `application/ld+json` or `application/json` for the credential ' +
          '(a vc+jwt credential comes as an `EnvelopedVerifiableCredential`); `application/vc+jwt` for ' +
          'the compact JWT of a vc+jwt credential.',
        security: [],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', maxLength: 100 } },
        },
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['html', 'json', 'jwt'] } },
        },
        response: { 404: ProblemRef, 406: ProblemRef, 429: ProblemRef },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const format = (request.query as { format?: 'html' | 'json' | 'jwt' }).format;
      const wanted = format ? FORMAT_TYPES[format] : negotiate(request.headers.accept, CREDENTIAL_PAGE_TYPES);
      reply.header('vary', 'Accept');
      if (wanted === null) {
        throw new AppError('not_acceptable', 'This credential is available as HTML, JSON-LD or vc+jwt', {
          detail: `Accept one of: ${CREDENTIAL_PAGE_TYPES.join(', ')}`,
        });
      }

      if (wanted !== 'text/html') {
        const found = await verification.getPublishedCredential({ id });
        if (!found) throw credentialNotFound();
        reply.header('cache-control', 'no-cache');
        if (wanted === 'application/vc+jwt') {
          if (typeof found.credential !== 'string') {
            throw new AppError('not_acceptable', 'This credential is not a vc+jwt credential', {
              detail:
                'It is secured with a Data Integrity proof; ask for application/vc or application/ld+json.',
            });
          }
          return reply.type('application/vc+jwt').send(found.credential);
        }
        const document =
          typeof found.credential === 'string'
            ? {
                '@context': ['https://www.w3.org/ns/credentials/v2'],
                id: `data:application/vc+jwt,${found.credential}`,
                type: 'EnvelopedVerifiableCredential',
              }
            : found.credential;
        const type = wanted === 'application/json' ? 'application/json' : wanted;
        return reply.type(`${type}; charset=utf-8`).send(JSON.stringify(document));
      }

      const checked = await verification.checkPublishedCredential({ id });
      if (!checked) throw credentialNotFound();
      const view = presentCredentialPage(checked);
      return sendWebPage(request, reply, {
        data: { page: 'credential', props: view.props },
        meta: view.meta,
      });
    },
  );
};

const CREDENTIAL_PAGE_TYPES = [
  'text/html',
  'application/vc',
  'application/vc+ld+json',
  'application/ld+json',
  'application/json',
  'application/vc+jwt',
] as const;
type CredentialPageType = (typeof CREDENTIAL_PAGE_TYPES)[number];

const FORMAT_TYPES: Record<'html' | 'json' | 'jwt', CredentialPageType> = {
  html: 'text/html',
  json: 'application/json',
  jwt: 'application/vc+jwt',
};

function credentialNotFound(): AppError {
  return new AppError('not_found', 'No such credential');
}
