// Opens the database named by a URL: `sqlite:/path/file.sqlite` (the embedded default) or
// `postgres://…`. Returns a Kysely instance plus the dialect, the only place that differs.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely } from 'kysely';
import type pg from 'pg';
import type { Schema } from './schema.ts';
import { migrateToLatest } from './migrate.ts';
import { openSqliteConnection } from './sqlite-connection.ts';
import { PooledSqliteDialect } from './sqlite-dialect.ts';
import { SchemaScopedPostgresDialect } from './postgres-dialect.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  close(): Promise<void>;
}

// BIGINT (int8) and NUMERIC counts come back as strings from node-postgres; every BIGINT here
// (times in ms, entry ids) is below 2^53, so read them as numbers.
function pgTypesOf(driver: typeof pg) {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === 20 || oid === 1700) return (value: string) => Number(value);
      return driver.types.getTypeParser(oid, format as 'text');
    },
  };
}

/**
 * SQLite connections per process at most (sqlite-dialect.ts): one writer at a time, the others
 * keep reading while it waits for the lock or holds it. Each has its own page cache (16 MB at
 * most) and statement cache, opened only when all the others are lent.
 */
const SQLITE_CONNECTIONS = 3;

export interface OpenOptions {
  /** PostgreSQL only: run everything inside this schema (created if needed). Tests use it for isolation. */
  schema?: string;
  /** Run migrations (default true). */
  migrate?: boolean;
  poolSize?: number;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, options);
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = await openSqliteConnection(file);
  const shared = file !== ':memory:' && file !== '';
  const dialect = new PooledSqliteDialect({
    database: sqlite,
    open: shared ? () => openSqliteConnection(file) : null,
    size: SQLITE_CONNECTIONS,
  });
  const db = new Kysely<Schema>({ dialect });
  const database: Database = { db, dialect: 'sqlite', close: () => db.destroy() };
  if (options.migrate !== false) await migrateToLatest(db, 'sqlite');
  return database;
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const schema = options.schema;
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`storage: bad schema name "${schema}"`);
  // Loaded only here: node-postgres adds ~0.1 s of start-up to a SQLite process for nothing.
  const { default: pg } = await import('pg');
  // Several processes (web and workers) may start at once on a fresh database: one at a time
  // creates the schema and migrates, under an advisory lock that ends with this session.
  const lockClient = new pg.Client({ connectionString: url });
  await lockClient.connect();
  let database: Database | undefined;
  try {
    await lockClient.query('SELECT pg_advisory_lock(hashtext($1))', [`veille-migrate:${schema ?? ''}`]);
    if (schema) await lockClient.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      types: pgTypesOf(pg),
      // No parallel workers: every query here is a short one of an interactive request, and
      // starting workers costs more than it saves (3–6× slower stream pages under concurrency).
      options: `-c max_parallel_workers_per_gather=0${schema ? ` -c search_path=${schema}` : ''}`,
    });
    const db = new Kysely<Schema>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
    database = { db, dialect: 'postgres', close: () => db.destroy() };
    if (options.migrate !== false) await migrateToLatest(db, 'postgres', schema);
    return database;
  } catch (err) {
    await database?.close();
    throw err;
  } finally {
    await lockClient.end();
  }
}
