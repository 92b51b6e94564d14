// Search: the full-text index of entries (src/search/search-index.ts writes it). SQLite: an FTS5
// table whose rowid is the entry id, emptied by a trigger when entries go; PostgreSQL: a side
// table with a tsvector and a GIN index, emptied by a cascading foreign key. Entries stored
// before are indexed here.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Schema } from '../schema.ts';

export function migration007Search(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') {
        await sql`CREATE VIRTUAL TABLE entries_fts USING fts5(
          title, body, author UNINDEXED, url UNINDEXED, tags UNINDEXED,
          tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
        await sql`CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
          DELETE FROM entries_fts WHERE rowid = old.id;
        END`.execute(db);
      } else {
        await sql`CREATE TABLE entry_search (
          entry_id bigint PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
          tsv tsvector NOT NULL,
          author text NOT NULL,
          url text NOT NULL,
          tags text NOT NULL)`.execute(db);
        await sql`CREATE INDEX entry_search_tsv ON entry_search USING gin (tsv)`.execute(db);
      }
      // Imported here: every process loads the migrations, few run this one (tokenizers and
      // entity tables would cost every command's start-up).
      const { reindexAllEntries } = await import('../../search/search-index.ts');
      await reindexAllEntries(db as Kysely<Schema>);
    },
  };
}
