// The refresh engine's columns: per-feed schedule bounds and the reason of the next check,
// what the last check found, "gone" feeds (410), worker leases, WebSub, and retention policies.
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

export function migration003RefreshEngine(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: Kysely<unknown>) {
      const feeds = (
        [
          ['min_interval_s', 'integer'],
          ['max_interval_s', 'integer'],
          ['next_check_reason', 'text'],
          ['last_new_entries', 'integer'],
          ['last_updated_entries', 'integer'],
          ['last_duration_ms', 'integer'],
          ['gone_at', 'bigint'],
          ['lease_owner', 'text'],
          ['lease_until', 'bigint'],
          ['websub_hub', 'text'],
          ['websub_topic', 'text'],
          ['websub_secret', 'text'],
          ['websub_lease_until', 'bigint'],
          ['websub_last_push_at', 'bigint'],
        ] as const
      ).map(([name, type]) => ({ name, type }));
      for (const { name, type } of feeds) {
        await db.schema.alterTable('feeds').addColumn(name, type).execute();
      }
      await db.schema
        .createTable('retention_policies')
        .addColumn('id', pg ? 'serial' : 'integer', (c) =>
          pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
        // 'global' (user_id null: the instance default), 'user', 'category' or 'feed'.
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'integer')
        .addColumn('keep_max', 'integer')
        .addColumn('keep_min', 'integer')
        .addColumn('keep_days', 'integer')
        .addColumn('keep_unread', 'integer')
        .execute();
      await db.schema
        .createIndex('retention_policies_scope')
        .on('retention_policies')
        .columns(['scope', 'scope_id', 'user_id'])
        .unique()
        .execute();
    },
  };
}
