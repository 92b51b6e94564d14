// Feeds: one row per URL and fetch options, shared by every subscriber who fetches it the same
// way; a feed fetched with a user's credentials, cookies or private headers is that user's alone.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FetchOptions } from '../model/fetch-result.ts';
import type { Feed, FeedUpdate, Schema } from './schema.ts';

/** True when the options carry something personal (credentials, cookies, headers, a proxy). */
export function isPrivateFetch(options: FetchOptions): boolean {
  return Boolean(
    options.cookie ||
    options.username ||
    options.password ||
    options.proxy ||
    Object.keys(options.headers ?? {}).length,
  );
}

function stableJson(options: FetchOptions): string {
  const sorted = Object.fromEntries(
    Object.entries(options)
      .filter(([, v]) => v !== undefined && v !== '' && !(typeof v === 'object' && !Object.keys(v).length))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return JSON.stringify(sorted);
}

/** The key that, with the URL, identifies a feed row. '' for the plain public fetch. */
export function fetchKeyFor(
  options: FetchOptions,
  userId: number,
): { fetchKey: string; ownerUserId: number | null } {
  const json = stableJson(options);
  if (json === '{}') return { fetchKey: '', ownerUserId: null };
  const digest = createHash('sha256').update(json).digest('hex').slice(0, 32);
  if (isPrivateFetch(options)) return { fetchKey: `user:${userId}:${digest}`, ownerUserId: userId };
  return { fetchKey: `opts:${digest}`, ownerUserId: null };
}

export async function feedById(db: Kysely<Schema>, id: number): Promise<Feed | undefined> {
  return db.selectFrom('feeds').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Finds the feed for this URL and options, or creates it (due for a check at once). */
export async function findOrCreateFeed(
  db: Kysely<Schema>,
  input: {
    url: string;
    options: FetchOptions;
    userId: number;
    title: string;
    siteUrl?: string | null;
    now: number;
  },
): Promise<Feed> {
  const { fetchKey, ownerUserId } = fetchKeyFor(input.options, input.userId);
  const existing = await db
    .selectFrom('feeds')
    .selectAll()
    .where('url', '=', input.url)
    .where('fetch_key', '=', fetchKey)
    .executeTakeFirst();
  if (existing) return existing;
  return db
    .insertInto('feeds')
    .values({
      url: input.url,
      fetch_key: fetchKey,
      owner_user_id: ownerUserId,
      fetch_options: fetchKey ? JSON.stringify(input.options) : null,
      title: input.title,
      site_url: input.siteUrl ?? null,
      description: null,
      language: null,
      icon_type: null,
      icon_data: null,
      icon_checked_at: null,
      etag: null,
      last_modified: null,
      body_hash: null,
      last_checked_at: null,
      last_status: null,
      last_error: null,
      last_error_code: null,
      error_count: 0,
      next_check_at: 0,
      created_at: input.now,
    })
    .onConflict((oc) => oc.columns(['url', 'fetch_key']).doNothing())
    .returningAll()
    .executeTakeFirst()
    .then(
      async (row) =>
        row ??
        (await db
          .selectFrom('feeds')
          .selectAll()
          .where('url', '=', input.url)
          .where('fetch_key', '=', fetchKey)
          .executeTakeFirstOrThrow()),
    );
}

export function fetchOptionsOf(feed: Pick<Feed, 'fetch_options'>): FetchOptions {
  if (!feed.fetch_options) return {};
  try {
    return JSON.parse(feed.fetch_options) as FetchOptions;
  } catch {
    return {};
  }
}

/** Feeds with at least one subscriber whose next check is due, soonest first. */
export async function feedsDueForRefresh(
  db: Kysely<Schema>,
  input: { now: number; userId?: number; force?: boolean; limit?: number },
): Promise<Feed[]> {
  let q = db
    .selectFrom('feeds')
    .selectAll('feeds')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('subscriptions')
          .select('subscriptions.id')
          .whereRef('subscriptions.feed_id', '=', 'feeds.id')
          .$if(input.userId !== undefined, (q2) => q2.where('subscriptions.user_id', '=', input.userId!)),
      ),
    )
    .orderBy('next_check_at')
    .orderBy('id');
  if (!input.force) q = q.where('next_check_at', '<=', input.now).where('gone_at', 'is', null);
  if (input.limit) q = q.limit(input.limit);
  return q.execute();
}

export async function updateFeed(db: Kysely<Schema>, id: number, update: FeedUpdate): Promise<void> {
  await db.updateTable('feeds').set(update).where('id', '=', id).execute();
}

export async function feedIcon(
  db: Kysely<Schema>,
  feedId: number,
): Promise<{ icon_type: string | null; icon_data: Uint8Array | null } | undefined> {
  return db
    .selectFrom('feeds')
    .select(['icon_type', 'icon_data'])
    .where('id', '=', feedId)
    .executeTakeFirst();
}

/** Deletes feeds nobody subscribes to any more (their entries go with them). */
export async function deleteOrphanFeeds(db: Kysely<Schema>): Promise<number> {
  const r = await db
    .deleteFrom('feeds')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('subscriptions')
            .select('subscriptions.id')
            .whereRef('subscriptions.feed_id', '=', 'feeds.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
