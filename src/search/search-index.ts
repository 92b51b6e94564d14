// The full-text index, kept in step with the entries table: rows written in the ingest
// transaction (indexStoredEntries), deleted with their entry by a trigger (SQLite) or a cascading
// foreign key (PostgreSQL). Both hold the pre-normalised tokens of search-document.ts, so
// stemming and CJK segmentation are the same on both databases:
// - SQLite: FTS5 table entries_fts(title, body, author, url, tags), rowid = entry id;
// - PostgreSQL: entry_search(entry_id, tsv, author, url, tags), tsv built here with exact
//   positions (title weight A, body weight B, one position apart so phrases never straddle).
import { CompiledQuery, PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { Schema } from '../storage/schema.ts';
import { searchDocumentOf, type SearchDocument } from './search-document.ts';

const CHUNK = 200;
/** PostgreSQL's largest tsvector position. */
const MAX_POSITION = 16383;

interface StoredEntryRow {
  id: number;
  title: string;
  content: string;
  url: string | null;
  authors: string;
  categories: string;
  language: string | null;
}

function isPostgres(db: Kysely<Schema>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
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
  if (rows.length === 0) return;
  const postgres = isPostgres(trx);
  const ids = rows.map((r) => r.id);
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const doc = searchDocumentOf({
      title: row.title,
      content: row.content,
      url: row.url,
      authors: namesOf(row.authors),
      tags: stringsOf(row.categories),
      language: row.language,
    });
    const base = params.length;
    const values = postgres
      ? [row.id, tsvectorText(doc), doc.authorText, doc.urlText, doc.tagText]
      : [
          row.id,
          doc.titleTokens.join(' '),
          doc.bodyTokens.join(' '),
          doc.authorText,
          doc.urlText,
          doc.tagText,
        ];
    params.push(...values);
    tuples.push(
      `(${values.map((_, k) => (postgres ? `$${base + k + 1}${k === 1 ? '::tsvector' : ''}` : '?')).join(', ')})`,
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
  } else {
    await trx.executeQuery(
      CompiledQuery.raw(`delete from entries_fts where rowid in (${ids.map(() => '?').join(', ')})`, ids),
    );
    await trx.executeQuery(
      CompiledQuery.raw(
        `insert into entries_fts (rowid, title, body, author, url, tags) values ${tuples.join(', ')}`,
        params,
      ),
    );
  }
}

/** A tsvector literal: every token at its position, title tokens weighted A, body tokens B. */
export function tsvectorText(doc: SearchDocument): string {
  const positions = new Map<string, string[]>();
  const add = (token: string, position: number, weight: 'A' | 'B') => {
    const list = positions.get(token) ?? [];
    if (list.length === 0) positions.set(token, list);
    if (position <= MAX_POSITION) list.push(`${position}${weight}`);
    else if (list.length === 0) list.push(`${MAX_POSITION}${weight}`);
  };
  doc.titleTokens.forEach((t, i) => add(t, i + 1, 'A'));
  const bodyStart = doc.titleTokens.length + 2;
  doc.bodyTokens.forEach((t, i) => add(t, bodyStart + i, 'B'));
  return [...positions].map(([token, list]) => `${lexemeText(token)}:${list.join(',')}`).join(' ');
}

/** A quoted tsvector/tsquery lexeme. */
export function lexemeText(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function namesOf(json: string): string[] {
  try {
    const people = JSON.parse(json) as unknown;
    if (!Array.isArray(people)) return [];
    return people
      .map((p) =>
        p && typeof p === 'object' && 'name' in p ? String((p as { name: unknown }).name ?? '') : '',
      )
      .filter(Boolean);
  } catch {
    return [];
  }
}

function stringsOf(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
