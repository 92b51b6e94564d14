// veille purge [--json]: apply the retention policies now (keep at most N, at least M, for at
// most D days; never starred or labelled entries; a shared feed keeps what its most generous
// subscriber keeps). Deleted entries leave tombstones and do not come back.
import type { Config } from '../config/config.ts';
import { purgeAllFeeds } from '../storage/retention.ts';
import { openConfiguredDatabase } from './app-context.ts';

export async function purgeCommand(config: Config, flags: { json: boolean }): Promise<number> {
  const database = await openConfiguredDatabase(config);
  try {
    const started = Date.now();
    const result = await purgeAllFeeds(database.db, Date.now());
    const summary = { ...result, ms: Date.now() - started };
    if (flags.json) console.log(JSON.stringify(summary));
    else console.log(`Purged ${summary.deleted} entries from ${summary.feeds} feeds in ${summary.ms} ms.`);
    return 0;
  } finally {
    await database.close();
  }
}
