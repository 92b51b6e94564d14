// What an export reads: a user's categories and subscriptions with their fetch options and kept
// OPML attributes, and the user's favourite or labelled entries page by page (in id order, so a
// long list never sits in memory at once).
import type { Kysely } from 'kysely';
import type { ParsedEnclosure, ParsedPerson } from '../model/parsed-feed.ts';
import type { FetchOptions } from '../model/fetch-result.ts';
import { fetchOptionsOf } from './feeds.ts';
import { parseImportExtras, type ImportExtras } from './import-extras.ts';
import type { Schema } from './schema.ts';

export interface CategoryForExport {
  id: number;
  name: string;
  extras: ImportExtras;
  /** The OPML a dynamic category follows (migration 012). */
  opmlUrl: string | null;
}

export interface SubscriptionForExport {
  feedId: number;
  categoryId: number | null;
  title: string;
  url: string;
  siteUrl: string | null;
  options: FetchOptions;
  extras: ImportExtras;
}

const TITLE_ORDER = new Intl.Collator();

export async function subscriptionsForExport(
  db: Kysely<Schema>,
  userId: number,
): Promise<{ categories: CategoryForExport[]; subscriptions: SubscriptionForExport[] }> {
  const [categories, rows] = await Promise.all([
    db
      .selectFrom('categories')
      .select(['id', 'name', 'import_extras', 'opml_url'])
      .where('user_id', '=', userId)
      .orderBy('position')
      .orderBy('name')
      .execute(),
    db
      .selectFrom('subscriptions as s')
      .innerJoin('feeds as f', 'f.id', 's.feed_id')
      .select([
        's.feed_id',
        's.category_id',
        's.title as sub_title',
        's.import_extras',
        'f.title as feed_title',
        'f.url',
        'f.site_url',
        'f.fetch_options',
      ])
      .where('s.user_id', '=', userId)
      .execute(),
  ]);
  return {
    categories: categories.map((c) => ({
      id: c.id,
      name: c.name,
      extras: parseImportExtras(c.import_extras),
      opmlUrl: c.opml_url,
    })),
    subscriptions: rows
      .map((r) => ({
        feedId: r.feed_id,
        categoryId: r.category_id,
        title: r.sub_title || r.feed_title || r.url,
        url: r.url,
        siteUrl: r.site_url,
        options: fetchOptionsOf(r),
        extras: parseImportExtras(r.import_extras),
      }))
      .sort((a, b) => TITLE_ORDER.compare(a.title, b.title)),
  };
}

export interface EntryForExport {
  id: number;
  feedId: number;
  guidKey: string;
  guid: string | null;
  url: string | null;
  title: string;
  content: string;
  authors: ParsedPerson[];
  dateAt: number;
  enclosures: ParsedEnclosure[];
  categories: string[];
  read: boolean;
  starred: boolean;
  labels: string[];
  feed: { url: string; title: string; siteUrl: string | null };
}

function parsedList<T>(json: string): T[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

/**
 * The user's favourite or labelled entries with id > afterId, in id order, at most `limit`, and
 * the id to go on after (null at the end).
 */
export async function starredOrLabelledEntries(
  db: Kysely<Schema>,
  input: { userId: number; afterId: number; limit: number },
): Promise<{ entries: EntryForExport[]; lastId: number | null }> {
  const { userId } = input;
  // The next ids first, from the indexes on favourites (user, starred, entry) and labels: the
  // cost follows the number of favourites, not the number of entries.
  const [starredIds, labelledIds] = await Promise.all([
    db
      .selectFrom('entry_states')
      .select('entry_id')
      .where('user_id', '=', userId)
      .where('starred', '=', 1)
      .where('entry_id', '>', input.afterId)
      .orderBy('entry_id')
      .limit(input.limit)
      .execute(),
    db
      .selectFrom('entry_labels')
      .select('entry_id')
      .distinct()
      .where('user_id', '=', userId)
      .where('entry_id', '>', input.afterId)
      .orderBy('entry_id')
      .limit(input.limit)
      .execute(),
  ]);
  const ids = [...new Set([...starredIds, ...labelledIds].map((r) => r.entry_id))]
    .sort((a, b) => a - b)
    .slice(0, input.limit);
  if (ids.length === 0) return { entries: [], lastId: null };
  const rows = await db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
    )
    .innerJoin('feeds as f', 'f.id', 'e.feed_id')
    .leftJoin('entry_states as st', (j) => j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', userId))
    .select([
      'e.id',
      'e.feed_id',
      'e.guid_key',
      'e.guid',
      'e.url',
      'e.title',
      'e.content',
      'e.authors',
      'e.date_at',
      'e.enclosures',
      'e.categories',
      'st.read_override',
      'st.starred',
      's.read_horizon',
      's.title as sub_title',
      'f.title as feed_title',
      'f.url as feed_url',
      'f.site_url',
    ])
    .where('e.id', 'in', ids)
    .orderBy('e.id')
    .execute();
  const labels = new Map<number, string[]>();
  if (rows.length) {
    const named = await db
      .selectFrom('entry_labels as el')
      .innerJoin('labels as l', 'l.id', 'el.label_id')
      .select(['el.entry_id', 'l.name'])
      .where('el.user_id', '=', userId)
      .where(
        'el.entry_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('l.name')
      .execute();
    for (const r of named) labels.set(r.entry_id, [...(labels.get(r.entry_id) ?? []), r.name]);
  }
  const entries = rows.map((r) => ({
    id: r.id,
    feedId: r.feed_id,
    guidKey: r.guid_key,
    guid: r.guid,
    url: r.url,
    title: r.title,
    content: r.content,
    authors: parsedList<ParsedPerson>(r.authors),
    dateAt: r.date_at,
    enclosures: parsedList<ParsedEnclosure>(r.enclosures),
    categories: parsedList<string>(r.categories),
    read: r.read_override !== null ? r.read_override === 1 : r.id <= r.read_horizon,
    starred: r.starred === 1,
    labels: labels.get(r.id) ?? [],
    feed: { url: r.feed_url, title: r.sub_title || r.feed_title || r.feed_url, siteUrl: r.site_url },
  }));
  return { entries, lastId: ids.at(-1)! };
}

/** The "mark as read" searches of each of the user's feeds that has some (feed-level filters only). */
export async function readFilterSearchesByFeed(
  db: Kysely<Schema>,
  userId: number,
): Promise<Map<number, string[]>> {
  const rows = await db
    .selectFrom('filter_actions')
    .select(['scope_id', 'searches'])
    .where('user_id', '=', userId)
    .where('scope', '=', 'feed')
    .where('action', '=', 'read')
    .orderBy('position')
    .orderBy('id')
    .execute();
  const out = new Map<number, string[]>();
  for (const r of rows) {
    if (r.scope_id === null) continue;
    const lines = r.searches
      .split(/\r?\n|\r/)
      .map((line) => line.trim())
      .filter(Boolean);
    out.set(r.scope_id, [...(out.get(r.scope_id) ?? []), ...lines]);
  }
  return out;
}
