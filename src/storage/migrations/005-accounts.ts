// Accounts and administration: disabled users, external identities (OpenID Connect subject),
// session details (last activity, address, "keep me logged in", last re-authentication), and
// instance-wide settings (registration, account limit, anonymous reading) as key/value rows.
import type { Kysely, Migration } from 'kysely';

export const migration005Accounts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('users')
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
    await db.schema.createIndex('users_external_id').on('users').column('external_id').unique().execute();
    for (const [name, type] of [
      ['last_seen_at', 'bigint'],
      ['ip', 'text'],
      ['reauth_at', 'bigint'],
    ] as const) {
      await db.schema.alterTable('sessions').addColumn(name, type).execute();
    }
    await db.schema
      .alterTable('sessions')
      .addColumn('persistent', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('instance_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};
