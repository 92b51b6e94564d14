// stream/contents, stream/items/ids, stream/items/contents: pages read from the database one at
// a time and written as they come (a 100,000-id answer never sits whole in memory).
import type { ApiItem, ApiItemQuery, ApiStateFilter } from '../../../storage/api-items.ts';
import { apiItemIds, apiItems, apiItemsByIds, unreadLowerBound } from '../../../storage/api-items.ts';
import { apiFolders, uncategorizedFolderName, type ApiFolders } from '../api-folders.ts';
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
// One query for any n up to MAX_IDS: each further page would scan and sort the unread rows
// below the cursor again (pages of 20,000 cost 1.5x one of 100,000), and a page of ids is small.
const IDS_PAGE = MAX_IDS;
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
  folders: () => Promise<ApiFolders>,
  streamId: string,
  maxN: number,
): Promise<Paging | string | 'empty'> {
  const { params, user, deps } = req;
  const db = deps.database.db;
  const include: ApiStateFilter[] = [];
  const exclude: ApiStateFilter[] = [];
  for (const v of params.getAll('it')) {
    const f = stateFilterOf(v);
    if (f) include.push(f);
  }
  for (const v of params.getAll('xt')) {
    const f = stateFilterOf(v);
    if (f) exclude.push(f);
  }
  // The stream's own state (user/-/state/com.google/unread) adds to `it`, and is known from the
  // id alone: the unread bound and the stream's feed or label are asked for at once (on
  // PostgreSQL each question is a round trip; here they overlap).
  const unread =
    include.includes('unread') || exclude.includes('read') || stateFilterOf(streamId) === 'unread';
  const [parsed, unreadBound] = await Promise.all([
    parseStreamId(db, user.id, folders, streamId),
    unread ? unreadLowerBound(db, user.id) : null,
  ]);
  if (parsed.kind === 'invalid') return `unknown stream ${streamId}`;
  if (parsed.kind === 'unknown') return 'empty';
  include.push(...parsed.include);
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
  return {
    n,
    query: {
      unreadBound,
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
async function* pagesOf<T>(
  paging: Paging,
  pageSize: number,
  fetch: (q: ApiItemQuery) => Promise<T[]>,
  idOf: (row: T) => number,
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
    const last = rows.at(-1);
    const lastId = last === undefined ? undefined : idOf(last);
    if (rows.length < want || lastId === undefined) return null;
    if (isLast) return more ? String(lastId) : null;
    if (q.order === 'desc') q.belowId = q.belowId == null ? lastId : Math.min(q.belowId, lastId);
    else q.aboveId = lastId;
  }
}

const json = JSON.stringify;
const READ_TAG = json(`${STATE_PREFIX}read`);
const STARRED_TAG = json(`${STATE_PREFIX}starred`);

/**
 * What the items of one answer share, written once: each folder's categories prefix and each
 * feed's origin object, as JSON text. An item's folder is its category (named in its row), else
 * the folder of subscriptions without one: no query for the user's folders.
 */
class ItemWriter {
  readonly #uncategorizedName: string;
  readonly #folderTags = new Map<number | null, string>();
  readonly #origins = new Map<number, string>();
  constructor(uncategorizedName: string) {
    this.#uncategorizedName = uncategorizedName;
  }

  #folderTag(item: ApiItem): string {
    const key = item.categoryName === null ? null : item.categoryId;
    let tag = this.#folderTags.get(key);
    if (tag === undefined) {
      const name =
        item.categoryId === null || item.categoryName === null ? this.#uncategorizedName : item.categoryName;
      tag = `${json(READING_LIST)},${json(`${LABEL_PREFIX}${name}`)}`;
      this.#folderTags.set(key, tag);
    }
    return tag;
  }

  #origin(item: ApiItem): string {
    let origin = this.#origins.get(item.feedId);
    if (origin === undefined) {
      origin = json({
        streamId: `feed/${item.feedId}`,
        title: item.feedTitle,
        htmlUrl: item.siteUrl ?? item.feedUrl,
      });
      this.#origins.set(item.feedId, origin);
    }
    return origin;
  }

  /** One item as Google Reader writes it (keys in the order FreshRSS gives them). */
  item(item: ApiItem): string {
    let categories = this.#folderTag(item);
    if (item.read) categories += `,${READ_TAG}`;
    if (item.starred) categories += `,${STARRED_TAG}`;
    for (const l of item.labels) categories += `,${json(`${LABEL_PREFIX}${l}`)}`;
    const link = json(item.url ?? item.siteUrl ?? item.feedUrl);
    let author = '';
    for (const a of item.authors) {
      const name = a.name ?? a.email ?? '';
      if (name) author = author ? `${author}, ${name}` : name;
    }
    let out =
      `{"id":"${longItemId(item.id)}","crawlTimeMsec":"${Math.floor(item.id / 1000)}",` +
      `"timestampUsec":"${item.id}","published":${Math.floor(item.dateAt / 1000)},"title":${json(item.title)}`;
    if (author) out += `,"author":${json(author)}`;
    out +=
      `,"canonical":[{"href":${link}}],"alternate":[{"href":${link},"type":"text/html"}],` +
      `"summary":{"direction":"ltr","content":${json(item.content)}},"categories":[${categories}],` +
      `"origin":${this.#origin(item)}`;
    if (item.enclosures.length)
      out += `,"enclosure":${json(
        item.enclosures.map((e) => ({
          href: e.url,
          ...(e.type ? { type: e.type } : {}),
          ...(e.length ? { length: e.length } : {}),
        })),
      )}`;
    return `${out}}`;
  }
}

/** The answer's JSON, written page by page as the pages are read. */
async function* itemsJson(
  user: GreaderRequest['user'],
  pages: AsyncGenerator<ApiItem[], string | null>,
  head: string,
): AsyncGenerator<string> {
  const writer = new ItemWriter(uncategorizedFolderName(user));
  let chunk = `${head}"items":[`;
  let first = true;
  let next = await pages.next();
  while (!next.done) {
    for (const item of next.value) {
      chunk += (first ? '' : ',') + writer.item(item);
      first = false;
    }
    yield chunk;
    chunk = '';
    next = await pages.next();
  }
  yield chunk + (next.value ? `],"continuation":"${next.value}"}` : ']}');
}

function envelopeHead(streamId: string): string {
  return `{"id":${JSON.stringify(streamId)},"updated":${Math.floor(Date.now() / 1000)},`;
}

/** GET stream/contents[/<stream id>] — the stream from the path, else `s`, else the reading list. */
export async function streamContents(req: GreaderRequest, pathStream: string | null): Promise<Response> {
  const streamId = pathStream || req.params.get('s') || READING_LIST;
  // The folders only matter when the stream is a label (items name their own).
  const paging = await pagingOf(
    req,
    () => apiFolders(req.deps.database.db, req.user),
    streamId,
    MAX_CONTENTS,
  );
  if (typeof paging === 'string' && paging !== 'empty') return badRequest(req.c, paging);
  const head = envelopeHead(streamId);
  if (paging === 'empty') return req.c.body(`${head}"items":[]}`, 200, { 'content-type': JSON_TYPE });
  const db = req.deps.database.db;
  return streamedBody(
    req.c,
    itemsJson(
      req.user,
      pagesOf(
        paging,
        CONTENTS_PAGE,
        (q) => apiItems(db, q),
        (item) => item.id,
      ),
      head,
    ),
  );
}

const JSON_TYPE = 'application/json; charset=UTF-8';

async function* idsJson(pages: AsyncGenerator<number[], string | null>): AsyncGenerator<string> {
  yield '{"itemRefs":[';
  let first = true;
  let next = await pages.next();
  while (!next.done) {
    let chunk = '';
    for (const id of next.value) {
      chunk += `${first ? '' : ','}{"id":"${id}"}`;
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
  // The folders only matter when the stream is a label.
  const paging = await pagingOf(req, () => apiFolders(req.deps.database.db, req.user), streamId, MAX_IDS);
  if (typeof paging === 'string' && paging !== 'empty') return badRequest(req.c, paging);
  if (paging === 'empty') return req.c.body('{"itemRefs":[]}', 200, { 'content-type': JSON_TYPE });
  const db = req.deps.database.db;
  return streamedBody(
    req.c,
    idsJson(
      pagesOf(
        paging,
        IDS_PAGE,
        (q) => apiItemIds(db, q),
        (id) => id,
      ),
    ),
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
  const db = req.deps.database.db;
  const userId = req.user.id;
  async function* pages(): AsyncGenerator<ApiItem[], string | null> {
    for (let i = 0; i < ids.length; i += CONTENTS_PAGE * 2) {
      const page = await apiItemsByIds(db, { userId, ids: ids.slice(i, i + CONTENTS_PAGE * 2), order });
      if (page.length) yield page;
    }
    return null;
  }
  return streamedBody(req.c, itemsJson(req.user, pages(), envelopeHead(READING_LIST)));
}
