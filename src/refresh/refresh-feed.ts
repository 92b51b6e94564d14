// One feed's refresh, top to bottom: fetch → decode/parse → process → store → record outcome.
// Expected failures (network, HTTP, not a feed) are recorded on the feed and returned as values;
// a failing feed never stops the others.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from '../lib/logger.ts';
import type { FetchResult } from '../model/fetch-result.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import { parseFeedBytes } from '../reader/parse/parse-feed.ts';
import { fetchFavicon } from '../reader/discover/find-icon.ts';
import { entriesFromParsed } from '../reader/process/entries-from-parsed.ts';
import { ingestEntries, latestEntryDates } from '../storage/entries.ts';
import {
  cacheLifetimeMs,
  isPushActive,
  nextCheckAfterError,
  nextCheckFromRhythm,
} from '../model/schedule.ts';
import { fetchOptionsOf, updateFeed } from '../storage/feeds.ts';
import type { Feed, FeedUpdate, Schema } from '../storage/schema.ts';

export interface RefreshDeps {
  db: Kysely<Schema>;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  /** Shortest and longest time between two checks of a feed (a feed may narrow them). */
  minIntervalMs: number;
  maxIntervalMs: number;
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

/** The feed's own bounds, else the instance's. */
export function intervalBoundsOf(deps: RefreshDeps, feed: Pick<Feed, 'min_interval_s' | 'max_interval_s'>) {
  const minMs = feed.min_interval_s ? feed.min_interval_s * 1000 : deps.minIntervalMs;
  const maxMs = Math.max(minMs, feed.max_interval_s ? feed.max_interval_s * 1000 : deps.maxIntervalMs);
  return { minMs, maxMs };
}

function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export async function refreshFeed(deps: RefreshDeps, feed: Feed): Promise<RefreshOutcome> {
  const now = deps.now();
  const result: FetchResult = await deps.fetcher.fetch({
    url: feed.url,
    etag: feed.etag,
    lastModified: feed.last_modified,
    options: fetchOptionsOf(feed),
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
  if (result.kind === 'not-modified') {
    const next = await nextCheckAfterSuccess(deps, feed, now, cacheLifetime);
    await updateFeed(deps.db, feed.id, {
      ...common,
      ...next,
      last_status: 'not-modified',
      last_new_entries: 0,
      last_updated_entries: 0,
    });
    return { feedId: feed.id, status: 'not-modified', inserted: 0, updated: 0, error: null };
  }

  const hash = bodyHash(result.body);
  const validators: FeedUpdate = { etag: result.etag, last_modified: result.lastModified, body_hash: hash };
  if (hash === feed.body_hash) {
    const next = await nextCheckAfterSuccess(deps, feed, now, cacheLifetime);
    await updateFeed(deps.db, feed.id, {
      ...common,
      ...next,
      ...validators,
      last_status: 'unchanged',
      last_new_entries: 0,
      last_updated_entries: 0,
    });
    return { feedId: feed.id, status: 'unchanged', inserted: 0, updated: 0, error: null };
  }

  let parsed;
  try {
    parsed = parseFeedBytes(result.body, { url: result.finalUrl, contentType: result.contentType });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: string }).code ?? 'parse.invalid';
    return recordError(deps, feed, now, message, code, null);
  }

  const entries = entriesFromParsed(parsed, { feedUrl: result.finalUrl, now });
  const stored = await ingestEntries(deps.db, { feedId: feed.id, entries, now });
  const siteUrl = parsed.link && /^https?:\/\//i.test(parsed.link) ? parsed.link : feed.site_url;
  const update: FeedUpdate = {
    ...common,
    ...(await nextCheckAfterSuccess(deps, feed, now, cacheLifetime)),
    ...validators,
    last_status: stored.inserted || stored.updated ? 'new' : 'unchanged',
    last_new_entries: stored.inserted,
    last_updated_entries: stored.updated,
    title: parsed.title?.trim() || feed.title,
    site_url: siteUrl,
    description: parsed.subtitle,
    language: parsed.language,
    // WebSub: the hub and topic the feed advertises (src/refresh/websub.ts subscribes to them).
    websub_hub: parsed.hubs.find((h) => /^https?:\/\//i.test(h)) ?? null,
    websub_topic: parsed.self && /^https?:\/\//i.test(parsed.self) ? parsed.self : null,
  };
  if (result.permanentUrl && result.permanentUrl !== feed.url) update.url = result.permanentUrl;
  try {
    await updateFeed(deps.db, feed.id, update);
  } catch {
    // The permanent URL is already another feed row (same URL and options): keep ours.
    delete update.url;
    await updateFeed(deps.db, feed.id, update);
  }
  if (!feed.icon_checked_at || now - feed.icon_checked_at > ICON_RECHECK_MS) {
    await refreshIcon(deps, feed.id, siteUrl ?? result.finalUrl, now);
  }
  deps.log.debug('refresh: feed stored', {
    feedId: feed.id,
    inserted: stored.inserted,
    updated: stored.updated,
  });
  return { feedId: feed.id, status: 'new', inserted: stored.inserted, updated: stored.updated, error: null };
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

/** Next check from the feed's publishing rhythm (its latest entries' dates) and the server's cache lifetime. */
async function nextCheckAfterSuccess(
  deps: RefreshDeps,
  feed: Feed,
  now: number,
  cacheLifetime: number | null,
) {
  const { minMs, maxMs } = intervalBoundsOf(deps, feed);
  const entryTimes = await latestEntryDates(deps.db, feed.id, 50);
  const next = nextCheckFromRhythm({
    now,
    minMs,
    maxMs,
    entryTimes,
    cacheLifetimeMs: cacheLifetime,
    pushActive: isPushActive(feed, now),
  });
  return { next_check_at: next.at, next_check_reason: JSON.stringify(next.reason) };
}

async function refreshIcon(deps: RefreshDeps, feedId: number, siteUrl: string, now: number): Promise<void> {
  try {
    const icon = await fetchFavicon(deps.fetcher, siteUrl, null);
    await updateFeed(deps.db, feedId, {
      icon_checked_at: now,
      ...(icon ? { icon_type: icon.type, icon_data: icon.data } : {}),
    });
  } catch (err) {
    deps.log.debug('refresh: icon failed', { feedId, error: String(err) });
    await updateFeed(deps.db, feedId, { icon_checked_at: now });
  }
}
