// The SQLite connection under Kysely. better-sqlite3 on Node 20 and 22; Node's built-in
// node:sqlite on Node 24 and later, where better-sqlite3 12.x aborts the process when the garbage
// collector finalizes a statement after the environment is gone (WiseLibs/better-sqlite3#1515;
// 13.x, which fixes it, needs Node 22). Both give Kysely the same small interface, behind a cache
// of prepared statements: Kysely prepares every statement it runs, and preparing costs as much as
// running for the small statements of a refresh (3.4 s of a 1000-feed first refresh).
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { sqliteRegexp } from '../search/regex-sql.ts';

interface NodeSqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns?(): unknown[];
}

interface NodeSqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  function(name: string, options: { deterministic: boolean }, fn: (...args: unknown[]) => unknown): void;
  close(): void;
}

/** The functions every connection has: veille_regexp for search regexes (src/search/regex-sql.ts). */
const FUNCTION_NAME = 'veille_regexp';

// cache_size: 16 MB of pages (the default, 2 MB, spills index pages of a large ingest to disk).
// temp_store: sorts and temporary b-trees in memory. wal_autocheckpoint: a checkpoint (which
// syncs the database file) every 16 MB of WAL rather than every 4 MB. busy_timeout 0: waiting
// for another process's lock is done by sqlite-dialect.ts, on the event loop, not asleep in
// SQLite (which would stop the whole process).
const PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'foreign_keys = ON',
  'busy_timeout = 0',
  'cache_size = -16000',
  'temp_store = MEMORY',
  'wal_autocheckpoint = 4000',
];

/** Prepared statements kept per connection (least recently used ones are dropped first). */
export const STATEMENT_CACHE_SIZE = 256;

/** True when this Node.js runs node:sqlite rather than better-sqlite3. */
export function usesNodeSqlite(version = process.versions.node): boolean {
  return Number(version.split('.')[0]) >= 24;
}

export async function openSqliteConnection(file: string): Promise<SqliteDatabase> {
  if (usesNodeSqlite()) {
    const { DatabaseSync } = (await import('node:sqlite' as string)) as {
      DatabaseSync: new (path: string) => NodeSqliteDatabase;
    };
    const db = new DatabaseSync(file);
    for (const pragma of PRAGMAS) db.exec(`PRAGMA ${pragma}`);
    db.function(FUNCTION_NAME, { deterministic: true }, sqliteRegexp);
    return cachingStatements(nodeSqliteAdapter(db), () => false);
  }
  const { default: BetterSqlite } = await import('better-sqlite3');
  const db = new BetterSqlite(file);
  for (const pragma of PRAGMAS) db.pragma(pragma);
  db.function(FUNCTION_NAME, { deterministic: true }, sqliteRegexp);
  return cachingStatements(db, (stmt) => (stmt as unknown as { busy?: boolean }).busy === true);
}

/**
 * `db` with its prepared statements reused by SQL text, at most STATEMENT_CACHE_SIZE of them.
 * A statement still busy (a streamed select not finished) is not handed out again: a fresh one is
 * prepared. `isBusy` tells, for the driver at hand.
 */
export function cachingStatements(
  db: SqliteDatabase,
  isBusy: (stmt: SqliteStatement) => boolean,
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        if (isBusy(cached)) return db.prepare(sql);
        // Most recently used last: re-inserting moves it to the end of the Map's order.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}

const READER = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i;

function plainRow(row: unknown): unknown {
  return row !== null && typeof row === 'object' ? { ...row } : row;
}

function* plainRows(rows: IterableIterator<unknown>): IterableIterator<unknown> {
  for (const row of rows) yield plainRow(row);
}

function nodeSqliteAdapter(db: NodeSqliteDatabase): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      const reader = stmt.columns ? stmt.columns().length > 0 : READER.test(sql);
      return {
        reader,
        // node:sqlite returns rows with a null prototype; give callers plain objects, as
        // better-sqlite3 does (deepEqual, hasOwnProperty and friends behave the same on both).
        all: (params) => stmt.all(...params).map(plainRow),
        run: (params) => stmt.run(...params),
        // A statement of the cache may run again while this iteration is open: iterate a copy.
        iterate: (params) => plainRows(db.prepare(sql).iterate(...params)),
      };
    },
  };
}
