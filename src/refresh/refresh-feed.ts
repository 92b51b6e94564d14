// One feed's refresh, top to bottom: fetch → decode/parse → process → store → record outcome.
// refreshFeeds splits it: fetchFeedWork (many at once), storeFeedWorks (many feeds per transaction).
// Expected failures (network, HTTP, not a feed) are recorded on the feed and returned as values;
// a failing feed never stops the others.
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/logger.ts';
import type { FetchResult } from '../model/fetch-result.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import type { NewEntry } from '../model/new-entry.ts';
// Parsing, sanitizing (process-feed-body.ts) and icon discovery (find-icon.ts) are imported when
// first needed: a refresh where every feed answers 304 loads neither (less start-up).
import type { FeedBodyJob, ProcessedFeedBody } from '../reader/process/process-feed-body.ts';
import {
  ingestFeedsEntries,
  latestEntryDatesOfFeeds,
  lockEntryIdClock,
  type IngestResult,
} from '../storage/entries.ts';
import {
  cacheLifetimeMs,
  isPushActive,
  nextCheckAfterError,
  nextCheckFromRhythm,
} from '../model/schedule.ts';
import { fetchOptionsOf, updateFeed } from '../storage/feeds.ts';
import { updateFeeds } from '../storage/update-feeds.ts';
import { withContentRules } from './full-content.ts';
import type { Feed, FeedUpdate, Schema } from '../storage/schema.ts';
import { isPostgres } from '../storage/is-postgres.ts';
import type { ArticlePageJob, ArticlePageResult } from '../reader/full-content/fetch-full-content.ts';

export interface RefreshDeps {
  db: Kysely<Schema>;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  /** Shortest and longest time between two checks of a feed (a feed may narrow them). */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** Parses and sanitizes a fetched body (a worker-thread pool); inline when absent. */
  processBody?: (job: FeedBodyJob) => Promise<ProcessedFeedBody>;
  /** Reads a fetched full-content page (the same pool); inline when absent. */
  readPage?: (job: ArticlePageJob) => Promise<ArticlePageResult>;
}

export type RefreshStatus = 'new' | 'not-modified' | 'unchanged' | 'error';

export interface RefreshOutcome {
  feedId: number;
  status: RefreshStatus;
  inserted: number;
  updated: number;
  error: string | null;
}

const ICON_RECHECK_MS = 7 * 24 * 60 * 60 * 1000;
/** How many of a feed's latest entries its publishing rhythm is computed from. */
const RHYTHM_ENTRIES = 50;
/** How far back a rhythm looks (nextCheckFromRhythm counts the entries of the last week). */
const RHYTHM_WINDOW_MS = 7 * 24 * 3600_000;

/** The feed's own bounds, else the instance's. */
export function intervalBoundsOf(deps: RefreshDeps, feed: Pick<Feed, 'min_interval_s' | 'max_interval_s'>) {
  const minMs = feed.min_interval_s ? feed.min_interval_s * 1000 : deps.minIntervalMs;
  const maxMs = Math.max(minMs, feed.max_interval_s ? feed.max_interval_s * 1000 : deps.maxIntervalMs);
  return { minMs, maxMs };
}

/** Which database the search index values are computed for (in the worker threads). */
function searchIndexKind(db: Kysely<Schema>): 'sqlite' | 'postgres' {
  return isPostgres(db) ? 'postgres' : 'sqlite';
}

/** One feed's refresh: fetch, process, store (a batch of one), then its icon when due. */
export async function refreshFeed(
  deps: RefreshDeps,
  feed: Feed,
  /** How the work is stored: alone by default; the worker loop stores several feeds together. */
  store: (work: FeedWork) => Promise<RefreshOutcome> = async (work) =>
    (await storeFeedWorks(deps, [work]))[0]!,
): Promise<RefreshOutcome> {
  const work = await fetchFeedWork(deps, feed);
  if (!('feed' in work)) return work;
  const outcome = await store(work);
  if (work.iconSiteUrl !== null) {
    const icon = await iconUpdate(deps, feed.id, work.iconSiteUrl, work.now);
    await updateFeed(deps.db, feed.id, icon);
  }
  return outcome;
}

/** What a fetched feed asks the store to do: its entries and the fields of its row. */
export interface FeedWork {
  feed: Feed;
  now: number;
  status: 'not-modified' | 'unchanged' | 'new';
  entries: NewEntry[];
  /** What the search index stores for each entry (same order), when computed beforehand. */
  searchIndex: string[][] | null;
  update: FeedUpdate;
  cacheLifetimeMs: number | null;
  /** A permanent redirect's target, written apart (it may already be another feed's URL). */
  permanentUrl: string | null;
  /** Where to look for the icon, when it is due for a check; null otherwise. */
  iconSiteUrl: string | null;
}

/**
 * Fetches and processes a feed (parsing and sanitizing in deps.processBody when given, e.g. a
 * worker-thread pool). Expected failures are recorded on the feed at once and come back as
 * outcomes; everything else comes back as work for storeFeedWorks.
 */
export async function fetchFeedWork(deps: RefreshDeps, feed: Feed): Promise<FeedWork | RefreshOutcome> {
  const now = deps.now();
  const result: FetchResult = await deps.fetcher.fetch({
    url: feed.url,
    etag: feed.etag,
    lastModified: feed.last_modified,
    options: fetchOptionsOf(feed),
    // Decompressed with the parsing (in a worker thread in a large refresh), not here.
    keepEncoded: true,
  });

  if (result.kind === 'error') {
    if (result.status === 410) return recordGone(deps, feed, now, result.message);
    return recordError(deps, feed, now, result.message, result.code, result.retryAfter);
  }

  const cacheLifetime = cacheLifetimeMs(result.headers, now);
  const common: FeedUpdate = {
    last_checked_at: now,
    error_count: 0,
    last_error: null,
    last_error_code: null,
    gone_at: null,
  };
  const base = {
    feed,
    now,
    cacheLifetimeMs: cacheLifetime,
    permanentUrl: null,
    iconSiteUrl: null,
    entries: [],
    searchIndex: null,
  };
  if (result.kind === 'not-modified') {
    return { ...base, status: 'not-modified', update: common };
  }

  // Hashing, parsing, sanitizing and the search index values: one job (a worker thread's, in a
  // large refresh); a body identical to the last one comes back unparsed.
  const job: FeedBodyJob = {
    body: result.body,
    encoded: result.encoded
      ? { ...result.encoded, contentEncoding: result.headers['content-encoding'] ?? null }
      : null,
    url: result.finalUrl,
    contentType: result.contentType,
    now,
    previousHash: feed.body_hash,
    // A feed's first fetch stores all its entries: their search index values are computed in the
    // worker thread with the rest. Later fetches store few of the entries they process (a feed
    // shows its last 20 items, 5 of which are new): the ingest computes the values of those only.
    searchIndex: feed.body_hash === null ? searchIndexKind(deps.db) : null,
    // The remove selector of the feed's content settings (src/refresh/full-content.ts).
    contentRemove: feed.fetch_options === null ? null : (fetchOptionsOf(feed).contentRemove ?? null),
  };
  const processed = deps.processBody
    ? await deps.processBody(job)
    : (await import('../reader/process/process-feed-body.ts')).processFeedBody(job);
  if (!processed.ok) return recordError(deps, feed, now, processed.message, processed.code, null);
  const validators: FeedUpdate = {
    etag: result.etag,
    last_modified: result.lastModified,
    body_hash: processed.hash,
  };
  if (processed.unchanged) {
    return { ...base, status: 'unchanged', update: { ...common, ...validators } };
  }

  const parsed = processed.feed;
  const siteUrl = parsed.link && /^https?:\/\//i.test(parsed.link) ? parsed.link : feed.site_url;
  const iconDue = !feed.icon_checked_at || now - feed.icon_checked_at > ICON_RECHECK_MS;
  const work: FeedWork = {
    ...base,
    status: 'new',
    entries: processed.entries,
    searchIndex: processed.searchIndex,
    update: {
      ...common,
      ...validators,
      title: parsed.title?.trim() || feed.title,
      site_url: siteUrl,
      description: parsed.subtitle,
      language: parsed.language,
      // WebSub: the hub and topic the feed advertises (src/refresh/websub.ts subscribes to them).
      websub_hub: parsed.hubs.find((h) => /^https?:\/\//i.test(h)) ?? null,
      websub_topic: parsed.self && /^https?:\/\//i.test(parsed.self) ? parsed.self : null,
    },
    permanentUrl: result.permanentUrl && result.permanentUrl !== feed.url ? result.permanentUrl : null,
    iconSiteUrl: iconDue ? (siteUrl ?? result.finalUrl) : null,
  };
  // Full content and the remove selector (full-content.ts): only feeds with fetch options.
  return feed.fetch_options === null ? work : withContentRules(deps, work);
}

/**
 * Stores fetched feeds in one short transaction: their entries (taking the entry-id clock lock
 * first, when there are any), then each feed's row with its next check computed from its
 * publishing rhythm. A constant number of statements per batch.
 */
export async function storeFeedWorks(deps: RefreshDeps, works: FeedWork[]): Promise<RefreshOutcome[]> {
  if (works.length === 0) return [];
  const outcomes = await deps.db.transaction().execute(async (trx) => {
    const withEntries = works.filter((w) => w.entries.length > 0);
    let stored: IngestResult[] = [];
    if (withEntries.length) {
      await lockEntryIdClock(trx);
      stored = await ingestFeedsEntries(
        trx,
        withEntries.map((w) => ({ feedId: w.feed.id, entries: w.entries, searchIndex: w.searchIndex })),
        Math.max(...withEntries.map((w) => w.now)),
      );
    }
    const storedOf = new Map(withEntries.map((w, i) => [w, stored[i]!]));
    // Only entries of the last week count in a rhythm (nextCheckFromRhythm).
    const dates = await latestEntryDatesOfFeeds(
      trx,
      works.map((w) => w.feed.id),
      RHYTHM_ENTRIES,
      Math.min(...works.map((w) => w.now)) - RHYTHM_WINDOW_MS,
    );
    const results: RefreshOutcome[] = [];
    const rows: { id: number; update: FeedUpdate }[] = [];
    for (const w of works) {
      const { minMs, maxMs } = intervalBoundsOf(deps, w.feed);
      const next = nextCheckFromRhythm({
        now: w.now,
        minMs,
        maxMs,
        entryTimes: dates.get(w.feed.id) ?? [],
        cacheLifetimeMs: w.cacheLifetimeMs,
        // A feed pushed to us by its WebSub hub is polled only as a safety net.
        pushActive: isPushActive(w.feed, w.now),
      });
      const s = storedOf.get(w) ?? { inserted: 0, updated: 0 };
      const status: RefreshStatus = w.status === 'new' && !s.inserted && !s.updated ? 'unchanged' : w.status;
      rows.push({
        id: w.feed.id,
        update: {
          ...w.update,
          next_check_at: next.at,
          next_check_reason: JSON.stringify(next.reason),
          last_status: status,
          last_new_entries: s.inserted,
          last_updated_entries: s.updated,
        },
      });
      results.push({ feedId: w.feed.id, status, inserted: s.inserted, updated: s.updated, error: null });
    }
    // Every feed row of the batch in a few statements (one per set of columns).
    await updateFeeds(trx, rows);
    return results;
  });
  for (const w of works) {
    if (w.permanentUrl === null) continue;
    // The permanent URL may already be another feed row (same URL and options): then keep ours.
    await updateFeed(deps.db, w.feed.id, { url: w.permanentUrl }).catch(() => undefined);
  }
  for (const o of outcomes) {
    if (o.status === 'new')
      deps.log.debug('refresh: feed stored', { feedId: o.feedId, inserted: o.inserted, updated: o.updated });
  }
  return outcomes;
}

async function recordError(
  deps: RefreshDeps,
  feed: Feed,
  now: number,
  message: string,
  code: string,
  retryAfter: number | null,
): Promise<RefreshOutcome> {
  const errorCount = feed.error_count + 1;
  const next = nextCheckAfterError({
    now,
    minMs: intervalBoundsOf(deps, feed).minMs,
    errorCount,
    retryAfterS: retryAfter,
  });
  await updateFeed(deps.db, feed.id, {
    last_checked_at: now,
    last_status: 'error',
    last_error: message,
    last_error_code: code,
    error_count: errorCount,
    next_check_at: next.at,
    next_check_reason: JSON.stringify(next.reason),
    last_new_entries: 0,
    last_updated_entries: 0,
  });
  deps.log.info('refresh: feed failed', { feedId: feed.id, code, message });
  return { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: message };
}

/** 410 Gone: the feed is no longer checked (a forced refresh still tries it). */
async function recordGone(
  deps: RefreshDeps,
  feed: Feed,
  now: number,
  message: string,
): Promise<RefreshOutcome> {
  await updateFeed(deps.db, feed.id, {
    last_checked_at: now,
    last_status: 'error',
    last_error: message,
    last_error_code: 'fetch.gone',
    error_count: feed.error_count + 1,
    gone_at: now,
    next_check_at: now + 365 * 24 * 3600_000,
    next_check_reason: JSON.stringify({ code: 'gone' }),
  });
  deps.log.info('refresh: feed gone', { feedId: feed.id });
  return { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: message };
}

/** The icon columns after a check of the site's icon (never throws: a failure is "checked, none"). */
export async function iconUpdate(
  deps: RefreshDeps,
  feedId: number,
  siteUrl: string,
  now: number,
): Promise<FeedUpdate> {
  try {
    const { fetchFavicon } = await import('../reader/discover/find-icon.ts');
    const icon = await fetchFavicon(deps.fetcher, siteUrl, null);
    return { icon_checked_at: now, ...(icon ? { icon_type: icon.type, icon_data: icon.data } : {}) };
  } catch (err) {
    deps.log.debug('refresh: icon failed', { feedId, error: String(err) });
    return { icon_checked_at: now };
  }
}
