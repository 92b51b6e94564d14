// What an imported OPML said that Veille does not use itself: the outline attributes of a feed
// (FreshRSS's frss:* settings, XPath scraping, filters, another type…) and of a folder
// (frss:opmlUrl…), kept verbatim as a JSON object so that an export writes them back.
import type { Kysely, Migration } from 'kysely';

export const migration011ImportExtras: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('subscriptions').addColumn('import_extras', 'text').execute();
    await db.schema.alterTable('categories').addColumn('import_extras', 'text').execute();
  },
};
