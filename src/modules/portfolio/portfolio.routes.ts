import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/** The portfolio module's routes under /api/v1. */
export const portfolioRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
