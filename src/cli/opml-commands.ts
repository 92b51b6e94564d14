// veille import [--user NAME] FILE.opml — subscribe without fetching (the next refresh fetches).
// veille export [--user NAME] — the user's subscriptions as OPML on standard output.
import { readFile } from 'node:fs/promises';
import type { Config } from '../config/config.ts';
import { exportOpml } from '../reader/opml/export-opml.ts';
import { parseOpml } from '../reader/opml/parse-opml.ts';
import { normalizeFeedUrl } from '../http/ui/feed-add.ts';
import { categoriesForUser, ensureCategory } from '../storage/categories.ts';
import { openConfiguredDatabase } from './app-context.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe, subscriptionForFeed, subscriptionsForUser } from '../storage/subscriptions.ts';
import { CliError, userForCommand } from './user-for-command.ts';
import { decodeFeedBytes } from '../reader/decode/decode-feed-bytes.ts';

export async function importCommand(config: Config, file: string | undefined, flags: { user?: string }) {
  if (!file) throw new CliError('import: give the OPML file to import');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new CliError(`import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const doc = parseOpml(decodeFeedBytes(bytes, null).text);
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userForCommand(database.db, flags.user);
    let added = 0;
    let skipped = 0;
    for (const outline of doc.outlines) {
      const url = normalizeFeedUrl(outline.xmlUrl);
      if (!url) {
        console.error(`import: skipped "${outline.xmlUrl}": not an http(s) address`);
        skipped++;
        continue;
      }
      const category = outline.category ? await ensureCategory(database.db, user.id, outline.category) : null;
      const now = Date.now();
      const feed = await findOrCreateFeed(database.db, {
        url,
        options: {},
        userId: user.id,
        title: outline.title?.trim() || new URL(url).hostname,
        siteUrl: outline.htmlUrl,
        now,
      });
      if (await subscriptionForFeed(database.db, user.id, feed.id)) {
        skipped++;
        continue;
      }
      await subscribe(database.db, {
        userId: user.id,
        feedId: feed.id,
        categoryId: category?.id ?? null,
        title: outline.title,
        now,
      });
      added++;
    }
    console.log(
      `Imported ${added} feeds for ${user.username}${skipped ? ` (${skipped} skipped)` : ''}. Run \`veille refresh\` to fetch them.`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

export async function exportCommand(config: Config, flags: { user?: string }) {
  const database = await openConfiguredDatabase(config);
  try {
    const user = await userForCommand(database.db, flags.user);
    const [categories, subs] = await Promise.all([
      categoriesForUser(database.db, user.id),
      subscriptionsForUser(database.db, user.id),
    ]);
    const feed = (s: (typeof subs)[number]) => ({ title: s.title, xmlUrl: s.feedUrl, htmlUrl: s.siteUrl });
    process.stdout.write(
      exportOpml({
        title: `Veille subscriptions of ${user.username}`,
        categories: categories.map((c) => ({
          name: c.name,
          feeds: subs.filter((s) => s.categoryId === c.id).map(feed),
        })),
        uncategorized: subs.filter((s) => s.categoryId === null).map(feed),
      }),
    );
    return 0;
  } finally {
    await database.close();
  }
}
