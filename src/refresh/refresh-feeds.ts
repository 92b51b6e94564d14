// Refreshes many feeds with a bounded number in flight (the fetcher also limits per host),
// and sums up what happened.
import { refreshFeed, type RefreshDeps, type RefreshOutcome } from './refresh-feed.ts';
import type { Feed } from '../storage/schema.ts';

export interface RefreshSummary {
  feeds: number;
  ok: number;
  notModified: number;
  failed: number;
  newEntries: number;
  updatedEntries: number;
  ms: number;
}

export async function refreshFeeds(
  deps: RefreshDeps,
  feeds: Feed[],
  concurrency: number,
  onOutcome?: (feed: Feed, outcome: RefreshOutcome) => void,
): Promise<RefreshSummary> {
  const started = Date.now();
  const summary: RefreshSummary = {
    feeds: feeds.length,
    ok: 0,
    notModified: 0,
    failed: 0,
    newEntries: 0,
    updatedEntries: 0,
    ms: 0,
  };
  let next = 0;
  async function worker() {
    while (next < feeds.length) {
      const feed = feeds[next++]!;
      let outcome: RefreshOutcome;
      try {
        outcome = await refreshFeed(deps, feed);
      } catch (err) {
        // Unexpected: log it, count it, and go on with the other feeds.
        deps.log.error('refresh: unexpected error', {
          feedId: feed.id,
          error: err instanceof Error ? err.stack : String(err),
        });
        outcome = { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: String(err) };
      }
      if (outcome.status === 'error') summary.failed++;
      else if (outcome.status === 'not-modified') summary.notModified++;
      else summary.ok++;
      summary.newEntries += outcome.inserted;
      summary.updatedEntries += outcome.updated;
      onOutcome?.(feed, outcome);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, feeds.length)) }, worker));
  summary.ms = Date.now() - started;
  return summary;
}
