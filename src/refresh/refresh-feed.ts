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
import { ingestEntries } from '../storage/entries.ts';
import { fetchOptionsOf, updateFeed } from '../storage/feeds.ts';
import type { Feed, FeedUpdate, Schema } from '../storage/schema.ts';

export interface RefreshDeps {
  db: Kysely<Schema>;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  /** Normal time between two checks of a feed. */
  intervalMs: number;
}

export type RefreshStatus = 'new' | 'not-modified' | 'unchanged' | 'error';

export interface RefreshOutcome {
  feedId: number;
  status: RefreshStatus;
  inserted: number;
  updated: number;
  error: string | null;
}

const MAX_BACKOFF_MS = 24 * 60 * 60 * 1000;
const ICON_RECHECK_MS = 7 * 24 * 60 * 60 * 1000;

/** When to try again after `errorCount` consecutive errors: exponential, with jitter, capped at a day. */
export function nextCheckAfterError(
  now: number,
  intervalMs: number,
  errorCount: number,
  retryAfterS: number | null,
) {
  const base = Math.min(
    MAX_BACKOFF_MS,
    Math.max(5 * 60 * 1000, intervalMs / 4) * 2 ** Math.min(errorCount - 1, 10),
  );
  const jitter = base * 0.2 * Math.random();
  const retryAfter = retryAfterS ? retryAfterS * 1000 : 0;
  return now + Math.max(base + jitter, retryAfter);
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

  if (result.kind === 'error')
    return recordError(deps, feed, now, result.message, result.code, result.retryAfter);

  const common: FeedUpdate = {
    last_checked_at: now,
    error_count: 0,
    last_error: null,
    last_error_code: null,
    next_check_at: now + deps.intervalMs,
  };
  if (result.kind === 'not-modified') {
    await updateFeed(deps.db, feed.id, { ...common, last_status: 'not-modified' });
    return { feedId: feed.id, status: 'not-modified', inserted: 0, updated: 0, error: null };
  }

  const hash = bodyHash(result.body);
  const validators: FeedUpdate = { etag: result.etag, last_modified: result.lastModified, body_hash: hash };
  if (hash === feed.body_hash) {
    await updateFeed(deps.db, feed.id, { ...common, ...validators, last_status: 'unchanged' });
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
    ...validators,
    last_status: stored.inserted || stored.updated ? 'new' : 'unchanged',
    title: parsed.title?.trim() || feed.title,
    site_url: siteUrl,
    description: parsed.subtitle,
    language: parsed.language,
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
  await updateFeed(deps.db, feed.id, {
    last_checked_at: now,
    last_status: 'error',
    last_error: message,
    last_error_code: code,
    error_count: errorCount,
    next_check_at: nextCheckAfterError(now, deps.intervalMs, errorCount, retryAfter),
  });
  deps.log.info('refresh: feed failed', { feedId: feed.id, code, message });
  return { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: message };
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
