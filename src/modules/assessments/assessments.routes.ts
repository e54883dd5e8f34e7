import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/** The assessments module's routes under /api/v1. */
export const assessmentsRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
