import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../src/db/database.ts';
import type { Database } from '../../src/db/schema.ts';

/**
 * Which database this test process runs on: `pglite` (default) or `postgres` (TEST_DB=postgres with
 * TEST_DATABASE_URL). `npm test` runs the whole suite once per database.
 */
export const testDatabaseKind: 'pglite' | 'postgres' =
  process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const migrationsDir = join(root, 'src', 'db', 'migrations');

/**
 * Keys the cached migrated databases: the migration files and the PGlite version (a data directory written
 * by one PGlite release is not promised to load in another).
 */
export function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  const pglitePackage = join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  hash.update(
    existsSync(pglitePackage) ? JSON.parse(readFileSync(pglitePackage, 'utf8')).version : 'unknown',
  );
  for (const file of readdirSync(migrationsDir).sort())
    hash.update(file).update(readFileSync(join(migrationsDir, file)));
  return hash.digest('hex').slice(0, 16);
}

let templatePromise: Promise<Blob> | undefined;

/**
 * Creating a PGlite cluster costs seconds; loading a dump of an already-migrated one costs well under one.
 * The dump is cached on disk keyed by the migration files, so only the first test process pays.
 */
function pgliteTemplate(): Promise<Blob> {
  templatePromise ??= (async () => {
    const cacheDir = join(root, 'node_modules', '.cache', 'credstack');
    const file = join(cacheDir, `pglite-template-${migrationsFingerprint()}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const client = await PGlite.create();
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    await migrateToLatest(db);
    const dump = await client.dumpDataDir('none');
    await db.destroy();
    if (!client.closed) await client.close();
    mkdirSync(cacheDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, Buffer.from(await dump.arrayBuffer()));
    renameSync(temp, file);
    return dump;
  })();
  return templatePromise;
}

/** Advisory lock key that orders test schema drops against migrations (any value unused elsewhere). */
const SCHEMA_LOCK_KEY = 727_100_001;

/**
 * Runs `work` while holding the test-schema lock: shared for migrations, exclusive for drops. Kysely's
 * migrator introspects every schema with has_schema_privilege(), which fails ("schema … does not exist")
 * when another test file drops its schema between the catalogue scan and the call: test files run in
 * parallel on one server, so a drop must never overlap a migration.
 */
async function underSchemaLock<T>(
  url: string,
  mode: 'shared' | 'exclusive',
  work: (admin: pg.Client) => Promise<T>,
): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const suffix = mode === 'shared' ? '_shared' : '';
  try {
    await admin.query(`select pg_advisory_lock${suffix}($1)`, [SCHEMA_LOCK_KEY]);
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/**
 * A fresh, migrated database for one test (or one suite): an in-memory PGlite loaded from the template, or
 * a new schema on the PostgreSQL server that is dropped on close.
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  if (testDatabaseKind === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const handle = await openDatabase({ kind: 'postgres', url, schema, poolMax: 5 });
    const migrate = () => underSchemaLock(url, 'shared', () => migrateToLatest(handle.db, schema));
    await migrate();
    const close = handle.close;
    return {
      ...handle,
      migrate,
      close: async () => {
        await close();
        await underSchemaLock(url, 'exclusive', async (admin) => {
          await admin.query(`drop schema if exists ${schema} cascade`);
        });
      },
    };
  }
  const template = await pgliteTemplate();
  const client = await PGlite.create({
    loadDataDir: template,
    parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) },
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    location: 'memory',
    migrate: () => migrateToLatest(db),
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await db.destroy();
      if (!client.closed) await client.close();
    },
  };
}
