// Full content at ingest (FreshRSS's "Retrieve full content", Miniflux's crawler): for a feed
// whose options ask for it, each entry the store will write (new, or changed) gets the article
// found at its link, replacing the feed's content or before/after it. A page that cannot be had
// leaves the feed's own content and is counted in feeds.full_content_log, shown on the feed's
// page: it never fails the refresh. The remove selector is applied earlier, while processing
// (src/reader/process, before sanitizing), to the feed's content, and to each fetched page.
// Feeds without fetch options never reach this file (refresh-feed.ts checks fetch_options first).
import { fetchOptionsOf } from '../storage/feeds.ts';
import { entriesToEnrich, type FullContentLog } from '../storage/full-content.ts';
import type { Feed } from '../storage/schema.ts';
import type { FeedWork, RefreshDeps } from './refresh-feed.ts';

/** Pages fetched at once for one feed (the fetcher also limits requests per host). */
const PAGE_CONCURRENCY = 4;
/** Pages fetched per refresh of one feed, newest entries first; older ones keep the feed's content. */
export const MAX_PAGES_PER_REFRESH = 50;

/** True when a feed's options ask for full content or remove elements. */
export function hasContentRules(feed: Pick<Feed, 'fetch_options'>): boolean {
  if (feed.fetch_options === null) return false;
  const options = fetchOptionsOf(feed);
  return Boolean(options.fullContent || options.contentRemove?.trim());
}

export async function withContentRules(deps: RefreshDeps, work: FeedWork): Promise<FeedWork> {
  const options = fetchOptionsOf(work.feed);
  if (!options.fullContent || work.entries.length === 0) return work;
  const todo = await entriesToEnrich(deps.db, work.feed.id, work.entries);
  if (todo.size === 0) return work;
  const reader = await import('../reader/full-content/fetch-full-content.ts');

  const entries = [...work.entries];
  const log: FullContentLog = { at: work.now, fetched: 0, failed: 0, error: null, url: null };
  const pages = entries
    .map((_, i) => i)
    .filter((i) => todo.has(entries[i]!.guidKey) && /^https?:\/\//i.test(entries[i]!.url ?? ''))
    .sort((a, b) => entries[b]!.dateAt - entries[a]!.dateAt)
    .slice(0, MAX_PAGES_PER_REFRESH);
  const rules = { selector: options.contentSelector ?? '', remove: options.contentRemove ?? '' };
  let next = 0;
  async function worker() {
    while (next < pages.length) {
      const i = pages[next++]!;
      const entry = entries[i]!;
      // The page is read (DOM, Readability, sanitizing) in the refresh's threads when it has them.
      const result = await reader.fetchFullContent(
        deps.fetcher,
        { url: entry.url!, feedUrl: work.feed.url, options, rules },
        deps.readPage,
      );
      if (result.kind === 'ok') {
        log.fetched++;
        const content = reader.combinedContent(entry.content, result.html, options.contentAction);
        entries[i] = { ...entry, content, summary: entry.summary || reader.plainText(content) };
      } else {
        log.failed++;
        log.error = result.message;
        log.url = entry.url;
        deps.log.debug('refresh: full content failed', {
          feedId: work.feed.id,
          url: entry.url,
          code: result.code,
          message: result.message,
        });
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, pages.length) }, worker));
  return {
    ...work,
    entries,
    // Computed again by the ingest from the stored content.
    searchIndex: log.fetched ? null : work.searchIndex,
    update: { ...work.update, full_content_log: JSON.stringify(log) },
  };
}
