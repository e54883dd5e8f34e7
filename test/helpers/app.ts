import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from 'fastify';
import pino from 'pino';
import { ManualClock } from '../../src/core/clock.ts';
import { type Config, loadConfig } from '../../src/core/config.ts';
import { type AppDeps, buildDeps } from '../../src/deps.ts';
import { type App, buildApp } from '../../src/http/app.ts';
import { createMemoryTransport } from '../../src/modules/mail/mail.transport.ts';
import { createTestDatabase } from './database.ts';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';
export const TEST_MASTER_KEY = '00'.repeat(32);

/** A valid configuration for tests; `env` entries override the defaults. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://credstack.test',
    DATA_DIR: '/nonexistent-credstack-test-data',
    CREDSTACK_SECRET: TEST_SECRET,
    CREDSTACK_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'silent',
    // scrypt at N=2^10 instead of 2^15: ~4 ms a hash instead of ~120, and hundreds of sign-ups and sign-ins
    // per test file. The production cost itself is tested in src/core/secrets.test.ts and config.test.ts.
    PASSWORD_HASH_COST: '10',
    ...env,
  });
}

/** A route as registered, collected through Fastify's `onRoute` hook (HEAD routes included). */
export interface CollectedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
  config: unknown;
}

export interface TestContext {
  app: App;
  /** Every route of the application, in registration order. */
  routes: CollectedRoute[];
  deps: AppDeps;
  clock: ManualClock;
  mail: ReturnType<typeof createMemoryTransport>;
  close(): Promise<void>;
}

/**
 * The real application on a fresh test database with a manual clock and an in-memory mail transport.
 * Use `app.inject`; nothing listens on a socket.
 */
export async function buildTestApp(
  options: { env?: Record<string, string>; now?: Date } = {},
): Promise<TestContext> {
  const config = testConfig(options.env);
  const database = await createTestDatabase();
  const clock = new ManualClock(options.now ?? new Date());
  const mail = createMemoryTransport();
  const logger = pino({ level: 'silent' });
  const deps = await buildDeps(config, logger, { database, clock, mailTransport: mail });
  const routes: CollectedRoute[] = [];
  let app: App;
  try {
    app = await withRouteCollector(routes, () => buildApp(deps));
    await app.ready();
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    app,
    routes,
    deps,
    clock,
    mail,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/**
 * Fastify announces every new instance on the `fastify.initialization` diagnostics channel, synchronously in
 * its constructor, before any route exists. `buildApp` creates its instance before its first `await`, so
 * subscribing only around that synchronous start catches this app's instance and no other.
 */
function withRouteCollector<T>(routes: CollectedRoute[], build: () => Promise<T>): Promise<T> {
  const channel = 'fastify.initialization';
  const onInit = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        routes.push({ method: String(method), url: route.url, schema: route.schema, config: route.config });
      }
    });
  };
  subscribe(channel, onInit);
  try {
    return build();
  } finally {
    unsubscribe(channel, onInit);
  }
}

export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}
