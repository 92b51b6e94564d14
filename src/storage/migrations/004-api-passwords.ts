// API passwords for apps (Google Reader and Fever APIs): an Argon2id hash for ClientLogin, the
// Fever key md5("username:password") that Fever clients send, and when it was set.
import type { Kysely, Migration } from 'kysely';

export const migration004ApiPasswords: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('api_password_hash', 'text').execute();
    await db.schema.alterTable('users').addColumn('fever_api_key', 'text').execute();
    await db.schema.alterTable('users').addColumn('api_password_set_at', 'bigint').execute();
  },
};
