// The full-text index, kept in step with the entries table: rows written in the ingest
// transaction (indexStoredEntries), deleted with their entry by a trigger (SQLite) or a cascading
// foreign key (PostgreSQL). Both hold the pre-normalised tokens of search-document.ts, so
// stemming and CJK segmentation are the same on both databases:
// - SQLite: FTS5 table entries_fts(title, body, author, url, tags), rowid = entry id;
// - PostgreSQL: entry_search(entry_id, tsv, author, url, tags), tsv built with exact positions
//   (title weight A, body weight B, one position apart so phrases never straddle).
// The values of a row are computed in search-index-values.ts (pure, also run by the refresh's
// worker threads); this file writes them.
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../storage/is-postgres.ts';
import type { Schema } from '../storage/schema.ts';
import { searchIndexValues } from './search-index-values.ts';

export {
  authorNamesOfJson,
  lexemeText,
  searchIndexValues,
  stringListOfJson,
  tsvectorText,
} from './search-index-values.ts';

const CHUNK = 200;

interface StoredEntryRow {
  id: number;
  title: string;
  content: string;
  url: string | null;
  authors: string;
  categories: string;
  language: string | null;
}

/**
 * (Re)indexes the stored entries named by feed and identity key: called at the end of an ingest
 * with its new and changed entries, inside its transaction.
 */
export async function indexStoredEntries(
  trx: Transaction<Schema>,
  keys: readonly { feedId: number; guidKey: string }[],
): Promise<void> {
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const wanted = new Set(chunk.map((k) => `${k.feedId}\u0000${k.guidKey}`));
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'feed_id', 'guid_key', 'title', 'content', 'url', 'authors', 'categories', 'language'])
      .where('feed_id', 'in', [...new Set(chunk.map((k) => k.feedId))])
      .where('guid_key', 'in', [...new Set(chunk.map((k) => k.guidKey))])
      .execute();
    await writeIndexRows(
      trx,
      rows.filter((r) => wanted.has(`${r.feed_id}\u0000${r.guid_key}`)),
    );
  }
}

/**
 * Rebuilds the whole index (migration 007, a copy between databases), chunk by chunk, inside
 * the caller's transaction if `db` is one. Returns the number of entries indexed.
 */
export async function reindexAllEntries(db: Kysely<Schema>): Promise<number> {
  let after = -1;
  let total = 0;
  for (;;) {
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'title', 'content', 'url', 'authors', 'categories', 'language'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(CHUNK)
      .execute();
    if (rows.length === 0) return total;
    await writeIndexRows(db, rows);
    total += rows.length;
    after = rows.at(-1)!.id;
  }
}

async function writeIndexRows(trx: Kysely<Schema>, rows: readonly StoredEntryRow[]): Promise<void> {
  const postgres = isPostgres(trx);
  await writeSearchIndexValues(
    trx,
    rows.map((row) => ({ id: row.id, values: searchIndexValues(row, postgres) })),
    true,
  );
}

/** Rows of searchIndexValues per INSERT statement (SQLite allows 32,766 parameters). */
const INDEX_INSERT_ROWS = 500;

/**
 * Writes index rows computed by searchIndexValues for the entries `id`. `replace`: the entries
 * may already be indexed (changed entries); new entries skip the delete on SQLite.
 */
export async function writeSearchIndexValues(
  trx: Kysely<Schema>,
  rows: readonly { id: number; values: readonly string[] }[],
  replace: boolean,
): Promise<void> {
  if (rows.length === 0) return;
  const postgres = isPostgres(trx);
  for (let start = 0; start < rows.length; start += INDEX_INSERT_ROWS) {
    const part = rows.slice(start, start + INDEX_INSERT_ROWS);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of part) {
      const base = params.length;
      params.push(row.id, ...row.values);
      tuples.push(
        `(${params
          .slice(base)
          .map((_, k) => (postgres ? `$${base + k + 1}${k === 1 ? '::tsvector' : ''}` : '?'))
          .join(', ')})`,
      );
    }
    if (postgres) {
      await trx.executeQuery(
        CompiledQuery.raw(
          `insert into entry_search (entry_id, tsv, author, url, tags) values ${tuples.join(', ')}
         on conflict (entry_id) do update set tsv = excluded.tsv, author = excluded.author,
         url = excluded.url, tags = excluded.tags`,
          params,
        ),
      );
      continue;
    }
    if (replace) {
      const ids = part.map((r) => r.id);
      await trx.executeQuery(
        CompiledQuery.raw(`delete from entries_fts where rowid in (${ids.map(() => '?').join(', ')})`, ids),
      );
    }
    await trx.executeQuery(
      CompiledQuery.raw(
        `insert into entries_fts (rowid, title, body, author, url, tags) values ${tuples.join(', ')}`,
        params,
      ),
    );
  }
}
