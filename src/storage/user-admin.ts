// What the administration page reads and changes about accounts.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface UserSummary {
  id: number;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: number;
  lastSeenAt: number | null;
  feeds: number;
  /** Entries of the feeds the user subscribes to (shared entries count for every subscriber). */
  entries: number;
  /** Bytes of those entries' stored text (title, content, summary): an estimate of their weight. */
  storageBytes: number;
}

export async function userSummaries(db: Kysely<Schema>): Promise<UserSummary[]> {
  const users = await db.selectFrom('users').selectAll().orderBy('id').execute();
  // Per feed: entry count and stored bytes, then summed over each user's subscriptions.
  const rows = await db
    .selectFrom('subscriptions as s')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('entries')
          .select([
            'feed_id',
            (e) => e.fn.countAll<number>().as('n'),
            sql<number>`sum(length(coalesce(title, '')) + length(coalesce(content, '')) + length(coalesce(summary, '')))`.as(
              'bytes',
            ),
          ])
          .groupBy('feed_id')
          .as('fe'),
      (join) => join.onRef('fe.feed_id', '=', 's.feed_id'),
    )
    .select([
      's.user_id',
      (e) => e.fn.countAll<number>().as('feeds'),
      sql<number>`coalesce(sum(fe.n), 0)`.as('entries'),
      sql<number>`coalesce(sum(fe.bytes), 0)`.as('bytes'),
    ])
    .groupBy('s.user_id')
    .execute();
  const byUser = new Map(rows.map((r) => [r.user_id, r]));
  return users.map((u) => {
    const r = byUser.get(u.id);
    return {
      id: u.id,
      username: u.username,
      isAdmin: u.is_admin === 1,
      disabled: u.disabled === 1,
      createdAt: u.created_at,
      lastSeenAt: u.last_seen_at,
      feeds: Number(r?.feeds ?? 0),
      entries: Number(r?.entries ?? 0),
      storageBytes: Number(r?.bytes ?? 0),
    };
  });
}

/** Administrators who can still log in. */
export async function countActiveAdmins(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('is_admin', '=', 1)
    .where('disabled', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setUserPasswordHash(db: Kysely<Schema>, userId: number, hash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
}

/** Disabling also ends every session of the user. */
export async function setUserDisabled(db: Kysely<Schema>, userId: number, disabled: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ disabled: disabled ? 1 : 0 })
      .where('id', '=', userId)
      .execute();
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  });
}

export async function setUserAdmin(db: Kysely<Schema>, userId: number, isAdmin: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ is_admin: isAdmin ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
}

/** Deletes the account and everything personal (foreign keys cascade); shared feeds stay. */
export async function deleteUser(db: Kysely<Schema>, userId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('instance_settings')
      .set({ value: '' })
      .where('key', '=', 'anonymous_user_id')
      .where('value', '=', String(userId))
      .execute();
    await trx.deleteFrom('users').where('id', '=', userId).execute();
  });
}
