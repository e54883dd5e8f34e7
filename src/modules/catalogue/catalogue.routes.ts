import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/** The catalogue module's routes under /api/v1. */
export const catalogueRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
