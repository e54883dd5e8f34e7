import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_PASSWORD_HASH_COST } from './secrets.ts';

/**
 * Configuration, read from environment variables once at boot. Every variable is documented in
 * `.env.example` and the README. `loadConfig` collects every problem before failing so an operator fixes
 * them all in one go.
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: URL;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  /** Signs sessions and hashes identifiers; at least 32 characters. */
  secret: string;
  /** 32 bytes; encrypts private keys at rest. */
  masterKey: Buffer;
  /** True when secret or master key came from the development fallback file. */
  usingDevSecrets: boolean;
  smtpUrl: string | undefined;
  mailFrom: string;
  tls: { cert: string; key: string } | undefined;
  trustProxy: boolean | string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  corsOrigins: string[];
  bodyLimitBytes: number;
  authRateLimit: { max: number; windowMs: number };
  login: { maxFailures: number; windowMs: number; lockMs: number };
  /**
   * scrypt cost for new password hashes, as log2(N). Stored hashes carry their own parameters, so raising
   * it never locks anyone out. Production refuses less than the default (OWASP's minimum).
   */
  passwordHashCost: number;
  sessionTtlMs: number;
  /** Whether cookies get the Secure flag: behind TLS or an https PUBLIC_URL. */
  secureCookies: boolean;
  demoSeed: boolean;
  /**
   * Whether the verifier may fetch other hosts' did:web documents and status lists (https only, public
   * addresses only, with size and time limits). Our own host is always resolved locally.
   */
  remoteFetch: { enabled: boolean; timeoutMs: number; maxBytes: number };
  /** Request limits per client on the VC-API: public verification, and issuing/status changes. */
  verifyRateLimit: { max: number; windowMs: number };
  issueRateLimit: { max: number; windowMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env, options: { cwd?: string } = {}): Config {
  const problems: string[] = [];
  const cwd = options.cwd ?? process.cwd();
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };

  const boolean = (name: string, fallback: boolean) => {
    const raw = value(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const nodeEnv = value('NODE_ENV') ?? 'development';
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    problems.push(`NODE_ENV must be development, production or test (got "${nodeEnv}")`);
  }
  const envName = (
    ['development', 'production', 'test'].includes(nodeEnv) ? nodeEnv : 'development'
  ) as Config['env'];
  const production = envName === 'production';

  const port = integer('PORT', 3000, 0, 65535);
  const host = value('HOST') ?? '127.0.0.1';

  const dataDirRaw = value('DATA_DIR') ?? './data';
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : resolve(cwd, dataDirRaw);

  const tlsCert = value('TLS_CERT');
  const tlsKey = value('TLS_KEY');
  let tls: Config['tls'];
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    problems.push('TLS_CERT and TLS_KEY must be set together');
  } else if (tlsCert && tlsKey) {
    const cert = readPem('TLS_CERT', tlsCert, cwd, problems);
    const key = readPem('TLS_KEY', tlsKey, cwd, problems);
    if (cert && key) tls = { cert, key };
  }

  const defaultPublic = `${tls ? 'https' : 'http'}://localhost:${port}`;
  let publicUrl = new URL(defaultPublic);
  const publicRaw = value('PUBLIC_URL');
  if (publicRaw !== undefined) {
    try {
      publicUrl = new URL(publicRaw);
      if (!['http:', 'https:'].includes(publicUrl.protocol)) throw new Error('protocol');
      if (publicUrl.search || publicUrl.hash) throw new Error('query');
      publicUrl = new URL(publicUrl.href.replace(/\/+$/, ''));
    } catch {
      problems.push(
        `PUBLIC_URL must be an absolute http(s) URL without query or fragment (got "${publicRaw}")`,
      );
    }
  } else if (production) {
    problems.push('PUBLIC_URL is required in production (the address people and verifiers use)');
  }
  if (production && publicUrl.protocol !== 'https:' && !isLoopbackHost(publicUrl.hostname)) {
    problems.push('PUBLIC_URL must use https in production');
  }

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  let secret = value('CREDSTACK_SECRET');
  let masterKeyText = value('CREDSTACK_MASTER_KEY');
  let usingDevSecrets = false;
  if (secret === undefined || masterKeyText === undefined) {
    if (production) {
      if (secret === undefined)
        problems.push('CREDSTACK_SECRET is required in production (no default secrets)');
      if (masterKeyText === undefined) {
        problems.push('CREDSTACK_MASTER_KEY is required in production (32 bytes, base64 or hex)');
      }
    } else {
      const dev = devSecrets(dataDir);
      secret ??= dev.secret;
      masterKeyText ??= dev.masterKey;
      usingDevSecrets = true;
    }
  }
  if (secret !== undefined && secret.length < 32) {
    problems.push('CREDSTACK_SECRET must be at least 32 characters');
  }
  let masterKey: Buffer = Buffer.alloc(32);
  if (masterKeyText !== undefined) {
    const parsed = parseKey(masterKeyText);
    if (parsed) masterKey = parsed;
    else problems.push('CREDSTACK_MASTER_KEY must be 32 bytes as 64 hex characters or base64');
  }

  const smtpUrl = value('SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\//.test(smtpUrl)) {
    problems.push('SMTP_URL must be an smtp:// or smtps:// URL');
  }
  const mailFrom = value('MAIL_FROM') ?? `Credstack <no-reply@${publicUrl.hostname}>`;

  const trustRaw = value('TRUST_PROXY');
  let trustProxy: boolean | string = false;
  if (trustRaw === 'true' || trustRaw === '1') trustProxy = true;
  else if (trustRaw === undefined || trustRaw === 'false' || trustRaw === '0') trustProxy = false;
  else trustProxy = trustRaw; // a comma-separated list of addresses/CIDRs, as Fastify accepts

  const logLevel = (value('LOG_LEVEL') ?? (envName === 'test' ? 'silent' : 'info')) as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);

  const corsOrigins = (value('CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(origin))
      problems.push(`CORS_ORIGINS entry "${origin}" must be an origin like https://app.example.org`);
  }

  const passwordHashCost = integer('PASSWORD_HASH_COST', DEFAULT_PASSWORD_HASH_COST, 10, 17);
  if (production && passwordHashCost < DEFAULT_PASSWORD_HASH_COST) {
    problems.push(
      `PASSWORD_HASH_COST must be at least ${DEFAULT_PASSWORD_HASH_COST} in production (scrypt N=2^${DEFAULT_PASSWORD_HASH_COST}, OWASP's minimum)`,
    );
  }

  const config: Config = {
    env: envName,
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl,
    databasePoolMax: integer('DATABASE_POOL_MAX', 10, 1, 500),
    secret: secret ?? '',
    masterKey,
    usingDevSecrets,
    smtpUrl,
    mailFrom,
    tls,
    trustProxy,
    logLevel,
    corsOrigins,
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    authRateLimit: {
      max: integer('AUTH_RATE_LIMIT_MAX', 20, 1, 100_000),
      windowMs: integer('AUTH_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
    login: {
      maxFailures: integer('LOGIN_MAX_FAILURES', 5, 1, 1000),
      windowMs: integer('LOGIN_FAILURE_WINDOW_SECONDS', 900, 1, 86_400) * 1000,
      lockMs: integer('LOGIN_LOCK_SECONDS', 900, 1, 86_400) * 1000,
    },
    passwordHashCost,
    sessionTtlMs: integer('SESSION_TTL_HOURS', 24 * 14, 1, 24 * 365) * 3_600_000,
    secureCookies: tls !== undefined || publicUrl.protocol === 'https:',
    demoSeed: (value('DEMO_SEED') ?? (production ? 'false' : 'true')) === 'true',
    remoteFetch: {
      enabled: boolean('REMOTE_FETCH', false),
      timeoutMs: integer('REMOTE_FETCH_TIMEOUT_MS', 5000, 100, 60_000),
      maxBytes: integer('REMOTE_FETCH_MAX_BYTES', 2_097_152, 1024, 64 * 1_048_576),
    },
    verifyRateLimit: {
      max: integer('VERIFY_RATE_LIMIT_MAX', 60, 1, 1_000_000),
      windowMs: integer('VERIFY_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
    issueRateLimit: {
      max: integer('ISSUE_RATE_LIMIT_MAX', 600, 1, 1_000_000),
      windowMs: integer('ISSUE_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

function readPem(name: string, pathOrPem: string, cwd: string, problems: string[]): string | undefined {
  if (pathOrPem.includes('-----BEGIN')) return pathOrPem;
  const path = isAbsolute(pathOrPem) ? pathOrPem : resolve(cwd, pathOrPem);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    problems.push(`${name} file cannot be read: ${path}`);
    return undefined;
  }
}

function parseKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]+=*$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return bytes;
  }
  return undefined;
}

/**
 * Development only: secrets generated on first run and kept in DATA_DIR so sessions and encrypted keys
 * survive restarts. Production refuses this path.
 */
function devSecrets(dataDir: string): { secret: string; masterKey: string } {
  const file = join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { secret: string; masterKey: string };
    return parsed;
  }
  const generated = {
    secret: randomBytes(32).toString('base64url'),
    masterKey: randomBytes(32).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}
