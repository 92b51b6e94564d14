// Reading a stream: one query joining the user's subscriptions, so a user only ever sees entries
// of feeds they subscribe to. Read state = the exception row if any, else "id <= horizon".
// Pages are keyset-paginated on (sort value, id): no OFFSET, so page 1,000 costs what page 1 does.
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { ParsedEnclosure, ParsedPerson } from '../model/parsed-feed.ts';
import {
  readWanted,
  starWanted,
  stateMask,
  STATE_UNREAD_OR_STARRED,
  type SortKey,
  type SortOrder,
  type StateFilter,
  type Stream,
  type StreamCursor,
} from '../model/stream.ts';
import { entryMatchesSearch } from '../search/evaluate-query.ts';
import type { SearchNode } from '../search/parse-query.ts';
import {
  fullTextDriver,
  searchCondition,
  searchNeedsProcessCheck,
  type FullTextDriver,
} from '../search/query-to-sql.ts';
import type { Schema } from './schema.ts';
import { dialectOf, searchableEntriesOf } from './stream-search.ts';

export interface EntryView {
  id: number;
  feedId: number;
  feedTitle: string;
  feedHasIcon: boolean;
  feedPriority: number;
  url: string | null;
  title: string;
  authors: ParsedPerson[];
  content: string;
  summary: string;
  dateAt: number;
  receivedAt: number;
  read: boolean;
  starred: boolean;
  enclosures: ParsedEnclosure[];
  categories: string[];
  language: string | null;
  thumbnail: string | null;
}

export interface StreamQuery {
  userId: number;
  stream: Stream;
  state: StateFilter;
  /** Default: reception (entry id), newest first. */
  sort?: SortKey;
  order?: SortOrder;
  /** Rows strictly after this one in the sort order (the "load more" cursor). */
  cursor?: StreamCursor | null;
  /** Only entries with an id below this (the reception cursor of older callers). */
  beforeId?: number | null;
  /** Only entries with an id at or below this (what the page was first shown with). */
  maxId?: number | null;
  limit: number;
  /** Only entries matching this search, already resolved (resolveSearchNode). */
  search?: SearchNode | null;
  /** "Now" for relative dates of the search (date:P1W); default Date.now(). */
  now?: number;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The SQL value a sort orders by (the id breaks ties). */
function sortExpression(sort: SortKey): Expression<unknown> | null {
  switch (sort) {
    case 'received':
      return null;
    case 'published':
      return sql`e.date_at`;
    case 'title':
      return sql`e.title`;
    case 'feed':
      return sql`coalesce(nullif(s.title, ''), f.title)`;
    case 'random':
      return null;
  }
}

/** The value of the sort key of a row, for its cursor. */
export function sortValueOf(entry: EntryView, sort: SortKey): number | string | null {
  switch (sort) {
    case 'received':
      return entry.id;
    case 'published':
      return entry.dateAt;
    case 'title':
      return entry.title;
    case 'feed':
      return entry.feedTitle;
    case 'random':
      return null;
  }
}

// Written as CASE rather than `override = 0 or (override is null and id > horizon)`: PostgreSQL
// estimates that OR from the exceptions' statistics (almost never null), expects ~1 unread row
// in a million and sorts the whole stream instead of walking its index (3.6 s instead of 0.6 ms).
const UNREAD_SQL = sql<SqlBool>`(case when st.read_override is null then e.id > s.read_horizon else st.read_override = 0 end)`;
const READ_SQL = sql<SqlBool>`(case when st.read_override is null then e.id <= s.read_horizon else st.read_override = 1 end)`;

/** The WHERE conditions of a stream and a state (shared by the page query and the counts). */
function streamConditions(q: { userId: number; stream: Stream; state: StateFilter }): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [];
  switch (q.stream.kind) {
    case 'main':
      where.push(sql<SqlBool>`s.priority >= 1 and s.muted = 0`);
      break;
    case 'important':
      where.push(sql<SqlBool>`s.priority >= 2`);
      break;
    case 'starred':
      where.push(sql<SqlBool>`st.starred = 1`);
      break;
    case 'category':
      where.push(sql<SqlBool>`s.category_id = ${q.stream.id} and s.priority >= 0`);
      break;
    case 'feed':
      where.push(sql<SqlBool>`s.feed_id = ${q.stream.id}`);
      break;
    case 'label':
      where.push(
        sql<SqlBool>`e.id in (select el.entry_id from entry_labels el where el.user_id = ${q.userId} and el.label_id = ${q.stream.id})`,
      );
      break;
  }
  const mask = stateMask(q.state);
  if (mask & STATE_UNREAD_OR_STARRED) {
    where.push(sql<SqlBool>`(${UNREAD_SQL} or st.starred = 1)`);
  } else {
    const read = readWanted(mask);
    if (read === 'unread') where.push(UNREAD_SQL);
    if (read === 'read') where.push(READ_SQL);
    const star = starWanted(mask);
    if (star === 'starred') where.push(sql<SqlBool>`st.starred = 1`);
    if (star === 'not-starred') where.push(sql<SqlBool>`(st.starred is null or st.starred = 0)`);
  }
  return where;
}

/** Rows after the cursor in the order (key, id) both `order`. */
function cursorCondition(sort: SortKey, order: SortOrder, cursor: StreamCursor): Expression<SqlBool> | null {
  const cmp = order === 'desc' ? sql.raw('<') : sql.raw('>');
  if (sort === 'received') return sql<SqlBool>`e.id ${cmp} ${cursor.id}`;
  const key = sortExpression(sort);
  if (!key || cursor.key === null) return null;
  return sql<SqlBool>`(${key} ${cmp} ${cursor.key} or (${key} = ${cursor.key} and e.id ${cmp} ${cursor.id}))`;
}

function joinedEntries(db: Kysely<Schema>, userId: number) {
  return db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', userId),
    )
    .innerJoin('feeds as f', 'f.id', 'e.feed_id')
    .leftJoin('entry_states as st', (j) => j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', userId));
}

/**
 * One page of a stream. One statement: the inner SELECT finds the page's ids from the indexes
 * alone (entries (feed_id, id) or (feed_id, date_at, id) cover it), the outer one reads those
 * rows' columns, so a sort over 50,000 candidates never drags their bodies along.
 */
export async function entriesForStream(db: Kysely<Schema>, q: StreamQuery): Promise<EntryView[]> {
  if (q.search && searchNeedsProcessCheck(q.search, dialectOf(db))) return checkedSearchPage(db, q, q.search);
  return streamPageRows(db, q);
}

/** The search's SQL condition on `e` (exact, or a superset when it has regex terms). */
function searchWhere(db: Kysely<Schema>, q: StreamQuery, search: SearchNode): Expression<SqlBool> {
  return searchCondition(search, { dialect: dialectOf(db), userId: q.userId, nowMs: q.now ?? Date.now() });
}

/** The largest batch of candidates a search with regex terms reads at once. */
const SEARCH_BATCH_MAX = 4000;

/**
 * A page of a search SQL can only pre-select (regex terms): candidates are read in batches in
 * the sort order and kept when entryMatchesSearch accepts them, until the page is full.
 */
async function checkedSearchPage(
  db: Kysely<Schema>,
  q: StreamQuery,
  search: SearchNode,
): Promise<EntryView[]> {
  const sort = q.sort ?? 'received';
  // Batches double (up to SEARCH_BATCH_MAX) while matches are rare: fewer round trips per scan.
  let batch = Math.max(q.limit * 4, 200);
  const now = q.now ?? Date.now();
  const out: EntryView[] = [];
  let cursor = q.cursor ?? (q.beforeId ? { key: q.beforeId, id: q.beforeId } : null);
  for (; ; batch = Math.min(batch * 2, SEARCH_BATCH_MAX)) {
    const rows = await streamPageRows(db, { ...q, cursor, beforeId: null, limit: batch });
    const docs = await searchableEntriesOf(db, q.userId, rows);
    rows.forEach((row, i) => {
      if (out.length < q.limit && entryMatchesSearch(search, docs[i]!, now)) out.push(row);
    });
    const last = rows.at(-1);
    if (out.length >= q.limit || rows.length < batch || !last || sort === 'random') return out;
    cursor = { key: sortValueOf(last, sort), id: last.id };
  }
}

/**
 * SQLite: a search whose matches all contain some words reads the FTS5 index first, newest first,
 * and stops at the limit (query-to-sql.ts fullTextDriver) — except in a feed's own stream, where
 * most matches belong to other feeds.
 */
function searchDriver(
  db: Kysely<Schema>,
  q: { stream: Stream; search?: SearchNode | null; now?: number },
): FullTextDriver | null {
  if (!q.search || q.stream.kind === 'feed' || dialectOf(db) !== 'sqlite') return null;
  return fullTextDriver(q.search, q.now ?? Date.now());
}

/** `entries_fts x CROSS JOIN entries e`, joined on the rowid and narrowed to the driver's match. */
function drivenFrom(db: Kysely<Schema>, driver: FullTextDriver) {
  return db
    .selectFrom(sql`entries_fts`.as('x'))
    .crossJoin('entries as e')
    .where(sql<SqlBool>`x.entries_fts match ${driver.match} and e.id = x.rowid`)
    .where(
      sql<SqlBool>`x.rowid >= ${driver.from ?? 0} and x.rowid < ${driver.to ?? Number.MAX_SAFE_INTEGER}`,
    );
}

/** One page without in-process checks (the SQL alone decides). */
async function streamPageRows(db: Kysely<Schema>, q: StreamQuery): Promise<EntryView[]> {
  const sort = q.sort ?? 'received';
  const order = q.order ?? 'desc';
  const key = sortExpression(sort);
  // Streams of many feeds read entries in index order (id, or date_at then id) and keep those of
  // the user's matching subscriptions: SQLite's CROSS JOIN fixes that loop order (PostgreSQL
  // plans it alone), so the first page of a million unread entries reads about one page of rows
  // instead of sorting them all. Favourites and labels start from the user's own rows instead.
  const entriesFirst = q.stream.kind !== 'starred' && q.stream.kind !== 'label';
  // A search with words, in reception order, reads the full-text index first (SQLite).
  const driver = sort === 'received' && entriesFirst ? searchDriver(db, q) : null;
  const fromEntries = db.selectFrom('entries as e');
  let ids = entriesFirst
    ? (driver ? (drivenFrom(db, driver) as unknown as typeof fromEntries) : fromEntries)
        .crossJoin('subscriptions as s')
        .innerJoin('feeds as f', 'f.id', 'e.feed_id')
        .leftJoin('entry_states as st', (j) =>
          j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', q.userId),
        )
        .select('e.id')
        .where('s.user_id', '=', q.userId)
        .whereRef('s.feed_id', '=', 'e.feed_id')
    : joinedEntries(db, q.userId).select('e.id');
  // A feed's own stream walks its (feed_id, …) index.
  if (q.stream.kind === 'feed') ids = ids.where('e.feed_id', '=', q.stream.id);
  for (const w of streamConditions(q)) ids = ids.where(w);
  if (driver) {
    if (driver.rest) ids = ids.where(searchWhere(db, q, driver.rest));
  } else if (q.search) ids = ids.where(searchWhere(db, q, q.search));
  const cursor = q.cursor ?? (q.beforeId ? { key: q.beforeId, id: q.beforeId } : null);
  if (cursor && sort !== 'random') {
    const c = cursorCondition(sort, order, cursor);
    if (c) ids = ids.where(c);
    if (driver) ids = ids.where(sql<SqlBool>`x.rowid ${sql.raw(order === 'desc' ? '<' : '>')} ${cursor.id}`);
  }
  if (q.maxId)
    ids = ids.where(driver ? sql<SqlBool>`x.rowid <= ${q.maxId}` : sql<SqlBool>`e.id <= ${q.maxId}`);
  if (sort === 'random') ids = ids.orderBy(sql`random()`);
  else {
    if (key) ids = ids.orderBy(key, order);
    ids = ids.orderBy(driver ? sql`x.rowid` : sql`e.id`, order);
  }
  let query = joinedEntries(db, q.userId)
    .select([
      'e.id',
      'e.feed_id',
      'e.url',
      'e.title',
      'e.authors',
      'e.content',
      'e.summary',
      'e.date_at',
      'e.enclosures',
      'e.categories',
      'e.language',
      'e.thumbnail',
      's.title as sub_title',
      's.priority',
      'f.title as feed_title',
      'f.icon_type',
      'st.starred',
      sql<number>`case when st.read_override is not null then st.read_override when e.id <= s.read_horizon then 1 else 0 end`.as(
        'is_read',
      ),
    ])
    .where('e.id', 'in', ids.limit(q.limit));
  if (sort !== 'random') {
    if (key) query = query.orderBy(key, order);
    query = query.orderBy('e.id', order);
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    feedId: r.feed_id,
    feedTitle: r.sub_title || r.feed_title,
    feedHasIcon: r.icon_type !== null,
    feedPriority: r.priority,
    url: r.url,
    title: r.title,
    authors: parseJson<ParsedPerson[]>(r.authors, []),
    content: r.content,
    summary: r.summary,
    dateAt: r.date_at,
    receivedAt: Math.floor(r.id / 1000),
    read: Number(r.is_read) === 1,
    starred: r.starred === 1,
    enclosures: parseJson<ParsedEnclosure[]>(r.enclosures, []),
    categories: parseJson<string[]>(r.categories, []),
    language: r.language,
    thumbnail: r.thumbnail,
  }));
}

/**
 * Unread entries of a stream within a range of reception ids or publication dates (a group
 * header's count), counted up to `cap` so that a group of a million costs what a group of `cap`
 * costs: the caller shows "cap+" when the answer is `cap`.
 */
export async function streamUnreadCountIn(
  db: Kysely<Schema>,
  q: {
    userId: number;
    stream: Stream;
    range: { field: 'received' | 'published'; from: number; to: number };
    maxId?: number | null;
    cap: number;
  },
): Promise<number> {
  let inner = db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', q.userId),
    )
    .leftJoin('entry_states as st', (j) =>
      j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', q.userId),
    )
    .select(sql<number>`1`.as('one'));
  for (const w of streamConditions({ userId: q.userId, stream: q.stream, state: 'unread' }))
    inner = inner.where(w);
  if (q.range.field === 'received') {
    inner = inner.where('e.id', '>=', q.range.from * 1000).where('e.id', '<', q.range.to * 1000);
  } else {
    inner = inner.where('e.date_at', '>=', q.range.from).where('e.date_at', '<', q.range.to);
  }
  if (q.maxId) inner = inner.where('e.id', '<=', q.maxId);
  const row = await db
    .selectFrom(inner.limit(q.cap).as('x'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The number of entries of a stream, state and search (the "12 results" of a search), counted up
 * to `cap`: the caller shows "1,000+" when the answer is `cap`. A search with regex terms is
 * counted by checking candidates in process, batch by batch, until `cap` of them match.
 */
export async function streamSearchCount(
  db: Kysely<Schema>,
  q: {
    userId: number;
    stream: Stream;
    state: StateFilter;
    search: SearchNode | null;
    maxId?: number | null;
    now?: number;
    cap: number;
  },
): Promise<number> {
  if (q.search && searchNeedsProcessCheck(q.search, dialectOf(db))) {
    const search = q.search;
    const now = q.now ?? Date.now();
    let batch = 500;
    let n = 0;
    let cursor: StreamCursor | null = null;
    for (; ; batch = Math.min(batch * 2, SEARCH_BATCH_MAX)) {
      const rows = await streamPageRows(db, { ...q, cursor, limit: batch });
      const docs = await searchableEntriesOf(db, q.userId, rows);
      for (const doc of docs) if (entryMatchesSearch(search, doc, now) && ++n >= q.cap) return n;
      const last = rows.at(-1);
      if (rows.length < batch || !last) return n;
      cursor = { key: last.id, id: last.id };
    }
  }
  const driver = searchDriver(db, q);
  const fromEntries = db.selectFrom('entries as e');
  let inner = (driver ? (drivenFrom(db, driver) as unknown as typeof fromEntries) : fromEntries)
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', q.userId),
    )
    .leftJoin('entry_states as st', (j) =>
      j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', q.userId),
    )
    .select(sql<number>`1`.as('one'));
  if (q.stream.kind === 'feed') inner = inner.where('e.feed_id', '=', q.stream.id);
  for (const w of streamConditions(q)) inner = inner.where(w);
  const search = driver ? driver.rest : q.search;
  if (search) inner = inner.where(searchWhere(db, { ...q, limit: 0 }, search));
  if (q.maxId) inner = inner.where('e.id', '<=', q.maxId);
  const row = await db
    .selectFrom(inner.limit(q.cap).as('x'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether a stream has any unread entry (the "adaptive" default state). */
export async function streamHasUnread(db: Kysely<Schema>, userId: number, stream: Stream): Promise<boolean> {
  if (
    stream.kind === 'main' ||
    stream.kind === 'important' ||
    stream.kind === 'category' ||
    stream.kind === 'feed'
  ) {
    let q = db
      .selectFrom('subscriptions as s')
      .select('s.id')
      .where('s.user_id', '=', userId)
      .where('s.unread_count', '>', 0);
    if (stream.kind === 'main') q = q.where('s.priority', '>=', 1).where('s.muted', '=', 0);
    if (stream.kind === 'important') q = q.where('s.priority', '>=', 2);
    if (stream.kind === 'category') q = q.where('s.category_id', '=', stream.id).where('s.priority', '>=', 0);
    if (stream.kind === 'feed') q = q.where('s.feed_id', '=', stream.id);
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }
  const rows = await entriesForStream(db, { userId, stream, state: 'unread', limit: 1 });
  return rows.length > 0;
}

/** Number of starred entries of a user (the sidebar's "Favourites (n)"). */
export async function starredCount(db: Kysely<Schema>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('entry_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('starred', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
