// The initial schema. Written once for both dialects; the differences are the id column type,
// BLOB vs BYTEA, and nothing else. See docs/ARCHITECTURE.md for the model.
import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../database.ts';

export function migration001Initial(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  const blob = pg ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      // An auto-incrementing integer primary key, spelled for each dialect.
      const serial = (t: string) =>
        db.schema
          .createTable(t)
          .addColumn('id', pg ? 'serial' : 'integer', (c) =>
            pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
          );

      await serial('users')
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('language', 'text')
        .addColumn('timezone', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

      await serial('categories')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('categories_user_name', ['user_id', 'name'])
        .execute();

      await serial('feeds')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('fetch_key', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        .addColumn('fetch_options', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('site_url', 'text')
        .addColumn('description', 'text')
        .addColumn('language', 'text')
        .addColumn('icon_type', 'text')
        .addColumn('icon_data', sql.raw(blob))
        .addColumn('icon_checked_at', 'bigint')
        .addColumn('etag', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('body_hash', 'text')
        .addColumn('last_checked_at', 'bigint')
        .addColumn('last_status', 'text')
        .addColumn('last_error', 'text')
        .addColumn('last_error_code', 'text')
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_check_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('feeds_url_fetch_key', ['url', 'fetch_key'])
        .execute();
      await db.schema.createIndex('feeds_next_check').on('feeds').column('next_check_at').execute();

      await serial('subscriptions')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('feed_id', 'integer', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
        .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
        .addColumn('title', 'text')
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('read_horizon', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('subscriptions_user_feed', ['user_id', 'feed_id'])
        .execute();
      await db.schema.createIndex('subscriptions_feed').on('subscriptions').column('feed_id').execute();

      await db.schema
        .createTable('entries')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('feed_id', 'integer', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
        .addColumn('guid_key', 'text', (c) => c.notNull())
        .addColumn('guid', 'text')
        .addColumn('url', 'text')
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('authors', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('published_at', 'bigint')
        .addColumn('updated_at', 'bigint')
        .addColumn('date_at', 'bigint', (c) => c.notNull())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('language', 'text')
        .addColumn('enclosures', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('thumbnail', 'text')
        .addUniqueConstraint('entries_feed_guid', ['feed_id', 'guid_key'])
        .execute();
      await db.schema.createIndex('entries_feed_id').on('entries').columns(['feed_id', 'id']).execute();

      await db.schema
        .createTable('entry_tombstones')
        .addColumn('feed_id', 'integer', (c) => c.notNull().references('feeds.id').onDelete('cascade'))
        .addColumn('guid_key', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('entry_tombstones_pk', ['feed_id', 'guid_key'])
        .execute();

      await db.schema
        .createTable('entry_states')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('entry_id', 'bigint', (c) => c.notNull().references('entries.id').onDelete('cascade'))
        .addColumn('feed_id', 'integer', (c) => c.notNull())
        .addColumn('read_override', 'integer')
        .addColumn('starred', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('entry_states_pk', ['user_id', 'entry_id'])
        .execute();
      await db.schema
        .createIndex('entry_states_user_feed')
        .on('entry_states')
        .columns(['user_id', 'feed_id', 'entry_id'])
        .execute();
      await db.schema
        .createIndex('entry_states_starred')
        .on('entry_states')
        .columns(['user_id', 'starred', 'entry_id'])
        .execute();
      await db.schema.createIndex('entry_states_entry').on('entry_states').column('entry_id').execute();

      await serial('labels')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addUniqueConstraint('labels_user_name', ['user_id', 'name'])
        .execute();

      await db.schema
        .createTable('entry_labels')
        .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
        .addColumn('entry_id', 'bigint', (c) => c.notNull().references('entries.id').onDelete('cascade'))
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('entry_labels_pk', ['label_id', 'entry_id'])
        .execute();
      await db.schema.createIndex('entry_labels_entry').on('entry_labels').column('entry_id').execute();

      await serial('read_horizon_log')
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('subscription_id', 'integer', (c) =>
          c.notNull().references('subscriptions.id').onDelete('cascade'),
        )
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('old_horizon', 'bigint', (c) => c.notNull())
        .addColumn('new_horizon', 'bigint', (c) => c.notNull())
        .addColumn('cleared_unread', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('undone', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('read_horizon_log_user')
        .on('read_horizon_log')
        .columns(['user_id', 'id'])
        .execute();

      await db.schema
        .createTable('entry_id_clock')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('last_id', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into entry_id_clock (id, last_id) values (1, 0)`.execute(db);
    },
  };
}
