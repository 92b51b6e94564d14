// Read and starred state of many entries at once (Google Reader edit-tag sends up to 1,000 ids
// per call): the same rules as setEntryRead/setEntryStarred in entry-states.ts — an exception row
// only where the state differs from the horizon, unread counts moved in the same transaction,
// only the changed column written, the subscriptions locked on PostgreSQL before their horizons
// are read — with a constant number of statements per 500 ids instead of one transaction per
// entry, and the counts moved in one UPDATE per distinct change rather than one per subscription.
import type { Kysely } from 'kysely';
import { feedsOfEntries, lockSubscriptions, writeEntryState } from './entry-states.ts';
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
  column: 'read_override' | 'starred',
  next: (r: Row) => { value: number | null; unreadDelta: number } | null,
): Promise<number> {
  const ids = [...new Set(input.entryIds)];
  if (!ids.length) return 0;
  return db.transaction().execute(async (trx) => {
    const deltas = new Map<number, number>();
    let changed = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      if (column === 'read_override') await lockSubscriptions(trx, input.userId, feedsOfEntries(part));
      const rows = await trx
        .selectFrom('entries as e')
        .innerJoin('subscriptions as s', (j) =>
          j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', input.userId),
        )
        .leftJoin('entry_states as st', (j) =>
          j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', input.userId),
        )
        .select(['e.id', 'e.feed_id', 's.id as sub_id', 's.read_horizon', 'st.read_override', 'st.starred'])
        .where('e.id', 'in', part)
        .execute();
      // Entries grouped by the value their column takes.
      const byValue = new Map<number | null, { entryId: number; feedId: number }[]>();
      for (const r of rows as Row[]) {
        const n = next({ ...r, id: Number(r.id), read_horizon: Number(r.read_horizon) });
        if (!n) continue;
        changed++;
        if (n.unreadDelta) deltas.set(r.sub_id, (deltas.get(r.sub_id) ?? 0) + n.unreadDelta);
        const list = byValue.get(n.value);
        const e = { entryId: Number(r.id), feedId: r.feed_id };
        if (list) list.push(e);
        else byValue.set(n.value, [e]);
      }
      for (const [value, entries] of byValue)
        await writeEntryState(trx, { userId: input.userId, entries, column, value, now: input.now });
    }
    // One UPDATE per distinct change (ids spread over many feeds mostly move each count by 1).
    const byDelta = new Map<number, number[]>();
    for (const [subId, delta] of deltas) {
      if (!delta) continue;
      const list = byDelta.get(delta);
      if (list) list.push(subId);
      else byDelta.set(delta, [subId]);
    }
    for (const [delta, subIds] of byDelta)
      for (let i = 0; i < subIds.length; i += CHUNK)
        await trx
          .updateTable('subscriptions')
          .set((eb) => ({ unread_count: eb('unread_count', '+', delta) }))
          .where('id', 'in', subIds.slice(i, i + CHUNK))
          .execute();
    return changed;
  });
}

/** Marks entries read or unread; ids the user cannot see are skipped. Returns how many changed. */
export async function setEntriesRead(
  db: Kysely<Schema>,
  input: { userId: number; entryIds: number[]; read: boolean; now: number },
): Promise<number> {
  return change(db, input, 'read_override', (r) => {
    const byHorizon = r.id <= r.read_horizon;
    const wasRead = r.read_override !== null ? r.read_override === 1 : byHorizon;
    if (wasRead === input.read) return null;
    return { value: input.read === byHorizon ? null : input.read ? 1 : 0, unreadDelta: input.read ? -1 : 1 };
  });
}

/** Stars or unstars entries; ids the user cannot see are skipped. Returns how many changed. */
export async function setEntriesStarred(
  db: Kysely<Schema>,
  input: { userId: number; entryIds: number[]; starred: boolean; now: number },
): Promise<number> {
  const starred = input.starred ? 1 : 0;
  return change(db, input, 'starred', (r) =>
    (r.starred ?? 0) === starred ? null : { value: starred, unreadDelta: 0 },
  );
}
