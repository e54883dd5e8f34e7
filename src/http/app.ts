import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { AppError, isAppError } from '../core/errors.ts';
import type { AppDeps } from '../deps.ts';
import { accountsRoutes } from '../modules/accounts/accounts.routes.ts';
import { UserSelfSchema } from '../modules/accounts/accounts.schemas.ts';
import { adminRoutes } from '../modules/accounts/admin.routes.ts';
import { analyticsRoutes } from '../modules/analytics/analytics.routes.ts';
import { issuerPagesRoutes } from '../modules/analytics/issuer-pages.routes.ts';
import { assessmentsRoutes } from '../modules/assessments/assessments.routes.ts';
import { auditRoutes } from '../modules/audit/audit.routes.ts';
import { catalogueRoutes } from '../modules/catalogue/catalogue.routes.ts';
import { cataloguePagesRoutes } from '../modules/catalogue/catalogue-pages.routes.ts';
import { credentialFilesRoutes } from '../modules/credential-files/credential-files.routes.ts';
import { credentialsRoutes } from '../modules/credentials/credentials.routes.ts';
import { holderCredentialsRoutes } from '../modules/credentials/holder-credentials.routes.ts';
import { statusListsRoutes } from '../modules/credentials/status-lists.routes.ts';
import { vcApiRoutes } from '../modules/credentials/vc-api.routes.ts';
import { claimPagesRoutes } from '../modules/issuance/claim-pages.routes.ts';
import { issuanceRoutes } from '../modules/issuance/issuance.routes.ts';
import { didDocumentRoutes, keysRoutes } from '../modules/keys/keys.routes.ts';
import {
  organisationLogoPublicRoutes,
  organisationLogosRoutes,
} from '../modules/organisation-logos/organisation-logos.routes.ts';
import { organisationsRoutes } from '../modules/organisations/organisations.routes.ts';
import { pathwayGroupsRoutes } from '../modules/pathway-groups/pathway-groups.routes.ts';
import { pathwaysRoutes } from '../modules/pathways/pathways.routes.ts';
import { portfolioRoutes } from '../modules/portfolio/portfolio.routes.ts';
import { skillExtractionRoutes } from '../modules/skill-extraction/skill-extraction.routes.ts';
import { skillProfileRoutes } from '../modules/skill-profile/skill-profile.routes.ts';
import { skillProfilePagesRoutes } from '../modules/skill-profile/skill-profile-pages.routes.ts';
import { skillsRoutes } from '../modules/skills/skills.routes.ts';
import { tokensRoutes } from '../modules/tokens/tokens.routes.ts';
import { transcriptsRoutes } from '../modules/transcripts/transcripts.routes.ts';
import { verificationRoutes } from '../modules/verification/verification.routes.ts';
import { verificationPagesRoutes } from '../modules/verification/verification-pages.routes.ts';
import { walletRoutes } from '../modules/wallet/wallet.routes.ts';
import { walletPagesRoutes } from '../modules/wallet/wallet-pages.routes.ts';
import { authPlugin } from './auth.ts';
import { healthRoutes } from './health.routes.ts';
import { pagesRoutes } from './pages.routes.ts';
import { appErrorFromFastify, fieldsFromValidation, ProblemSchema, sendProblem } from './problem.ts';
import { findUnstorableText, validatorCompiler } from './validation.ts';
import { webRoutes } from './web.ts';

export type App = FastifyInstance;

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Builds the whole HTTP application without listening, so tests drive it with `app.inject` and
 * `server.ts` adds only the socket. Routes follow one pipeline: validate → authorize → one service call
 * → present.
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    https: config.tls ? { key: config.tls.key, cert: config.tls.cert } : null,
    // Honour a caller's request id when it is sane, so logs line up across a proxy; otherwise mint one.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors raised while routing (a bad percent-escape, an over-long path parameter) never reach the error
    // handler; without this Fastify answers them with its own JSON instead of problem+json.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      sendProblem(
        request,
        reply,
        appErrorFromFastify(error) ?? new AppError('invalid_request', 'The request URL is malformed'),
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(ProblemSchema);
  app.addSchema(UserSelfSchema);
  // Only JSON bodies are accepted; anything else is a 415 rather than a guess.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // Refuse text the database cannot store before any handler passes it to a query.
  app.addHook('preValidation', async (request) => {
    for (const part of ['params', 'querystring', 'body'] as const) {
      const pointer = findUnstorableText(part === 'querystring' ? request.query : request[part]);
      if (pointer === undefined) continue;
      const message = 'must not contain NUL characters or unpaired UTF-16 surrogates';
      throw new AppError(
        part === 'body' ? 'validation_failed' : 'invalid_request',
        `The request ${part} is invalid`,
        {
          detail: `The request ${part} is invalid: ${pointer || `(${part})`} ${message}`,
          fields: [{ in: part, pointer, message }],
        },
      );
    }
  });

  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (isAppError(error)) return sendProblem(request, reply, error);
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      const part = fastifyError.validationContext ?? 'body';
      const fields = fieldsFromValidation(part, fastifyError.validation as never);
      const appError =
        part === 'body'
          ? new AppError('validation_failed', 'The request body is invalid', {
              detail: `The request body is invalid: ${fields.map((f) => `${f.pointer || '(body)'} ${f.message}`).join('; ')}`,
              fields,
            })
          : new AppError('invalid_request', `The request ${part} is invalid`, {
              detail: `The request ${part} is invalid: ${fields.map((f) => `${f.pointer || `(${part})`} ${f.message}`).join('; ')}`,
              fields,
            });
      return sendProblem(request, reply, appError);
    }
    const mapped = appErrorFromFastify(fastifyError);
    if (mapped) return sendProblem(request, reply, mapped);
    if (fastifyError.statusCode === 429) {
      return sendProblem(request, reply, new AppError('rate_limited', 'Too many requests, retry later'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      new AppError('internal_error', 'Internal server error', {
        detail: `Something went wrong on our side. Quote request id ${request.id} when reporting it.`,
      }),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

  await app.register(helmet, {
    // The API reference page needs inline styles and scripts from its own bundle.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        // Over plain http (a LAN address without TLS) the browser would rewrite our own script and style
        // URLs to https, which nothing answers: only ask for the upgrade where TLS is there.
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      exposedHeaders: ['x-request-id', 'retry-after'],
    });
  }
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', 'Too many requests, retry later', {
        retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Credstack API',
        version: '1',
        description:
          'Issue, hold and verify micro-credentials (Open Badges 3.0 / W3C Verifiable Credentials 2.0). ' +
          'Errors are RFC 9457 problem details with a stable `code`.',
      },
      servers: [{ url: config.publicUrl.href.replace(/\/$/, '') }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'cs_session',
            description: 'Browser session; writes also need X-CSRF-Token',
          },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'API token (cst_…), scoped to one organisation',
          },
        },
      },
    },
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? documentProblemResponses(documentObject.openapiObject as OpenApiDocument)
        : documentObject.swaggerObject,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}`,
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { deepLinking: true },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authPlugin, { deps });
  await app.register(healthRoutes, { deps });
  await app.register(pagesRoutes, { deps });
  await app.register(webRoutes, { deps });
  await app.register(verificationPagesRoutes, { deps });
  await app.register(walletPagesRoutes, { deps });
  await app.register(issuerPagesRoutes, { deps });
  await app.register(organisationLogoPublicRoutes, { deps });
  await app.register(statusListsRoutes, { deps });
  await app.register(vcApiRoutes, { deps });
  await app.register(didDocumentRoutes, { deps });
  await app.register(verificationRoutes, { deps });
  await app.register(claimPagesRoutes, { deps });
  await app.register(cataloguePagesRoutes, { deps });
  await app.register(skillProfilePagesRoutes, { deps });
  await app.register(
    async (api) => {
      await api.register(accountsRoutes, { deps });
      await api.register(adminRoutes, { deps });
      await api.register(organisationsRoutes, { deps });
      await api.register(tokensRoutes, { deps });
      await api.register(credentialsRoutes, { deps });
      await api.register(holderCredentialsRoutes, { deps });
      await api.register(keysRoutes, { deps });
      await api.register(auditRoutes, { deps });
      await api.register(skillsRoutes, { deps });
      await api.register(catalogueRoutes, { deps });
      await api.register(assessmentsRoutes, { deps });
      await api.register(portfolioRoutes, { deps });
      await api.register(issuanceRoutes, { deps });
      await api.register(skillExtractionRoutes, { deps });
      await api.register(skillProfileRoutes, { deps });
      await api.register(walletRoutes, { deps });
      await api.register(analyticsRoutes, { deps });
      await api.register(pathwaysRoutes, { deps });
      await api.register(pathwayGroupsRoutes, { deps });
      await api.register(credentialFilesRoutes, { deps });
      await api.register(organisationLogosRoutes, { deps });
      await api.register(transcriptsRoutes, { deps });
    },
    { prefix: '/api/v1' },
  );

  // Mail queued during a request goes out right after the response, not on the request's clock.
  app.addHook('onResponse', async () => {
    void deps.services.mail
      .flushIfQueued()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'mail flush failed'));
  });

  return app as unknown as App;
}

type OpenApiOperation = { responses?: Record<string, unknown> };
type OpenApiDocument = { paths?: Record<string, Record<string, unknown>> };

/**
 * Every API operation can fail with a problem document; say so once here rather than in every route, with
 * the media type the error handler really sends.
 */
function documentProblemResponses<T extends OpenApiDocument>(doc: T): T {
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/api/v1/') && !path.includes('/vc-api/')) continue;
    for (const operation of Object.values(operations) as OpenApiOperation[]) {
      if (typeof operation !== 'object' || operation === null) continue;
      operation.responses ??= {};
      operation.responses.default ??= {
        description: 'Error: an RFC 9457 problem document with a stable `code`',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
  }
  return doc;
}
