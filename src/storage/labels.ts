// A user's labels ("Mes étiquettes"): create, rename, delete, put on and take off entries, and
// the sidebar's unread count of each.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export interface LabelView {
  id: number;
  name: string;
  unreadCount: number;
}

export type LabelResult =
  { kind: 'ok'; id: number } | { kind: 'error'; code: 'labels.empty' | 'labels.exists' };

function cleanName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, 128);
}

/** The user's labels by name, each with the number of its unread entries (one query). */
export async function labelsForUser(db: Kysely<Schema>, userId: number): Promise<LabelView[]> {
  const rows = await db
    .selectFrom('labels as l')
    .select([
      'l.id',
      'l.name',
      sql<number>`(select count(*) from entry_labels el
        join entries e on e.id = el.entry_id
        join subscriptions s on s.feed_id = e.feed_id and s.user_id = el.user_id
        left join entry_states st on st.entry_id = e.id and st.user_id = el.user_id
        where el.label_id = l.id and el.user_id = l.user_id
          and (st.read_override = 0 or (st.read_override is null and e.id > s.read_horizon)))`.as('unread'),
    ])
    .where('l.user_id', '=', userId)
    .execute();
  return rows
    .map((r) => ({ id: r.id, name: r.name, unreadCount: Number(r.unread) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function createLabel(db: Kysely<Schema>, userId: number, name: string): Promise<LabelResult> {
  const clean = cleanName(name);
  if (!clean) return { kind: 'error', code: 'labels.empty' };
  const existing = await db
    .selectFrom('labels')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', clean)
    .executeTakeFirst();
  if (existing) return { kind: 'error', code: 'labels.exists' };
  const row = await db
    .insertInto('labels')
    .values({ user_id: userId, name: clean })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'ok', id: row.id };
}

export async function renameLabel(
  db: Kysely<Schema>,
  userId: number,
  labelId: number,
  name: string,
): Promise<LabelResult> {
  const clean = cleanName(name);
  if (!clean) return { kind: 'error', code: 'labels.empty' };
  const clash = await db
    .selectFrom('labels')
    .select('id')
    .where('user_id', '=', userId)
    .where('name', '=', clean)
    .where('id', '!=', labelId)
    .executeTakeFirst();
  if (clash) return { kind: 'error', code: 'labels.exists' };
  await db
    .updateTable('labels')
    .set({ name: clean })
    .where('id', '=', labelId)
    .where('user_id', '=', userId)
    .execute();
  return { kind: 'ok', id: labelId };
}

export async function deleteLabel(db: Kysely<Schema>, userId: number, labelId: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('entry_labels')
      .where('label_id', '=', labelId)
      .where('user_id', '=', userId)
      .execute();
    await trx.deleteFrom('labels').where('id', '=', labelId).where('user_id', '=', userId).execute();
  });
}

/**
 * Puts a label on an entry or takes it off. False when the label is not the user's or the entry
 * is not in one of the user's subscriptions.
 */
export async function setEntryLabel(
  db: Kysely<Schema>,
  input: { userId: number; entryId: number; labelId: number; on: boolean },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const label = await trx
      .selectFrom('labels')
      .select('id')
      .where('id', '=', input.labelId)
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    const entry = await trx
      .selectFrom('entries as e')
      .innerJoin('subscriptions as s', (j) =>
        j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', input.userId),
      )
      .select('e.id')
      .where('e.id', '=', input.entryId)
      .executeTakeFirst();
    if (!label || !entry) return false;
    if (input.on) {
      await trx
        .insertInto('entry_labels')
        .values({ label_id: input.labelId, entry_id: input.entryId, user_id: input.userId })
        .onConflict((oc) => oc.columns(['label_id', 'entry_id']).doNothing())
        .execute();
    } else {
      await trx
        .deleteFrom('entry_labels')
        .where('label_id', '=', input.labelId)
        .where('entry_id', '=', input.entryId)
        .where('user_id', '=', input.userId)
        .execute();
    }
    return true;
  });
}

/** The label ids on each of these entries (for the rows of a page). */
export async function labelIdsOfEntries(
  db: Kysely<Schema>,
  userId: number,
  entryIds: number[],
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (entryIds.length === 0) return out;
  const rows = await db
    .selectFrom('entry_labels')
    .select(['entry_id', 'label_id'])
    .where('user_id', '=', userId)
    .where('entry_id', 'in', entryIds)
    .execute();
  for (const r of rows) out.set(r.entry_id, [...(out.get(r.entry_id) ?? []), r.label_id]);
  return out;
}
