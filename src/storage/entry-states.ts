// A user's state on entries: read (horizon + exceptions), starred. Every change keeps the
// subscription's unread_count exact, inside the same transaction.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Stream } from '../model/stream.ts';
import { computeUnread, maxEntryId } from './entries.ts';
import type { Dialect } from './database.ts';
import type { Schema } from './schema.ts';

interface EntryForUser {
  entryId: number;
  feedId: number;
  subscriptionId: number;
  horizon: number;
  readOverride: number | null;
  starred: number;
}

async function entryForUser(
  db: Kysely<Schema>,
  userId: number,
  entryId: number,
): Promise<EntryForUser | undefined> {
  const row = await db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
    )
    .leftJoin('entry_states as st', (j) => j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', userId))
    .select(['e.id', 'e.feed_id', 's.id as sub_id', 's.read_horizon', 'st.read_override', 'st.starred'])
    .where('e.id', '=', entryId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    entryId: row.id,
    feedId: row.feed_id,
    subscriptionId: row.sub_id,
    horizon: row.read_horizon,
    readOverride: row.read_override,
    starred: row.starred ?? 0,
  };
}

async function writeState(
  trx: Transaction<Schema>,
  userId: number,
  e: EntryForUser,
  readOverride: number | null,
  starred: number,
  now: number,
): Promise<void> {
  if (readOverride === null && starred === 0) {
    await trx
      .deleteFrom('entry_states')
      .where('user_id', '=', userId)
      .where('entry_id', '=', e.entryId)
      .execute();
    return;
  }
  await trx
    .insertInto('entry_states')
    .values({
      user_id: userId,
      entry_id: e.entryId,
      feed_id: e.feedId,
      read_override: readOverride,
      starred,
      changed_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'entry_id'])
        .doUpdateSet({ read_override: readOverride, starred, changed_at: now }),
    )
    .execute();
}

/** Marks one entry read or unread. Returns false when the user cannot see that entry. */
export async function setEntryRead(
  db: Kysely<Schema>,
  input: { userId: number; entryId: number; read: boolean; now: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const e = await entryForUser(trx, input.userId, input.entryId);
    if (!e) return false;
    const byHorizon = e.entryId <= e.horizon;
    const wasRead = e.readOverride !== null ? e.readOverride === 1 : byHorizon;
    if (wasRead === input.read) return true;
    const override = input.read === byHorizon ? null : input.read ? 1 : 0;
    await writeState(trx, input.userId, e, override, e.starred, input.now);
    await trx
      .updateTable('subscriptions')
      .set((eb) => ({ unread_count: eb('unread_count', '+', input.read ? -1 : 1) }))
      .where('id', '=', e.subscriptionId)
      .execute();
    return true;
  });
}

/** Stars or unstars one entry. Returns false when the user cannot see that entry. */
export async function setEntryStarred(
  db: Kysely<Schema>,
  input: { userId: number; entryId: number; starred: boolean; now: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const e = await entryForUser(trx, input.userId, input.entryId);
    if (!e) return false;
    await writeState(trx, input.userId, e, e.readOverride, input.starred ? 1 : 0, input.now);
    return true;
  });
}

export interface MarkReadResult {
  batchId: string | null;
  subscriptions: number;
}

/**
 * "Mark all as read" for a stream, up to an entry id (what the page showed; entries received
 * later keep their state). O(subscriptions): it moves each subscription's horizon and clears the
 * few "unread" exceptions below it, never touching one row per entry. Every move is logged so
 * that it can be undone.
 */
export async function markStreamRead(
  database: { db: Kysely<Schema>; dialect: Dialect },
  input: { userId: number; stream: Stream; upToId: number; now: number },
): Promise<MarkReadResult> {
  const { db, dialect } = database;
  if (input.stream.kind === 'starred' || input.stream.kind === 'label') return markStarredRead(db, input);
  return db.transaction().execute(async (trx) => {
    const upTo = Math.min(input.upToId, await maxEntryId(trx));
    let q = trx
      .selectFrom('subscriptions')
      .select(['id', 'feed_id', 'read_horizon'])
      .where('user_id', '=', input.userId)
      .orderBy('id');
    // Important feeds (priority 2) are never marked read with the main stream or a category.
    if (input.stream.kind === 'main') q = q.where('priority', '=', 1).where('muted', '=', 0);
    if (input.stream.kind === 'important') q = q.where('priority', '>=', 2);
    if (input.stream.kind === 'category')
      q = q.where('category_id', '=', input.stream.id).where('priority', '>=', 0).where('priority', '<', 2);
    if (input.stream.kind === 'feed') q = q.where('feed_id', '=', input.stream.id);
    // On PostgreSQL, lock the rows first so a concurrent ingest's count increment is either
    // fully before (and seen by the recount below) or after this transaction.
    const subs = dialect === 'postgres' ? await q.forUpdate().execute() : await q.execute();
    const batchId = randomUUID();
    let moved = 0;
    for (const sub of subs) {
      const cleared = await trx
        .selectFrom('entry_states')
        .select('entry_id')
        .where('user_id', '=', input.userId)
        .where('feed_id', '=', sub.feed_id)
        .where('read_override', '=', 0)
        .where('entry_id', '<=', upTo)
        .execute();
      if (upTo <= sub.read_horizon && cleared.length === 0) continue;
      const newHorizon = Math.max(sub.read_horizon, upTo);
      if (cleared.length) {
        await trx
          .updateTable('entry_states')
          .set({ read_override: null, changed_at: input.now })
          .where('user_id', '=', input.userId)
          .where('feed_id', '=', sub.feed_id)
          .where('read_override', '=', 0)
          .where('entry_id', '<=', upTo)
          .execute();
      }
      const unread = await computeUnread(trx, input.userId, sub.feed_id, newHorizon);
      await trx
        .updateTable('subscriptions')
        .set({ read_horizon: newHorizon, unread_count: unread })
        .where('id', '=', sub.id)
        .execute();
      await trx
        .insertInto('read_horizon_log')
        .values({
          user_id: input.userId,
          subscription_id: sub.id,
          batch_id: batchId,
          old_horizon: sub.read_horizon,
          new_horizon: newHorizon,
          cleared_unread: JSON.stringify(cleared.map((c) => c.entry_id)),
          undone: 0,
          created_at: input.now,
        })
        .execute();
      moved++;
    }
    return { batchId: moved ? batchId : null, subscriptions: moved };
  });
}

/** Favourites and labels are lists of the user's rows already: marking them read touches only those. */
async function markStarredRead(
  db: Kysely<Schema>,
  input: { userId: number; stream: Stream; upToId: number; now: number },
): Promise<MarkReadResult> {
  const stream = input.stream;
  return db.transaction().execute(async (trx) => {
    const rows =
      stream.kind === 'label'
        ? await trx
            .selectFrom('entry_labels')
            .select('entry_id')
            .where('user_id', '=', input.userId)
            .where('label_id', '=', stream.id)
            .where('entry_id', '<=', input.upToId)
            .execute()
        : await trx
            .selectFrom('entry_states')
            .select('entry_id')
            .where('user_id', '=', input.userId)
            .where('starred', '=', 1)
            .where('entry_id', '<=', input.upToId)
            .execute();
    for (const r of rows) {
      const e = await entryForUser(trx, input.userId, r.entry_id);
      if (!e) continue;
      const byHorizon = e.entryId <= e.horizon;
      const wasRead = e.readOverride !== null ? e.readOverride === 1 : byHorizon;
      if (wasRead) continue;
      await writeState(trx, input.userId, e, byHorizon ? null : 1, e.starred, input.now);
      await trx
        .updateTable('subscriptions')
        .set((eb) => ({ unread_count: eb('unread_count', '-', 1) }))
        .where('id', '=', e.subscriptionId)
        .execute();
    }
    return { batchId: null, subscriptions: 0 };
  });
}

/** The newest "mark all as read" of a user that can still be undone. */
export async function lastMarkReadBatch(db: Kysely<Schema>, userId: number): Promise<string | null> {
  const row = await db
    .selectFrom('read_horizon_log')
    .select(['batch_id', 'undone'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && row.undone === 0 ? row.batch_id : null;
}

/**
 * Undoes the newest "mark all as read": each horizon goes back where it was (unless it moved
 * again since), the cleared "unread" exceptions come back, counts are recomputed.
 */
export async function undoLastMarkRead(
  db: Kysely<Schema>,
  input: { userId: number; now: number },
): Promise<{ undone: number }> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('read_horizon_log')
      .select(['batch_id', 'undone'])
      .where('user_id', '=', input.userId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last || last.undone) return { undone: 0 };
    const rows = await trx
      .selectFrom('read_horizon_log as l')
      .innerJoin('subscriptions as s', 's.id', 'l.subscription_id')
      .select([
        'l.id',
        'l.subscription_id',
        'l.old_horizon',
        'l.new_horizon',
        'l.cleared_unread',
        's.feed_id',
        's.read_horizon',
      ])
      .where('l.user_id', '=', input.userId)
      .where('l.batch_id', '=', last.batch_id)
      .execute();
    for (const r of rows) {
      const horizon = r.read_horizon === r.new_horizon ? r.old_horizon : r.read_horizon;
      for (const entryId of JSON.parse(r.cleared_unread) as number[]) {
        await trx
          .insertInto('entry_states')
          .values({
            user_id: input.userId,
            entry_id: entryId,
            feed_id: r.feed_id,
            read_override: entryId <= horizon ? 0 : null,
            starred: 0,
            changed_at: input.now,
          })
          .onConflict((oc) =>
            oc.columns(['user_id', 'entry_id']).doUpdateSet({
              read_override: entryId <= horizon ? 0 : null,
              changed_at: input.now,
            }),
          )
          .execute();
      }
      const unread = await computeUnread(trx, input.userId, r.feed_id, horizon);
      await trx
        .updateTable('subscriptions')
        .set({ read_horizon: horizon, unread_count: unread })
        .where('id', '=', r.subscription_id)
        .execute();
    }
    await trx
      .updateTable('read_horizon_log')
      .set({ undone: 1 })
      .where('user_id', '=', input.userId)
      .where('batch_id', '=', last.batch_id)
      .execute();
    return { undone: rows.length };
  });
}
