// veille serve [--no-refresh]: the web server, plus the refresh scheduler unless --no-refresh.
import { randomBytes } from 'node:crypto';
import { serve as listen } from '@hono/node-server';
import type { Config } from '../config/config.ts';
import { createServer } from '../http/server.tsx';
import { refreshFeeds } from '../refresh/refresh-feeds.ts';
import { startScheduler } from '../refresh/scheduler.ts';
import { feedById } from '../storage/feeds.ts';
import { countUsers } from '../storage/users.ts';
import { openAppContext } from './app-context.ts';

export async function serveCommand(config: Config, flags: { refresh: boolean }): Promise<number> {
  const ctx = await openAppContext(config);
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
    refreshFeedIds: async (ids) => {
      const feeds = (await Promise.all(ids.map((id) => feedById(ctx.database.db, id)))).filter(
        (f) => f !== undefined,
      );
      return refreshFeeds(ctx.refreshDeps, feeds, config.fetchConcurrency);
    },
  });
  const scheduler = flags.refresh
    ? startScheduler(ctx.refreshDeps, { tickMs: 60_000, concurrency: config.fetchConcurrency })
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
  await scheduler?.stop();
  await ctx.close();
  return 0;
}
