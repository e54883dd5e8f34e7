import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { systemActor } from './core/actor.ts';
import type { Config } from './core/config.ts';
import { isAppError } from './core/errors.ts';
import { type Logger, loggerOptions } from './core/logger.ts';
import { acquireDataDirLock, type DataDirLock } from './db/lock.ts';
import { type AppDeps, buildDeps, type DepsOverrides } from './deps.ts';
import { type App, buildApp } from './http/app.ts';
import {
  createDemoService,
  DEMO_LOGINS_FILE,
  type DemoSeedResult,
  formatDemoLogins,
  writeDemoLogins,
} from './modules/demo/demo.service.ts';

/** How often queued mail is retried in the background (mail queued by a request goes out right away). */
export const MAIL_FLUSH_INTERVAL_MS = 30_000;
/** How often queued credential events (left by a stop or a failed listener) are delivered. */
export const EVENT_SWEEP_INTERVAL_MS = 30_000;
/** How long a graceful shutdown may take before the process gives up and exits with 1. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface StartServerOptions {
  /** Seed the demo organisation and users when the database has no users (and DEMO_SEED allows it). */
  seedIfEmpty?: boolean;
  /** Install SIGINT/SIGTERM handlers that shut down gracefully and exit (default true). */
  handleSignals?: boolean;
  logger?: Logger;
  /** Where the start-up banner and demo logins go (default: stdout). */
  print?: (line: string) => void;
  overrides?: DepsOverrides;
  /** Build the browser bundle first when it is missing or stale (default true). */
  buildWebApp?: boolean;
}

export interface RunningServer {
  app: App;
  deps: AppDeps;
  /** The address the socket is bound to, with the real port (useful with PORT=0). */
  listeningUrl: string;
  /** The address to open in a browser. */
  url: string;
  /** The demo logins when this start seeded the database, else null. */
  demo: DemoSeedResult | null;
  /** Graceful shutdown without exiting the process: what the signal handler does before it exits. */
  close(): Promise<void>;
  /** Settles when the server has shut down. */
  closed: Promise<void>;
}

/**
 * Starts Credstack: takes the data-directory lock (embedded database only), migrates, optionally seeds the
 * demo data, listens, flushes mail on a timer and shuts down gracefully on SIGINT/SIGTERM (stop accepting,
 * finish in-flight requests, flush mail, close the database, release the lock).
 */
/**
 * Builds the browser bundle when it is missing or older than its sources, so a fresh clone's `npm start`
 * serves the whole web app. A failed build is logged, not fatal: every public page still works without
 * JavaScript.
 */
async function buildWebAppIfNeeded(logger: Logger): Promise<void> {
  try {
    const { ensureWebBuild } = await import('./web/server/build.ts');
    await ensureWebBuild({ log: (message) => logger.info(message) });
  } catch (error) {
    logger.warn({ err: error }, 'could not build the web app; pages are served without their script');
  }
}

export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createServerLogger(config);
  const print = options.print ?? ((line: string) => console.log(line));
  const protocol = config.tls ? 'https' : 'http';

  // PGlite serves one process at a time: take the lock before anything opens the data directory.
  const lock: DataDirLock | null = config.databaseUrl
    ? null
    : acquireDataDirLock(config.dataDir, {
        purpose: 'server',
        ...(config.port !== 0 ? { url: browseUrl(protocol, config.host, config.port) } : {}),
      });

  let deps: AppDeps | undefined;
  let app: App | undefined;
  let demo: DemoSeedResult | null = null;
  try {
    deps = await buildDeps(config, logger, options.overrides);
    const migrated = await deps.database.migrate();
    const applied = (migrated.results ?? [])
      .filter((r) => r.status === 'Success')
      .map((r) => r.migrationName);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    if (options.seedIfEmpty) demo = await seedIfEmpty(deps, logger);
    if (options.buildWebApp !== false) await buildWebAppIfNeeded(logger);

    app = await buildApp(deps);
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app?.close().catch(() => {});
    await deps?.database.close().catch(() => {});
    lock?.release();
    throw error;
  }

  const { services, database, mailTransport } = deps;
  const flushMail = () =>
    services.mail.flush().catch((error: unknown) => logger.warn({ err: error }, 'mail flush failed'));
  // Mail left queued by an earlier run, by the CLI or by failed attempts goes out now and then periodically.
  void flushMail();
  const timer = setInterval(() => void flushMail(), MAIL_FLUSH_INTERVAL_MS);
  timer.unref();
  // Credential events a stopped process or a failed listener left in the outbox (pathway completions and
  // flags) are delivered now and then periodically; several instances share the work (leased rows).
  const deliverEvents = () =>
    services.credentials
      .deliverPendingEvents()
      .catch((error: unknown) => logger.warn({ err: error }, 'delivering queued credential events failed'));
  void deliverEvents();
  const eventsTimer = setInterval(() => void deliverEvents(), EVENT_SWEEP_INTERVAL_MS);
  eventsTimer.unref();

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let shuttingDown: Promise<void> | undefined;
  const runningApp = app;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      clearInterval(timer);
      clearInterval(eventsTimer);
      try {
        // Stops accepting connections and waits for in-flight requests to finish.
        await runningApp.close();
        await flushMail();
        await mailTransport.close?.();
      } finally {
        await database.close();
        lock?.release();
        logger.info('server stopped');
        resolveClosed();
      }
    })();
    return shuttingDown;
  };

  let signals: ReturnType<typeof closeWithGrace> | undefined;
  if (options.handleSignals !== false) {
    signals = closeWithGrace(
      { delay: SHUTDOWN_GRACE_MS, logger: { error: (message: unknown) => logger.error(message) } },
      async ({ signal, err }) => {
        if (err) logger.fatal({ err }, 'unexpected error: shutting down');
        else logger.info({ signal }, 'shutting down');
        await shutdown();
      },
    );
  }

  const port = (runningApp.server.address() as AddressInfo).port;
  const listeningUrl = `${protocol}://${urlHost(config.host)}:${port}`;
  const url = browseUrl(protocol, config.host, port);
  if (config.port === 0) lock?.setUrl(url);
  printBanner({ config, deps, listeningUrl, url, demo, print, logger });

  return {
    app: runningApp,
    deps,
    listeningUrl,
    url,
    demo,
    closed,
    close: async () => {
      signals?.uninstall();
      await shutdown();
    },
  };
}

/** Seeds the demo data when no user exists yet. A concurrent instance that seeded first is not an error. */
async function seedIfEmpty(deps: AppDeps, logger: Logger): Promise<DemoSeedResult | null> {
  if (!deps.config.demoSeed) {
    logger.info('DEMO_SEED is false: not seeding demo data');
    return null;
  }
  const { services } = deps;
  const demoService = createDemoService({
    db: deps.database.db,
    accounts: services.accounts,
    organisations: services.organisations,
    audit: services.audit,
    catalogue: services,
  });
  if (!(await demoService.isDatabaseEmpty())) return null;
  try {
    const result = await demoService.seed({ actor: systemActor('seed') });
    try {
      writeDemoLogins(deps.config.dataDir, result, deps.clock.now());
    } catch (error) {
      // The logins are still printed below; only the copy on disk is missing.
      logger.warn({ err: error }, `could not save the demo logins in DATA_DIR/${DEMO_LOGINS_FILE}`);
    }
    logger.info({ organisation: result.organisation.slug, users: result.logins.length }, 'demo data seeded');
    return result;
  } catch (error) {
    if (isAppError(error) && error.code === 'conflict') {
      logger.warn({ reason: error.message }, 'demo data not seeded');
      return null;
    }
    throw error;
  }
}

function printBanner(input: {
  config: Config;
  deps: AppDeps;
  listeningUrl: string;
  url: string;
  demo: DemoSeedResult | null;
  print: (line: string) => void;
  logger: Logger;
}): void {
  const { config, deps, listeningUrl, url, demo, print, logger } = input;
  const database =
    deps.database.kind === 'pglite'
      ? `embedded PGlite in ${deps.database.location}`
      : `PostgreSQL at ${deps.database.location}`;
  const mail =
    deps.mailTransport.name === 'smtp'
      ? `SMTP via ${smtpHost(config.smtpUrl)}`
      : deps.mailTransport.name === 'outbox'
        ? `outbox: .eml files in ${join(config.dataDir, 'outbox')}`
        : deps.mailTransport.name;
  const publicUrl = config.publicUrl.href.replace(/\/$/, '');
  const loginsFile = join(config.dataDir, DEMO_LOGINS_FILE);
  // loadConfig's default when PUBLIC_URL is unset; only an explicit, different PUBLIC_URL is worth showing.
  const implicitPublicUrl = `${config.tls ? 'https' : 'http'}://localhost:${config.port}`;
  const showPublic = publicUrl !== url && publicUrl !== implicitPublicUrl;

  if (config.env === 'production') {
    // Production logs are JSON lines for a collector; the banner is one structured entry among them.
    logger.info(
      { listeningUrl, publicUrl, database, mail, apiDocs: `${publicUrl}/api/docs` },
      'Credstack started',
    );
  } else {
    const lines = [
      '',
      `Credstack is listening on ${listeningUrl}`,
      `  Open:      ${url}`,
      ...(showPublic ? [`  Public:    ${publicUrl}`] : []),
      `  API docs:  ${url}/api/docs`,
      `  Database:  ${database}`,
      `  Mail:      ${mail}`,
    ];
    if (!demo && existsSync(loginsFile)) lines.push(`  Demo logins: ${loginsFile}`);
    lines.push('  Stop with Ctrl+C.', '');
    for (const line of lines) print(line);
  }

  if (demo) {
    // The one deliberate exception to "no passwords in output": the freshly generated demo logins are shown
    // once, on stdout through the console and never through the logger, so they never reach a log store.
    print(
      `Demo data created: ${demo.organisation.name} (${demo.organisation.slug}). Sign in at ${showPublic ? publicUrl : url} with:`,
    );
    for (const line of formatDemoLogins(demo.logins)) print(line);
    print(`These passwords are shown once; they are also saved in ${loginsFile} (readable only by you).`);
    print('');
  }
}

/**
 * The server's logger. Like the core logger (redaction of credentials, pretty output in development), and
 * request URLs are logged with the values of secret-bearing query parameters (e-mail link tokens) hidden.
 */
export function createServerLogger(
  config: Pick<Config, 'env' | 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  const base = loggerOptions(config);
  const options: pino.LoggerOptions = {
    ...base,
    serializers: {
      req: (request: {
        method?: string;
        url?: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: request.method,
        url: redactQuery(request.url ?? ''),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
  };
  if (!destination) return pino(options);
  // pino takes either a transport (pretty printing) or a destination stream, not both.
  const { transport: _pretty, ...plain } = options;
  return pino(plain, destination);
}

const SECRET_PARAMS = /^(token|password|secret|key|code|session|access_token|refresh_token)$/i;

/** `/verify-email?token=abc&x=1` → `/verify-email?token=[redacted]&x=1`. */
export function redactQuery(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const params = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // Keep the raw name.
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, at)}?${params.join('&')}`;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The address a person on this machine opens: `localhost` for loopback and wildcard binds. */
function browseUrl(protocol: string, host: string, port: number): string {
  const local = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', '[::]', '[::1]'].includes(host);
  return `${protocol}://${local ? 'localhost' : urlHost(host)}:${port}`;
}

function smtpHost(smtpUrl: string | undefined): string {
  if (!smtpUrl) return '(none)';
  try {
    const parsed = new URL(smtpUrl);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(unparseable SMTP_URL)';
  }
}
