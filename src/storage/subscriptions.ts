// A user's subscriptions: title override, category, priority, read horizon and unread count.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Schema, Subscription } from './schema.ts';

export interface SubscriptionView {
  id: number;
  feedId: number;
  categoryId: number | null;
  title: string;
  feedUrl: string;
  siteUrl: string | null;
  priority: number;
  /** Muted: greyed in the sidebar, out of the main stream. */
  muted: boolean;
  unreadCount: number;
  hasIcon: boolean;
  lastError: string | null;
  lastCheckedAt: number | null;
  nextCheckAt: number;
}

// One collator for every sort: String#localeCompare builds one per call (8 ms for 1,000 feeds).
const TITLE_ORDER = new Intl.Collator();

/** Every subscription of a user with what the sidebar shows. One query, no per-feed counting. */
export async function subscriptionsForUser(db: Kysely<Schema>, userId: number): Promise<SubscriptionView[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select([
      's.id',
      's.feed_id',
      's.category_id',
      's.title as sub_title',
      'f.title as feed_title',
      'f.url',
      'f.site_url',
      's.priority',
      's.muted',
      's.unread_count',
      'f.icon_type',
      'f.last_error',
      'f.last_checked_at',
      'f.next_check_at',
    ])
    .where('s.user_id', '=', userId)
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      feedId: r.feed_id,
      categoryId: r.category_id,
      title: r.sub_title || r.feed_title || r.url,
      feedUrl: r.url,
      siteUrl: r.site_url,
      priority: r.priority,
      muted: r.muted === 1,
      unreadCount: r.unread_count,
      hasIcon: r.icon_type !== null,
      lastError: r.last_error,
      lastCheckedAt: r.last_checked_at,
      nextCheckAt: r.next_check_at,
    }))
    .sort((a, b) => TITLE_ORDER.compare(a.title, b.title));
}

/** What the sidebar, the global view and the stream page read of each subscription. */
export type SidebarSubscription = Pick<
  SubscriptionView,
  'feedId' | 'categoryId' | 'title' | 'priority' | 'muted' | 'unreadCount' | 'lastError'
>;

/** The last list sidebarSubscriptions read for each user of each database, and its JSON text. */
const lastLists = new WeakMap<Kysely<Schema>, Map<number, { text: string; list: SidebarSubscription[] }>>();
/** Users remembered per database (a list of 1,000 feeds holds ~0.3 MB with its text). */
const LAST_LISTS_MAX = 64;

/** One subscription as sidebarSubscriptions reads it: the columns in this order. */
type SidebarTuple = [
  feedId: number,
  categoryId: number | null,
  title: string,
  priority: number,
  muted: number,
  unreadCount: number,
  lastError: string | null,
];

/**
 * Every subscription of a user with only what a stream page shows, sorted by title: the same
 * rows as subscriptionsForUser with 7 columns instead of 14 (the title chosen in SQL). A 1,000-feed
 * page reads them on every request, and the cost is in turning columns into values: the database
 * writes them as one JSON array of arrays (one row, one string), which JSON.parse turns into
 * values three times faster than the driver builds 1,000 row objects (SQLite: 0.5 ms instead of
 * 1.4 ms for 1,000 feeds). When that text is the one read last time for this user, the list built
 * then is returned again (the same frozen array): the query always runs, so a change made by any
 * process shows at once, and an unchanged list costs neither parsing nor sorting, and lets the
 * sidebar reuse what it wrote for it (src/http/views/sidebar.tsx).
 */
export async function sidebarSubscriptions(
  db: Kysely<Schema>,
  userId: number,
): Promise<SidebarSubscription[]> {
  const tuple = sql`s.feed_id, s.category_id, coalesce(nullif(s.title, ''), nullif(f.title, ''), f.url), s.priority, s.muted, s.unread_count, f.last_error`;
  // As text on both (PostgreSQL's json_agg is null for no row).
  const list =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql<string | null>`coalesce(json_agg(json_build_array(${tuple})), '[]')::text`
      : sql<string | null>`json_group_array(json_array(${tuple}))`;
  const row = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(list.as('list'))
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
  const text = row?.list ?? '[]';
  let lists = lastLists.get(db);
  if (!lists) lastLists.set(db, (lists = new Map()));
  const last = lists.get(userId);
  if (last && last.text === text) return last.list;
  const subs = (JSON.parse(text) as SidebarTuple[])
    .map(([feedId, categoryId, title, priority, muted, unreadCount, lastError]) =>
      Object.freeze({
        feedId,
        categoryId,
        title,
        priority,
        muted: muted === 1,
        unreadCount,
        lastError,
      }),
    )
    .sort((a, b) => TITLE_ORDER.compare(a.title, b.title));
  // Frozen: the same array goes to every later request until the data changes.
  Object.freeze(subs);
  if (lists.size >= LAST_LISTS_MAX) lists.clear();
  lists.set(userId, { text, list: subs });
  return subs;
}

/** Each subscribed feed's unread count (what the page polls and a toggle answers): one narrow query. */
export async function unreadCountsForUser(db: Kysely<Schema>, userId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['feed_id', 'unread_count'])
    .where('user_id', '=', userId)
    .execute();
  return new Map(rows.map((r) => [r.feed_id, r.unread_count]));
}

export async function subscriptionForFeed(
  db: Kysely<Schema>,
  userId: number,
  feedId: number,
): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .executeTakeFirst();
}

/**
 * Subscribes a user to a feed. Entries already stored for the feed start unread (the user has
 * not seen them): the horizon starts at 0 and the count is computed from the feed's entries.
 */
export async function subscribe(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; categoryId: number | null; title?: string | null; now: number },
): Promise<Subscription> {
  const existing = await subscriptionForFeed(db, input.userId, input.feedId);
  if (existing) return existing;
  return db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('feed_id', '=', input.feedId)
      .executeTakeFirstOrThrow();
    return trx
      .insertInto('subscriptions')
      .values({
        user_id: input.userId,
        feed_id: input.feedId,
        category_id: input.categoryId,
        title: input.title ?? null,
        priority: 1,
        read_horizon: 0,
        unread_count: Number(count.n),
        created_at: input.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function moveSubscription(
  db: Kysely<Schema>,
  userId: number,
  feedId: number,
  categoryId: number | null,
): Promise<void> {
  // A feed the user moves becomes the user's own: no category's OPML removes it any more
  // (opml_managed, migration 012). Only a real move counts.
  await db
    .updateTable('subscriptions')
    .set({ category_id: categoryId, opml_managed: 0 })
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .where((eb) =>
      categoryId === null
        ? eb('category_id', 'is not', null)
        : eb.or([eb('category_id', 'is', null), eb('category_id', '!=', categoryId)]),
    )
    .execute();
}

export async function renameSubscription(
  db: Kysely<Schema>,
  userId: number,
  feedId: number,
  title: string | null,
): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ title })
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .execute();
}

/** Unsubscribes; the user's states for that feed go, and the feed too when nobody else reads it. */
export async function unsubscribe(db: Kysely<Schema>, userId: number, feedId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('entry_labels')
      .where('user_id', '=', userId)
      .where('entry_id', 'in', (eb) => eb.selectFrom('entries').select('id').where('feed_id', '=', feedId))
      .execute();
    await trx
      .deleteFrom('entry_states')
      .where('user_id', '=', userId)
      .where('feed_id', '=', feedId)
      .execute();
    await trx
      .deleteFrom('subscriptions')
      .where('user_id', '=', userId)
      .where('feed_id', '=', feedId)
      .execute();
    const others = await trx
      .selectFrom('subscriptions')
      .select('id')
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    if (!others) await trx.deleteFrom('feeds').where('id', '=', feedId).execute();
  });
}
