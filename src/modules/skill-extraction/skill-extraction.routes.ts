import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

export const skillExtractionRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (
  _app,
  { deps: _deps },
) => {};
