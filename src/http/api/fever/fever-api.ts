// The Fever API at /api/fever.php (FreshRSS) and /fever/ (Miniflux, original Fever). Every
// selector present in one request is answered in one JSON object; long id lists are written
// page by page. A wrong or missing key is 200 {"api_version":3,"auth":0}, as clients expect.
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../app-env.ts';
import {
  apiFeedIcons,
  apiItemCount,
  apiItemIds,
  apiItems,
  apiItemsByIds,
  apiSubscriptions,
  type ApiItem,
  type ApiStream,
  unreadLowerBound,
} from '../../../storage/api-items.ts';
import { userByFeverKey } from '../../../storage/api-passwords.ts';
import { setEntryRead, setEntryStarred } from '../../../storage/entry-states.ts';
import type { User } from '../../../storage/schema.ts';
import { apiFolders, type ApiFolders } from '../api-folders.ts';
import { entryIdBound, markApiStreamRead } from '../api-mark-read.ts';
import { apiParams } from '../api-params.ts';
import { streamedBody } from '../streamed-body.ts';

const PAGE = 50;
// Large pages: each page scans and sorts every unread row above its cursor again.
const ID_PAGE = 100_000;

function itemJson(item: ApiItem): string {
  return JSON.stringify({
    id: item.id,
    feed_id: item.feedId,
    title: item.title,
    author: item.authors
      .map((a) => a.name ?? a.email ?? '')
      .filter(Boolean)
      .join(', '),
    html: item.content,
    url: item.url ?? '',
    is_saved: item.starred ? 1 : 0,
    is_read: item.read ? 1 : 0,
    created_on_time: Math.floor(item.dateAt / 1000),
  });
}

/** Comma-separated ids of a stream, ascending, written one page at a time. */
async function* idList(
  deps: AppDeps,
  userId: number,
  stream: ApiStream,
  unread: boolean,
): AsyncGenerator<string> {
  let aboveId: number | null = null;
  let first = true;
  const unreadBound = unread ? await unreadLowerBound(deps.database.db, userId) : null;
  for (;;) {
    const ids = await apiItemIds(deps.database.db, {
      userId,
      stream,
      include: unread ? ['unread'] : [],
      unreadBound,
      aboveId,
      order: 'asc',
      limit: ID_PAGE,
    });
    if (ids.length) {
      yield (first ? '' : ',') + ids.join(',');
      first = false;
    }
    if (ids.length < ID_PAGE) return;
    aboveId = ids[ids.length - 1]!;
  }
}

function digits(value: string | null): number | null {
  return value !== null && /^[0-9]{1,17}$/.test(value.trim()) ? Number(value.trim()) : null;
}

async function itemsPage(deps: AppDeps, userId: number, params: URLSearchParams): Promise<ApiItem[]> {
  const db = deps.database.db;
  const withIds = params.get('with_ids');
  const maxId = params.has('max_id') ? digits(params.get('max_id')) : null;
  if (params.has('max_id')) {
    const bound = maxId && maxId <= Number.MAX_SAFE_INTEGER ? maxId : null;
    return apiItems(db, { userId, stream: { kind: 'all' }, belowId: bound, order: 'desc', limit: PAGE });
  }
  if (withIds !== null) {
    const ids = withIds
      .split(',')
      .map((s) => digits(s))
      .filter((x): x is number => x !== null && x > 0)
      .slice(0, 200);
    return apiItemsByIds(db, { userId, ids, order: 'asc' });
  }
  const since = digits(params.get('since_id'));
  return apiItems(db, { userId, stream: { kind: 'all' }, aboveId: since ?? 0, order: 'asc', limit: PAGE });
}

/** Applies mark=…; returns which id lists the answer should carry. */
async function applyMark(
  deps: AppDeps,
  user: User,
  folders: ApiFolders,
  params: URLSearchParams,
): Promise<{ unread: boolean; saved: boolean }> {
  const mark = params.get('mark');
  const as = params.get('as');
  const id = digits(params.get('id'));
  if (!mark || id === null) return { unread: false, saved: false };
  const db = deps.database.db;
  const now = deps.now();
  if (mark === 'item') {
    if (as === 'read' || as === 'unread') {
      await setEntryRead(db, { userId: user.id, entryId: id, read: as === 'read', now });
      return { unread: true, saved: false };
    }
    if (as === 'saved' || as === 'unsaved') {
      await setEntryStarred(db, { userId: user.id, entryId: id, starred: as === 'saved', now });
      return { unread: false, saved: true };
    }
    return { unread: false, saved: false };
  }
  if (as !== 'read') return { unread: false, saved: false };
  const upToId = entryIdBound(params.get('before'));
  if (mark === 'feed') {
    await markApiStreamRead(deps, { userId: user.id, stream: { kind: 'feed', feedId: id }, upToId });
  } else if (mark === 'group') {
    if (id === 0) await markApiStreamRead(deps, { userId: user.id, stream: { kind: 'all' }, upToId });
    const group = id > 0 ? folders.byGroupId(id) : null;
    if (group)
      await markApiStreamRead(deps, {
        userId: user.id,
        stream: { kind: 'label', ...group, labelId: null },
        upToId,
      });
  }
  return { unread: true, saved: false };
}

async function* answer(deps: AppDeps, user: User, params: URLSearchParams): AsyncGenerator<string> {
  const db = deps.database.db;
  const folders = await apiFolders(db, user);
  const marked = await applyMark(deps, user, folders, params);
  const subs = await apiSubscriptions(db, user.id);
  const lastRefreshed = Math.floor(Math.max(0, ...subs.map((s) => s.lastCheckedAt ?? 0)) / 1000);
  yield `{"api_version":3,"auth":1,"last_refreshed_on_time":${lastRefreshed}`;

  const wantsGroups = params.has('groups');
  const wantsFeeds = params.has('feeds');
  if (wantsGroups) {
    const groups = folders.categories.map((c) => ({ id: c.id, title: c.name }));
    if (subs.some((s) => s.categoryId === null) && !groups.some((g) => g.id === folders.uncategorized.id))
      groups.push({ id: folders.uncategorized.id, title: folders.uncategorized.name });
    yield `,"groups":${JSON.stringify(groups)}`;
  }
  if (wantsFeeds) {
    const feeds = subs.map((s) => ({
      id: s.feedId,
      favicon_id: s.feedId,
      title: s.title,
      url: s.feedUrl,
      site_url: s.siteUrl ?? '',
      is_spark: 0,
      last_updated_on_time: Math.floor((s.lastCheckedAt ?? 0) / 1000),
    }));
    yield `,"feeds":${JSON.stringify(feeds)}`;
  }
  if (wantsGroups || wantsFeeds) {
    const byGroup = new Map<number, number[]>();
    for (const s of subs) {
      const g = folders.folderOf(s.categoryId, s.categoryName).id;
      byGroup.set(g, [...(byGroup.get(g) ?? []), s.feedId]);
    }
    const feedsGroups = [...byGroup].map(([group_id, ids]) => ({ group_id, feed_ids: ids.join(',') }));
    yield `,"feeds_groups":${JSON.stringify(feedsGroups)}`;
  }
  if (params.has('favicons')) {
    const icons = await apiFeedIcons(db, user.id);
    yield `,"favicons":[`;
    let first = true;
    for (const icon of icons) {
      yield `${first ? '' : ','}{"id":${icon.feedId},"data":${JSON.stringify(
        `${icon.type};base64,${Buffer.from(icon.data).toString('base64')}`,
      )}}`;
      first = false;
    }
    yield ']';
  }
  if (params.has('items')) {
    const total = await apiItemCount(db, user.id);
    const items = await itemsPage(deps, user.id, params);
    yield `,"total_items":${total},"items":[${items.map(itemJson).join(',')}]`;
  }
  if (params.has('links')) yield ',"links":[]';
  if (params.has('unread_item_ids') || marked.unread) {
    yield ',"unread_item_ids":"';
    yield* idList(deps, user.id, { kind: 'all' }, true);
    yield '"';
  }
  if (params.has('saved_item_ids') || marked.saved) {
    yield ',"saved_item_ids":"';
    yield* idList(deps, user.id, { kind: 'starred' }, false);
    yield '"';
  }
  yield '}';
}

export async function feverApi(c: Context<AppEnv>): Promise<Response> {
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST' };
  if (c.req.method === 'OPTIONS') return c.body(null, 204, cors);
  const params = await apiParams(c);
  const deps = c.get('deps');
  const key = params.get('api_key');
  const user = key ? await userByFeverKey(deps.database.db, key) : undefined;
  if (!user) {
    if (key) deps.log.info('fever: bad api_key', { ip: c.req.header('x-forwarded-for') ?? null });
    return c.json({ api_version: 3, auth: 0 }, 200, cors);
  }
  const response = await streamedBody(c, answer(deps, user, params));
  for (const [k, v] of Object.entries(cors)) response.headers.set(k, v);
  return response;
}
