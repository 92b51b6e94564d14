// Refreshes many feeds as a pipeline, and sums up what happened:
//   fetch      `concurrency` feeds in flight (the fetcher also limits per host)
//   process    parse + sanitize in a pool of worker threads, one per core (large refreshes)
//   store      one writer: what has been fetched is stored in short transactions of several
//              feeds (src/refresh/refresh-feed.ts storeFeedWorks), while fetching goes on
//   icons      checked beside the pipeline (at most once a week per feed), stored with a batch
// It returns when everything is stored.
import { availableParallelism } from 'node:os';
import { createProcessPool, type ProcessPool } from '../reader/process/process-pool.ts';
import { updateFeed } from '../storage/feeds.ts';
import type { Feed, FeedUpdate } from '../storage/schema.ts';
import {
  fetchFeedWork,
  iconUpdate,
  storeFeedWorks,
  type FeedWork,
  type RefreshDeps,
  type RefreshOutcome,
} from './refresh-feed.ts';

export interface RefreshSummary {
  feeds: number;
  ok: number;
  notModified: number;
  failed: number;
  newEntries: number;
  updatedEntries: number;
  ms: number;
}

/** Below this many feeds, bodies are processed on the main thread (starting threads costs more). */
const POOL_MIN_FEEDS = 16;
/**
 * A store transaction holds at most this many feeds, or this many entries (short write locks).
 * A feed without new entries (not modified, unchanged) is one row of one UPDATE: cheap.
 */
const BATCH_FEEDS = 500;
const BATCH_ENTRIES = 500;
/**
 * While fetching goes on, the writer waits for a full batch, or until the oldest fetched feed
 * has waited this long: storing each feed as it arrives made transactions of one feed (a commit
 * and a full-text index flush each) when the writer was faster than the fetching.
 */
const FLUSH_DELAY_MS = 150;
/** Fetched feeds, or their entries, waiting for the writer beyond which fetching pauses (bounds memory). */
const MAX_WAITING = 2 * BATCH_FEEDS;
const MAX_WAITING_ENTRIES = 2 * BATCH_ENTRIES;
/** Icon checks in flight at once. */
const ICON_CONCURRENCY = 8;

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
  const report = (feed: Feed, outcome: RefreshOutcome) => {
    if (outcome.status === 'error') summary.failed++;
    else if (outcome.status === 'not-modified') summary.notModified++;
    else summary.ok++;
    summary.newEntries += outcome.inserted;
    summary.updatedEntries += outcome.updated;
    onOutcome?.(feed, outcome);
  };
  const unexpected = (feed: Feed, err: unknown): RefreshOutcome => {
    // Unexpected: log it, count it, and go on with the other feeds.
    deps.log.error('refresh: unexpected error', {
      feedId: feed.id,
      error: err instanceof Error ? err.stack : String(err),
    });
    return { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: String(err) };
  };

  let pool: ProcessPool | null = null;
  if (!deps.processBody && feeds.length >= POOL_MIN_FEEDS) {
    pool = createProcessPool({ size: availableParallelism() });
  }
  const workDeps: RefreshDeps = pool ? { ...deps, processBody: pool.process, readPage: pool.readPage } : deps;

  const waiting: FeedWork[] = [];
  let waitingEntries = 0;
  /** When the oldest of `waiting` was fetched. */
  let waitingSince = 0;
  const icons: { feedId: number; update: FeedUpdate }[] = [];
  // Only what an icon check needs: a queued FeedWork would keep its entries (the feed's whole
  // content) alive until the check, and icon checks are slower than storing.
  const iconQueue: { feedId: number; siteUrl: string; now: number }[] = [];
  let iconsRunning = 0;
  const iconTasks: Promise<void>[] = [];
  const writerWait: { resume: (() => void) | null } = { resume: null };
  const pausedFetchers: (() => void)[] = [];
  let fetching = true;

  function startIcons() {
    while (iconsRunning < ICON_CONCURRENCY && iconQueue.length) {
      const check = iconQueue.shift()!;
      iconsRunning++;
      iconTasks.push(
        iconUpdate(workDeps, check.feedId, check.siteUrl, check.now).then((update) => {
          icons.push({ feedId: check.feedId, update });
          iconsRunning--;
          startIcons();
        }),
      );
    }
  }

  async function store(batch: FeedWork[]) {
    let outcomes: RefreshOutcome[];
    try {
      outcomes = await storeFeedWorks(workDeps, batch);
    } catch (err) {
      // One bad feed must not lose the others: store them one by one.
      if (batch.length > 1) {
        for (const work of batch) await store([work]);
        return;
      }
      outcomes = [unexpected(batch[0]!.feed, err)];
    }
    batch.forEach((work, i) => {
      report(work.feed, outcomes[i]!);
      if (work.iconSiteUrl !== null && outcomes[i]!.status !== 'error') {
        iconQueue.push({ feedId: work.feed.id, siteUrl: work.iconSiteUrl, now: work.now });
      }
    });
    startIcons();
  }

  async function writeIcons() {
    const done = icons.splice(0);
    if (!done.length) return;
    try {
      await deps.db.transaction().execute(async (trx) => {
        for (const { feedId, update } of done) await updateFeed(trx, feedId, update);
      });
    } catch (err) {
      deps.log.error('refresh: storing icons failed', { error: String(err) });
    }
  }

  /** Resolves when a fetched feed arrives or fetching ends, or after `ms` when given. */
  async function nextArrival(ms?: number) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      writerWait.resume = resolve;
      if (ms !== undefined) timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    writerWait.resume = null;
  }

  async function writer() {
    for (;;) {
      if (waiting.length === 0) {
        if (!fetching) return;
        await nextArrival();
        continue;
      }
      const full = waiting.length >= BATCH_FEEDS || waitingEntries >= BATCH_ENTRIES;
      const waited = Date.now() - waitingSince;
      if (fetching && !full && waited < FLUSH_DELAY_MS) {
        await nextArrival(FLUSH_DELAY_MS - waited);
        continue;
      }
      const batch: FeedWork[] = [];
      let entries = 0;
      while (waiting.length && batch.length < BATCH_FEEDS && entries < BATCH_ENTRIES) {
        const work = waiting.shift()!;
        batch.push(work);
        entries += work.entries.length;
        waitingEntries -= work.entries.length;
      }
      waitingSince = Date.now();
      for (const resume of pausedFetchers.splice(0)) resume();
      await store(batch);
      await writeIcons();
    }
  }

  let next = 0;
  async function fetcher() {
    while (next < feeds.length) {
      while (waiting.length >= MAX_WAITING || waitingEntries >= MAX_WAITING_ENTRIES) {
        await new Promise<void>((resolve) => pausedFetchers.push(resolve));
      }
      // Others may have taken the last feeds while this one waited.
      if (next >= feeds.length) return;
      const feed = feeds[next++]!;
      try {
        const work = await fetchFeedWork(workDeps, feed);
        if ('feed' in work) {
          if (waiting.length === 0) waitingSince = Date.now();
          waiting.push(work);
          waitingEntries += work.entries.length;
          writerWait.resume?.();
        } else report(feed, work);
      } catch (err) {
        report(feed, unexpected(feed, err));
      }
    }
  }

  try {
    const writing = writer();
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, feeds.length)) }, fetcher));
    fetching = false;
    writerWait.resume?.();
    await writing;
    while (iconsRunning || iconQueue.length) await Promise.all(iconTasks.splice(0));
    await writeIcons();
  } finally {
    await pool?.close();
  }
  summary.ms = Date.now() - started;
  return summary;
}
