// Runs the migrations in src/storage/migrations/ (one list for both dialects).
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './database.ts';
import { migration001Initial } from './migrations/001-initial.ts';
import { migration002EntriesUrlIndex } from './migrations/002-entries-url-index.ts';
import { migration003RefreshEngine } from './migrations/003-refresh-engine.ts';
import { migration004ApiPasswords } from './migrations/004-api-passwords.ts';
import { migration005Accounts } from './migrations/005-accounts.ts';
import { migration006Reading } from './migrations/006-reading.ts';
import { migration007Search } from './migrations/007-search.ts';

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '001-initial': migration001Initial(dialect),
    '002-entries-url-index': migration002EntriesUrlIndex,
    '003-refresh-engine': migration003RefreshEngine(dialect),
    '004-api-passwords': migration004ApiPasswords,
    '005-accounts': migration005Accounts,
    '006-reading': migration006Reading,
    '007-search': migration007Search(dialect),
  };
}

/**
 * `schema`: the PostgreSQL schema Veille lives in, when not the default. Kysely then looks for
 * its migration tables in that schema only (otherwise it may see another schema's tables in the
 * same database and skip creating its own).
 */
export async function migrateToLatest<T>(db: Kysely<T>, dialect: Dialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrationsFor(dialect) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`storage: migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
