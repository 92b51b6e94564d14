// Entries: written once per feed, never once per subscriber. Ids are reception-time
// microseconds handed out by the entry_id_clock row inside the ingest transaction, which
// serializes ingests (row lock on PostgreSQL, the write lock on SQLite): an id therefore never
// becomes visible after a higher one, so a read horizon cannot swallow an entry unseen.
import { CompiledQuery, PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import type { NewEntry } from '../model/new-entry.ts';
import { indexStoredEntries } from '../search/search-index.ts';
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
  if (input.entries.length === 0) return { inserted: 0, updated: 0, insertedIds: [] };
  return db.transaction().execute(async (trx) => {
    await lockEntryIdClock(trx);
    const [result] = await ingestFeedsEntries(trx, [input], input.now);
    return result!;
  });
}

/**
 * The first statement of every transaction that stores entries: a write to the clock row, which
 * takes the SQLite write lock (or the clock row lock on PostgreSQL) up front, so concurrent ingests
 * queue instead of failing on lock upgrade, and ids become visible in id order.
 */
export async function lockEntryIdClock(trx: Transaction<Schema>): Promise<void> {
  await trx
    .updateTable('entry_id_clock')
    .set({ last_id: sql`last_id` })
    .where('id', '=', 1)
    .execute();
}

/**
 * Stores the entries of several feeds inside `trx`, which must have called lockEntryIdClock
 * first. Same rules as ingestEntries, with a constant number of statements per batch (lookups,
 * id reservation, inserts and the unread counts are done for all the feeds at once) plus one
 * per changed entry. Results come in the order of `feeds`.
 */
export async function ingestFeedsEntries(
  trx: Transaction<Schema>,
  feeds: { feedId: number; entries: NewEntry[] }[],
  now: number,
): Promise<IngestResult[]> {
  // Per feed: its entries, one per identity key (the first wins).
  const perFeed = feeds.map(({ feedId, entries }) => {
    const unique = new Map<string, NewEntry>();
    for (const e of entries) if (!unique.has(e.guidKey)) unique.set(e.guidKey, e);
    return { feedId, entries: [...unique.values()] };
  });
  const all = perFeed.flatMap(({ feedId, entries }) => entries.map((entry) => ({ feedId, entry })));
  const results: IngestResult[] = perFeed.map(() => ({ inserted: 0, updated: 0, insertedIds: [] }));
  if (all.length === 0) return results;

  const keyOf = (feedId: number, guidKey: string) => `${feedId}\u0000${guidKey}`;
  const existing = new Map<string, { id: number; content_hash: string }>();
  const tombstoned = new Set<string>();
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const feedIds = [...new Set(chunk.map((x) => x.feedId))];
    const keys = [...new Set(chunk.map((x) => x.entry.guidKey))];
    // A superset (any of these feeds × any of these keys), narrowed by the maps' composite keys.
    const rows = await trx
      .selectFrom('entries')
      .select(['id', 'feed_id', 'guid_key', 'content_hash'])
      .where('feed_id', 'in', feedIds)
      .where('guid_key', 'in', keys)
      .execute();
    for (const r of rows)
      existing.set(keyOf(r.feed_id, r.guid_key), { id: r.id, content_hash: r.content_hash });
    const dead = await trx
      .selectFrom('entry_tombstones')
      .select(['feed_id', 'guid_key'])
      .where('feed_id', 'in', feedIds)
      .where('guid_key', 'in', keys)
      .execute();
    for (const r of dead) tombstoned.add(keyOf(r.feed_id, r.guid_key));
  }

  const candidates = all.filter(
    (x) =>
      !existing.has(keyOf(x.feedId, x.entry.guidKey)) && !tombstoned.has(keyOf(x.feedId, x.entry.guidKey)),
  );
  // Some feeds give an item a new GUID at every fetch. An unknown GUID whose link and title
  // are those of a stored entry is that entry again: update it in place, never duplicate it.
  const sameAs = await entriesWithSameLinkAndTitle(trx, candidates);
  const resultOf = new Map(perFeed.map((f, i) => [f.feedId, results[i]!]));

  // New entries of the whole batch, oldest publication first, get consecutive ids.
  const fresh = candidates
    .filter((x) => !sameAs.has(x.entry))
    .sort((a, b) => a.entry.dateAt - b.entry.dateAt);
  if (fresh.length) {
    const first = await reserveEntryIds(trx, fresh.length, now);
    const rows = fresh.map((x, i) => ({
      ...entryColumns(x.entry),
      id: first + i,
      feed_id: x.feedId,
      guid_key: x.entry.guidKey,
    }));
    await insertEntryRows(trx, rows);
    const newPerFeed = new Map<number, number>();
    for (const r of rows) {
      const result = resultOf.get(r.feed_id)!;
      result.inserted++;
      result.insertedIds.push(r.id);
      newPerFeed.set(r.feed_id, (newPerFeed.get(r.feed_id) ?? 0) + 1);
    }
    // Every subscriber's unread count, all feeds in one statement.
    const counts = [...newPerFeed];
    for (let i = 0; i < counts.length; i += CHUNK) {
      const part = counts.slice(i, i + CHUNK);
      const increment = sql<number>`case feed_id ${sql.join(
        part.map(([feedId, n]) => sql`when ${feedId} then ${n}`),
        sql` `,
      )} else 0 end`;
      await trx
        .updateTable('subscriptions')
        .set((eb) => ({ unread_count: eb('unread_count', '+', increment) }))
        .where(
          'feed_id',
          'in',
          part.map(([feedId]) => feedId),
        )
        .execute();
    }
  }

  const changed: { feedId: number; entry: NewEntry; guidKey: string }[] = [];
  for (const x of all) {
    const old = existing.get(keyOf(x.feedId, x.entry.guidKey));
    if (old !== undefined && old.content_hash !== x.entry.contentHash)
      changed.push({ feedId: x.feedId, entry: x.entry, guidKey: x.entry.guidKey });
  }
  for (const [entry, old] of sameAs) {
    if (old.content_hash !== entry.contentHash)
      changed.push({ feedId: old.feed_id, entry, guidKey: old.guid_key });
  }
  for (const { feedId, entry, guidKey } of changed) {
    await trx
      .updateTable('entries')
      .set(entryColumns(entry))
      .where('feed_id', '=', feedId)
      .where('guid_key', '=', guidKey)
      .execute();
    resultOf.get(feedId)!.updated++;
  }
  // The full-text index of the new and changed entries, in the same transaction.
  await indexStoredEntries(trx, [
    ...fresh.map((x) => ({ feedId: x.feedId, guidKey: x.entry.guidKey })),
    ...changed.map((x) => ({ feedId: x.feedId, guidKey: x.guidKey })),
  ]);
  return results;
}

/** Rows per INSERT statement: 17 columns × 500 = 8,500 parameters (SQLite allows 32,766). */
const INSERT_ROWS = 500;

type EntryRow = ReturnType<typeof entryColumns> & { id: number; feed_id: number; guid_key: string };

/**
 * Inserts entry rows with multi-row INSERTs written here rather than by Kysely's builder, whose
 * per-value nodes cost more than SQLite's own work for 20,000 rows of a first refresh. The SQL
 * text depends only on the number of rows, so the connection's statement cache reuses it.
 */
async function insertEntryRows(trx: Transaction<Schema>, rows: readonly EntryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!) as (keyof EntryRow)[];
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  for (let start = 0; start < rows.length; start += INSERT_ROWS) {
    const part = rows.slice(start, start + INSERT_ROWS);
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of part) {
      const marks: string[] = [];
      for (const column of columns) {
        params.push(row[column]);
        marks.push(postgres ? `$${params.length}` : '?');
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    const text = `insert into "entries" (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`;
    await trx.executeQuery(CompiledQuery.raw(text, params));
  }
}

/** Unknown entries that are a stored entry of their feed under a new GUID: same link and same title. */
async function entriesWithSameLinkAndTitle(
  trx: Transaction<Schema>,
  candidates: { feedId: number; entry: NewEntry }[],
): Promise<Map<NewEntry, { feed_id: number; guid_key: string; content_hash: string }>> {
  const found = new Map<NewEntry, { feed_id: number; guid_key: string; content_hash: string }>();
  const withUrl = candidates.filter((x) => x.entry.url !== null);
  for (let i = 0; i < withUrl.length; i += CHUNK) {
    const chunk = withUrl.slice(i, i + CHUNK);
    const rows = await trx
      .selectFrom('entries')
      .select(['feed_id', 'guid_key', 'url', 'title', 'content_hash'])
      .where('feed_id', 'in', [...new Set(chunk.map((x) => x.feedId))])
      .where('url', 'in', [...new Set(chunk.map((x) => x.entry.url!))])
      .execute();
    if (rows.length === 0) continue;
    for (const x of chunk) {
      const match = rows.find(
        (r) => r.feed_id === x.feedId && r.url === x.entry.url && r.title === x.entry.title,
      );
      if (match) found.set(x.entry, match);
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

/** latestEntryDates for several feeds in one query (feeds without entries get []). */
export async function latestEntryDatesOfFeeds(
  db: Kysely<Schema>,
  feedIds: number[],
  limit: number,
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(feedIds.map((id) => [id, []]));
  for (let i = 0; i < feedIds.length; i += CHUNK) {
    const part = feedIds.slice(i, i + CHUNK);
    const { rows } = await sql<{ feed_id: number; date_at: number }>`
      select feed_id, date_at from (
        select feed_id, date_at, row_number() over (partition by feed_id order by id desc) as rank
        from entries where feed_id in (${sql.join(part)})
      ) latest where rank <= ${limit} order by feed_id, rank`.execute(db);
    for (const r of rows) out.get(Number(r.feed_id))?.push(Number(r.date_at));
  }
  return out;
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
