// A user's states on imported entries, written in bulk: read or unread (kept when the export does
// not say), starred (an import only adds stars), labels (created by name). One transaction per
// feed; the subscription's unread count is recounted at the end. Entries an import brought into
// a feed that others also read are marked read for those others: they are old articles, not news.
import type { Insertable, Kysely } from 'kysely';
import { ensureLabel } from './api-labels.ts';
import { recountUnread } from './entries.ts';
import type { EntryStatesTable, Schema } from './schema.ts';

export interface ImportedEntryState {
  entryId: number;
  read: boolean | null;
  starred: boolean;
  labels: string[];
}

const CHUNK = 200;

/** Label names as the labels page stores them: spaces collapsed, at most 128 characters. */
export function cleanLabelName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, 128);
}

export async function applyImportedStates(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; states: ImportedEntryState[]; now: number },
): Promise<void> {
  const { userId, feedId, now } = input;
  const labelIds = new Map<string, number>();
  for (const name of new Set(input.states.flatMap((s) => s.labels.map(cleanLabelName)))) {
    if (name) labelIds.set(name, await ensureLabel(db, userId, name));
  }
  await db.transaction().execute(async (trx) => {
    const sub = await trx
      .selectFrom('subscriptions')
      .select(['id', 'read_horizon'])
      .where('user_id', '=', userId)
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    if (!sub) return;
    for (let i = 0; i < input.states.length; i += CHUNK) {
      const part = input.states.slice(i, i + CHUNK);
      const rows = await trx
        .selectFrom('entry_states')
        .select(['entry_id', 'read_override', 'starred'])
        .where('user_id', '=', userId)
        .where(
          'entry_id',
          'in',
          part.map((s) => s.entryId),
        )
        .execute();
      const existing = new Map(rows.map((r) => [r.entry_id, r]));
      const upserts: Insertable<EntryStatesTable>[] = [];
      const deletes: number[] = [];
      for (const state of part) {
        const old = existing.get(state.entryId);
        const byHorizon = state.entryId <= sub.read_horizon;
        let override = old?.read_override ?? null;
        if (state.read !== null) override = state.read === byHorizon ? null : state.read ? 1 : 0;
        const starred = state.starred || old?.starred === 1 ? 1 : 0;
        if (old && old.read_override === override && old.starred === starred) continue;
        if (override === null && starred === 0) {
          if (old) deletes.push(state.entryId);
        } else {
          upserts.push({
            user_id: userId,
            entry_id: state.entryId,
            feed_id: feedId,
            read_override: override,
            starred,
            changed_at: now,
          });
        }
      }
      if (deletes.length)
        await trx
          .deleteFrom('entry_states')
          .where('user_id', '=', userId)
          .where('entry_id', 'in', deletes)
          .execute();
      if (upserts.length) {
        await trx
          .insertInto('entry_states')
          .values(upserts)
          .onConflict((oc) =>
            oc.columns(['user_id', 'entry_id']).doUpdateSet((eb) => ({
              read_override: eb.ref('excluded.read_override'),
              starred: eb.ref('excluded.starred'),
              changed_at: eb.ref('excluded.changed_at'),
            })),
          )
          .execute();
      }
      const links = part.flatMap((s) =>
        s.labels
          .map((name) => labelIds.get(cleanLabelName(name)))
          .filter((id) => id !== undefined)
          .map((labelId) => ({ label_id: labelId, entry_id: s.entryId, user_id: userId })),
      );
      if (links.length) {
        await trx
          .insertInto('entry_labels')
          .values(links)
          .onConflict((oc) => oc.columns(['label_id', 'entry_id']).doNothing())
          .execute();
      }
    }
    await recountUnread(trx, sub.id);
  });
}

/**
 * Marks these new entries of a feed read for its other subscribers (above their horizon an entry
 * is unread, so each gets a "read" exception), then recounts their unread entries.
 */
export async function markReadForOtherSubscribers(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; entryIds: number[]; now: number },
): Promise<void> {
  if (!input.entryIds.length) return;
  await db.transaction().execute(async (trx) => {
    const others = await trx
      .selectFrom('subscriptions')
      .select(['id', 'user_id', 'read_horizon'])
      .where('feed_id', '=', input.feedId)
      .where('user_id', '!=', input.userId)
      .execute();
    for (const other of others) {
      const ids = input.entryIds.filter((id) => id > other.read_horizon);
      for (let i = 0; i < ids.length; i += CHUNK) {
        await trx
          .insertInto('entry_states')
          .values(
            ids.slice(i, i + CHUNK).map((entryId) => ({
              user_id: other.user_id,
              entry_id: entryId,
              feed_id: input.feedId,
              read_override: 1,
              starred: 0,
              changed_at: input.now,
            })),
          )
          .onConflict((oc) => oc.columns(['user_id', 'entry_id']).doNothing())
          .execute();
      }
      await recountUnread(trx, other.id);
    }
  });
}
