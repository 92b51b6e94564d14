// Entries as the app APIs (Google Reader, Fever) see them. Every query joins the user's own
// subscriptions, so a user never reads or changes an entry of a feed they do not subscribe to.
// Lists are read one page at a time (id-range cursors): callers stream pages, never whole sets.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ParsedEnclosure, ParsedPerson } from '../model/parsed-feed.ts';
import { isPostgres } from './is-postgres.ts';
import type { Schema } from './schema.ts';

/** Subscriptions below this priority (archived) are hidden from apps. */
export const API_MIN_PRIORITY = 0;

/** A set of entries apps can ask for. */
export type ApiStream =
  | { kind: 'all' }
  | { kind: 'starred' }
  | { kind: 'read' }
  | { kind: 'feed'; feedId: number }
  /** A folder (categories, and subscriptions without one when `uncategorized`) and/or an item label. */
  | { kind: 'label'; categoryIds: number[]; uncategorized: boolean; labelId: number | null };

export type ApiStateFilter = 'read' | 'unread' | 'starred';

export interface ApiItemQuery {
  userId: number;
  stream: ApiStream;
  /** Only entries in every one of these states (Google Reader `it`). */
  include?: ApiStateFilter[];
  /** No entry in any of these states (Google Reader `xt`). */
  exclude?: ApiStateFilter[];
  /** id >= minId (Google Reader `ot`). */
  minId?: number | null;
  /** id < belowId (`nt`, descending cursor, Fever max_id). */
  belowId?: number | null;
  /** id > aboveId (ascending cursor, Fever since_id). */
  aboveId?: number | null;
  order: 'asc' | 'desc';
  limit: number;
  /**
   * Set by unreadLowerBound for unread queries: no unread entry has an id at or below
   * min(horizon, bound), which lets each subscription's index range start there.
   */
  unreadBound?: number | null;
}

/**
 * The lowest id an unread entry of this user can have, minus one: every entry at or below its
 * subscription's horizon is read unless an "unread" exception says otherwise, so the smallest
 * such exception bounds the rest. Used to turn the unread filter into index ranges.
 */
export async function unreadLowerBound(db: Kysely<Schema>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('entry_states')
    .select((eb) => eb.fn.min('entry_id').as('m'))
    .where('user_id', '=', userId)
    .where('read_override', '=', 0)
    .executeTakeFirst();
  const m = row?.m;
  return m === null || m === undefined ? Number.MAX_SAFE_INTEGER : Number(m) - 1;
}

export interface ApiItem {
  id: number;
  feedId: number;
  feedTitle: string;
  feedUrl: string;
  siteUrl: string | null;
  categoryId: number | null;
  categoryName: string | null;
  url: string | null;
  title: string;
  authors: ParsedPerson[];
  content: string;
  publishedAt: number | null;
  dateAt: number;
  enclosures: ParsedEnclosure[];
  read: boolean;
  starred: boolean;
  /** Names of the user's labels on the entry. */
  labels: string[];
}

// The list queries are written as SQL text (kysely's `sql` template) rather than with the query
// builder: building and compiling the five-table select with the builder took ~0.15 ms, a tenth
// of a whole stream/contents n=100 request. The SQL is the same on SQLite and PostgreSQL.

/** Entries of the user's visible subscriptions, with the user's state row when there is one. */
function fromVisible(userId: number): RawBuilder<unknown> {
  return sql`from entries as e
    inner join subscriptions as s on s.feed_id = e.feed_id and s.user_id = ${userId} and s.priority >= ${API_MIN_PRIORITY}
    left join entry_states as st on st.entry_id = e.id and st.user_id = ${userId}`;
}

// Read and unread are written as CASE, not `override = x or (override is null and …)`: PostgreSQL
// estimates that OR from the exceptions' statistics, expects almost no row and sorts a whole
// stream instead of walking its index (see streams.ts).
const STATE_SQL: Record<ApiStateFilter, RawBuilder<unknown>> = {
  read: sql`(case when st.read_override is null then e.id <= s.read_horizon else st.read_override = 1 end)`,
  unread: sql`(case when st.read_override is null then e.id > s.read_horizon else st.read_override = 0 end)`,
  starred: sql`st.starred = 1`,
};

/** The complement of STATE_SQL, written out: NOT over a left-joined NULL would drop rows. */
const NOT_STATE_SQL: Record<ApiStateFilter, RawBuilder<unknown>> = {
  read: STATE_SQL.unread,
  unread: STATE_SQL.read,
  starred: sql`(st.starred is null or st.starred = 0)`,
};

/** The WHERE, ORDER BY and LIMIT of a page of a stream. */
function pageOf(q: ApiItemQuery): RawBuilder<unknown> {
  const where: RawBuilder<unknown>[] = [];
  const stream = q.stream;
  switch (stream.kind) {
    case 'all':
      break;
    case 'starred':
      where.push(STATE_SQL.starred);
      break;
    case 'read':
      where.push(STATE_SQL.read);
      break;
    case 'feed':
      where.push(sql`s.feed_id = ${stream.feedId}`);
      break;
    case 'label': {
      const parts: RawBuilder<unknown>[] = [];
      if (stream.categoryIds.length) parts.push(sql`s.category_id in (${sql.join(stream.categoryIds)})`);
      if (stream.uncategorized) parts.push(sql`s.category_id is null`);
      if (stream.labelId !== null)
        parts.push(
          sql`e.id in (select entry_labels.entry_id from entry_labels where entry_labels.label_id = ${stream.labelId} and entry_labels.user_id = ${q.userId})`,
        );
      where.push(parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`1 = 0`);
      break;
    }
  }
  const wantsUnread = (q.include ?? []).includes('unread') || (q.exclude ?? []).includes('read');
  if (wantsUnread && q.unreadBound != null) {
    const bound = q.unreadBound;
    where.push(sql`e.id > case when s.read_horizon < ${bound} then s.read_horizon else ${bound} end`);
  }
  for (const state of q.include ?? []) where.push(STATE_SQL[state]);
  for (const state of q.exclude ?? []) where.push(NOT_STATE_SQL[state]);
  if (q.minId != null) where.push(sql`e.id >= ${q.minId}`);
  if (q.belowId != null) where.push(sql`e.id < ${q.belowId}`);
  if (q.aboveId != null) where.push(sql`e.id > ${q.aboveId}`);
  const filter = where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``;
  return sql`${filter} order by e.id ${sql.raw(q.order === 'asc' ? 'asc' : 'desc')} limit ${q.limit}`;
}

/** One page of entry ids of a stream, in the requested order. */
export async function apiItemIds(db: Kysely<Schema>, q: ApiItemQuery): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`select e.id ${fromVisible(q.userId)} ${pageOf(q)}`.execute(db);
  return rows.map((r) => Number(r.id));
}

const ITEM_COLUMNS = sql.raw(
  'e.id, e.feed_id, e.url, e.title, e.authors, e.content, e.published_at, e.date_at, e.enclosures, ' +
    's.title as sub_title, s.category_id, c.name as category_name, f.title as feed_title, ' +
    'f.url as feed_url, f.site_url, st.starred, ' +
    'case when st.read_override is not null then st.read_override when e.id <= s.read_horizon then 1 else 0 end as is_read',
);

/**
 * The names of the user's labels on the entry, as a JSON array, in the same query as the entry: a
 * page costs one round trip (PostgreSQL's json_agg gives NULL when there is none).
 */
function labelNamesColumn(db: Kysely<Schema>, userId: number): RawBuilder<unknown> {
  const agg = isPostgres(db) ? sql`json_agg(l.name)::text` : sql`json_group_array(l.name)`;
  return sql`(select ${agg} from entry_labels as el inner join labels as l on l.id = el.label_id
    where el.entry_id = e.id and el.user_id = ${userId}) as label_names`;
}

/** Whole entries with their feed, folder and label names. */
function selectItems(db: Kysely<Schema>, userId: number): RawBuilder<unknown> {
  return sql`select ${ITEM_COLUMNS}, ${labelNamesColumn(db, userId)} ${fromVisible(userId)}
    inner join feeds as f on f.id = e.feed_id
    left join categories as c on c.id = s.category_id`;
}

interface FullRow {
  id: number | string;
  feed_id: number;
  url: string | null;
  title: string;
  authors: string;
  content: string;
  published_at: number | string | null;
  date_at: number | string;
  enclosures: string;
  sub_title: string | null;
  category_id: number | null;
  category_name: string | null;
  feed_title: string | null;
  feed_url: string;
  site_url: string | null;
  starred: number | null;
  is_read: number | string;
  label_names: string | null;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function itemOf(r: FullRow): ApiItem {
  return {
    id: Number(r.id),
    feedId: r.feed_id,
    feedTitle: r.sub_title || r.feed_title || r.feed_url,
    feedUrl: r.feed_url,
    siteUrl: r.site_url,
    categoryId: r.category_id,
    categoryName: r.category_name,
    url: r.url,
    title: r.title,
    authors: parseJson<ParsedPerson[]>(r.authors, []),
    content: r.content,
    publishedAt: r.published_at === null ? null : Number(r.published_at),
    dateAt: Number(r.date_at),
    enclosures: parseJson<ParsedEnclosure[]>(r.enclosures, []),
    read: Number(r.is_read) === 1,
    starred: r.starred === 1,
    labels: r.label_names ? parseJson<string[]>(r.label_names, []) : [],
  };
}

/** One page of whole entries of a stream, in the requested order. */
export async function apiItems(db: Kysely<Schema>, q: ApiItemQuery): Promise<ApiItem[]> {
  const { rows } = await sql<FullRow>`${selectItems(db, q.userId)} ${pageOf(q)}`.execute(db);
  return rows.map(itemOf);
}

/** Whole entries by id (unknown or foreign ids are skipped), in the requested order. */
export async function apiItemsByIds(
  db: Kysely<Schema>,
  input: { userId: number; ids: number[]; order: 'asc' | 'desc' },
): Promise<ApiItem[]> {
  if (!input.ids.length) return [];
  const ids = [...new Set(input.ids)];
  const order = sql.raw(input.order === 'asc' ? 'asc' : 'desc');
  const { rows } = await sql<FullRow>`${selectItems(db, input.userId)}
    where e.id in (${sql.join(ids)}) order by e.id ${order}`.execute(db);
  return rows.map(itemOf);
}

/** Number of entries the user can see through the apps (Fever `total_items`). */
export async function apiItemCount(db: Kysely<Schema>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j
        .onRef('s.feed_id', '=', 'e.feed_id')
        .on('s.user_id', '=', userId)
        .on('s.priority', '>=', API_MIN_PRIORITY),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface ApiSubscription {
  feedId: number;
  title: string;
  feedUrl: string;
  siteUrl: string | null;
  categoryId: number | null;
  categoryName: string | null;
  unreadCount: number;
  /** Highest entry id of the feed (0 when none). */
  newestId: number;
  iconType: string | null;
  lastCheckedAt: number | null;
  priority: number;
}

/** The subscriptions apps see, with counts (maintained, not recounted) and each feed's newest id. */
export async function apiSubscriptions(db: Kysely<Schema>, userId: number): Promise<ApiSubscription[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .leftJoin('categories as c', 'c.id', 's.category_id')
    .select([
      's.feed_id',
      's.title as sub_title',
      'f.title as feed_title',
      'f.url',
      'f.site_url',
      's.category_id',
      'c.name as category_name',
      's.unread_count',
      'f.icon_type',
      'f.last_checked_at',
      's.priority',
      (eb) =>
        eb
          .selectFrom('entries')
          .select((e) => e.fn.max('entries.id').as('m'))
          .whereRef('entries.feed_id', '=', 's.feed_id')
          .as('newest_id'),
    ])
    .where('s.user_id', '=', userId)
    .where('s.priority', '>=', API_MIN_PRIORITY)
    .orderBy('s.feed_id')
    .execute();
  return rows.map((r) => ({
    feedId: r.feed_id,
    title: r.sub_title || r.feed_title || r.url,
    feedUrl: r.url,
    siteUrl: r.site_url,
    categoryId: r.category_id,
    categoryName: r.category_name,
    unreadCount: Number(r.unread_count),
    newestId: Number(r.newest_id ?? 0),
    iconType: r.icon_type,
    lastCheckedAt: r.last_checked_at === null ? null : Number(r.last_checked_at),
    priority: r.priority,
  }));
}

/**
 * Feed, category and priority of each subscription apps see: what "mark all as read" needs,
 * without apiSubscriptions' titles and newest ids (a third of a 1,000-feed mark-all's time).
 */
export async function apiSubscriptionScopes(
  db: Kysely<Schema>,
  userId: number,
): Promise<{ feedId: number; categoryId: number | null; priority: number }[]> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['feed_id', 'category_id', 'priority'])
    .where('user_id', '=', userId)
    .where('priority', '>=', API_MIN_PRIORITY)
    .orderBy('feed_id')
    .execute();
  return rows.map((r) => ({ feedId: r.feed_id, categoryId: r.category_id, priority: r.priority }));
}

/** Icons of the user's feeds that have one (Fever `favicons`). */
export async function apiFeedIcons(
  db: Kysely<Schema>,
  userId: number,
): Promise<{ feedId: number; type: string; data: Uint8Array }[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(['f.id', 'f.icon_type', 'f.icon_data'])
    .where('s.user_id', '=', userId)
    .where('s.priority', '>=', API_MIN_PRIORITY)
    .where('f.icon_type', 'is not', null)
    .where('f.icon_data', 'is not', null)
    .orderBy('f.id')
    .execute();
  return rows.map((r) => ({ feedId: r.id, type: r.icon_type!, data: r.icon_data! }));
}
