import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../core/errors.ts';
import type { AppDeps } from '../deps.ts';

export const healthRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async () => {
      try {
        await deps.database.ping();
      } catch (error) {
        throw new AppError('unavailable', 'Database unreachable', {
          detail: 'The database does not answer; see the server log',
          cause: error,
        });
      }
      return { status: 'ready' as const, database: deps.database.kind };
    },
  );
};
