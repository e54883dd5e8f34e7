import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../../deps.ts';

/** The issuance module's routes under /api/v1. */
export const issuanceRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async () => {};
