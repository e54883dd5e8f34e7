import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/** The skills module's routes under /api/v1. */
export const skillsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
