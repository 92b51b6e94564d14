// A user's reading and display settings (users.settings, JSON).
import type { Kysely } from 'kysely';
import { readingSettingsFromJson, type ReadingSettings } from '../model/reading-settings.ts';
import type { Schema } from './schema.ts';

export async function readingSettingsForUser(db: Kysely<Schema>, userId: number): Promise<ReadingSettings> {
  const row = await db.selectFrom('users').select('settings').where('id', '=', userId).executeTakeFirst();
  return readingSettingsFromJson(row?.settings);
}

/** Saves the settings given, keeping the others. Returns the whole new set. */
export async function saveReadingSettings(
  db: Kysely<Schema>,
  userId: number,
  changes: Partial<ReadingSettings>,
): Promise<ReadingSettings> {
  return db.transaction().execute(async (trx) => {
    const current = await readingSettingsForUser(trx, userId);
    const next = readingSettingsFromJson(JSON.stringify({ ...current, ...changes }));
    await trx
      .updateTable('users')
      .set({ settings: JSON.stringify(next) })
      .where('id', '=', userId)
      .execute();
    return next;
  });
}
