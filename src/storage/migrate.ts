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
import { migration008UserQueries } from './migrations/008-user-queries.ts';
import { migration011ImportExtras } from './migrations/011-import-extras.ts';
import { migration012DynamicOpml } from './migrations/012-dynamic-opml.ts';
import { migration009FilterActions } from './migrations/009-filter-actions.ts';
import { migration010SearchIndexStatistics } from './migrations/010-search-index-statistics.ts';
import { migration013FullContent } from './migrations/013-full-content.ts';

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '001-initial': migration001Initial(dialect),
    '002-entries-url-index': migration002EntriesUrlIndex,
    '003-refresh-engine': migration003RefreshEngine(dialect),
    '004-api-passwords': migration004ApiPasswords,
    '005-accounts': migration005Accounts,
    '006-reading': migration006Reading,
    '007-search': migration007Search(dialect),
    '008-user-queries': migration008UserQueries(dialect),
    '011-import-extras': migration011ImportExtras,
    '009-filter-actions': migration009FilterActions(dialect),
    '010-search-index-statistics': migration010SearchIndexStatistics(dialect),
    '012-dynamic-opml': migration012DynamicOpml,
    '013-full-content': migration013FullContent,
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
    // Migrations are numbered as features land, not always in order (009 and 010 after 011):
    // each is independent, so one missing from an existing database is run whatever its number.
    allowUnorderedMigrations: true,
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
