// /api/v1/entries: a stream page with keyset cursor pagination (never OFFSET), one entry, bulk
// read/star changes. The cursor is opaque to clients: base64url of the last row's sort value and
// id plus the order it belongs to, so that a cursor cannot be replayed under another order.
import type { Context } from 'hono';
import { resolveSearchNode } from '../../../search/evaluate-query.ts';
import { searchQueryOrError, type SearchNode } from '../../../search/parse-query.ts';
import { setEntriesRead, setEntriesStarred } from '../../../storage/api-entry-states.ts';
import { API_MIN_PRIORITY, apiItemsByIds } from '../../../storage/api-items.ts';
import { instanceSecret } from '../../../storage/instance-secret.ts';
import { labelIdsOfEntries, labelsForUser } from '../../../storage/labels.ts';
import { entriesForStream, sortValueOf, type EntryView } from '../../../storage/streams.ts';
import { subscriptionsForUser } from '../../../storage/subscriptions.ts';
import {
  STATE_NOT_STARRED,
  STATE_READ,
  STATE_STARRED,
  STATE_UNREAD,
  type SortKey,
  type SortOrder,
  type Stream,
  type StreamCursor,
} from '../../../model/stream.ts';
import { rewriteMediaUrls } from '../../ui/image-proxy.ts';
import { JsonApiError, notFound } from './json-api-error.ts';
import type { JsonEnv } from './json-auth.ts';
import { boolParam, enumParam, idFrom, intParam, jsonBody, onlyKeys, pathId } from './json-input.ts';
import { entryJson } from './json-views.ts';

type C = Context<JsonEnv>;

export const ENTRY_ORDERS = ['received', 'published', 'title', 'feed'] as const satisfies readonly SortKey[];
export const MAX_LIMIT = 500;
export const MAX_BULK_IDS = 1000;
const MAX_SEARCH = 1000;

interface Page {
  order: SortKey;
  direction: SortOrder;
}

export function encodeCursor(page: Page, c: StreamCursor): string {
  return Buffer.from(JSON.stringify([1, page.order, page.direction, c.key, c.id])).toString('base64url');
}

export function decodeCursor(page: Page, raw: string): StreamCursor {
  let v: unknown;
  try {
    v = raw.length <= 4096 ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : null;
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || v.length !== 5 || v[0] !== 1) throw new JsonApiError(400, 'cursor is not valid');
  const [, order, direction, key, id] = v as unknown[];
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
    throw new JsonApiError(400, 'cursor is not valid');
  if (key !== null && typeof key !== 'string' && typeof key !== 'number')
    throw new JsonApiError(400, 'cursor is not valid');
  if (order !== page.order || direction !== page.direction)
    throw new JsonApiError(400, 'cursor belongs to another order or direction');
  return { key, id };
}

/** The stream of `feed_id`, `category_id`, `label_id` (one at most) or `starred=true`. */
function streamOf(c: C, starred: boolean | null): Stream {
  const given = (['feed_id', 'category_id', 'label_id'] as const).filter((k) => c.req.query(k));
  if (given.length > 1) throw new JsonApiError(400, 'give at most one of feed_id, category_id, label_id');
  const name = given[0];
  if (name) {
    const id = idFrom(name, c.req.query(name));
    return { kind: name === 'feed_id' ? 'feed' : name === 'category_id' ? 'category' : 'label', id };
  }
  return starred ? { kind: 'starred' } : { kind: 'main' };
}

/** The parsed search, with label names and saved searches resolved for this user. */
async function searchOf(c: C): Promise<SearchNode | null> {
  const text = c.req.query('search');
  if (!text) return null;
  if (text.length > MAX_SEARCH)
    throw new JsonApiError(400, `search must be at most ${MAX_SEARCH} characters`);
  const parsed = searchQueryOrError(text);
  if (!parsed.ok) throw new JsonApiError(400, parsed.error.message, parsed.error.position);
  if (!parsed.node) return null;
  const labels = await labelsForUser(c.get('deps').database.db, c.get('apiUser').id);
  return resolveSearchNode(parsed.node, { labels, savedQuery: () => null });
}

/**
 * Entry objects for rows, with their labels. With the image proxy on, media URLs go through it as
 * in the web UI, made absolute (VEILLE_BASE_URL, else the request's origin) since an API client
 * renders the HTML away from Veille's pages.
 */
async function entriesJson(c: C, rows: EntryView[]) {
  const deps = c.get('deps');
  const labels = await labelIdsOfEntries(
    deps.database.db,
    c.get('apiUser').id,
    rows.map((r) => r.id),
  );
  const secret = deps.config.imageProxy && rows.length ? await instanceSecret(deps.database.db) : null;
  const origin = (deps.config.baseUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '');
  const contentOf = (html: string) =>
    secret
      ? rewriteMediaUrls(secret, html).replace(
          /(["\s,])\/proxy\/img\?/g,
          (_, before: string) => `${before}${origin}/proxy/img?`,
        )
      : html;
  return rows.map((r) => entryJson(r, labels.get(r.id) ?? [], contentOf(r.content)));
}

export async function listEntries(c: C): Promise<Response> {
  const status = enumParam(c, 'status', ['all', 'unread', 'read'] as const, 'all');
  const starred = boolParam(c, 'starred');
  const order = enumParam(c, 'order', ENTRY_ORDERS, 'received');
  const direction = enumParam(c, 'direction', ['desc', 'asc'] as const, 'desc');
  const limit = intParam(c, 'limit', 1, MAX_LIMIT, 100);
  const rawCursor = c.req.query('cursor');
  const cursor = rawCursor ? decodeCursor({ order, direction }, rawCursor) : null;
  const stream = streamOf(c, starred);
  const search = await searchOf(c);
  let mask = status === 'read' ? STATE_READ : status === 'unread' ? STATE_UNREAD : 0;
  if (starred !== null) mask |= starred ? STATE_STARRED : STATE_NOT_STARRED;
  const deps = c.get('deps');
  // One row more than asked says whether another page exists, so the last page has no cursor.
  const rows = await entriesForStream(deps.database.db, {
    userId: c.get('apiUser').id,
    stream,
    state: mask === 0 ? 'all' : mask,
    sort: order,
    order: direction,
    cursor,
    limit: limit + 1,
    search,
    now: deps.now(),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const body: { entries: unknown[]; next_cursor?: string } = { entries: await entriesJson(c, page) };
  if (rows.length > limit && last)
    body.next_cursor = encodeCursor({ order, direction }, { key: sortValueOf(last, order), id: last.id });
  return c.json(body);
}

/** One entry of the user's subscriptions (archived ones included), or undefined. */
async function entryOf(c: C, id: number): Promise<EntryView | undefined> {
  const db = c.get('deps').database.db;
  const userId = c.get('apiUser').id;
  // The entry's feed: apps' lookup covers every subscription but archived ones, tried after.
  const [item] = await apiItemsByIds(db, { userId, ids: [id], order: 'desc' });
  const feedIds = item
    ? [item.feedId]
    : (await subscriptionsForUser(db, userId))
        .filter((s) => s.priority < API_MIN_PRIORITY)
        .map((s) => s.feedId);
  for (const feedId of feedIds) {
    const [row] = await entriesForStream(db, {
      userId,
      stream: { kind: 'feed', id: feedId },
      state: 'all',
      maxId: id,
      limit: 1,
    });
    if (row?.id === id) return row;
  }
  return undefined;
}

export async function getEntry(c: C): Promise<Response> {
  const id = pathId(c, 'entry_id');
  const row = await entryOf(c, id);
  if (!row) throw notFound('entry', id);
  return c.json((await entriesJson(c, [row]))[0]);
}

export async function updateEntries(c: C): Promise<Response> {
  const body = await jsonBody(c);
  onlyKeys(body, ['entry_ids', 'status', 'starred']);
  const ids = body.entry_ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_BULK_IDS)
    throw new JsonApiError(400, `entry_ids must be an array of 1 to ${MAX_BULK_IDS} ids`);
  if (!ids.every((x): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0))
    throw new JsonApiError(400, 'entry_ids must hold positive integers');
  if (body.status !== undefined && body.status !== 'read' && body.status !== 'unread')
    throw new JsonApiError(400, 'status must be read or unread');
  if (body.starred !== undefined && typeof body.starred !== 'boolean')
    throw new JsonApiError(400, 'starred must be a boolean');
  if (body.status === undefined && body.starred === undefined)
    throw new JsonApiError(400, 'give status or starred');
  const deps = c.get('deps');
  const input = { userId: c.get('apiUser').id, entryIds: ids, now: deps.now() };
  // Ids of entries the user cannot see are skipped, as the Google Reader API does.
  if (body.status !== undefined)
    await setEntriesRead(deps.database.db, { ...input, read: body.status === 'read' });
  if (typeof body.starred === 'boolean')
    await setEntriesStarred(deps.database.db, { ...input, starred: body.starred });
  return c.body(null, 204);
}
