// Dynamic OPML categories (migration 012): the OPML URL of a category, its schedule and the
// outcome of its last check, and which of its subscriptions the OPML manages. A check is claimed
// with a lease (compare-and-set on `opml_lease_until` in one UPDATE), so that two processes, or a
// user's "refresh now" and a worker, never check the same category at the same time.
import { sql, type Kysely } from 'kysely';
import type { Category, Schema } from './schema.ts';

/** What a successful check did, stored as JSON in `categories.opml_result`. */
export interface DynamicOpmlResult {
  /** Feeds the OPML lists. */
  listed: number;
  /** Subscribed by this check. */
  added: number;
  /** Unsubscribed by this check (they left the OPML). */
  removed: number;
  /** Left the OPML but kept, muted, because the user starred or labelled some of their articles. */
  kept: number;
  /** Listed, but the user follows them in another category: left where they are. */
  elsewhere: number;
  /** Listed feeds whose address is not http(s): skipped. */
  invalid: number;
  /** The server answered 304 Not Modified: nothing to do. */
  unchanged: boolean;
}

export interface DynamicCategoryStatus {
  url: string;
  checkedAt: number | null;
  nextCheckAt: number | null;
  error: string | null;
  result: DynamicOpmlResult | null;
}

export function dynamicCategoryStatus(category: Category): DynamicCategoryStatus | null {
  if (!category.opml_url) return null;
  let result: DynamicOpmlResult | null = null;
  if (category.opml_result) {
    try {
      result = JSON.parse(category.opml_result) as DynamicOpmlResult;
    } catch {
      result = null;
    }
  }
  return {
    url: category.opml_url,
    checkedAt: category.opml_checked_at,
    nextCheckAt: category.opml_next_check_at,
    error: category.opml_error,
    result,
  };
}

/**
 * Sets (or, with null, removes) the OPML a category follows. A new address is due for a check at
 * once and forgets what was known of the previous one. Returns false when the category is not the
 * user's.
 */
export async function setCategoryOpmlUrl(
  db: Kysely<Schema>,
  input: { userId: number; categoryId: number; url: string | null; now: number },
): Promise<boolean> {
  const current = await db
    .selectFrom('categories')
    .select('opml_url')
    .where('user_id', '=', input.userId)
    .where('id', '=', input.categoryId)
    .executeTakeFirst();
  if (!current) return false;
  if (current.opml_url === input.url) return true;
  await db
    .updateTable('categories')
    .set({
      opml_url: input.url,
      opml_next_check_at: input.url === null ? null : input.now,
      opml_checked_at: null,
      opml_error: null,
      opml_result: null,
      opml_etag: null,
      opml_last_modified: null,
    })
    .where('user_id', '=', input.userId)
    .where('id', '=', input.categoryId)
    .execute();
  return true;
}

/**
 * Leases dynamic categories for a check: those due (`opml_next_check_at <= now`), of one user or
 * of all, or with `ids` the given ones whatever their schedule (a user asked). A category whose lease is held by
 * another check is left out. Returns the leased rows.
 */
export async function claimDynamicCategories(
  db: Kysely<Schema>,
  input: { now: number; leaseMs: number; limit: number; ids?: number[]; userId?: number },
): Promise<Category[]> {
  const candidates = await db
    .selectFrom('categories')
    .select('id')
    .where('opml_url', 'is not', null)
    .$if(input.userId !== undefined, (q) => q.where('user_id', '=', input.userId!))
    .$if(input.ids === undefined, (q) => q.where('opml_next_check_at', '<=', input.now))
    .$if(input.ids !== undefined, (q) => q.where('id', 'in', input.ids!.length ? input.ids! : [-1]))
    .where((eb) => eb.or([eb('opml_lease_until', 'is', null), eb('opml_lease_until', '<', input.now)]))
    .orderBy('opml_next_check_at')
    .orderBy('id')
    .limit(input.limit)
    .execute();
  const claimed: Category[] = [];
  for (const { id } of candidates) {
    // The lease is taken only if it is still free: under PostgreSQL's row lock, or SQLite's
    // write lock, exactly one of two concurrent claimers updates the row.
    const row = await db
      .updateTable('categories')
      .set({ opml_lease_until: input.now + input.leaseMs })
      .where('id', '=', id)
      .where('opml_url', 'is not', null)
      .where((eb) => eb.or([eb('opml_lease_until', 'is', null), eb('opml_lease_until', '<', input.now)]))
      .returningAll()
      .executeTakeFirst();
    if (row) claimed.push(row);
  }
  return claimed;
}

/** Stores the outcome of a check, schedules the next one and gives the lease back. */
export async function recordDynamicCategoryCheck(
  db: Kysely<Schema>,
  input: {
    categoryId: number;
    /** The URL that was checked: if the user changed it meanwhile, only the lease is given back. */
    url: string;
    now: number;
    nextCheckAt: number;
    outcome:
      | { kind: 'ok'; result: DynamicOpmlResult; etag: string | null; lastModified: string | null }
      | { kind: 'error'; message: string };
  },
): Promise<void> {
  const { outcome } = input;
  await db
    .updateTable('categories')
    .set(
      outcome.kind === 'ok'
        ? {
            opml_checked_at: input.now,
            opml_next_check_at: input.nextCheckAt,
            opml_lease_until: null,
            opml_error: null,
            opml_result: JSON.stringify(outcome.result),
            opml_etag: outcome.etag,
            opml_last_modified: outcome.lastModified,
          }
        : {
            opml_checked_at: input.now,
            opml_next_check_at: input.nextCheckAt,
            opml_lease_until: null,
            opml_error: outcome.message,
          },
    )
    .where('id', '=', input.categoryId)
    .where('opml_url', '=', input.url)
    .execute();
  await db
    .updateTable('categories')
    .set({ opml_lease_until: null })
    .where('id', '=', input.categoryId)
    .where('opml_url', '!=', input.url)
    .execute();
}

export interface UserSubscriptionKey {
  feedId: number;
  /** The feed's URL and fetch key: what identifies it (src/storage/feeds.ts). */
  url: string;
  fetchKey: string;
  categoryId: number | null;
  /** 0 the user's own, 1 subscribed by the category's OPML, 2 left the OPML and kept muted. */
  managed: number;
}

/** Every subscription of a user with its feed's identity: one query for a whole check. */
export async function userSubscriptionKeys(
  db: Kysely<Schema>,
  userId: number,
): Promise<UserSubscriptionKey[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(['s.feed_id', 'f.url', 'f.fetch_key', 's.category_id', 's.opml_managed'])
    .where('s.user_id', '=', userId)
    .execute();
  return rows.map((r) => ({
    feedId: r.feed_id,
    url: r.url,
    fetchKey: r.fetch_key,
    categoryId: r.category_id,
    managed: r.opml_managed,
  }));
}

/** Sets how the OPML manages these subscriptions of the user, and whether they are muted. */
export async function setOpmlManaged(
  db: Kysely<Schema>,
  input: { userId: number; feedIds: number[]; managed: number; muted?: boolean },
): Promise<void> {
  for (let i = 0; i < input.feedIds.length; i += 500) {
    await db
      .updateTable('subscriptions')
      .set({
        opml_managed: input.managed,
        ...(input.muted === undefined ? {} : { muted: input.muted ? 1 : 0 }),
      })
      .where('user_id', '=', input.userId)
      .where('feed_id', 'in', input.feedIds.slice(i, i + 500))
      .execute();
  }
}

/** True when the user starred or labelled at least one article of the feed. */
export async function hasSavedEntries(db: Kysely<Schema>, userId: number, feedId: number): Promise<boolean> {
  const starred = await db
    .selectFrom('entry_states')
    .select('entry_id')
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .where('starred', '=', 1)
    .limit(1)
    .executeTakeFirst();
  if (starred) return true;
  const labelled = await db
    .selectFrom('entry_labels as l')
    .innerJoin('entries as e', 'e.id', 'l.entry_id')
    .select(sql<number>`1`.as('one'))
    .where('l.user_id', '=', userId)
    .where('e.feed_id', '=', feedId)
    .limit(1)
    .executeTakeFirst();
  return labelled !== undefined;
}
