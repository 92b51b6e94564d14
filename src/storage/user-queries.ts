// User queries (FreshRSS's saved searches): a user's named stream + search + state + sort, in the
// user's order (S:1 is the first), each optionally published by a secret token. Every function
// takes the user id and only ever reads or changes that user's rows.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  isSortKey,
  stateFromParam,
  stateParam,
  streamFromParam,
  streamParam,
  type SortKey,
  type SortOrder,
  type StateFilter,
  type Stream,
} from '../model/stream.ts';
import type { SearchContext } from '../search/evaluate-query.ts';
import { foldText } from '../search/normalize-text.ts';
import { parseSearchQuery, type SearchNode } from '../search/parse-query.ts';
import { labelsForUser } from './labels.ts';
import type { Schema } from './schema.ts';

export const QUERY_NAME_MAX = 200;

export interface UserQuery {
  id: number;
  userId: number;
  name: string;
  stream: Stream;
  search: string;
  /** null: the user's default state when opened. */
  state: StateFilter | null;
  sort: SortKey | null;
  order: SortOrder | null;
  shareToken: string | null;
}

export interface UserQueryInput {
  name: string;
  stream: Stream;
  search: string;
  state: StateFilter | null;
  sort: SortKey | null;
  order: SortOrder | null;
}

type Row = Schema['user_queries'] & { id: number; search: string };

function queryOf(r: Row): UserQuery {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    stream: streamFromParam(r.stream) ?? { kind: 'main' },
    search: r.search,
    state: r.state === null ? null : stateFromParam(r.state),
    sort: isSortKey(r.sort) ? r.sort : null,
    order: r.sort_order === 'asc' || r.sort_order === 'desc' ? r.sort_order : null,
    shareToken: r.share_token,
  };
}

/** A name as stored: whitespace collapsed, trimmed, at most QUERY_NAME_MAX characters. */
export function cleanQueryName(name: string): string {
  return name.replace(/\s+/g, ' ').trim().slice(0, QUERY_NAME_MAX);
}

/** The user's queries in their order (the first is S:1). */
export async function userQueriesForUser(db: Kysely<Schema>, userId: number): Promise<UserQuery[]> {
  const rows = await db
    .selectFrom('user_queries')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map((r) => queryOf(r as Row));
}

/** One of the user's queries; undefined when it does not exist or is another user's. */
export async function userQueryById(
  db: Kysely<Schema>,
  userId: number,
  id: number,
): Promise<UserQuery | undefined> {
  const row = await db
    .selectFrom('user_queries')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? queryOf(row as Row) : undefined;
}

export async function createUserQuery(
  db: Kysely<Schema>,
  input: UserQueryInput & { userId: number; now: number },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('user_queries')
      .select((eb) => eb.fn.max<number | null>('position').as('p'))
      .where('user_id', '=', input.userId)
      .executeTakeFirst();
    const row = await trx
      .insertInto('user_queries')
      .values({
        user_id: input.userId,
        position: Number(last?.p ?? 0) + 1,
        name: cleanQueryName(input.name),
        stream: streamParam(input.stream),
        search: input.search.trim(),
        state: input.state === null ? null : stateParam(input.state),
        sort: input.sort,
        sort_order: input.order,
        share_token: null,
        created_at: input.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

/** Renames a query and changes its search. False when it is not the user's. */
export async function updateUserQuery(
  db: Kysely<Schema>,
  input: { userId: number; id: number; name: string; search: string },
): Promise<boolean> {
  const result = await db
    .updateTable('user_queries')
    .set({ name: cleanQueryName(input.name), search: input.search.trim() })
    .where('user_id', '=', input.userId)
    .where('id', '=', input.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteUserQuery(db: Kysely<Schema>, userId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('user_queries')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Moves a query one place up or down in the user's list (positions are rewritten 1..n, so ties
 * left by older rows never block a move). False when it is not the user's.
 */
export async function moveUserQuery(
  db: Kysely<Schema>,
  input: { userId: number; id: number; direction: 'up' | 'down' },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('user_queries')
      .select(['id', 'position'])
      .where('user_id', '=', input.userId)
      .orderBy('position')
      .orderBy('id')
      .execute();
    const order = rows.map((r) => r.id);
    const i = order.indexOf(input.id);
    if (i < 0) return false;
    const j = input.direction === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= order.length) return true;
    [order[i], order[j]] = [order[j]!, order[i]!];
    for (let k = 0; k < order.length; k++) {
      if (rows[k]!.id === order[k] && rows[k]!.position === k + 1) continue;
      await trx
        .updateTable('user_queries')
        .set({ position: k + 1 })
        .where('user_id', '=', input.userId)
        .where('id', '=', order[k]!)
        .execute();
    }
    return true;
  });
}

/** A new secret for a shared query URL: 32 URL-safe characters (192 random bits). */
function newShareToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isShareToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{32}$/.test(token);
}

/**
 * Publishes a query under a new secret token (replacing any older one, which stops working), or
 * withdraws it. Returns the new token (null when withdrawn); undefined when it is not the user's.
 */
export async function setUserQueryShared(
  db: Kysely<Schema>,
  input: { userId: number; id: number; shared: boolean },
): Promise<string | null | undefined> {
  const token = input.shared ? newShareToken() : null;
  const result = await db
    .updateTable('user_queries')
    .set({ share_token: token })
    .where('user_id', '=', input.userId)
    .where('id', '=', input.id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? token : undefined;
}

/** The query a share token publishes, or undefined (unknown or withdrawn token). */
export async function userQueryByShareToken(
  db: Kysely<Schema>,
  token: string,
): Promise<UserQuery | undefined> {
  if (!isShareToken(token)) return undefined;
  const row = await db
    .selectFrom('user_queries')
    .selectAll()
    .where('share_token', '=', token)
    .executeTakeFirst();
  return row ? queryOf(row as Row) : undefined;
}

/** A saved query's search as an AST; null when it is empty or does not parse (then it matches nothing). */
function savedSearchNode(query: UserQuery | undefined): SearchNode | null {
  if (!query) return null;
  try {
    return parseSearchQuery(query.search) ?? { kind: 'and', children: [] };
  } catch {
    return null;
  }
}

/**
 * What a user's searches resolve against: the user's labels (label:NAME) and the user's own
 * saved queries (search:NAME by name, case- and accent-insensitive, the first in order wins;
 * S:n by position, 1-based). Another user's queries are never reachable.
 */
export async function searchContextForUser(
  db: Kysely<Schema>,
  userId: number,
  labels?: readonly { id: number; name: string }[],
): Promise<SearchContext> {
  const [queries, userLabels] = await Promise.all([
    userQueriesForUser(db, userId),
    labels ? Promise.resolve(labels) : labelsForUser(db, userId),
  ]);
  return {
    labels: userLabels.map((l) => ({ id: l.id, name: l.name })),
    savedQuery(ref) {
      if ('position' in ref) return savedSearchNode(queries[ref.position - 1]);
      const name = foldText(cleanQueryName(ref.name));
      return savedSearchNode(queries.find((q) => foldText(q.name) === name));
    },
  };
}

export interface SharedFeedSource {
  title: string;
  feedUrl: string;
  siteUrl: string | null;
  category: string | null;
}

/**
 * The feeds a shared query reads from (its OPML): the user's subscriptions of the main stream,
 * the important feeds, a category or a feed. Feeds fetched with the user's credentials, cookies
 * or private headers are left out, and user:password parts are removed from addresses.
 */
export async function sharedQueryFeeds(
  db: Kysely<Schema>,
  userId: number,
  stream: Stream,
): Promise<SharedFeedSource[]> {
  let q = db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .leftJoin('categories as c', 'c.id', 's.category_id')
    .select(['s.title as sub_title', 'f.title as feed_title', 'f.url', 'f.site_url', 'c.name as category'])
    .where('s.user_id', '=', userId)
    .where('f.owner_user_id', 'is', null);
  if (stream.kind === 'main') q = q.where('s.priority', '>=', 1).where('s.muted', '=', 0);
  else if (stream.kind === 'important') q = q.where('s.priority', '>=', 2);
  else if (stream.kind === 'category')
    q = q.where('s.category_id', '=', stream.id).where('s.priority', '>=', 0);
  else if (stream.kind === 'feed') q = q.where('s.feed_id', '=', stream.id);
  else return [];
  const rows = await q.orderBy('f.id').execute();
  return rows.map((r) => ({
    title: r.sub_title || r.feed_title || r.url,
    feedUrl: withoutCredentials(r.url),
    siteUrl: r.site_url ? withoutCredentials(r.site_url) : null,
    category: r.category,
  }));
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}
