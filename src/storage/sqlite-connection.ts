// The SQLite connection under Kysely. better-sqlite3 on Node 20 and 22; Node's built-in
// node:sqlite on Node 24 and later, where better-sqlite3 12.x aborts the process when the garbage
// collector finalizes a statement after the environment is gone (WiseLibs/better-sqlite3#1515;
// 13.x, which fixes it, needs Node 22). Both give Kysely the same small interface.
import type { SqliteDatabase, SqliteStatement } from 'kysely';

interface NodeSqliteStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns?(): unknown[];
}

interface NodeSqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 10000'];

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
    return nodeSqliteAdapter(db);
  }
  const { default: BetterSqlite } = await import('better-sqlite3');
  const db = new BetterSqlite(file);
  for (const pragma of PRAGMAS) db.pragma(pragma);
  return db;
}

const READER = /^\s*(select|with|pragma|values|explain)\b|\breturning\b/i;

function nodeSqliteAdapter(db: NodeSqliteDatabase): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      const reader = stmt.columns ? stmt.columns().length > 0 : READER.test(sql);
      return {
        reader,
        all: (params) => stmt.all(...params),
        run: (params) => stmt.run(...params),
        iterate: (params) => stmt.iterate(...params),
      };
    },
  };
}
