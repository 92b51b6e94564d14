// veille worker [--concurrency N]: a refresh process without the web server. Any number of them,
// on any number of machines, share one database (PostgreSQL to scale out): each claims due feeds
// with a lease, so a feed is refreshed by one process at a time. Runs until SIGINT or SIGTERM,
// then finishes the feeds in flight; a second signal exits at once.
import type { Config } from '../config/config.ts';
import { runWorker, workerOwnerId } from '../refresh/worker.ts';
import { runMaintenance } from '../refresh/maintenance.ts';
import { openAppContext } from './app-context.ts';

export async function workerCommand(config: Config, flags: { concurrency?: number }): Promise<number> {
  const ctx = await openAppContext(config);
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('Veille worker: finishing the feeds in flight (signal again to quit at once)');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const owner = workerOwnerId();
  const concurrency = flags.concurrency ?? config.fetchConcurrency;
  console.error(`Veille worker ${owner}: refreshing due feeds, ${concurrency} at a time`);
  const maintenance = runMaintenance(
    { database: ctx.database, fetcher: ctx.fetcher, log: ctx.log, now: () => Date.now(), config },
    controller.signal,
  );
  try {
    await runWorker(
      { ...ctx.refreshDeps, database: ctx.database },
      {
        owner,
        concurrency,
        leaseMs: config.refreshLeaseSeconds * 1000,
        pollMs: config.refreshPollSeconds * 1000,
        signal: controller.signal,
      },
    );
    await maintenance;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await ctx.close();
  }
  return 0;
}
