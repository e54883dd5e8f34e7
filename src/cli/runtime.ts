import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import pino from 'pino';
import { type Actor, systemActor } from '../core/actor.ts';
import { type Config, ConfigError, loadConfig } from '../core/config.ts';
import { isAppError } from '../core/errors.ts';
import { type Logger, loggerOptions } from '../core/logger.ts';
import { acquireDataDirLock, DataDirBusyError } from '../db/lock.ts';
import type { AppDeps } from '../deps.ts';
import { CliError, type CliIo, commandHelp, EXIT_FAILURE, EXIT_USAGE, UsageError } from './command.ts';

/** Every CLI write is done by the system on the operator's behalf; audit events name it `cli`. */
export const CLI_ACTOR: Actor = systemActor('cli');

/** Reads and validates the configuration; a ConfigError reaches {@link reportError} with its problem list. */
export function cliConfig(io: CliIo): Config {
  return loadConfig(io.env);
}

/**
 * Logs of one-shot commands go to standard error, so standard output carries only the command's result
 * (a token, JSON). Quieter than the server: warnings and errors unless LOG_LEVEL is set.
 */
export async function createCliLogger(config: Config, io: CliIo): Promise<Logger> {
  const explicit = io.env.LOG_LEVEL !== undefined && io.env.LOG_LEVEL.trim() !== '';
  const level = explicit || config.env === 'test' ? config.logLevel : 'warn';
  const { transport: _transport, ...options } = loggerOptions({ env: config.env, logLevel: level });
  if (config.env === 'development' && process.stderr.isTTY) {
    const { default: pretty } = await import('pino-pretty');
    return pino(
      options,
      pretty({ destination: 2, sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' }),
    );
  }
  return pino(options, pino.destination({ dest: 2, sync: true }));
}

/**
 * Opens the database the way the server does (buildDeps), for one command: on the embedded database the
 * data-directory lock is taken first, so a running server is never disturbed (DataDirBusyError instead).
 * Pending migrations are applied, queued mail is delivered after the command, and everything is closed.
 */
export async function withServices<T>(
  io: CliIo,
  command: string,
  run: (deps: AppDeps) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = cliConfig(io);
  const lock = config.databaseUrl
    ? null
    : acquireDataDirLock(config.dataDir, { purpose: `credstack ${command}` });
  let deps: AppDeps | undefined;
  try {
    const logger = await createCliLogger(config, io);
    // Loaded on demand, so `--help` and usage errors answer without loading the whole application.
    const { buildDeps } = await import('../deps.ts');
    deps = await buildDeps(config, logger);
    if (options.migrate !== false) await deps.database.migrate();
    const result = await run(deps);
    await deps.services.mail
      .flushIfQueued()
      .catch((error: unknown) => logger.warn({ err: error }, 'mail delivery failed; it will be retried'));
    return result;
  } finally {
    if (deps) {
      await deps.mailTransport.close?.().catch(() => {});
      await deps.database.close();
    }
    lock?.release();
  }
}

/** Prints an error the way an operator wants to read it and returns the exit code. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.err(`error: ${error.message}\n\n`);
    io.err(error.command ? commandHelp(error.command) : 'Run `credstack --help` for the list of commands.\n');
    return EXIT_USAGE;
  }
  if (error instanceof ConfigError) {
    io.err(`${error.message}\n`);
    return EXIT_FAILURE;
  }
  if (error instanceof DataDirBusyError || error instanceof CliError || isAppError(error)) {
    io.err(`error: ${error.message}\n`);
    if (isAppError(error) && error.fields && error.fields.length > 1) {
      for (const field of error.fields) io.err(`  ${field.pointer.replace(/^\//, '')}: ${field.message}\n`);
    }
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.err(`error: ${message}\n`);
  if (isDebug(io.env)) {
    if (error instanceof Error && error.stack) io.err(`${error.stack}\n`);
  } else {
    io.err('(set DEBUG=1 for the stack trace)\n');
  }
  return EXIT_FAILURE;
}

function isDebug(env: Record<string, string | undefined>): boolean {
  const value = env.DEBUG?.trim();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Reads a password from standard input: the first line when piped (`echo "$PW" | credstack …`), or typed at
 * a hidden prompt when standard input is a terminal.
 */
export async function readPassword(io: CliIo, prompt = 'Password: '): Promise<string> {
  if (io.stdin.isTTY) return promptHidden(io, prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const firstLine = text.split(/\r?\n/)[0] ?? '';
  if (firstLine === '') throw new UsageError('--password-stdin was given but standard input is empty');
  return firstLine;
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  // Echo goes to a sink, so what is typed never appears on the screen.
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: io.stdin, output: sink, terminal: true });
  io.err(prompt);
  return new Promise((resolve, reject) => {
    rl.once('line', (line) => {
      rl.close();
      io.err('\n');
      resolve(line);
    });
    rl.once('SIGINT', () => {
      rl.close();
      io.err('\n');
      reject(new Error('cancelled'));
    });
  });
}

/** Standard process streams. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    stdin: process.stdin,
    env: process.env,
  };
}
