// Dynamic OPML categories (FreshRSS's "opml_url", 1.20): a category follows a remote OPML. A check
// fetches it through the feed fetcher (SSRF guard on every redirect hop, body cap, timeouts),
// subscribes the user, in that category, to the feeds it lists, and unsubscribes the feeds the
// OPML subscribed before and no longer lists; one whose articles the user starred or labelled is
// kept, muted, instead (and unmuted if it comes back). The user's own subscriptions are never
// touched: a listed feed the user follows in another category stays there, and a feed the user
// filed in the dynamic category is not the OPML's to remove. A failed check (unreachable, not
// OPML, truncated) is stored on the category with its cause and changes no subscription.
// Checks are due every 12 hours (FreshRSS's dynamic_opml_ttl_default), after a failure every
// hour; `veille serve` and `veille worker` run them beside the purge (src/refresh/maintenance.ts).
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/logger.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import { settingsFromOutline } from '../reader/opml/outline-settings.ts';
import type { OpmlFeed } from '../reader/opml/parse-opml.ts';
import { remoteOpmlFeeds } from '../reader/opml/remote-opml-feeds.ts';
import { categoryById } from '../storage/categories.ts';
import {
  claimDynamicCategories,
  hasSavedEntries,
  recordDynamicCategoryCheck,
  setOpmlManaged,
  userSubscriptionKeys,
  type DynamicOpmlResult,
} from '../storage/dynamic-categories.ts';
import { fetchKeyFor, findOrCreateFeed } from '../storage/feeds.ts';
import type { Category, Schema } from '../storage/schema.ts';
import { subscribe, unsubscribe } from '../storage/subscriptions.ts';

export interface DynamicOpmlDeps {
  db: Kysely<Schema>;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
}

/** FreshRSS's dynamic_opml_ttl_default: 43,200 s. */
export const DYNAMIC_OPML_INTERVAL_MS = 43_200_000;
/** After a failed check. */
export const DYNAMIC_OPML_RETRY_MS = 3_600_000;
const LEASE_MS = 10 * 60_000;
const OPML_ACCEPT = 'text/x-opml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export type DynamicOpmlOutcome =
  | { kind: 'ok'; result: DynamicOpmlResult }
  | { kind: 'error'; message: string }
  /** Another check of this category is running. */
  | { kind: 'busy' };

/** Checks one category the caller has leased, stores the outcome and gives the lease back. */
async function checkLeased(
  deps: DynamicOpmlDeps,
  category: Category,
  conditional: boolean,
): Promise<DynamicOpmlOutcome> {
  const url = category.opml_url!;
  const now = deps.now();
  let outcome: Exclude<DynamicOpmlOutcome, { kind: 'busy' }>;
  let validators: { etag: string | null; lastModified: string | null } = { etag: null, lastModified: null };
  try {
    const fetched = await deps.fetcher.fetch({
      url,
      accept: OPML_ACCEPT,
      ...(conditional ? { etag: category.opml_etag, lastModified: category.opml_last_modified } : {}),
    });
    if (fetched.kind === 'error') {
      outcome = { kind: 'error', message: fetched.message };
    } else if (fetched.kind === 'not-modified') {
      const previous = category.opml_result ? (JSON.parse(category.opml_result) as DynamicOpmlResult) : null;
      outcome = { kind: 'ok', result: { ...emptyResult(), listed: previous?.listed ?? 0, unchanged: true } };
      validators = { etag: fetched.etag, lastModified: fetched.lastModified };
    } else {
      const read = remoteOpmlFeeds(fetched.body, fetched.contentType);
      if (read.kind === 'error') {
        outcome = read;
      } else {
        outcome = { kind: 'ok', result: await followList(deps, category, read.feeds, now) };
        validators = { etag: fetched.etag, lastModified: fetched.lastModified };
      }
    }
  } catch (err) {
    deps.log.error('dynamic-opml: check failed', {
      categoryId: category.id,
      error: err instanceof Error ? err.stack : String(err),
    });
    outcome = {
      kind: 'error',
      message: `opml: unexpected error (${err instanceof Error ? err.message : String(err)})`,
    };
  }
  await recordDynamicCategoryCheck(deps.db, {
    categoryId: category.id,
    url,
    now,
    nextCheckAt: now + (outcome.kind === 'ok' ? DYNAMIC_OPML_INTERVAL_MS : DYNAMIC_OPML_RETRY_MS),
    outcome: outcome.kind === 'ok' ? { ...outcome, ...validators } : outcome,
  });
  deps.log.info('dynamic-opml: checked', {
    categoryId: category.id,
    userId: category.user_id,
    ...(outcome.kind === 'ok' ? outcome.result : { error: outcome.message }),
  });
  return outcome;
}

function emptyResult(): DynamicOpmlResult {
  return { listed: 0, added: 0, removed: 0, kept: 0, elsewhere: 0, invalid: 0, unchanged: false };
}

/** Makes the category's OPML-managed subscriptions match the list. */
async function followList(
  deps: DynamicOpmlDeps,
  category: Category,
  feeds: OpmlFeed[],
  now: number,
): Promise<DynamicOpmlResult> {
  const { db } = deps;
  const userId = category.user_id;
  const result = { ...emptyResult(), listed: feeds.length };
  // What the user follows, by feed identity (URL and fetch key): a list that did not change
  // costs this one query, not one per feed.
  const mine = await userSubscriptionKeys(db, userId);
  const byKey = new Map(mine.map((s) => [`${s.fetchKey}\n${s.url}`, s]));
  const listed = new Set<number>();
  const added: number[] = [];
  const back: number[] = [];
  for (const outline of feeds) {
    const settings = settingsFromOutline(outline.xmlUrl, outline.attributes);
    const url = httpUrl(settings.url);
    if (url === null) {
      result.invalid++;
      continue;
    }
    const followed = byKey.get(`${fetchKeyFor(settings.options, userId).fetchKey}\n${url}`);
    if (followed) {
      if (listed.has(followed.feedId)) continue;
      listed.add(followed.feedId);
      if (followed.categoryId !== category.id) result.elsewhere++;
      // Back in the list after it was kept muted: follow it again.
      else if (followed.managed === 2) back.push(followed.feedId);
      continue;
    }
    const feed = await findOrCreateFeed(db, {
      url,
      options: settings.options,
      userId,
      title: outline.title?.trim() || new URL(url).hostname,
      siteUrl: outline.htmlUrl,
      now,
    });
    if (listed.has(feed.id)) continue;
    listed.add(feed.id);
    await subscribe(db, { userId, feedId: feed.id, categoryId: category.id, title: outline.title, now });
    added.push(feed.id);
  }
  await setOpmlManaged(db, { userId, feedIds: added, managed: 1 });
  await setOpmlManaged(db, { userId, feedIds: back, managed: 1, muted: false });
  result.added = added.length;
  const keptNow: number[] = [];
  for (const sub of mine) {
    if (sub.categoryId !== category.id || sub.managed === 0 || listed.has(sub.feedId)) continue;
    if (await hasSavedEntries(db, userId, sub.feedId)) {
      if (sub.managed !== 2) keptNow.push(sub.feedId);
      result.kept++;
    } else {
      await unsubscribe(db, userId, sub.feedId);
      result.removed++;
    }
  }
  await setOpmlManaged(db, { userId, feedIds: keptNow, managed: 2, muted: true });
  return result;
}

function httpUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Checks a user's dynamic category now, unconditionally (a user asked, or just set its address).
 * Null when the category is not the user's or follows no OPML.
 */
export async function checkDynamicCategoryNow(
  deps: DynamicOpmlDeps,
  input: { userId: number; categoryId: number },
): Promise<DynamicOpmlOutcome | null> {
  const category = await categoryById(deps.db, input.userId, input.categoryId);
  if (!category?.opml_url) return null;
  const [leased] = await claimDynamicCategories(deps.db, {
    now: deps.now(),
    leaseMs: LEASE_MS,
    limit: 1,
    ids: [category.id],
  });
  if (!leased) return { kind: 'busy' };
  return checkLeased(deps, leased, false);
}

/**
 * Checks the dynamic categories that are due, of every user or of one, one at a time (at most
 * `limit`). Returns how many were checked; never throws (a failure is logged).
 */
export async function checkDueDynamicCategories(
  deps: DynamicOpmlDeps,
  options: { limit?: number; userId?: number } = {},
): Promise<number> {
  const limit = options.limit ?? 50;
  let checked = 0;
  try {
    // One lease at a time, so that a lease covers one check and never a wait behind others.
    while (checked < limit) {
      const [category] = await claimDynamicCategories(deps.db, {
        now: deps.now(),
        leaseMs: LEASE_MS,
        limit: 1,
        ...(options.userId === undefined ? {} : { userId: options.userId }),
      });
      if (!category) break;
      await checkLeased(deps, category, true);
      checked++;
    }
  } catch (err) {
    deps.log.error('dynamic-opml: due checks failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
  return checked;
}
