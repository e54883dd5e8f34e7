import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
import { requireUser } from '../../http/auth.ts';
import { presentSelf } from './accounts.presenter.ts';
import { IdParams, ProblemRef } from './accounts.schemas.ts';

const errors = { 400: ProblemRef, 401: ProblemRef, 404: ProblemRef, 409: ProblemRef, 422: ProblemRef };

/** Platform administration. Everyone else is told these routes do not exist (404). */
export const adminRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { accounts } = deps.services;

  app.get(
    '/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'List users (platform admins)',
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ users: Type.Array(Type.Ref('UserSelf')), total: Type.Integer() }),
          ...errors,
        },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const query = request.query as { q?: string; limit: number; offset: number };
      const result = await accounts.listUsers({
        actor,
        query: query.q,
        limit: query.limit,
        offset: query.offset,
      });
      return { users: result.users.map(presentSelf), total: result.total };
    },
  );

  app.patch(
    '/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Grant or remove platform administration; disable or enable an account',
        params: IdParams,
        body: Type.Object(
          { isPlatformAdmin: Type.Optional(Type.Boolean()), disabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Ref('UserSelf'), ...errors },
      },
    },
    async (request) => {
      const actor = requireUser(request);
      const { id } = request.params as { id: string };
      const body = request.body as { isPlatformAdmin?: boolean; disabled?: boolean };
      return presentSelf(await accounts.adminUpdateUser({ actor, userId: id, ...body }));
    },
  );
};
