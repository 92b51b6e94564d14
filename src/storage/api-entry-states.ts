// Read and starred state of many entries at once (Google Reader edit-tag sends up to 1,000 ids
// per call): the same rules as setEntryRead/setEntryStarred in entry-states.ts — an exception row
// only where the state differs from the horizon, unread counts moved in the same transaction —
// with a constant number of statements per 500 ids instead of one transaction per entry.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

const CHUNK = 500;

interface Row {
  id: number;
  feed_id: number;
  sub_id: number;
  read_horizon: number;
  read_override: number | null;
  starred: number | null;
}

async function change(
  db: Kysely<Schema>,
  input: { userId: number; entryIds: number[]; now: number },
  next: (r: Row) => { readOverride: number | null; starred: number; unreadDelta: number } | null,
): Promise<number> {
  const ids = [...new Set(input.entryIds)];
  if (!ids.length) return 0;
  return db.transaction().execute(async (trx) => {
    const deltas = new Map<number, number>();
    let changed = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await trx
        .selectFrom('entries as e')
        .innerJoin('subscriptions as s', (j) =>
          j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', input.userId),
        )
        .leftJoin('entry_states as st', (j) =>
          j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', input.userId),
        )
        .select(['e.id', 'e.feed_id', 's.id as sub_id', 's.read_horizon', 'st.read_override', 'st.starred'])
        .where('e.id', 'in', ids.slice(i, i + CHUNK))
        .execute();
      const drop: number[] = [];
      const upsert: Schema['entry_states'][] = [];
      for (const r of rows as Row[]) {
        const n = next({ ...r, id: Number(r.id), read_horizon: Number(r.read_horizon) });
        if (!n) continue;
        changed++;
        if (n.unreadDelta) deltas.set(r.sub_id, (deltas.get(r.sub_id) ?? 0) + n.unreadDelta);
        if (n.readOverride === null && n.starred === 0) drop.push(Number(r.id));
        else
          upsert.push({
            user_id: input.userId,
            entry_id: Number(r.id),
            feed_id: r.feed_id,
            read_override: n.readOverride,
            starred: n.starred,
            changed_at: input.now,
          });
      }
      if (drop.length)
        await trx
          .deleteFrom('entry_states')
          .where('user_id', '=', input.userId)
          .where('entry_id', 'in', drop)
          .execute();
      if (upsert.length)
        await trx
          .insertInto('entry_states')
          .values(upsert)
          .onConflict((oc) =>
            oc.columns(['user_id', 'entry_id']).doUpdateSet((eb) => ({
              read_override: eb.ref('excluded.read_override'),
              starred: eb.ref('excluded.starred'),
              changed_at: eb.ref('excluded.changed_at'),
            })),
          )
          .execute();
    }
    for (const [subId, delta] of deltas)
      await trx
        .updateTable('subscriptions')
        .set((eb) => ({ unread_count: eb('unread_count', '+', delta) }))
        .where('id', '=', subId)
        .execute();
    return changed;
  });
}

/** Marks entries read or unread; ids the user cannot see are skipped. Returns how many changed. */
export async function setEntriesRead(
  db: Kysely<Schema>,
  input: { userId: number; entryIds: number[]; read: boolean; now: number },
): Promise<number> {
  return change(db, input, (r) => {
    const byHorizon = r.id <= r.read_horizon;
    const wasRead = r.read_override !== null ? r.read_override === 1 : byHorizon;
    if (wasRead === input.read) return null;
    return {
      readOverride: input.read === byHorizon ? null : input.read ? 1 : 0,
      starred: r.starred ?? 0,
      unreadDelta: input.read ? -1 : 1,
    };
  });
}

/** Stars or unstars entries; ids the user cannot see are skipped. Returns how many changed. */
export async function setEntriesStarred(
  db: Kysely<Schema>,
  input: { userId: number; entryIds: number[]; starred: boolean; now: number },
): Promise<number> {
  const starred = input.starred ? 1 : 0;
  return change(db, input, (r) =>
    (r.starred ?? 0) === starred ? null : { readOverride: r.read_override, starred, unreadDelta: 0 },
  );
}
