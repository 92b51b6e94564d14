// A user's subscriptions as the OPML FreshRSS writes and reads: folders for categories, each
// feed's fetch options as frss:CURLOPT_* (credentials in the URL, as FreshRSS keeps them), its
// "mark as read" filters as frss:filtersActionRead, a dynamic category's OPML as frss:opmlUrl, and
// every attribute kept from an import.
import type { Kysely } from 'kysely';
import { exportOpml, type OpmlExportFeed } from '../reader/opml/export-opml.ts';
import { outlineFromSettings } from '../reader/opml/outline-settings.ts';
import {
  readFilterSearchesByFeed,
  subscriptionsForExport,
  type SubscriptionForExport,
} from '../storage/export-rows.ts';
import type { Schema } from '../storage/schema.ts';

export async function opmlForUser(
  db: Kysely<Schema>,
  user: { id: number; username: string },
  now?: Date,
): Promise<string> {
  const [{ categories, subscriptions }, readFilters] = await Promise.all([
    subscriptionsForExport(db, user.id),
    readFilterSearchesByFeed(db, user.id),
  ]);
  const feed = (s: SubscriptionForExport): OpmlExportFeed => {
    const extras = { ...s.extras };
    const searches = [
      ...(readFilters.get(s.feedId) ?? []),
      ...(extras['frss:filtersActionRead'] ?? '').split('\n'),
    ]
      .map((line) => line.trim())
      .filter(Boolean);
    delete extras['frss:filtersActionRead'];
    if (searches.length) extras['frss:filtersActionRead'] = [...new Set(searches)].join('\n');
    const { xmlUrl, attributes } = outlineFromSettings(s.url, s.options, extras);
    return { title: s.title, xmlUrl, htmlUrl: s.siteUrl, attributes };
  };
  return exportOpml({
    title: `Veille subscriptions of ${user.username}`,
    ...(now ? { dateCreated: now } : {}),
    categories: categories.map((c) => ({
      name: c.name,
      attributes: c.opmlUrl ? { ...c.extras, 'frss:opmlUrl': c.opmlUrl } : c.extras,
      feeds: subscriptions.filter((s) => s.categoryId === c.id).map(feed),
    })),
    uncategorized: subscriptions.filter((s) => s.categoryId === null).map(feed),
  });
}
