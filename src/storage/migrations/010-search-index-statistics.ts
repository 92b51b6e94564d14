// Search index, PostgreSQL (issue 6 measurements): `intitle:` gets its own GIN index on the title
// (weight A) positions of entry_search.tsv, and both get finer statistics (1,000 instead of 100),
// so that the planner knows a rare word is rare — with the default, every word outside the
// ~1,000 most common lexemes is estimated at 0.3 % of the rows, and a first page "walks" the
// entries newest first looking for one it will never find. Nothing changes on SQLite (FTS5).
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.ts';

export function migration010SearchIndexStatistics(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql`CREATE INDEX IF NOT EXISTS entry_search_title ON entry_search USING gin (ts_filter(tsv, '{a}'))`.execute(
        db,
      );
      await sql`ALTER TABLE entry_search ALTER COLUMN tsv SET STATISTICS 1000`.execute(db);
      await sql`ALTER INDEX entry_search_title ALTER COLUMN 1 SET STATISTICS 1000`.execute(db);
      await sql`ANALYZE entry_search`.execute(db);
    },
  };
}
