// What the commands share: the database, the fetcher and the refresh dependencies, built once
// from the configuration.
import type { Config } from '../config/config.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { createFetcher, type Fetcher } from '../reader/fetch/create-fetcher.ts';
import type { RefreshDeps } from '../refresh/refresh-feed.ts';
import { openDatabase, type Database } from '../storage/database.ts';

export interface AppContext {
  config: Config;
  database: Database;
  fetcher: Fetcher;
  log: Logger;
  refreshDeps: RefreshDeps;
  close(): Promise<void>;
}

export function fetcherFor(config: Config): Fetcher {
  const total = config.fetchTimeoutSeconds * 1000;
  return createFetcher({
    allowNetworks: config.fetchAllowNetworks,
    userAgent: config.userAgent,
    connectTimeoutMs: Math.max(1000, Math.round(total / 3)),
    headersTimeoutMs: Math.max(1000, Math.round((total * 2) / 3)),
    totalTimeoutMs: total,
    maxBodyBytes: config.fetchMaxBytes,
    maxRedirects: 5,
    perHostLimit: config.fetchPerHost,
  });
}

/** The database the configuration names (URL and, on PostgreSQL, schema), migrated. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase(config.databaseUrl, config.databaseSchema ? { schema: config.databaseSchema } : {});
}

export async function openAppContext(config: Config): Promise<AppContext> {
  const log = createLogger(config.logLevel);
  const database = await openConfiguredDatabase(config);
  const fetcher = fetcherFor(config);
  return {
    config,
    database,
    fetcher,
    log,
    refreshDeps: {
      db: database.db,
      fetcher,
      log,
      now: () => Date.now(),
      minIntervalMs: config.refreshIntervalMinutes * 60_000,
      maxIntervalMs: config.refreshMaxIntervalMinutes * 60_000,
    },
    async close() {
      await fetcher.close();
      await database.close();
    },
  };
}
