// PLACEHOLDER — replaced by the organisations helper.
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';
export const organisationsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
