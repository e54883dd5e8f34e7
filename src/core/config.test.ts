import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const HEX_KEY = 'ab'.repeat(32);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'credstack-config-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Secrets given, DATA_DIR in a temp dir: nothing is written anywhere else. */
function withSecrets(env: Record<string, string> = {}) {
  return { CREDSTACK_SECRET: SECRET, CREDSTACK_MASTER_KEY: HEX_KEY, DATA_DIR: tempDir(), ...env };
}

/** Runs loadConfig expecting a ConfigError and returns its problems. */
function problemsOf(env: Record<string, string | undefined>, cwd?: string): string[] {
  try {
    loadConfig(env, { cwd });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.name, 'ConfigError');
    for (const problem of error.problems) assert.ok(error.message.includes(problem));
    return error.problems;
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

function hasProblem(problems: string[], pattern: RegExp): boolean {
  return problems.some((problem) => pattern.test(problem));
}

describe('defaults', () => {
  test('a development configuration with only the secrets set', () => {
    const env = withSecrets();
    const config = loadConfig(env);
    assert.equal(config.env, 'development');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.publicUrl.href, 'http://localhost:3000/');
    assert.equal(config.dataDir, env.DATA_DIR);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.databasePoolMax, 10);
    assert.equal(config.secret, SECRET);
    assert.deepEqual(config.masterKey, Buffer.from(HEX_KEY, 'hex'));
    assert.equal(config.usingDevSecrets, false);
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.mailFrom, 'Credstack <no-reply@localhost>');
    assert.equal(config.tls, undefined);
    assert.equal(config.trustProxy, false);
    assert.equal(config.logLevel, 'info');
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.bodyLimitBytes, 1_048_576);
    assert.deepEqual(config.authRateLimit, { max: 20, windowMs: 60_000 });
    assert.deepEqual(config.login, { maxFailures: 5, windowMs: 900_000, lockMs: 900_000 });
    assert.equal(config.passwordHashCost, 15);
    assert.equal(config.sessionTtlMs, 14 * 24 * 3_600_000);
    assert.equal(config.secureCookies, false);
    assert.equal(config.demoSeed, true);
  });

  test('NODE_ENV=test logs nothing by default', () => {
    const config = loadConfig(withSecrets({ NODE_ENV: 'test' }));
    assert.equal(config.env, 'test');
    assert.equal(config.logLevel, 'silent');
  });

  test('blank values count as unset', () => {
    const config = loadConfig(withSecrets({ PORT: '  ', PUBLIC_URL: '', LOG_LEVEL: ' ' }));
    assert.equal(config.port, 3000);
    assert.equal(config.publicUrl.href, 'http://localhost:3000/');
    assert.equal(config.logLevel, 'info');
  });

  test('a relative DATA_DIR is resolved against the working directory', () => {
    const cwd = tempDir();
    const config = loadConfig(
      { CREDSTACK_SECRET: SECRET, CREDSTACK_MASTER_KEY: HEX_KEY, DATA_DIR: 'var/data' },
      { cwd },
    );
    assert.equal(config.dataDir, join(cwd, 'var', 'data'));
  });

  test('every variable is read', () => {
    const config = loadConfig(
      withSecrets({
        NODE_ENV: 'test',
        PORT: '8080',
        HOST: '0.0.0.0',
        PUBLIC_URL: 'https://badges.example.org/credstack/',
        DATABASE_URL: 'postgresql://user:pw@db.example.org/credstack',
        DATABASE_POOL_MAX: '25',
        SMTP_URL: 'smtps://mailer:pw@smtp.example.org',
        MAIL_FROM: 'Badges <badges@example.org>',
        TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
        LOG_LEVEL: 'debug',
        CORS_ORIGINS: 'https://app.example.org, http://localhost:5173',
        BODY_LIMIT_BYTES: '2048',
        AUTH_RATE_LIMIT_MAX: '7',
        AUTH_RATE_LIMIT_WINDOW_SECONDS: '30',
        LOGIN_MAX_FAILURES: '3',
        LOGIN_FAILURE_WINDOW_SECONDS: '600',
        LOGIN_LOCK_SECONDS: '120',
        SESSION_TTL_HOURS: '2',
        DEMO_SEED: 'false',
      }),
    );
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    // The trailing slash is dropped so links can be built as `${publicUrl}/path`.
    assert.equal(config.publicUrl.href, 'https://badges.example.org/credstack');
    assert.equal(config.databaseUrl, 'postgresql://user:pw@db.example.org/credstack');
    assert.equal(config.databasePoolMax, 25);
    assert.equal(config.smtpUrl, 'smtps://mailer:pw@smtp.example.org');
    assert.equal(config.mailFrom, 'Badges <badges@example.org>');
    assert.equal(config.trustProxy, '10.0.0.0/8,127.0.0.1');
    assert.equal(config.logLevel, 'debug');
    assert.deepEqual(config.corsOrigins, ['https://app.example.org', 'http://localhost:5173']);
    assert.equal(config.bodyLimitBytes, 2048);
    assert.deepEqual(config.authRateLimit, { max: 7, windowMs: 30_000 });
    assert.deepEqual(config.login, { maxFailures: 3, windowMs: 600_000, lockMs: 120_000 });
    assert.equal(config.sessionTtlMs, 2 * 3_600_000);
    assert.equal(config.secureCookies, true);
    assert.equal(config.demoSeed, false);
  });

  test('MAIL_FROM defaults to the PUBLIC_URL host', () => {
    const config = loadConfig(withSecrets({ PUBLIC_URL: 'https://badges.example.org' }));
    assert.equal(config.mailFrom, 'Credstack <no-reply@badges.example.org>');
  });

  test('TRUST_PROXY accepts true/1 and false/0', () => {
    for (const [raw, expected] of [
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ] as const) {
      assert.equal(loadConfig(withSecrets({ TRUST_PROXY: raw })).trustProxy, expected, raw);
    }
  });
});

describe('invalid values', () => {
  test('every invalid variable is reported together in one ConfigError', () => {
    const problems = problemsOf(
      withSecrets({
        NODE_ENV: 'staging',
        PORT: 'eighty',
        PUBLIC_URL: 'ftp://files.example.org',
        DATABASE_URL: 'mysql://localhost/credstack',
        DATABASE_POOL_MAX: '0',
        CREDSTACK_SECRET: 'too-short',
        CREDSTACK_MASTER_KEY: 'not-a-key',
        SMTP_URL: 'http://smtp.example.org',
        LOG_LEVEL: 'loud',
        CORS_ORIGINS: 'https://ok.example.org,app.example.org,https://x.example.org/path',
        BODY_LIMIT_BYTES: '10',
        AUTH_RATE_LIMIT_MAX: '-1',
        AUTH_RATE_LIMIT_WINDOW_SECONDS: '1.5',
        LOGIN_MAX_FAILURES: '1e3',
        LOGIN_FAILURE_WINDOW_SECONDS: '999999999',
        LOGIN_LOCK_SECONDS: 'forever',
        SESSION_TTL_HOURS: '0',
        TLS_CERT: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----',
      }),
    );
    const expected = [
      /^NODE_ENV must be development, production or test \(got "staging"\)$/,
      /^PORT must be an integer from 0 to 65535 \(got "eighty"\)$/,
      /^PUBLIC_URL must be an absolute http\(s\) URL/,
      /^DATABASE_URL must be a postgres:\/\//,
      /^DATABASE_POOL_MAX must be an integer from 1 to 500/,
      /^CREDSTACK_SECRET must be at least 32 characters$/,
      /^CREDSTACK_MASTER_KEY must be 32 bytes/,
      /^SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL$/,
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent$/,
      /^CORS_ORIGINS entry "app\.example\.org"/,
      /^CORS_ORIGINS entry "https:\/\/x\.example\.org\/path"/,
      /^BODY_LIMIT_BYTES must be an integer from 1024/,
      /^AUTH_RATE_LIMIT_MAX must be an integer/,
      /^AUTH_RATE_LIMIT_WINDOW_SECONDS must be an integer/,
      /^LOGIN_MAX_FAILURES must be an integer/,
      /^LOGIN_FAILURE_WINDOW_SECONDS must be an integer/,
      /^LOGIN_LOCK_SECONDS must be an integer/,
      /^SESSION_TTL_HOURS must be an integer/,
      /^TLS_CERT and TLS_KEY must be set together$/,
    ];
    for (const pattern of expected)
      assert.ok(hasProblem(problems, pattern), `missing ${pattern}\n${problems.join('\n')}`);
    assert.equal(problems.length, expected.length, problems.join('\n'));
  });

  test('PUBLIC_URL must not carry a query or fragment and must be absolute', () => {
    for (const raw of ['https://example.org/?a=1', 'https://example.org/#top', '/relative', 'not a url']) {
      assert.ok(hasProblem(problemsOf(withSecrets({ PUBLIC_URL: raw })), /^PUBLIC_URL must be/), raw);
    }
  });

  test('the ConfigError message lists every problem on its own line', () => {
    try {
      loadConfig(withSecrets({ PORT: 'x', LOG_LEVEL: 'y' }));
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^Invalid configuration:\n {2}- PORT .*\n {2}- LOG_LEVEL /);
    }
  });
});

describe('production', () => {
  test('refuses to start without secrets and PUBLIC_URL, and writes no fallback secrets', () => {
    const dataDir = tempDir();
    const problems = problemsOf({ NODE_ENV: 'production', DATA_DIR: dataDir });
    assert.ok(hasProblem(problems, /^CREDSTACK_SECRET is required in production/));
    assert.ok(hasProblem(problems, /^CREDSTACK_MASTER_KEY is required in production/));
    assert.ok(hasProblem(problems, /^PUBLIC_URL is required in production/));
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.equal(existsSync(join(dataDir, 'dev-secrets.json')), false);
  });

  test('one missing secret is reported alone', () => {
    const base = { NODE_ENV: 'production', PUBLIC_URL: 'https://badges.example.org', DATA_DIR: tempDir() };
    assert.deepEqual(
      problemsOf({ ...base, CREDSTACK_SECRET: SECRET }).map((p) => p.split(' ')[0]),
      ['CREDSTACK_MASTER_KEY'],
    );
    assert.deepEqual(
      problemsOf({ ...base, CREDSTACK_MASTER_KEY: HEX_KEY }).map((p) => p.split(' ')[0]),
      ['CREDSTACK_SECRET'],
    );
  });

  test('refuses an http PUBLIC_URL except on loopback', () => {
    const base = withSecrets({ NODE_ENV: 'production' });
    const problems = problemsOf({ ...base, PUBLIC_URL: 'http://badges.example.org' });
    assert.deepEqual(problems, ['PUBLIC_URL must use https in production']);
    for (const loopback of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000']) {
      assert.equal(loadConfig({ ...base, PUBLIC_URL: loopback }).env, 'production', loopback);
    }
  });

  test('a password hash cost under the default is refused in production only', () => {
    const base = withSecrets({ NODE_ENV: 'production', PUBLIC_URL: 'https://badges.example.org' });
    assert.deepEqual(problemsOf({ ...base, PASSWORD_HASH_COST: '12' }), [
      "PASSWORD_HASH_COST must be at least 15 in production (scrypt N=2^15, OWASP's minimum)",
    ]);
    assert.equal(loadConfig({ ...base, PASSWORD_HASH_COST: '16' }).passwordHashCost, 16);
    assert.equal(
      loadConfig(withSecrets({ NODE_ENV: 'test', PASSWORD_HASH_COST: '10' })).passwordHashCost,
      10,
    );
    assert.deepEqual(problemsOf(withSecrets({ PASSWORD_HASH_COST: '9' })), [
      'PASSWORD_HASH_COST must be an integer from 10 to 17 (got "9")',
    ]);
  });

  test('a complete production configuration loads with production defaults', () => {
    const config = loadConfig(
      withSecrets({ NODE_ENV: 'production', PUBLIC_URL: 'https://badges.example.org' }),
    );
    assert.equal(config.env, 'production');
    assert.equal(config.usingDevSecrets, false);
    assert.equal(config.secureCookies, true);
    assert.equal(config.demoSeed, false);
    assert.equal(config.logLevel, 'info');
  });
});

describe('TLS', () => {
  const cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

  test('TLS_CERT without TLS_KEY, and TLS_KEY without TLS_CERT, are refused', () => {
    assert.deepEqual(problemsOf(withSecrets({ TLS_CERT: cert })), [
      'TLS_CERT and TLS_KEY must be set together',
    ]);
    assert.deepEqual(problemsOf(withSecrets({ TLS_KEY: key })), [
      'TLS_CERT and TLS_KEY must be set together',
    ]);
  });

  test('inline PEM values are used as they are; TLS makes the default URL https and cookies secure', () => {
    const config = loadConfig(withSecrets({ TLS_CERT: cert, TLS_KEY: key, PORT: '8443' }));
    // Values are trimmed like every other variable.
    assert.deepEqual(config.tls, { cert: cert.trim(), key: key.trim() });
    assert.equal(config.publicUrl.href, 'https://localhost:8443/');
    assert.equal(config.secureCookies, true);
  });

  test('file paths are read relative to the working directory; unreadable files are reported', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'cert.pem'), cert);
    writeFileSync(join(cwd, 'key.pem'), key);
    const config = loadConfig(withSecrets({ TLS_CERT: 'cert.pem', TLS_KEY: join(cwd, 'key.pem') }), { cwd });
    assert.deepEqual(config.tls, { cert, key });

    const problems = problemsOf(
      withSecrets({ TLS_CERT: 'missing-cert.pem', TLS_KEY: 'missing-key.pem' }),
      cwd,
    );
    assert.deepEqual(problems, [
      `TLS_CERT file cannot be read: ${join(cwd, 'missing-cert.pem')}`,
      `TLS_KEY file cannot be read: ${join(cwd, 'missing-key.pem')}`,
    ]);
  });
});

describe('CREDSTACK_MASTER_KEY', () => {
  const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7 + 1));

  test('accepts 64 hex characters, either case', () => {
    for (const text of [bytes.toString('hex'), bytes.toString('hex').toUpperCase()]) {
      assert.deepEqual(loadConfig(withSecrets({ CREDSTACK_MASTER_KEY: text })).masterKey, bytes);
    }
  });

  test('accepts base64 and base64url of 32 bytes', () => {
    for (const text of [bytes.toString('base64'), bytes.toString('base64url')]) {
      assert.deepEqual(loadConfig(withSecrets({ CREDSTACK_MASTER_KEY: text })).masterKey, bytes, text);
    }
  });

  test('refuses anything that is not exactly 32 bytes', () => {
    for (const text of [
      'ab'.repeat(31),
      'ab'.repeat(33),
      Buffer.alloc(31).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      'g'.repeat(64),
      '!'.repeat(44),
    ]) {
      const problems = problemsOf(withSecrets({ CREDSTACK_MASTER_KEY: text }));
      assert.deepEqual(
        problems,
        ['CREDSTACK_MASTER_KEY must be 32 bytes as 64 hex characters or base64'],
        text,
      );
    }
  });
});

describe('development fallback secrets', () => {
  test('are generated once into DATA_DIR/dev-secrets.json and reused', () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const first = loadConfig({ DATA_DIR: dataDir });
    assert.equal(first.usingDevSecrets, true);
    assert.ok(first.secret.length >= 32);
    assert.equal(first.masterKey.length, 32);

    const file = join(dataDir, 'dev-secrets.json');
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { secret: string; masterKey: string };
    assert.equal(stored.secret, first.secret);
    assert.deepEqual(Buffer.from(stored.masterKey, 'hex'), first.masterKey);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const second = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' });
    assert.equal(second.secret, first.secret);
    assert.deepEqual(second.masterKey, first.masterKey);
  });

  test('fill in only what is missing', () => {
    const dataDir = tempDir();
    const generated = loadConfig({ DATA_DIR: dataDir });
    const withSecret = loadConfig({ DATA_DIR: dataDir, CREDSTACK_SECRET: SECRET });
    assert.equal(withSecret.secret, SECRET);
    assert.deepEqual(withSecret.masterKey, generated.masterKey);
    assert.equal(withSecret.usingDevSecrets, true);

    const withKey = loadConfig({ DATA_DIR: dataDir, CREDSTACK_MASTER_KEY: HEX_KEY });
    assert.equal(withKey.secret, generated.secret);
    assert.deepEqual(withKey.masterKey, Buffer.from(HEX_KEY, 'hex'));
  });

  test('differ between data directories', () => {
    const a = loadConfig({ DATA_DIR: tempDir() });
    const b = loadConfig({ DATA_DIR: tempDir() });
    assert.notEqual(a.secret, b.secret);
    assert.notDeepEqual(a.masterKey, b.masterKey);
  });

  test('are not read or written when both secrets are given', () => {
    const dataDir = tempDir();
    loadConfig({ DATA_DIR: dataDir, CREDSTACK_SECRET: SECRET, CREDSTACK_MASTER_KEY: HEX_KEY });
    assert.equal(existsSync(join(dataDir, 'dev-secrets.json')), false);
  });
});
