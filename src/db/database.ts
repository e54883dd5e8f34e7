import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, type MigrationResultSet, Migrator, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { migrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data is, for messages: a directory, `memory` or the server URL without its password. */
  location: string;
  migrate(): Promise<MigrationResultSet>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | 'memory' }
  | { kind: 'postgres'; url: string; poolMax?: number; schema?: string };

const INT8_OID = 20;

/**
 * Opens PGlite (embedded, one process at a time) or a PostgreSQL pool. The same Kysely types and
 * migrations serve both. `schema` isolates a PostgreSQL test run in its own schema.
 */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'pglite') {
    const inMemory = target.dataDir === 'memory';
    if (!inMemory) mkdirSync(target.dataDir, { recursive: true });
    const client = await PGlite.create(inMemory ? undefined : target.dataDir, {
      parsers: { [pgliteTypes.INT8]: (value: string) => Number(value) },
    });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    return wrap(db, 'pglite', inMemory ? 'memory' : target.dataDir, undefined, async () => {
      await db.destroy();
      if (!client.closed) await client.close();
    });
  }

  const schema = target.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema name: ${schema}`);
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolMax ?? 10,
    options: schema ? `-c search_path=${schema}` : undefined,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the error.
  pool.on('error', () => {});
  if (schema) {
    const client = await pool.connect();
    try {
      await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return wrap(db, 'postgres', redactUrl(target.url), schema ?? 'current', () => db.destroy());
}

function wrap(
  db: Db,
  kind: DatabaseHandle['kind'],
  location: string,
  migrationSchema: string | undefined,
  close: () => Promise<void>,
): DatabaseHandle {
  let closed = false;
  return {
    db,
    kind,
    location,
    migrate: async () => {
      // Kysely's migrator looks for its bookkeeping tables in every schema unless told which one, so a
      // second Credstack schema on the same server would wrongly see the first one's. Name ours.
      if (migrationSchema === undefined) return migrateToLatest(db);
      const schema =
        migrationSchema === 'current'
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
          : migrationSchema;
      return migrateToLatest(db, schema ?? 'public');
    },
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await close();
    },
  };
}

/** Runs every pending migration; throws with the failing migration's name and error. */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'credstack_migrations',
    migrationLockTableName: 'credstack_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, {
      cause: result.error,
    });
  }
  return result;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}
