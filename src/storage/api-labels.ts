// A user's item labels (Google Reader tags on items). Labels only ever land on entries of the
// user's own subscriptions.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface LabelView {
  id: number;
  name: string;
  unreadCount: number;
}

export async function labelsForUser(db: Kysely<Schema>, userId: number): Promise<LabelView[]> {
  const labels = await db
    .selectFrom('labels')
    .select(['id', 'name'])
    .where('user_id', '=', userId)
    .orderBy('name')
    .execute();
  if (!labels.length) return [];
  const counts = await db
    .selectFrom('entry_labels as el')
    .innerJoin('entries as e', 'e.id', 'el.entry_id')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
    )
    .leftJoin('entry_states as st', (j) => j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', userId))
    .select(['el.label_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('el.user_id', '=', userId)
    .where((eb) =>
      eb.or([
        eb('st.read_override', '=', 0),
        eb.and([eb('st.read_override', 'is', null), eb('e.id', '>', eb.ref('s.read_horizon'))]),
      ]),
    )
    .groupBy('el.label_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.label_id, Number(c.n)]));
  return labels.map((l) => ({ id: l.id, name: l.name, unreadCount: byId.get(l.id) ?? 0 }));
}

export async function labelByName(
  db: Kysely<Schema>,
  userId: number,
  name: string,
): Promise<{ id: number; name: string } | undefined> {
  return db
    .selectFrom('labels')
    .select(['id', 'name'])
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function ensureLabel(db: Kysely<Schema>, userId: number, name: string): Promise<number> {
  const existing = await labelByName(db, userId, name);
  if (existing) return existing.id;
  await db
    .insertInto('labels')
    .values({ user_id: userId, name })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
    .execute();
  return (await labelByName(db, userId, name))!.id;
}

/** Puts a label on those of these entries the user can see. */
export async function addEntryLabel(
  db: Kysely<Schema>,
  input: { userId: number; labelId: number; entryIds: number[] },
): Promise<void> {
  if (!input.entryIds.length) return;
  await db
    .insertInto('entry_labels')
    .columns(['label_id', 'entry_id', 'user_id'])
    .expression((eb) =>
      eb
        .selectFrom('entries as e')
        .innerJoin('subscriptions as s', (j) =>
          j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', input.userId),
        )
        .select([eb.val(input.labelId).as('label_id'), 'e.id', eb.val(input.userId).as('user_id')])
        .where('e.id', 'in', input.entryIds),
    )
    .onConflict((oc) => oc.columns(['label_id', 'entry_id']).doNothing())
    .execute();
}

export async function removeEntryLabel(
  db: Kysely<Schema>,
  input: { userId: number; labelId: number; entryIds: number[] },
): Promise<void> {
  if (!input.entryIds.length) return;
  await db
    .deleteFrom('entry_labels')
    .where('user_id', '=', input.userId)
    .where('label_id', '=', input.labelId)
    .where('entry_id', 'in', input.entryIds)
    .execute();
}

/** Renames a label; false when it does not exist or the new name is taken. */
export async function renameLabel(
  db: Kysely<Schema>,
  userId: number,
  id: number,
  name: string,
): Promise<boolean> {
  if (await labelByName(db, userId, name)) return false;
  const r = await db
    .updateTable('labels')
    .set({ name })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteLabel(db: Kysely<Schema>, userId: number, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('entry_labels').where('user_id', '=', userId).where('label_id', '=', id).execute();
    await trx.deleteFrom('labels').where('user_id', '=', userId).where('id', '=', id).execute();
  });
}

/** Unread entries carrying a label, up to an id (mark a label read). */
export async function unreadLabelledEntryIds(
  db: Kysely<Schema>,
  input: { userId: number; labelId: number; upToId: number },
): Promise<number[]> {
  const rows = await db
    .selectFrom('entry_labels as el')
    .innerJoin('entries as e', 'e.id', 'el.entry_id')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', input.userId),
    )
    .leftJoin('entry_states as st', (j) =>
      j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', input.userId),
    )
    .select('e.id')
    .where('el.user_id', '=', input.userId)
    .where('el.label_id', '=', input.labelId)
    .where('e.id', '<=', input.upToId)
    .where((eb) =>
      eb.or([
        eb('st.read_override', '=', 0),
        eb.and([eb('st.read_override', 'is', null), eb('e.id', '>', eb.ref('s.read_horizon'))]),
      ]),
    )
    .execute();
  return rows.map((r) => Number(r.id));
}
