// veille serve [--no-refresh]: the web server, plus the refresh loop of `veille worker` unless
// --no-refresh (then refreshes are left to `veille worker` processes sharing the database).
import { randomBytes } from 'node:crypto';
import { serve as listen } from '@hono/node-server';
import type { Config } from '../config/config.ts';
import { createServer } from '../http/server.tsx';
import { refreshFeedsById, runWorker, workerOwnerId } from '../refresh/worker.ts';
import { runMaintenance } from '../refresh/maintenance.ts';
import { countUsers } from '../storage/users.ts';
import { openAppContext } from './app-context.ts';

export async function serveCommand(config: Config, flags: { refresh: boolean }): Promise<number> {
  const ctx = await openAppContext(config);
  const refreshDeps = { ...ctx.refreshDeps, database: ctx.database };
  const owner = workerOwnerId();
  const leaseMs = config.refreshLeaseSeconds * 1000;
  const setupCode = { value: null as string | null };
  if ((await countUsers(ctx.database.db)) === 0) {
    setupCode.value = randomBytes(6).toString('hex');
    ctx.log.info('serve: no account yet; create the administrator at /setup', { setupCode: setupCode.value });
    console.error(
      `Veille has no account yet. Open ${config.baseUrl ?? `http://localhost:${config.port}`}/setup to create the administrator.\n` +
        `From another machine than this one, the setup form asks for this one-time code: ${setupCode.value}`,
    );
  }
  const app = createServer({
    database: ctx.database,
    config,
    fetcher: ctx.fetcher,
    log: ctx.log,
    now: () => Date.now(),
    setupCode,
    refreshFeedIds: (ids) =>
      refreshFeedsById(refreshDeps, { owner, ids, leaseMs, concurrency: config.fetchConcurrency }),
  });
  const stopRefresh = new AbortController();
  const refreshLoop = flags.refresh
    ? runWorker(refreshDeps, {
        owner,
        concurrency: config.fetchConcurrency,
        leaseMs,
        pollMs: config.refreshPollSeconds * 1000,
        signal: stopRefresh.signal,
      }).catch((err) => ctx.log.error('serve: refresh loop failed', { error: String(err) }))
    : null;
  const maintenance = flags.refresh
    ? runMaintenance(
        { database: ctx.database, fetcher: ctx.fetcher, log: ctx.log, now: () => Date.now(), config },
        stopRefresh.signal,
      )
    : null;
  const server = listen({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    ctx.log.info('serve: listening', { address: info.address, port: info.port });
    console.error(
      `Veille is listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${info.port}`,
    );
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  ctx.log.info('serve: stopping');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  stopRefresh.abort();
  await refreshLoop;
  await maintenance;
  await ctx.close();
  return 0;
}
