// A user's state on entries: read (horizon + exceptions), starred. Every change keeps the
// subscription's unread_count exact, inside the same transaction.
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Stream } from '../model/stream.ts';
import { maxEntryId } from './entries.ts';
import type { Dialect } from './database.ts';
import { isPostgres } from './is-postgres.ts';
import type { Schema } from './schema.ts';

interface EntryForUser {
  entryId: number;
  feedId: number;
  subscriptionId: number;
  horizon: number;
  readOverride: number | null;
  starred: number;
}

/**
 * On PostgreSQL, locks the user's subscription rows that `feeds` selects, in id order (the order
 * every writer of counts uses, so none waits for another in a cycle). A change that reads a
 * horizon and then moves a count must hold it: otherwise a concurrent "mark all as read" recounts
 * between the read and the write, and the count ends off by one.
 */
export async function lockSubscriptions(
  trx: Kysely<Schema>,
  userId: number,
  feeds: (eb: ExpressionBuilder<Schema, 'subscriptions'>) => Expression<SqlBool>,
): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx
    .selectFrom('subscriptions')
    .select('id')
    .where('user_id', '=', userId)
    .where(feeds)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The feed of each of these entries, as a subquery (for lockSubscriptions). */
export function feedsOfEntries(entryIds: number[]) {
  return (eb: ExpressionBuilder<Schema, 'subscriptions'>) =>
    eb(
      'feed_id',
      'in',
      eb.selectFrom('entries').select('entries.feed_id').where('entries.id', 'in', entryIds),
    );
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

/**
 * Sets one column of the user's row for an entry: `read_override` (null = as the horizon says)
 * or `starred`. Only that column is written, so a concurrent change of the other one stands; a
 * row that no longer says anything is deleted (in the same statement's terms, not from what was
 * read before).
 */
export async function writeEntryState(
  trx: Kysely<Schema>,
  input: {
    userId: number;
    entries: { entryId: number; feedId: number }[];
    column: 'read_override' | 'starred';
    value: number | null;
    now: number;
  },
): Promise<void> {
  const { userId, entries, column, value, now } = input;
  if (!entries.length) return;
  const ids = entries.map((e) => e.entryId);
  if (value === null || (column === 'starred' && value === 0)) {
    const set =
      column === 'starred' ? { starred: 0, changed_at: now } : { read_override: null, changed_at: now };
    await trx
      .updateTable('entry_states')
      .set(set)
      .where('user_id', '=', userId)
      .where('entry_id', 'in', ids)
      .execute();
    await trx
      .deleteFrom('entry_states')
      .where('user_id', '=', userId)
      .where('entry_id', 'in', ids)
      .where('read_override', 'is', null)
      .where('starred', '=', 0)
      .execute();
    return;
  }
  await trx
    .insertInto('entry_states')
    .values(
      entries.map((e) => ({
        user_id: userId,
        entry_id: e.entryId,
        feed_id: e.feedId,
        read_override: column === 'read_override' ? value : null,
        starred: column === 'starred' ? value : 0,
        changed_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'entry_id'])
        .doUpdateSet(
          column === 'starred'
            ? { starred: value, changed_at: now }
            : { read_override: value, changed_at: now },
        ),
    )
    .execute();
}

/** Marks one entry read or unread. Returns false when the user cannot see that entry. */
export async function setEntryRead(
  db: Kysely<Schema>,
  input: { userId: number; entryId: number; read: boolean; now: number },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await lockSubscriptions(trx, input.userId, feedsOfEntries([input.entryId]));
    const e = await entryForUser(trx, input.userId, input.entryId);
    if (!e) return false;
    const byHorizon = e.entryId <= e.horizon;
    const wasRead = e.readOverride !== null ? e.readOverride === 1 : byHorizon;
    if (wasRead === input.read) return true;
    const override = input.read === byHorizon ? null : input.read ? 1 : 0;
    await writeEntryState(trx, {
      userId: input.userId,
      entries: [e],
      column: 'read_override',
      value: override,
      now: input.now,
    });
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
    await writeEntryState(trx, {
      userId: input.userId,
      entries: [e],
      column: 'starred',
      value: input.starred ? 1 : 0,
      now: input.now,
    });
    return true;
  });
}

export interface MarkReadResult {
  batchId: string | null;
  subscriptions: number;
}

/** Streams whose "mark all as read" moves subscription horizons (favourites and labels do not). */
export type HorizonStream = Extract<Stream, { kind: 'main' | 'important' | 'category' | 'feed' }>;

/** Rows of one multi-row statement or IN list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * The subscriptions (alias-free, so that it fits `subscriptions` in an UPDATE's subquery) that a
 * "mark all as read" of these streams moves: the union of each stream's. Important feeds
 * (priority 2) are never marked read with the main stream or a category, muted ones not with the
 * main stream.
 */
function subscriptionsOf(streams: HorizonStream[]): Expression<SqlBool> {
  const parts: Expression<SqlBool>[] = [];
  if (streams.some((s) => s.kind === 'main')) parts.push(sql<SqlBool>`(priority = 1 and muted = 0)`);
  if (streams.some((s) => s.kind === 'important')) parts.push(sql<SqlBool>`priority >= 2`);
  const categoryIds = [...new Set(streams.flatMap((s) => (s.kind === 'category' ? [s.id] : [])))];
  for (const ids of chunks(categoryIds))
    parts.push(sql<SqlBool>`(category_id in (${sql.join(ids)}) and priority >= 0 and priority < 2)`);
  const feedIds = [...new Set(streams.flatMap((s) => (s.kind === 'feed' ? [s.id] : [])))];
  for (const ids of chunks(feedIds)) parts.push(sql<SqlBool>`feed_id in (${sql.join(ids)})`);
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` or `)})` : sql<SqlBool>`1 = 0`;
}

/**
 * The unread count of the `subscriptions` row being updated for a horizon expression, from index
 * range counts: entries above the horizon, minus "read" exceptions above it, plus "unread"
 * exceptions at or below it (the same rule as computeUnread in entries.ts, for many rows in one
 * statement).
 */
function recountSql(userId: number, horizon: Expression<number>): Expression<number> {
  return sql<number>`(select count(*) from entries e
      where e.feed_id = subscriptions.feed_id and e.id > ${horizon})
    - (select count(*) from entry_states x
      where x.user_id = ${userId} and x.feed_id = subscriptions.feed_id and x.entry_id > ${horizon}
        and x.read_override = 1)
    + (select count(*) from entry_states x
      where x.user_id = ${userId} and x.feed_id = subscriptions.feed_id and x.entry_id <= ${horizon}
        and x.read_override = 0)`;
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
  const stream = input.stream;
  if (stream.kind === 'starred' || stream.kind === 'label') return markStarredRead(database.db, input);
  return markStreamsRead(database, { ...input, streams: [stream] });
}

/**
 * "Mark all as read" of several streams at once (an app's reading list folder by folder): one
 * transaction and one undo batch, in a constant number of statements whatever the number of
 * subscriptions (a handful per 500 of them): the subscriptions, the "unread" exceptions below
 * the bound, clearing those, one UPDATE that moves the horizons and recounts, the log.
 */
export async function markStreamsRead(
  database: { db: Kysely<Schema>; dialect: Dialect },
  input: { userId: number; streams: HorizonStream[]; upToId: number; now: number },
): Promise<MarkReadResult> {
  const { db, dialect } = database;
  const { userId, now } = input;
  if (!input.streams.length) return { batchId: null, subscriptions: 0 };
  const which = subscriptionsOf(input.streams);
  return db.transaction().execute(async (trx) => {
    const upTo = Math.min(input.upToId, await maxEntryId(trx));
    const q = trx
      .selectFrom('subscriptions')
      .select(['id', 'feed_id', 'read_horizon'])
      .where('user_id', '=', userId)
      .where(which)
      .orderBy('id');
    // On PostgreSQL, lock the rows first so a concurrent ingest's count increment is either
    // fully before (and seen by the recount below) or after this transaction.
    const subs = dialect === 'postgres' ? await q.forUpdate().execute() : await q.execute();
    if (!subs.length) return { batchId: null, subscriptions: 0 };
    const ofStream = (eb: ExpressionBuilder<Schema, 'entry_states'>) =>
      eb(
        'feed_id',
        'in',
        eb.selectFrom('subscriptions').select('feed_id').where('user_id', '=', userId).where(which),
      );
    const clearedRows = await trx
      .selectFrom('entry_states')
      .select(['entry_id', 'feed_id'])
      .where('user_id', '=', userId)
      .where('read_override', '=', 0)
      .where('entry_id', '<=', upTo)
      .where(ofStream)
      .orderBy('entry_id')
      .execute();
    const cleared = new Map<number, number[]>();
    for (const r of clearedRows) {
      const list = cleared.get(r.feed_id);
      if (list) list.push(Number(r.entry_id));
      else cleared.set(r.feed_id, [Number(r.entry_id)]);
    }
    const moved = subs.filter((s) => upTo > s.read_horizon || cleared.has(s.feed_id));
    if (!moved.length) return { batchId: null, subscriptions: 0 };
    if (clearedRows.length)
      await trx
        .updateTable('entry_states')
        .set({ read_override: null, changed_at: now })
        .where('user_id', '=', userId)
        .where('read_override', '=', 0)
        .where('entry_id', '<=', upTo)
        .where(ofStream)
        .execute();
    // SET expressions see the row as it was: the new horizon is written out where it is used.
    const horizon = sql<number>`(case when subscriptions.read_horizon > ${upTo} then subscriptions.read_horizon else ${upTo} end)`;
    for (const part of chunks(moved))
      await trx
        .updateTable('subscriptions')
        .set({ read_horizon: horizon, unread_count: recountSql(userId, horizon) })
        .where(
          'id',
          'in',
          part.map((s) => s.id),
        )
        .execute();
    const batchId = randomUUID();
    for (const part of chunks(moved))
      await trx
        .insertInto('read_horizon_log')
        .values(
          part.map((s) => ({
            user_id: userId,
            subscription_id: s.id,
            batch_id: batchId,
            old_horizon: s.read_horizon,
            new_horizon: Math.max(s.read_horizon, upTo),
            cleared_unread: JSON.stringify(cleared.get(s.feed_id) ?? []),
            undone: 0,
            created_at: now,
          })),
        )
        .execute();
    return { batchId, subscriptions: moved.length };
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
    const ids = rows.map((r) => Number(r.entry_id));
    if (ids.length) await lockSubscriptions(trx, input.userId, feedsOfEntries(ids));
    for (const id of ids) {
      const e = await entryForUser(trx, input.userId, id);
      if (!e) continue;
      const byHorizon = e.entryId <= e.horizon;
      const wasRead = e.readOverride !== null ? e.readOverride === 1 : byHorizon;
      if (wasRead) continue;
      await writeEntryState(trx, {
        userId: input.userId,
        entries: [e],
        column: 'read_override',
        value: byHorizon ? null : 1,
        now: input.now,
      });
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
 * again since), the cleared "unread" exceptions come back, counts are recomputed. Grouped like
 * the mark: the exceptions in multi-row statements, one UPDATE per restored horizon value (a
 * main-stream batch usually restores one or two values for all its subscriptions).
 */
export async function undoLastMarkRead(
  db: Kysely<Schema>,
  input: { userId: number; now: number },
): Promise<{ undone: number }> {
  const { userId, now } = input;
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('read_horizon_log')
      .select(['batch_id', 'undone'])
      .where('user_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last || last.undone) return { undone: 0 };
    await lockSubscriptions(trx, userId, (eb) =>
      eb(
        'id',
        'in',
        eb
          .selectFrom('read_horizon_log')
          .select('read_horizon_log.subscription_id')
          .where('read_horizon_log.user_id', '=', userId)
          .where('read_horizon_log.batch_id', '=', last.batch_id),
      ),
    );
    const rows = await trx
      .selectFrom('read_horizon_log as l')
      .innerJoin('subscriptions as s', 's.id', 'l.subscription_id')
      .select([
        'l.subscription_id',
        'l.old_horizon',
        'l.new_horizon',
        'l.cleared_unread',
        's.feed_id',
        's.read_horizon',
      ])
      .where('l.user_id', '=', userId)
      .where('l.batch_id', '=', last.batch_id)
      .execute();
    const byHorizon = new Map<number, number[]>();
    const states: Schema['entry_states'][] = [];
    for (const r of rows) {
      const horizon = Number(r.read_horizon === r.new_horizon ? r.old_horizon : r.read_horizon);
      const list = byHorizon.get(horizon);
      if (list) list.push(r.subscription_id);
      else byHorizon.set(horizon, [r.subscription_id]);
      for (const entryId of JSON.parse(r.cleared_unread) as number[])
        states.push({
          user_id: userId,
          entry_id: entryId,
          feed_id: r.feed_id,
          read_override: entryId <= horizon ? 0 : null,
          starred: 0,
          changed_at: now,
        });
    }
    for (const part of chunks(states))
      await trx
        .insertInto('entry_states')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['user_id', 'entry_id']).doUpdateSet((eb) => ({
            read_override: eb.ref('excluded.read_override'),
            changed_at: eb.ref('excluded.changed_at'),
          })),
        )
        .execute();
    for (const [horizon, ids] of byHorizon)
      for (const part of chunks(ids))
        await trx
          .updateTable('subscriptions')
          .set({ read_horizon: horizon, unread_count: recountSql(userId, sql<number>`${horizon}`) })
          .where('id', 'in', part)
          .execute();
    await trx
      .updateTable('read_horizon_log')
      .set({ undone: 1 })
      .where('user_id', '=', userId)
      .where('batch_id', '=', last.batch_id)
      .execute();
    return { undone: rows.length };
  });
}
