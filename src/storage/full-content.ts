// Storage side of full-content retrieval (src/refresh/full-content.ts, src/http/ui/entry-full-content.ts):
// which incoming entries need their page fetched, the entry a user asks for, storing the result.
import { PostgresAdapter, type Kysely } from 'kysely';
import type { FetchOptions } from '../model/fetch-result.ts';
import type { Feed, Schema } from './schema.ts';
import { feedById, fetchKeyFor, fetchOptionsOf, findOrCreateFeed } from './feeds.ts';
import { subscribe, subscriptionForFeed, unsubscribe } from './subscriptions.ts';

/** How the last full-content retrieval of a feed went (feeds.full_content_log, as JSON). */
export interface FullContentLog {
  at: number;
  fetched: number;
  failed: number;
  /** The last failure's message and page, when one failed. */
  error: string | null;
  url: string | null;
}

export function fullContentLogOf(feed: Pick<Feed, 'full_content_log'>): FullContentLog | null {
  if (!feed.full_content_log) return null;
  try {
    return JSON.parse(feed.full_content_log) as FullContentLog;
  } catch {
    return null;
  }
}

const CHUNK = 500;

/**
 * The identity keys, among `entries` of feed `feedId`, whose content the store will write: new
 * entries (not stored, not purged, not a stored entry under a new GUID with the same link and
 * content), and stored ones whose content hash changed (the ingest rewrites their content).
 */
export async function entriesToEnrich(
  db: Kysely<Schema>,
  feedId: number,
  entries: readonly { guidKey: string; url: string | null; contentHash: string }[],
): Promise<Set<string>> {
  const keys = [...new Set(entries.map((e) => e.guidKey))];
  const stored = new Map<string, string>();
  const dead = new Set<string>();
  const byUrl = new Map<string, Set<string>>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const part = keys.slice(i, i + CHUNK);
    const rows = await db
      .selectFrom('entries')
      .select(['guid_key', 'content_hash'])
      .where('feed_id', '=', feedId)
      .where('guid_key', 'in', part)
      .execute();
    for (const r of rows) stored.set(r.guid_key, r.content_hash);
    const tombs = await db
      .selectFrom('entry_tombstones')
      .select('guid_key')
      .where('feed_id', '=', feedId)
      .where('guid_key', 'in', part)
      .execute();
    for (const t of tombs) dead.add(t.guid_key);
  }
  // Feeds whose GUIDs change at every fetch: the same link and content is the same entry.
  const urls = [...new Set(entries.filter((e) => !stored.has(e.guidKey) && e.url).map((e) => e.url!))];
  for (let i = 0; i < urls.length; i += CHUNK) {
    const rows = await db
      .selectFrom('entries')
      .select(['url', 'content_hash'])
      .where('feed_id', '=', feedId)
      .where('url', 'in', urls.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) {
      if (!r.url) continue;
      const set = byUrl.get(r.url) ?? new Set<string>();
      set.add(r.content_hash);
      byUrl.set(r.url, set);
    }
  }
  const out = new Set<string>();
  for (const e of entries) {
    if (dead.has(e.guidKey) && !stored.has(e.guidKey)) continue;
    const hash = stored.get(e.guidKey);
    if (hash !== undefined) {
      if (hash !== e.contentHash) out.add(e.guidKey);
      continue;
    }
    if (e.url && byUrl.get(e.url)?.has(e.contentHash)) continue;
    out.add(e.guidKey);
  }
  return out;
}

export interface EntryForFullContent {
  id: number;
  feedId: number;
  url: string | null;
  title: string;
  content: string;
  feedUrl: string;
  feedOwner: number | null;
  options: FetchOptions;
}

/** An entry of a feed `userId` subscribes to, with what fetching its page needs; undefined otherwise. */
export async function entryForFullContent(
  db: Kysely<Schema>,
  userId: number,
  entryId: number,
): Promise<EntryForFullContent | undefined> {
  const row = await db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
    )
    .innerJoin('feeds as f', 'f.id', 'e.feed_id')
    .select([
      'e.id',
      'e.feed_id',
      'e.url',
      'e.title',
      'e.content',
      'f.url as feed_url',
      'f.owner_user_id',
      'f.fetch_options',
    ])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: Number(row.id),
    feedId: row.feed_id,
    url: row.url,
    title: row.title,
    content: row.content,
    feedUrl: row.feed_url,
    feedOwner: row.owner_user_id,
    options: fetchOptionsOf(row),
  };
}

/**
 * Replaces an entry's content (and its full-text index), keeping its content hash: the next
 * refresh compares the feed's item with what the feed said, not with the fetched article.
 */
export async function storeEntryContent(db: Kysely<Schema>, entryId: number, content: string): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const { searchIndexValues } = await import('../search/search-index-values.ts');
  const { writeSearchIndexValues } = await import('../search/search-index.ts');
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('entries')
      .set({ content })
      .where('id', '=', entryId)
      .returning(['title', 'content', 'url', 'authors', 'categories', 'language'])
      .executeTakeFirst();
    if (!row) return;
    await writeSearchIndexValues(trx, [{ id: entryId, values: searchIndexValues(row, postgres) }], true);
  });
}

export type OptionsChange =
  { kind: 'same' | 'updated' | 'moved'; feedId: number } | { kind: 'would-lose' } | { kind: 'not-found' };

/**
 * Gives `userId`'s subscription to feed `feedId` new fetch options (full-content settings…).
 * Options are part of a feed's identity (url + fetch_key), so another subscriber never sees
 * what one user chose:
 * - the user alone on the row, no row yet for the new options, and the row stays as private or
 *   as shared as it was: the row itself changes (its entries and the user's states stay);
 * - otherwise the subscription moves to the row for the new options (found or made, fetched at
 *   the next refresh) with its category, title, priority and per-feed settings; refused when the
 *   user has favourites or labels on the old row's entries, which the move would drop.
 */
export async function changeFeedOptionsForUser(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; options: FetchOptions; now: number },
): Promise<OptionsChange> {
  const feed = await feedById(db, input.feedId);
  const sub = feed ? await subscriptionForFeed(db, input.userId, input.feedId) : undefined;
  if (!feed || !sub) return { kind: 'not-found' };
  const { fetchKey, ownerUserId } = fetchKeyFor(input.options, input.userId);
  if (fetchKey === feed.fetch_key) return { kind: 'same', feedId: feed.id };
  const target = await db
    .selectFrom('feeds')
    .select('id')
    .where('url', '=', feed.url)
    .where('fetch_key', '=', fetchKey)
    .executeTakeFirst();
  const others = await db
    .selectFrom('subscriptions')
    .select('id')
    .where('feed_id', '=', feed.id)
    .where('user_id', '!=', input.userId)
    .executeTakeFirst();
  // A row fetched with a user's credentials must not become one others may join.
  if (!target && !others && ownerUserId === feed.owner_user_id) {
    await db
      .updateTable('feeds')
      .set({
        fetch_key: fetchKey,
        owner_user_id: ownerUserId,
        fetch_options: fetchKey ? JSON.stringify(input.options) : null,
      })
      .where('id', '=', feed.id)
      .execute();
    return { kind: 'updated', feedId: feed.id };
  }
  const kept = await db
    .selectFrom('entry_states')
    .select('entry_id')
    .where('user_id', '=', input.userId)
    .where('feed_id', '=', feed.id)
    .where('starred', '=', 1)
    .executeTakeFirst();
  const labelled = await db
    .selectFrom('entry_labels as l')
    .innerJoin('entries as e', 'e.id', 'l.entry_id')
    .select('l.entry_id')
    .where('l.user_id', '=', input.userId)
    .where('e.feed_id', '=', feed.id)
    .executeTakeFirst();
  if (kept || labelled) return { kind: 'would-lose' };
  const next = await findOrCreateFeed(db, {
    url: feed.url,
    options: input.options,
    userId: input.userId,
    title: feed.title,
    siteUrl: feed.site_url,
    now: input.now,
  });
  await subscribe(db, {
    userId: input.userId,
    feedId: next.id,
    categoryId: sub.category_id,
    title: sub.title,
    now: input.now,
  });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('subscriptions')
      .set({ priority: sub.priority, muted: sub.muted, import_extras: sub.import_extras })
      .where('user_id', '=', input.userId)
      .where('feed_id', '=', next.id)
      .execute();
    // The user's per-feed filters and retention policy follow the subscription.
    await trx
      .updateTable('filter_actions')
      .set({ scope_id: next.id })
      .where('user_id', '=', input.userId)
      .where('scope', '=', 'feed')
      .where('scope_id', '=', feed.id)
      .execute();
    await trx
      .updateTable('retention_policies')
      .set({ scope_id: next.id })
      .where('user_id', '=', input.userId)
      .where('scope', '=', 'feed')
      .where('scope_id', '=', feed.id)
      .execute();
  });
  await unsubscribe(db, input.userId, feed.id);
  return { kind: 'moved', feedId: next.id };
}
