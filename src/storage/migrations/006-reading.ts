// Reading: each user's reading and display settings (JSON, see src/model/reading-settings.ts),
// muted subscriptions, and the indexes the publication-date sort pages through.
import type { Kysely, Migration } from 'kysely';

export const migration006Reading: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
    await db.schema
      .alterTable('subscriptions')
      .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('entries_date').on('entries').columns(['date_at', 'id']).execute();
    await db.schema
      .createIndex('entries_feed_date')
      .on('entries')
      .columns(['feed_id', 'date_at', 'id'])
      .execute();
    await db.schema
      .createIndex('entry_labels_user')
      .on('entry_labels')
      .columns(['user_id', 'label_id', 'entry_id'])
      .execute();
  },
};
