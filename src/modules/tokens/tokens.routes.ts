import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { TOKEN_SCOPES } from '../../core/scopes.ts';
import type { AppDeps } from '../../deps.ts';
import { requireAuthenticated } from '../../http/auth.ts';
import { presentToken } from './tokens.presenter.ts';
import {
  ApiToken,
  CreatedToken,
  CreateTokenBody,
  ProblemRef,
  ScopeList,
  SlugParams,
  TokenParams,
} from './tokens.schemas.ts';

const errors = {
  400: ProblemRef,
  401: ProblemRef,
  403: ProblemRef,
  404: ProblemRef,
  409: ProblemRef,
  422: ProblemRef,
};
const sessionOnly = [{ session: [] }];

/**
 * API token management (owners and admins). API tokens themselves are refused here with
 * `insufficient_scope`: managing tokens is never a token scope.
 */
export const tokensRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { tokens } = deps.services;

  app.get(
    '/token-scopes',
    {
      schema: {
        tags: ['tokens'],
        summary: 'The scopes an API token can be given',
        security: [],
        response: { 200: ScopeList },
      },
    },
    async () => ({
      scopes: Object.entries(TOKEN_SCOPES).map(([name, description]) => ({ name, description })),
    }),
  );

  app.post(
    '/orgs/:slug/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the token is shown only in this response',
        security: sessionOnly,
        params: SlugParams,
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const body = request.body as { name: string; scopes: string[]; expiresAt?: string | null };
      const { token, record } = await tokens.createToken({
        actor,
        slug,
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
      });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ token, apiToken: presentToken(record, deps.clock.now()) });
    },
  );

  app.get(
    '/orgs/:slug/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "The organisation's API tokens, newest first",
        security: sessionOnly,
        params: SlugParams,
        response: { 200: Type.Object({ tokens: Type.Array(ApiToken) }), ...errors },
      },
    },
    async (request) => {
      const actor = requireAuthenticated(request);
      const { slug } = request.params as { slug: string };
      const list = await tokens.listTokens({ actor, slug });
      const now = deps.clock.now();
      return { tokens: list.map((token) => presentToken(token, now)) };
    },
  );

  app.delete(
    '/orgs/:slug/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token; it stops working at once',
        security: sessionOnly,
        params: TokenParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const actor = requireAuthenticated(request);
      const { slug, id } = request.params as { slug: string; id: string };
      await tokens.revokeToken({ actor, slug, tokenId: id });
      return reply.status(204).send();
    },
  );
};
