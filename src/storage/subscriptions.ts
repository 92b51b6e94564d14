// A user's subscriptions: title override, category, priority, read horizon and unread count.
import type { Kysely } from 'kysely';
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
  await db
    .updateTable('subscriptions')
    .set({ category_id: categoryId })
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
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
