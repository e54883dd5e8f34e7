import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

export const skillProfilePagesRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (
  _app,
  { deps: _deps },
) => {};
