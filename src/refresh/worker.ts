// The refresh loop of `veille worker` (and of `veille serve` unless --no-refresh): claim due
// feeds in the database, refresh them with at most `concurrency` in flight, give them back.
// Any number of these loops, in any number of processes on any number of machines, may share one
// database: the claims (src/storage/feed-claims.ts) are the only coordination. Feeds are claimed
// only for free slots, so a claimed feed starts at once and its lease covers one refresh, never
// time spent waiting in a queue; leases are renewed while the refresh runs.
import { availableParallelism, hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createProcessPool } from '../reader/process/process-pool.ts';
import type { Database } from '../storage/database.ts';
import {
  claimDueFeeds,
  claimFeedsById,
  releaseFeedLease,
  releaseFeedLeases,
  renewFeedLeases,
} from '../storage/feed-claims.ts';
import type { Feed } from '../storage/schema.ts';
import { groupCommit } from './group-commit.ts';
import {
  refreshFeed,
  storeFeedWorks,
  type FeedWork,
  type RefreshDeps,
  type RefreshOutcome,
} from './refresh-feed.ts';
import { refreshFeeds, type RefreshSummary } from './refresh-feeds.ts';

/**
 * Feeds, and their entries, stored in one transaction at most (see group-commit.ts). SQLite: up
 * to 100 feeds, for fewer and shorter holds of its one write lock. PostgreSQL: one, as before —
 * it locks rows, and a group's transaction holds the subscription rows of all its feeds (which a
 * reader marking an article read waits for) until the whole group is written: bench:load p95
 * 414 ms with groups of 100, 232 ms without.
 */
const STORE_MAX_FEEDS = { sqlite: 100, postgres: 1 } as const;
/** Entries per store transaction at most (SQLite: shorter holds of the write lock; see below). */
const STORE_MAX_ENTRIES = 50;
/**
 * On SQLite, a pause between two of this loop's store transactions while more wait: web processes
 * polling for the one write lock (sqlite-dialect.ts, every few ms at most) get it in between, and
 * a backlog of feeds is stored at a pace that leaves them the CPU too. bench:load (SQLite, 100
 * readers during a refresh, this 2-core machine, 2026-11-22), all requests' p95: 228 ms with 5 ms
 * pauses and groups of 150 entries; 185 with groups of 50; then pauses of 15, 25, 40 ms: 157–166,
 * 117, 103 ms (a pause of twice the transaction's time: 177). The refresh still stored 22,000
 * entries a minute (two rounds of the farm); the worker's CPU went from 54 to 31 s a minute.
 */
const SQLITE_WRITE_PAUSE_MS = 40;
/**
 * On PostgreSQL, between two store transactions (one feed each) while more wait: the worker's
 * backlog leaves the cores to the web processes and the server. bench:load (PostgreSQL, same
 * machine): p50 406 → 74 ms, p95 1,121 → 724 ms; one refresh round a minute instead of two.
 */
const POSTGRES_WRITE_PAUSE_MS = 20;
/** Between two transactions releasing leases (a few ms each). */
const SQLITE_RELEASE_PAUSE_MS = 5;
/** Parsing threads with nothing to do end after this long (a quiet server gives back their memory). */
const THREAD_IDLE_MS = 30_000;

export interface WorkerOptions {
  /** Unique per process: see workerOwnerId(). */
  owner: string;
  /** Feeds refreshed at the same time. */
  concurrency: number;
  /** How long a claim lives without renewal; renewed every third of it. */
  leaseMs: number;
  /** Wait between two looks for due feeds when none is due (± 25 % jitter). */
  pollMs: number;
  /** Stops claiming; the feeds in flight are finished and released before runWorker returns. */
  signal: AbortSignal;
  onOutcome?: (feed: Feed, outcome: RefreshOutcome) => void;
}

export interface WorkerSummary {
  feeds: number;
  ok: number;
  notModified: number;
  failed: number;
  newEntries: number;
  updatedEntries: number;
}

/** hostname:pid:random — unique across machines and restarts. */
export function workerOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Resolves after `ms`, or as soon as the signal aborts or `early` settles. */
function sleep(ms: number, signal: AbortSignal, early?: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
    early?.then(done, done);
  });
}

export async function runWorker(
  deps: RefreshDeps & { database: Database },
  options: WorkerOptions,
): Promise<WorkerSummary> {
  const { owner, signal, leaseMs } = options;
  const concurrency = Math.max(1, options.concurrency);
  const summary: WorkerSummary = {
    feeds: 0,
    ok: 0,
    notModified: 0,
    failed: 0,
    newEntries: 0,
    updatedEntries: 0,
  };
  const inFlight = new Map<number, Promise<void>>();
  // Signalled each time a refresh finishes, so that the loop can fill the freed slot.
  let slotFreed: () => void = () => {};
  let nextSlotFreed = new Promise<void>((resolve) => (slotFreed = resolve));

  // Parsing and sanitizing in worker threads: the loop's event loop stays free for the
  // transactions (and, in `veille serve`, for the pages), whose write locks then stay short.
  const pool = deps.processBody
    ? null
    : createProcessPool({ size: availableParallelism(), idleMs: THREAD_IDLE_MS });
  const workDeps: RefreshDeps = pool ? { ...deps, processBody: pool.process, readPage: pool.readPage } : deps;
  const sqlite = deps.database.dialect === 'sqlite';
  const store = groupCommit((works: FeedWork[]) => storeFeedWorks(workDeps, works), {
    maxItems: STORE_MAX_FEEDS[deps.database.dialect],
    weight: (work) => work.entries.length,
    maxWeight: STORE_MAX_ENTRIES,
    pauseMs: sqlite ? SQLITE_WRITE_PAUSE_MS : POSTGRES_WRITE_PAUSE_MS,
  });
  const release = groupCommit(
    (feeds: { feedId: number; retryAt?: number }[]) => releaseFeedLeases(deps.db, owner, feeds),
    { maxItems: 500, pauseMs: sqlite ? SQLITE_RELEASE_PAUSE_MS : 0 },
  );

  const refreshOne = async (feed: Feed) => {
    let outcome: RefreshOutcome;
    let retryAt: number | undefined;
    try {
      outcome = await refreshFeed(workDeps, feed, store);
    } catch (err) {
      // Unexpected (the database went away, a bug): try this feed again later, not at once.
      deps.log.error('worker: unexpected refresh error', {
        owner,
        feedId: feed.id,
        error: err instanceof Error ? err.stack : String(err),
      });
      outcome = { feedId: feed.id, status: 'error', inserted: 0, updated: 0, error: String(err) };
      retryAt = deps.now() + Math.min(deps.minIntervalMs, 5 * 60_000);
    }
    try {
      await release({ feedId: feed.id, retryAt });
    } catch (err) {
      // The lease runs out by itself.
      deps.log.warn('worker: lease release failed', { owner, feedId: feed.id, error: String(err) });
    }
    summary.feeds++;
    if (outcome.status === 'error') summary.failed++;
    else if (outcome.status === 'not-modified') summary.notModified++;
    else summary.ok++;
    summary.newEntries += outcome.inserted;
    summary.updatedEntries += outcome.updated;
    options.onOutcome?.(feed, outcome);
  };

  const start = (feed: Feed) => {
    const run = refreshOne(feed).finally(() => {
      inFlight.delete(feed.id);
      slotFreed();
      nextSlotFreed = new Promise<void>((resolve) => (slotFreed = resolve));
    });
    inFlight.set(feed.id, run);
  };

  let renewing = false;
  const renewTimer = setInterval(
    () => {
      if (renewing || inFlight.size === 0) return;
      renewing = true;
      const ids = [...inFlight.keys()];
      renewFeedLeases(deps.db, { owner, now: deps.now(), ids, leaseMs })
        .then((held) => {
          const lost = ids.filter((id) => !held.includes(id) && inFlight.has(id));
          if (lost.length) deps.log.warn('worker: leases lost while refreshing', { owner, feedIds: lost });
        })
        .catch((err) => deps.log.warn('worker: lease renewal failed', { owner, error: String(err) }))
        .finally(() => (renewing = false));
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );

  const aborted = new Promise<void>((resolve) =>
    signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  const jitteredPoll = () => options.pollMs * (0.75 + Math.random() * 0.5);
  deps.log.info('worker: started', { owner, concurrency, leaseMs, pollMs: options.pollMs });
  try {
    while (!signal.aborted) {
      const free = concurrency - inFlight.size;
      if (free === 0) {
        await Promise.race([nextSlotFreed, aborted]);
        continue;
      }
      let claimed: Feed[] = [];
      try {
        claimed = await claimDueFeeds(deps.database, { owner, now: deps.now(), limit: free, leaseMs });
      } catch (err) {
        deps.log.error('worker: claim failed', { owner, error: String(err) });
      }
      if (signal.aborted) {
        for (const feed of claimed) await releaseFeedLease(deps.db, feed.id, owner).catch(() => {});
        break;
      }
      for (const feed of claimed) start(feed);
      if (claimed.length < free) {
        // Nothing more is due now (or other processes hold it): look again after the poll
        // interval, or sooner when a slot frees up (the feeds in flight go on meanwhile).
        await sleep(jitteredPoll(), signal, inFlight.size ? nextSlotFreed : undefined);
      }
    }
    await Promise.all(inFlight.values());
  } finally {
    clearInterval(renewTimer);
    await pool?.close();
  }
  deps.log.info('worker: stopped', { owner, ...summary });
  return summary;
}

/**
 * Refreshes these feeds now (a user asked), claiming them first so that no worker refreshes
 * them at the same time; a feed another process holds is being refreshed already and is skipped.
 */
export async function refreshFeedsById(
  deps: RefreshDeps & { database: Database },
  input: { owner: string; ids: number[]; leaseMs: number; concurrency: number },
): Promise<RefreshSummary> {
  const { owner, leaseMs } = input;
  const feeds = await claimFeedsById(deps.database, { owner, now: deps.now(), ids: input.ids, leaseMs });
  const releases: Promise<unknown>[] = [];
  try {
    return await refreshFeeds(deps, feeds, input.concurrency, (feed) => {
      releases.push(releaseFeedLease(deps.db, feed.id, owner).catch(() => false));
    });
  } finally {
    // refreshFeeds reports an outcome for every feed, failed ones included.
    await Promise.all(releases);
  }
}
