import pino from 'pino';
import type { Config } from './config.ts';

export type Logger = pino.Logger;

/**
 * Paths never written to logs: credentials, cookies, tokens, keys. Request logging only records method,
 * URL and status, but error objects and ad-hoc fields pass through here too.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.secret',
  '*.privateKey',
  '*.masterKey',
  '*.sessionToken',
  'password',
  'token',
];

export function loggerOptions(config: Pick<Config, 'env' | 'logLevel'>): pino.LoggerOptions {
  const pretty = config.env === 'development' && process.stdout.isTTY !== false;
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

export function createLogger(config: Pick<Config, 'env' | 'logLevel'>): Logger {
  return pino(loggerOptions(config));
}
