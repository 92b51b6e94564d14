// Users and their settings.
import type { Kysely } from 'kysely';
import type { Schema, User } from './schema.ts';

export async function countUsers(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function createUser(
  db: Kysely<Schema>,
  input: { username: string; passwordHash: string; isAdmin: boolean; language?: string | null; now: number },
): Promise<User> {
  return db
    .insertInto('users')
    .values({
      username: input.username,
      password_hash: input.passwordHash,
      is_admin: input.isAdmin ? 1 : 0,
      language: input.language ?? null,
      timezone: null,
      created_at: input.now,
      last_seen_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function userByName(db: Kysely<Schema>, username: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function userById(db: Kysely<Schema>, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateUserSettings(
  db: Kysely<Schema>,
  userId: number,
  settings: { language?: string | null; timezone?: string | null },
): Promise<void> {
  await db.updateTable('users').set(settings).where('id', '=', userId).execute();
}

export async function usernames(db: Kysely<Schema>): Promise<string[]> {
  const rows = await db.selectFrom('users').select('username').orderBy('id').execute();
  return rows.map((r) => r.username);
}
