// Periodic upkeep beside the refresh loop: WebSub subscriptions (renewed before their lease
// ends) and retention (old entries purged). Several processes may run it: on PostgreSQL a
// transaction-level advisory lock lets one of them purge at a time.
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import type { Database } from '../storage/database.ts';
import { purgeAllFeeds } from '../storage/retention.ts';
import { compactSearchIndex } from '../search/compact-index.ts';
import { checkDueDynamicCategories } from './dynamic-opml.ts';
import { renewWebSubSubscriptions } from './websub.ts';

export interface MaintenanceDeps {
  database: Database;
  fetcher: Fetcher;
  log: Logger;
  now: () => number;
  config: Pick<Config, 'baseUrl' | 'websub'>;
}

const WEBSUB_EVERY_MS = 10 * 60_000;
const PURGE_EVERY_MS = 6 * 3600_000;
/** Arbitrary key of the advisory lock that serializes purges across processes. */
const PURGE_LOCK_KEY = 7_251_001;

/**
 * Entries this process's purges deleted since its last compaction of the SQLite search index. A
 * complete compaction rewrites the whole live index (hundreds of MB at a million entries): it
 * waits until the deleted entries are a tenth of those left.
 */
let deletedSinceCompaction = 0;
const COMPACT_WHEN_DELETED_SHARE = 0.1;

async function compactionDue(db: Database['db']): Promise<boolean> {
  const row = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return deletedSinceCompaction >= COMPACT_WHEN_DELETED_SHARE * Number(row?.n ?? 0);
}

/**
 * One purge of every feed, unless another process is purging right now (PostgreSQL). On SQLite,
 * once purges have deleted a tenth of the entries, the full-text index is compacted in short
 * steps (src/search/compact-index.ts); PostgreSQL's GIN index is cleaned by autovacuum.
 */
export async function purgeOnce(
  deps: Pick<MaintenanceDeps, 'database' | 'log' | 'now'>,
): Promise<number | null> {
  const { db, dialect } = deps.database;
  if (dialect === 'sqlite') {
    const { deleted } = await purgeAllFeeds(db, deps.now());
    deletedSinceCompaction += deleted;
    if (deleted > 0 && (await compactionDue(db))) {
      deletedSinceCompaction = 0;
      try {
        const compacted = await compactSearchIndex(db);
        deps.log.info('search: index compacted', { ...compacted });
      } catch (err) {
        // The purge is done; the next one continues the compaction.
        deps.log.warn('search: index compaction failed', {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    return deleted;
  }
  return db.connection().execute(async (conn) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${PURGE_LOCK_KEY}) as ok`.execute(
      conn,
    );
    if (!got.rows[0]?.ok) return null;
    try {
      return (await purgeAllFeeds(conn, deps.now())).deleted;
    } finally {
      await sql`select pg_advisory_unlock(${PURGE_LOCK_KEY})`.execute(conn);
    }
  });
}

/** Runs until the signal aborts. */
export async function runMaintenance(deps: MaintenanceDeps, signal: AbortSignal): Promise<void> {
  let nextPurge = deps.now() + 60_000;
  while (!signal.aborted) {
    try {
      const requested = await renewWebSubSubscriptions({ ...deps, db: deps.database.db });
      if (requested) deps.log.info('websub: subscriptions requested', { requested });
      if (deps.now() >= nextPurge) {
        nextPurge = deps.now() + PURGE_EVERY_MS;
        const deleted = await purgeOnce(deps);
        if (deleted !== null) deps.log.info('retention: purge done', { deleted });
      }
    } catch (err) {
      deps.log.error('maintenance: failed', { error: err instanceof Error ? err.message : String(err) });
    }
    // Dynamic OPML categories that are due (src/refresh/dynamic-opml.ts; never throws).
    if (!signal.aborted) await checkDueDynamicCategories({ ...deps, db: deps.database.db });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, WEBSUB_EVERY_MS);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
