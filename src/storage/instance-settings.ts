// Instance-wide settings an administrator changes from /admin, stored as key/value rows.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface InstanceSettings {
  /** Anyone may create an account at /register. */
  registrationOpen: boolean;
  /** Largest number of accounts registration may reach (null: no limit). Admins may exceed it. */
  maxAccounts: number | null;
  /** The user whose streams visitors may read without logging in (null: nobody). */
  anonymousUserId: number | null;
}

export const DEFAULT_INSTANCE_SETTINGS: InstanceSettings = {
  registrationOpen: false,
  maxAccounts: null,
  anonymousUserId: null,
};

function positiveIntegerOrNull(raw: string | undefined): number | null {
  if (raw === undefined || !/^[0-9]{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 ? n : null;
}

export async function instanceSettings(db: Kysely<Schema>): Promise<InstanceSettings> {
  const rows = await db.selectFrom('instance_settings').selectAll().execute();
  const map = new Map(rows.map((r) => [r.key, r.value]));
  return {
    registrationOpen: map.get('registration_open') === '1',
    maxAccounts: positiveIntegerOrNull(map.get('max_accounts')),
    anonymousUserId: positiveIntegerOrNull(map.get('anonymous_user_id')),
  };
}

export async function saveInstanceSettings(
  db: Kysely<Schema>,
  settings: Partial<InstanceSettings>,
): Promise<void> {
  const values: Record<string, string> = {};
  if (settings.registrationOpen !== undefined)
    values.registration_open = settings.registrationOpen ? '1' : '0';
  if (settings.maxAccounts !== undefined) values.max_accounts = String(settings.maxAccounts ?? '');
  if (settings.anonymousUserId !== undefined)
    values.anonymous_user_id = String(settings.anonymousUserId ?? '');
  await db.transaction().execute(async (trx) => {
    for (const [key, value] of Object.entries(values)) {
      await trx
        .insertInto('instance_settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    }
  });
}
