// Entries: written once per feed, never once per subscriber. Ids are reception-time
// microseconds handed out by the entry_id_clock row inside the ingest transaction, which
// serializes ingests (row lock on PostgreSQL, the write lock on SQLite): an id therefore never
// becomes visible after a higher one, so a read horizon cannot swallow an entry unseen.
import { CompiledQuery, PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { NewEntry } from '../model/new-entry.ts';
import type { Entry, Schema } from './schema.ts';

// The search index and filter actions are imported when an ingest first stores entries: a
// refresh where nothing changed loads neither (their tokenizers and entity tables cost start-up).
const searchIndex = () => import('../search/search-index.ts');
const filterActions = () => import('../search/apply-filter-actions.ts');

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
  await run(trx, 'update entry_id_clock set last_id = last_id where id = 1', []);
}

/** One feed's entries for ingestFeedsEntries. */
export interface FeedEntries {
  feedId: number;
  entries: NewEntry[];
  /**
   * searchIndexValues of each entry (same order), computed beforehand (the refresh does it in its
   * worker threads, for the database at hand); computed here when absent.
   */
  searchIndex?: readonly (readonly string[])[] | null;
}

interface Incoming {
  feedId: number;
  entry: NewEntry;
  index: readonly string[] | null;
}

/**
 * Stores the entries of several feeds inside `trx`, which must have called lockEntryIdClock
 * first. Same rules as ingestEntries, with a constant number of statements per batch (lookups,
 * id reservation, inserts, unread counts and the search index are done for all the feeds at
 * once) plus one per changed entry. Results come in the order of `feeds`. The statements are
 * written here (SQL text that depends on the dialect only, or on a row count), not built by
 * Kysely: this is the refresh's hot loop.
 */
export async function ingestFeedsEntries(
  trx: Transaction<Schema>,
  feeds: readonly FeedEntries[],
  now: number,
): Promise<IngestResult[]> {
  const postgres = isPostgres(trx);
  // Per feed: its entries, one per identity key (the first wins).
  const all: Incoming[] = [];
  for (const { feedId, entries, searchIndex } of feeds) {
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      if (seen.has(entry.guidKey)) return;
      seen.add(entry.guidKey);
      all.push({ feedId, entry, index: searchIndex?.[i] ?? null });
    });
  }
  const results: IngestResult[] = feeds.map(() => ({ inserted: 0, updated: 0, insertedIds: [] }));
  if (all.length === 0) return results;
  const resultOf = new Map(feeds.map((f, i) => [f.feedId, results[i]!]));

  const known = await knownEntries(trx, postgres, all);
  const candidates = all.filter((_, i) => known[i] === undefined);
  // Some feeds give an item a new GUID at every fetch. An unknown GUID whose link and title
  // are those of a stored entry is that entry again: update it in place, never duplicate it.
  const sameAs = await entriesWithSameLinkAndTitle(trx, postgres, candidates);

  // New entries of the whole batch, oldest publication first, get consecutive ids.
  const fresh = candidates.filter((x) => !sameAs.has(x)).sort((a, b) => a.entry.dateAt - b.entry.dateAt);
  const indexRows: { id: number; values: readonly string[] }[] = [];
  const index = fresh.length ? await searchIndex() : null;
  if (index) {
    const first = await reserveEntryIds(trx, postgres, fresh.length, now);
    const rows = fresh.map((x, i) => ({
      ...entryColumns(x.entry),
      id: first + i,
      feed_id: x.feedId,
      guid_key: x.entry.guidKey,
    }));
    await insertEntryRows(trx, postgres, rows);
    const newPerFeed = new Map<number, number>();
    rows.forEach((r, i) => {
      const result = resultOf.get(r.feed_id)!;
      result.inserted++;
      result.insertedIds.push(r.id);
      newPerFeed.set(r.feed_id, (newPerFeed.get(r.feed_id) ?? 0) + 1);
      indexRows.push({ id: r.id, values: fresh[i]!.index ?? index.searchIndexValues(r, postgres) });
    });
    // New entries are indexed without a delete first (their ids are new). Before the counts:
    // on PostgreSQL, updating the counts locks the subscription rows until the commit, and a
    // reader opening an article waits for those rows; the index write is the slow part.
    await index.writeSearchIndexValues(trx, indexRows, false);
    await addUnreadCounts(trx, postgres, newPerFeed);
    // Each subscriber's filter actions on the new entries (mark read, star, label).
    await (await filterActions()).applyFilterActionsOnIngest(trx, rows, now);
  }

  const changed: {
    id: number;
    feedId: number;
    entry: NewEntry;
    guidKey: string;
    index: readonly string[] | null;
  }[] = [];
  all.forEach((x, i) => {
    const old = known[i];
    if (old && old !== TOMBSTONED && old.content_hash !== x.entry.contentHash)
      changed.push({
        id: old.id,
        feedId: x.feedId,
        entry: x.entry,
        guidKey: x.entry.guidKey,
        index: x.index,
      });
  });
  for (const [x, old] of sameAs) {
    if (old.content_hash !== x.entry.contentHash)
      changed.push({
        id: old.id,
        feedId: old.feed_id,
        entry: x.entry,
        guidKey: old.guid_key,
        index: x.index,
      });
  }
  if (changed.length === 0) return results;
  const changedIndex: { id: number; values: readonly string[] }[] = [];
  const { searchIndexValues, writeSearchIndexValues } = await searchIndex();
  for (const { id, feedId, entry, guidKey, index } of changed) {
    const columns = entryColumns(entry);
    const names = Object.keys(columns) as (keyof typeof columns)[];
    const marks = names.map((c, k) => `"${c}" = ${postgres ? `$${k + 1}` : '?'}`);
    const n = names.length;
    await run(
      trx,
      `update entries set ${marks.join(', ')} where feed_id = ${postgres ? `$${n + 1}` : '?'} and guid_key = ${postgres ? `$${n + 2}` : '?'}`,
      [...names.map((c) => columns[c]), feedId, guidKey],
    );
    resultOf.get(feedId)!.updated++;
    changedIndex.push({ id, values: index ?? searchIndexValues(columns, postgres) });
  }
  // The full-text index of the changed entries (replacing theirs), in the same transaction.
  await writeSearchIndexValues(trx, changedIndex, true);
  return results;
}

function isPostgres(db: Kysely<Schema>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

async function run<R = Record<string, unknown>>(
  db: Kysely<Schema>,
  text: string,
  params: readonly unknown[],
): Promise<R[]> {
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, params as unknown[]));
  return result.rows;
}

/** Marks a key as purged (a tombstone) in knownEntries' answer. */
const TOMBSTONED = 'tombstoned';

/**
 * For each incoming entry (same order): its stored row's id and content hash, TOMBSTONED when it
 * was purged, undefined when unknown. One statement for the whole batch: the keys are joined to
 * the unique (feed_id, guid_key) indexes, one probe each.
 */
async function knownEntries(
  trx: Transaction<Schema>,
  postgres: boolean,
  all: readonly Incoming[],
): Promise<({ id: number; content_hash: string } | typeof TOMBSTONED | undefined)[]> {
  const known: ({ id: number; content_hash: string } | typeof TOMBSTONED | undefined)[] = new Array(
    all.length,
  );
  const rows = postgres
    ? await run<{ i: number; id: number | null; content_hash: string | null; dead: number }>(
        trx,
        `select k.i, e.id, e.content_hash, case when t.feed_id is null then 0 else 1 end as dead
         from unnest($1::int[], $2::bigint[], $3::text[]) as k(i, f, g)
         left join entries e on e.feed_id = k.f and e.guid_key = k.g
         left join entry_tombstones t on t.feed_id = k.f and t.guid_key = k.g
         where e.id is not null or t.feed_id is not null`,
        [all.map((_, i) => i), all.map((x) => x.feedId), all.map((x) => x.entry.guidKey)],
      )
    : await run<{ i: number; id: number | null; content_hash: string | null; dead: number }>(
        trx,
        `select k.key as i, e.id, e.content_hash, t.feed_id is not null as dead
         from json_each(?) k
         left join entries e on e.feed_id = k.value ->> 0 and e.guid_key = k.value ->> 1
         left join entry_tombstones t on t.feed_id = k.value ->> 0 and t.guid_key = k.value ->> 1
         where e.id is not null or t.feed_id is not null`,
        [JSON.stringify(all.map((x) => [x.feedId, x.entry.guidKey]))],
      );
  for (const r of rows) {
    const i = Number(r.i);
    // A stored entry wins over a tombstone (a purge deletes the entry it tombstones).
    known[i] = r.id !== null ? { id: Number(r.id), content_hash: r.content_hash! } : TOMBSTONED;
  }
  return known;
}

/** Unknown entries that are a stored entry of their feed under a new GUID: same link and same title. */
async function entriesWithSameLinkAndTitle(
  trx: Transaction<Schema>,
  postgres: boolean,
  candidates: readonly Incoming[],
): Promise<Map<Incoming, { id: number; feed_id: number; guid_key: string; content_hash: string }>> {
  const found = new Map<Incoming, { id: number; feed_id: number; guid_key: string; content_hash: string }>();
  const withUrl = candidates.filter((x) => x.entry.url !== null);
  if (withUrl.length === 0) return found;
  type Row = { i: number; id: number; feed_id: number; guid_key: string; content_hash: string };
  // Several stored entries may share a link and title: the first one (lowest id) is the match.
  const rows = postgres
    ? await run<Row>(
        trx,
        `select k.i, e.id, e.feed_id, e.guid_key, e.content_hash
         from unnest($1::int[], $2::bigint[], $3::text[], $4::text[]) as k(i, f, u, t)
         join entries e on e.feed_id = k.f and e.url = k.u and e.title = k.t
         order by k.i, e.id`,
        [
          withUrl.map((_, i) => i),
          withUrl.map((x) => x.feedId),
          withUrl.map((x) => x.entry.url),
          withUrl.map((x) => x.entry.title),
        ],
      )
    : await run<Row>(
        trx,
        `select k.key as i, e.id, e.feed_id, e.guid_key, e.content_hash
         from json_each(?) k
         join entries e on e.feed_id = k.value ->> 0 and e.url = k.value ->> 1 and e.title = k.value ->> 2
         order by k.key, e.id`,
        [JSON.stringify(withUrl.map((x) => [x.feedId, x.entry.url, x.entry.title]))],
      );
  for (const r of rows) {
    const x = withUrl[Number(r.i)]!;
    if (!found.has(x))
      found.set(x, {
        id: Number(r.id),
        feed_id: Number(r.feed_id),
        guid_key: r.guid_key,
        content_hash: r.content_hash,
      });
  }
  return found;
}

/** Every subscriber's unread count grows by its feed's new entries: one statement per batch. */
async function addUnreadCounts(
  trx: Transaction<Schema>,
  postgres: boolean,
  newPerFeed: ReadonlyMap<number, number>,
): Promise<void> {
  if (newPerFeed.size === 0) return;
  const feedIds = [...newPerFeed.keys()];
  const counts = [...newPerFeed.values()];
  if (postgres) {
    await run(
      trx,
      `update subscriptions s set unread_count = s.unread_count + k.n
       from unnest($1::bigint[], $2::int[]) as k(f, n) where s.feed_id = k.f`,
      [feedIds, counts],
    );
    return;
  }
  await run(
    trx,
    `update subscriptions set unread_count = unread_count + k.n
     from (select value ->> 0 as f, value ->> 1 as n from json_each(?)) as k
     where subscriptions.feed_id = k.f`,
    [JSON.stringify(feedIds.map((f, i) => [f, counts[i]]))],
  );
}

/** Rows per INSERT statement: 17 columns × 500 = 8,500 parameters (SQLite allows 32,766). */
const INSERT_ROWS = 500;
/** Row counts of the INSERT statements: a batch is cut into these, so few texts are ever prepared. */
const INSERT_SIZES = [INSERT_ROWS, 100, 20, 5, 1];

type EntryRow = ReturnType<typeof entryColumns> & { id: number; feed_id: number; guid_key: string };
const ENTRY_ROW_COLUMNS: readonly (keyof EntryRow)[] = [
  'id',
  'feed_id',
  'guid_key',
  'guid',
  'url',
  'title',
  'authors',
  'content',
  'summary',
  'published_at',
  'updated_at',
  'date_at',
  'content_hash',
  'language',
  'enclosures',
  'categories',
  'thumbnail',
];
/** PostgreSQL types of ENTRY_ROW_COLUMNS, for unnest. */
const ENTRY_ROW_TYPES: Record<keyof EntryRow, string> = {
  id: 'bigint',
  feed_id: 'bigint',
  guid_key: 'text',
  guid: 'text',
  url: 'text',
  title: 'text',
  authors: 'text',
  content: 'text',
  summary: 'text',
  published_at: 'bigint',
  updated_at: 'bigint',
  date_at: 'bigint',
  content_hash: 'text',
  language: 'text',
  enclosures: 'text',
  categories: 'text',
  thumbnail: 'text',
};

const sqliteInsertTexts = new Map<number, string>();

/**
 * Inserts entry rows. SQLite: multi-row INSERTs of a few fixed sizes (their text depends only on
 * the row count, so the connection's statement cache keeps them prepared). PostgreSQL: one INSERT
 * … SELECT FROM unnest of one array per column (a short statement, whatever the row count).
 */
async function insertEntryRows(
  trx: Transaction<Schema>,
  postgres: boolean,
  rows: readonly EntryRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = ENTRY_ROW_COLUMNS.map((c) => `"${c}"`).join(', ');
  if (postgres) {
    for (let start = 0; start < rows.length; start += INSERT_ROWS * 4) {
      const part = rows.slice(start, start + INSERT_ROWS * 4);
      await run(
        trx,
        `insert into entries (${names}) select * from unnest(${ENTRY_ROW_COLUMNS.map(
          (c, k) => `$${k + 1}::${ENTRY_ROW_TYPES[c]}[]`,
        ).join(', ')})`,
        ENTRY_ROW_COLUMNS.map((c) => part.map((r) => r[c])),
      );
    }
    return;
  }
  let start = 0;
  while (start < rows.length) {
    const size = INSERT_SIZES.find((n) => n <= rows.length - start)!;
    let text = sqliteInsertTexts.get(size);
    if (text === undefined) {
      const tuple = `(${ENTRY_ROW_COLUMNS.map(() => '?').join(', ')})`;
      text = `insert into entries (${names}) values ${new Array<string>(size).fill(tuple).join(', ')}`;
      sqliteInsertTexts.set(size, text);
    }
    const params: unknown[] = [];
    for (let i = start; i < start + size; i++) {
      const row = rows[i]!;
      for (const column of ENTRY_ROW_COLUMNS) params.push(row[column]);
    }
    await run(trx, text, params);
    start += size;
  }
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
async function reserveEntryIds(
  trx: Transaction<Schema>,
  postgres: boolean,
  count: number,
  nowMs: number,
): Promise<number> {
  const nowId = entryIdAt(nowMs);
  const [row] = await run<{ last_id: number }>(
    trx,
    postgres
      ? `update entry_id_clock set last_id = case when last_id + 1 > $1 then last_id + $2 else $3 end
         where id = 1 returning last_id`
      : `update entry_id_clock set last_id = case when last_id + 1 > ? then last_id + ? else ? end
         where id = 1 returning last_id`,
    [nowId, count, nowId + count - 1],
  );
  if (!row) throw new Error('storage: the entry id clock row is missing');
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

/**
 * For each feed (feeds without any get []): the dates of those of its `limit` latest entries
 * dated after `since`, newest first: what a publishing rhythm counts. One statement for all the
 * feeds, reading at most `limit` index entries per feed (not all of a feed's entries).
 */
export async function latestEntryDatesOfFeeds(
  db: Kysely<Schema>,
  feedIds: readonly number[],
  limit: number,
  since: number = Number.MIN_SAFE_INTEGER,
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(feedIds.map((id) => [id, []]));
  if (feedIds.length === 0) return out;
  const rows = isPostgres(db)
    ? await run<{ feed_id: number; date_at: number }>(
        db,
        `select k.f as feed_id, l.date_at from unnest($1::bigint[]) as k(f)
         cross join lateral (
           select id, date_at from entries where feed_id = k.f order by id desc limit $2
         ) l where l.date_at > $3 order by k.f, l.id desc`,
        [feedIds, limit, since],
      )
    : // The limit-th latest id of each feed (an index seek), then the entries from it on.
      await run<{ feed_id: number; date_at: number }>(
        db,
        `select e.feed_id, e.date_at from json_each(?) as k
         join entries e on e.feed_id = k.value and e.id >= coalesce(
           (select x.id from entries x where x.feed_id = k.value order by x.id desc limit 1 offset ?), 0)
         where e.date_at > ? order by e.feed_id, e.id desc`,
        [JSON.stringify(feedIds), limit - 1, since],
      );
  for (const r of rows) out.get(Number(r.feed_id))?.push(Number(r.date_at));
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
