// Index to recognise an entry whose GUID changed while its link and title stayed (feeds whose
// GUIDs churn): see ingestEntries.
import type { Kysely, Migration } from 'kysely';

export const migration002EntriesUrlIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('entries_feed_url').on('entries').columns(['feed_id', 'url']).execute();
  },
};
