// What a stream with a search needs beyond the page query (src/storage/streams.ts): the fields
// the in-process evaluator reads for the rows SQL can only pre-select (regex terms), and the
// dialect the SQL translation is written for.
import { PostgresAdapter, type Kysely } from 'kysely';
import type { SearchableEntry } from '../search/search-document.ts';
import type { Dialect } from './database.ts';
import { labelIdsOfEntries } from './labels.ts';
import type { Schema } from './schema.ts';
import type { EntryView } from './streams.ts';

export function dialectOf(db: Kysely<Schema>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** The rows of a page as entryMatchesSearch sees them (two small queries for the whole page). */
export async function searchableEntriesOf(
  db: Kysely<Schema>,
  userId: number,
  entries: readonly EntryView[],
): Promise<SearchableEntry[]> {
  if (entries.length === 0) return [];
  const ids = entries.map((e) => e.id);
  const [rows, labels] = await Promise.all([
    db
      .selectFrom('entries as e')
      .innerJoin('subscriptions as s', (j) =>
        j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
      )
      .leftJoin('entry_states as st', (j) =>
        j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', userId),
      )
      .select(['e.id', 'e.updated_at', 's.category_id', 'st.changed_at'])
      .where('e.id', 'in', ids)
      .execute(),
    labelIdsOfEntries(db, userId, ids),
  ]);
  const extra = new Map(rows.map((r) => [r.id, r]));
  return entries.map((e) => {
    const x = extra.get(e.id);
    return {
      id: e.id,
      feedId: e.feedId,
      categoryId: x?.category_id ?? null,
      title: e.title,
      content: e.content,
      url: e.url,
      authors: e.authors.map((a) => a.name ?? '').filter(Boolean),
      tags: e.categories,
      labelIds: labels.get(e.id) ?? [],
      language: e.language,
      publishedAt: e.dateAt,
      modifiedAt: x?.updated_at ?? null,
      userChangedAt: x?.changed_at ?? null,
    };
  });
}
