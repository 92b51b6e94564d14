// veille purge [--json]: apply the retention policies now (keep at most N, at least M, for at
// most D days; never starred or labelled entries; a shared feed keeps what its most generous
// subscriber keeps). Deleted entries leave tombstones and do not come back. On SQLite, when
// entries went, the full-text index is then compacted in short steps (src/search/compact-index.ts;
// PostgreSQL's GIN index is cleaned by autovacuum).
import type { Config } from '../config/config.ts';
import { compactSearchIndex, type CompactResult } from '../search/compact-index.ts';
import { purgeAllFeeds } from '../storage/retention.ts';
import { openConfiguredDatabase } from './app-context.ts';

export async function purgeCommand(config: Config, flags: { json: boolean }): Promise<number> {
  const database = await openConfiguredDatabase(config);
  try {
    const started = Date.now();
    const result = await purgeAllFeeds(database.db, Date.now());
    const summary: { feeds: number; deleted: number; ms: number; compaction?: CompactResult } = {
      ...result,
      ms: Date.now() - started,
    };
    if (database.dialect === 'sqlite' && result.deleted > 0) {
      summary.compaction = await compactSearchIndex(database.db);
    }
    if (flags.json) console.log(JSON.stringify(summary));
    else {
      console.log(`Purged ${summary.deleted} entries from ${summary.feeds} feeds in ${summary.ms} ms.`);
      const c = summary.compaction;
      if (c) {
        console.log(
          `Search index compacted in ${c.steps} step${c.steps === 1 ? '' : 's'}, ${c.ms} ms (write lock held ${c.lockedMs} ms, ` +
            `longest step ${c.longestStepMs} ms)${c.done ? '' : '; the next purge continues'}.`,
        );
      }
    }
    return 0;
  } finally {
    await database.close();
  }
}
