// The scheduler inside `veille serve`: every tick, refresh the feeds whose next check is due.
// Runs never overlap; stop() waits for the current run.
import { feedsDueForRefresh } from '../storage/feeds.ts';
import { refreshFeeds } from './refresh-feeds.ts';
import type { RefreshDeps } from './refresh-feed.ts';

export interface Scheduler {
  stop(): Promise<void>;
  /** Runs one pass now (waits for a pass already running). */
  runNow(): Promise<void>;
}

export function startScheduler(
  deps: RefreshDeps,
  options: { tickMs: number; concurrency: number },
): Scheduler {
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = async () => {
    const due = await feedsDueForRefresh(deps.db, { now: deps.now(), limit: 1000 });
    if (due.length) {
      const summary = await refreshFeeds(deps, due, options.concurrency);
      deps.log.info('refresh: pass done', { ...summary });
    }
  };
  const run = () => {
    if (!running && !stopped) {
      running = pass()
        .catch((err) => deps.log.error('refresh: pass failed', { error: String(err) }))
        .finally(() => {
          running = null;
        });
    }
    return running ?? Promise.resolve();
  };
  const timer = setInterval(run, options.tickMs);
  timer.unref();
  setTimeout(run, 1000).unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    async runNow() {
      if (running) await running;
      await run();
    },
  };
}
