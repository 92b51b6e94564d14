// stream/contents, stream/items/ids, stream/items/contents: pages read from the database one at
// a time and written as they come (a 100,000-id answer never sits whole in memory).
import type { ApiItem, ApiItemQuery, ApiStateFilter } from '../../../storage/api-items.ts';
import {
  apiItemIds,
  apiItems,
  apiItemsByIds,
  entryLabelNames,
  unreadLowerBound,
} from '../../../storage/api-items.ts';
import { apiFolders, type ApiFolders } from '../api-folders.ts';
import { longItemId, parseItemId } from '../item-id.ts';
import { streamedBody } from '../streamed-body.ts';
import {
  badRequest,
  LABEL_PREFIX,
  READING_LIST,
  STATE_PREFIX,
  type GreaderRequest,
} from './greader-context.ts';
import { parseStreamId, stateFilterOf } from './greader-stream-id.ts';

const MAX_IDS = 100_000;
const MAX_CONTENTS = 1000;
const IDS_PAGE = 20_000;
const CONTENTS_PAGE = 100;

interface Paging {
  query: Omit<ApiItemQuery, 'limit'>;
  n: number;
}

function intParam(value: string | null): number | null {
  return value && /^[0-9]{1,17}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** Reads n, r, ot, nt, xt, it, c into a query; a string is an error message. */
async function pagingOf(
  req: GreaderRequest,
  folders: ApiFolders,
  streamId: string,
  maxN: number,
): Promise<Paging | string | 'empty'> {
  const { params, user, deps } = req;
  const parsed = await parseStreamId(deps.database.db, user.id, folders, streamId);
  if (parsed.kind === 'invalid') return `unknown stream ${streamId}`;
  if (parsed.kind === 'unknown') return 'empty';
  const include: ApiStateFilter[] = [...parsed.include];
  const exclude: ApiStateFilter[] = [];
  for (const v of params.getAll('it')) {
    const f = stateFilterOf(v);
    if (f) include.push(f);
  }
  for (const v of params.getAll('xt')) {
    const f = stateFilterOf(v);
    if (f) exclude.push(f);
  }
  const order = params.get('r') === 'o' ? 'asc' : 'desc';
  const ot = intParam(params.get('ot'));
  const nt = intParam(params.get('nt'));
  const cursor = intParam(params.get('c'));
  const n = Math.min(Math.max(intParam(params.get('n')) ?? 20, 1), maxN);
  let belowId = nt ? nt * 1e6 : null;
  let aboveId: number | null = null;
  if (cursor) {
    if (order === 'desc') belowId = belowId === null ? cursor : Math.min(belowId, cursor);
    else aboveId = cursor;
  }
  const unread = include.includes('unread') || exclude.includes('read');
  return {
    n,
    query: {
      unreadBound: unread ? await unreadLowerBound(deps.database.db, user.id) : null,
      userId: user.id,
      stream: parsed.stream,
      include,
      exclude,
      minId: ot ? ot * 1e6 : null,
      belowId,
      aboveId,
      order,
    },
  };
}

/**
 * Pages of a stream: yields each page, then `{ continuation }` (the last id when more remain).
 * The last page is fetched with one extra row, so "more remain" costs no extra query.
 */
async function* pagesOf<T extends { id: number }>(
  paging: Paging,
  pageSize: number,
  fetch: (q: ApiItemQuery) => Promise<T[]>,
): AsyncGenerator<T[], string | null> {
  let remaining = paging.n;
  const q = { ...paging.query };
  for (;;) {
    const want = Math.min(pageSize, remaining);
    const isLast = want === remaining;
    let rows = await fetch({ ...q, limit: isLast ? want + 1 : want });
    const more = rows.length > want;
    if (more) rows = rows.slice(0, want);
    if (rows.length) yield rows;
    remaining -= rows.length;
    const lastId = rows.at(-1)?.id;
    if (rows.length < want || lastId === undefined) return null;
    if (isLast) return more ? String(lastId) : null;
    if (q.order === 'desc') q.belowId = q.belowId == null ? lastId : Math.min(q.belowId, lastId);
    else q.aboveId = lastId;
  }
}

function itemJson(item: ApiItem, folders: ApiFolders, labels: string[] | undefined): string {
  const folder = folders.folderOf(item.categoryId, item.categoryName);
  const categories = [READING_LIST, `${LABEL_PREFIX}${folder.name}`];
  if (item.read) categories.push(`${STATE_PREFIX}read`);
  if (item.starred) categories.push(`${STATE_PREFIX}starred`);
  for (const l of labels ?? []) categories.push(`${LABEL_PREFIX}${l}`);
  const link = item.url ?? item.siteUrl ?? item.feedUrl;
  const author = item.authors
    .map((a) => a.name ?? a.email ?? '')
    .filter(Boolean)
    .join(', ');
  return JSON.stringify({
    id: longItemId(item.id),
    crawlTimeMsec: String(Math.floor(item.id / 1000)),
    timestampUsec: String(item.id),
    published: Math.floor(item.dateAt / 1000),
    title: item.title,
    ...(author ? { author } : {}),
    canonical: [{ href: link }],
    alternate: [{ href: link, type: 'text/html' }],
    summary: { direction: 'ltr', content: item.content },
    categories,
    origin: { streamId: `feed/${item.feedId}`, title: item.feedTitle, htmlUrl: item.siteUrl ?? item.feedUrl },
    ...(item.enclosures.length
      ? {
          enclosure: item.enclosures.map((e) => ({
            href: e.url,
            ...(e.type ? { type: e.type } : {}),
            ...(e.length ? { length: e.length } : {}),
          })),
        }
      : {}),
  });
}

async function* itemsJson(
  req: GreaderRequest,
  folders: ApiFolders,
  pages: AsyncGenerator<ApiItem[], string | null>,
  head: string,
): AsyncGenerator<string> {
  yield head + '"items":[';
  let first = true;
  let next = await pages.next();
  while (!next.done) {
    const page = next.value;
    const labels = await entryLabelNames(
      req.deps.database.db,
      req.user.id,
      page.map((i) => i.id),
    );
    yield (first ? '' : ',') + page.map((i) => itemJson(i, folders, labels.get(i.id))).join(',');
    first = false;
    next = await pages.next();
  }
  yield next.value ? `],"continuation":"${next.value}"}` : ']}';
}

function envelopeHead(streamId: string): string {
  return `{"id":${JSON.stringify(streamId)},"updated":${Math.floor(Date.now() / 1000)},`;
}

/** GET stream/contents[/<stream id>] — the stream from the path, else `s`, else the reading list. */
export async function streamContents(req: GreaderRequest, pathStream: string | null): Promise<Response> {
  const streamId = pathStream || req.params.get('s') || READING_LIST;
  const folders = await apiFolders(req.deps.database.db, req.user);
  const paging = await pagingOf(req, folders, streamId, MAX_CONTENTS);
  if (typeof paging === 'string' && paging !== 'empty') return badRequest(req.c, paging);
  const head = envelopeHead(streamId);
  if (paging === 'empty') return req.c.body(`${head}"items":[]}`, 200, { 'content-type': JSON_TYPE });
  const db = req.deps.database.db;
  return streamedBody(
    req.c,
    itemsJson(
      req,
      folders,
      pagesOf(paging, CONTENTS_PAGE, (q) => apiItems(db, q)),
      head,
    ),
  );
}

const JSON_TYPE = 'application/json; charset=UTF-8';

async function* idsJson(pages: AsyncGenerator<{ id: number }[], string | null>): AsyncGenerator<string> {
  yield '{"itemRefs":[';
  let first = true;
  let next = await pages.next();
  while (!next.done) {
    let chunk = '';
    for (const r of next.value) {
      chunk += `${first ? '' : ','}{"id":"${r.id}"}`;
      first = false;
    }
    yield chunk;
    next = await pages.next();
  }
  yield next.value ? `],"continuation":"${next.value}"}` : ']}';
}

/** GET stream/items/ids?s=… — decimal ids (short form). */
export async function streamItemIds(req: GreaderRequest): Promise<Response> {
  const streamId = req.params.get('s');
  if (!streamId) return badRequest(req.c, 'missing s');
  const folders = await apiFolders(req.deps.database.db, req.user);
  const paging = await pagingOf(req, folders, streamId, MAX_IDS);
  if (typeof paging === 'string' && paging !== 'empty') return badRequest(req.c, paging);
  if (paging === 'empty') return req.c.body('{"itemRefs":[]}', 200, { 'content-type': JSON_TYPE });
  const db = req.deps.database.db;
  return streamedBody(
    req.c,
    idsJson(pagesOf(paging, IDS_PAGE, async (q) => (await apiItemIds(db, q)).map((id) => ({ id })))),
  );
}

/** GET or POST stream/items/contents with `i` in any id form (unknown ids are skipped). */
export async function streamItemsContents(req: GreaderRequest): Promise<Response> {
  const raw = req.params.getAll('i');
  if (!raw.length) return badRequest(req.c, 'missing i');
  const order = req.params.get('r') === 'o' ? 'asc' : 'desc';
  const ids = [...new Set(raw.map(parseItemId).filter((x): x is number => x !== null))].sort((a, b) =>
    order === 'asc' ? a - b : b - a,
  );
  const folders = await apiFolders(req.deps.database.db, req.user);
  const db = req.deps.database.db;
  const userId = req.user.id;
  async function* pages(): AsyncGenerator<ApiItem[], string | null> {
    for (let i = 0; i < ids.length; i += CONTENTS_PAGE * 2) {
      const page = await apiItemsByIds(db, { userId, ids: ids.slice(i, i + CONTENTS_PAGE * 2), order });
      if (page.length) yield page;
    }
    return null;
  }
  return streamedBody(req.c, itemsJson(req, folders, pages(), envelopeHead(READING_LIST)));
}
