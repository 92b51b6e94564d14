// API passwords (apps: Google Reader and Fever APIs), kept apart from the login password.
import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Schema, User } from './schema.ts';

export async function setApiPassword(
  db: Kysely<Schema>,
  input: { userId: number; passwordHash: string; feverApiKey: string; now: number },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      api_password_hash: input.passwordHash,
      fever_api_key: input.feverApiKey.toLowerCase(),
      api_password_set_at: input.now,
    })
    .where('id', '=', input.userId)
    .execute();
}

/** Revokes the API password: every app token and the Fever key stop working at once. */
export async function clearApiPassword(db: Kysely<Schema>, userId: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ api_password_hash: null, fever_api_key: null, api_password_set_at: null })
    .where('id', '=', userId)
    .execute();
}

/**
 * The user whose Fever key is `apiKey` (case-insensitive hex). Every stored key is compared in
 * constant time, so the answer time does not depend on how much of a key matched.
 */
export async function userByFeverKey(db: Kysely<Schema>, apiKey: string): Promise<User | undefined> {
  const key = apiKey.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(key)) return undefined;
  const candidates = await db
    .selectFrom('users')
    .select(['id', 'fever_api_key'])
    .where('fever_api_key', 'is not', null)
    .where('disabled', '=', 0)
    .execute();
  const sent = Buffer.from(key);
  let found: number | undefined;
  for (const c of candidates) {
    const stored = Buffer.from(c.fever_api_key ?? '');
    if (stored.length === sent.length && timingSafeEqual(stored, sent)) found = c.id;
  }
  if (found === undefined) return undefined;
  return db.selectFrom('users').selectAll().where('id', '=', found).executeTakeFirst();
}
