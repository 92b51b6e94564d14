// Entries: written once per feed, never once per subscriber. Ids are reception-time
// microseconds handed out by the entry_id_clock row inside the ingest transaction, which
// serializes ingests (row lock on PostgreSQL, the write lock on SQLite): an id therefore never
// becomes visible after a higher one, so a read horizon cannot swallow an entry unseen.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { NewEntry } from '../model/new-entry.ts';
import type { Entry, Schema } from './schema.ts';

export interface IngestResult {
  inserted: number;
  updated: number;
  insertedIds: number[];
}

const CHUNK = 200;

/** Largest entry id handed out so far (0 when none). */
export async function maxEntryId(db: Kysely<Schema>): Promise<number> {
  const row = await db.selectFrom('entry_id_clock').select('last_id').where('id', '=', 1).executeTakeFirst();
  return Number(row?.last_id ?? 0);
}

/** Converts a reception time (ms) to the entry id bound for "received before that time". */
export function entryIdAt(timeMs: number): number {
  return Math.floor(timeMs) * 1000;
}

/** Reception time (ms) of an entry id. */
export function receivedAtOf(entryId: number): number {
  return Math.floor(entryId / 1000);
}

/**
 * Stores a feed's entries in one transaction: new ones get fresh ids (older publication dates
 * first, so a batch reads in order), changed ones are updated in place keeping every user's
 * state, tombstoned ones (purged earlier) are ignored. Subscribers' unread counts grow by the
 * number of new entries in one statement per feed.
 */
export async function ingestEntries(
  db: Kysely<Schema>,
  input: { feedId: number; entries: NewEntry[]; now: number },
): Promise<IngestResult> {
  const unique = new Map<string, NewEntry>();
  for (const e of input.entries) if (!unique.has(e.guidKey)) unique.set(e.guidKey, e);
  const entries = [...unique.values()];
  if (entries.length === 0) return { inserted: 0, updated: 0, insertedIds: [] };

  return db.transaction().execute(async (trx) => {
    // First statement is a write: it takes the SQLite write lock (or the clock row lock on
    // PostgreSQL) up front, so concurrent ingests queue instead of failing on lock upgrade.
    await trx
      .updateTable('entry_id_clock')
      .set({ last_id: sql`last_id` })
      .where('id', '=', 1)
      .execute();

    const existing = new Map<string, { id: number; content_hash: string }>();
    const tombstoned = new Set<string>();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const keys = entries.slice(i, i + CHUNK).map((e) => e.guidKey);
      const rows = await trx
        .selectFrom('entries')
        .select(['id', 'guid_key', 'content_hash'])
        .where('feed_id', '=', input.feedId)
        .where('guid_key', 'in', keys)
        .execute();
      for (const r of rows) existing.set(r.guid_key, { id: r.id, content_hash: r.content_hash });
      const dead = await trx
        .selectFrom('entry_tombstones')
        .select('guid_key')
        .where('feed_id', '=', input.feedId)
        .where('guid_key', 'in', keys)
        .execute();
      for (const r of dead) tombstoned.add(r.guid_key);
    }

    let fresh = entries.filter((e) => !existing.has(e.guidKey) && !tombstoned.has(e.guidKey));
    // Some feeds give an item a new GUID at every fetch. An unknown GUID whose link and title
    // are those of a stored entry is that entry again: update it in place, never duplicate it.
    const sameAs = await entriesWithSameLinkAndTitle(trx, input.feedId, fresh);
    fresh = fresh.filter((e) => !sameAs.has(e)).sort((a, b) => a.dateAt - b.dateAt);
    const changed: { entry: NewEntry; guidKey: string }[] = [];
    for (const e of entries) {
      const old = existing.get(e.guidKey);
      if (old !== undefined && old.content_hash !== e.contentHash)
        changed.push({ entry: e, guidKey: e.guidKey });
    }
    for (const [e, old] of sameAs) {
      if (old.content_hash !== e.contentHash) changed.push({ entry: e, guidKey: old.guid_key });
    }

    const insertedIds: number[] = [];
    if (fresh.length) {
      const first = await reserveEntryIds(trx, fresh.length, input.now);
      const rows = fresh.map((e, i) => ({
        ...entryColumns(e),
        id: first + i,
        feed_id: input.feedId,
        guid_key: e.guidKey,
      }));
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto('entries')
          .values(rows.slice(i, i + CHUNK))
          .execute();
      }
      insertedIds.push(...rows.map((r) => r.id));
      await trx
        .updateTable('subscriptions')
        .set((eb) => ({ unread_count: eb('unread_count', '+', fresh.length) }))
        .where('feed_id', '=', input.feedId)
        .execute();
    }
    for (const { entry, guidKey } of changed) {
      await trx
        .updateTable('entries')
        .set(entryColumns(entry))
        .where('feed_id', '=', input.feedId)
        .where('guid_key', '=', guidKey)
        .execute();
    }
    return { inserted: fresh.length, updated: changed.length, insertedIds };
  });
}

/** Unknown entries that are a stored entry under a new GUID: same link and same title. */
async function entriesWithSameLinkAndTitle(
  trx: Transaction<Schema>,
  feedId: number,
  candidates: NewEntry[],
): Promise<Map<NewEntry, { guid_key: string; content_hash: string }>> {
  const found = new Map<NewEntry, { guid_key: string; content_hash: string }>();
  const withUrl = candidates.filter((e) => e.url !== null);
  for (let i = 0; i < withUrl.length; i += CHUNK) {
    const chunk = withUrl.slice(i, i + CHUNK);
    const rows = await trx
      .selectFrom('entries')
      .select(['guid_key', 'url', 'title', 'content_hash'])
      .where('feed_id', '=', feedId)
      .where(
        'url',
        'in',
        chunk.map((e) => e.url!),
      )
      .execute();
    for (const e of chunk) {
      const match = rows.find((r) => r.url === e.url && r.title === e.title);
      if (match) found.set(e, match);
    }
  }
  return found;
}

function entryColumns(e: NewEntry) {
  return {
    guid: e.guid,
    url: e.url,
    title: e.title,
    authors: JSON.stringify(e.authors),
    content: e.content,
    summary: e.summary,
    published_at: e.publishedAt,
    updated_at: e.updatedAt,
    date_at: e.dateAt,
    content_hash: e.contentHash,
    language: e.language,
    enclosures: JSON.stringify(e.enclosures),
    categories: JSON.stringify(e.categories),
    thumbnail: e.thumbnail,
  };
}

/** Hands out `count` consecutive ids, the first >= now in microseconds and > every earlier id. */
async function reserveEntryIds(trx: Transaction<Schema>, count: number, nowMs: number): Promise<number> {
  const nowId = entryIdAt(nowMs);
  const row = await trx
    .updateTable('entry_id_clock')
    .set({
      last_id: sql<number>`case when last_id + 1 > ${nowId} then last_id + ${count} else ${nowId + count - 1} end`,
    })
    .where('id', '=', 1)
    .returning('last_id')
    .executeTakeFirstOrThrow();
  const last = Number(row.last_id);
  if (last >= Number.MAX_SAFE_INTEGER) throw new Error('storage: entry ids exhausted 53 bits');
  return last - count + 1;
}

/** Dates (date_at) of a feed's latest entries, newest first: the input of its publishing rhythm. */
export async function latestEntryDates(db: Kysely<Schema>, feedId: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('entries')
    .select('date_at')
    .where('feed_id', '=', feedId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.date_at);
}

/** Deletes entries and leaves tombstones so the next refresh does not bring them back. */
export async function purgeEntries(
  db: Kysely<Schema>,
  input: { feedId: number; ids: number[]; now: number },
) {
  if (!input.ids.length) return;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < input.ids.length; i += CHUNK) {
      const ids = input.ids.slice(i, i + CHUNK);
      const rows = await trx
        .selectFrom('entries')
        .select('guid_key')
        .where('feed_id', '=', input.feedId)
        .where('id', 'in', ids)
        .execute();
      if (rows.length) {
        await trx
          .insertInto('entry_tombstones')
          .values(rows.map((r) => ({ feed_id: input.feedId, guid_key: r.guid_key, deleted_at: input.now })))
          .onConflict((oc) => oc.columns(['feed_id', 'guid_key']).doNothing())
          .execute();
      }
      await trx.deleteFrom('entries').where('feed_id', '=', input.feedId).where('id', 'in', ids).execute();
    }
    const subs = await trx
      .selectFrom('subscriptions')
      .select('id')
      .where('feed_id', '=', input.feedId)
      .execute();
    for (const s of subs) await recountUnread(trx, s.id);
  });
}

/** Recomputes one subscription's unread count from its horizon and exceptions (index range counts). */
export async function recountUnread(db: Kysely<Schema>, subscriptionId: number): Promise<number> {
  const sub = await db
    .selectFrom('subscriptions')
    .select(['user_id', 'feed_id', 'read_horizon'])
    .where('id', '=', subscriptionId)
    .executeTakeFirst();
  if (!sub) return 0;
  const n = await computeUnread(db, sub.user_id, sub.feed_id, sub.read_horizon);
  await db.updateTable('subscriptions').set({ unread_count: n }).where('id', '=', subscriptionId).execute();
  return n;
}

export async function computeUnread(db: Kysely<Schema>, userId: number, feedId: number, horizon: number) {
  const above = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('feed_id', '=', feedId)
    .where('id', '>', horizon)
    .executeTakeFirstOrThrow();
  const readAbove = await db
    .selectFrom('entry_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .where('entry_id', '>', horizon)
    .where('read_override', '=', 1)
    .executeTakeFirstOrThrow();
  const unreadBelow = await db
    .selectFrom('entry_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('feed_id', '=', feedId)
    .where('entry_id', '<=', horizon)
    .where('read_override', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(above.n) - Number(readAbove.n) + Number(unreadBelow.n);
}

export type { Entry };
