// veille refresh [--user NAME] [--force] [--json]: refresh due feeds (or every feed) now, print
// a summary, exit. Returns when everything fetched is stored. Due dynamic OPML categories are
// checked first.
import type { Config } from '../config/config.ts';
import { checkDueDynamicCategories } from '../refresh/dynamic-opml.ts';
import { refreshFeeds } from '../refresh/refresh-feeds.ts';
import { feedsDueForRefresh } from '../storage/feeds.ts';
import { openAppContext } from './app-context.ts';
import { userForCommand } from './user-for-command.ts';

export async function refreshCommand(
  config: Config,
  flags: { user?: string; force: boolean; json: boolean },
): Promise<number> {
  const ctx = await openAppContext(config);
  try {
    const userId = flags.user ? (await userForCommand(ctx.database.db, flags.user)).id : undefined;
    // Dynamic OPML categories first (as FreshRSS's cron does): the feeds they add are due at once.
    await checkDueDynamicCategories(ctx.refreshDeps, userId === undefined ? {} : { userId });
    const feeds = await feedsDueForRefresh(ctx.database.db, { now: Date.now(), userId, force: flags.force });
    const summary = await refreshFeeds(ctx.refreshDeps, feeds, config.fetchConcurrency, (feed, outcome) => {
      if (!flags.json && outcome.status === 'error') console.error(`${feed.url}: ${outcome.error}`);
    });
    if (flags.json) console.log(JSON.stringify(summary));
    else
      console.log(
        `Refreshed ${summary.feeds} feeds in ${summary.ms} ms: ${summary.ok} ok, ${summary.notModified} not modified, ` +
          `${summary.failed} failed; ${summary.newEntries} new and ${summary.updatedEntries} updated entries.`,
      );
    return 0;
  } finally {
    await ctx.close();
  }
}
