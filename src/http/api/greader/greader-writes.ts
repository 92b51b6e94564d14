// edit-tag, mark-all-as-read, subscription/edit, subscription/quickadd, subscription/import,
// rename-tag, disable-tag. Answers `OK` (text) or 400 for what cannot be resolved.
import { importOpmlDocument } from '../../../migrate-in/import-opml-document.ts';
import { decodeFeedBytes } from '../../../reader/decode/decode-feed-bytes.ts';
import { opmlWarnings } from '../../../reader/opml/opml-warnings.ts';
import { parseOpml } from '../../../reader/opml/parse-opml.ts';
import {
  addEntryLabel,
  deleteLabel,
  ensureLabel,
  labelByName,
  removeEntryLabel,
  renameLabel,
} from '../../../storage/api-labels.ts';
import { deleteCategory, ensureCategory, renameCategory } from '../../../storage/categories.ts';
import { setEntriesRead, setEntriesStarred } from '../../../storage/api-entry-states.ts';
import {
  moveSubscription,
  renameSubscription,
  subscriptionForFeed,
  unsubscribe,
} from '../../../storage/subscriptions.ts';
import { feedAdd, normalizeFeedUrl } from '../../ui/feed-add.ts';
import { apiFolders, type ApiFolders } from '../api-folders.ts';
import { entryIdBound, markApiStreamRead } from '../api-mark-read.ts';
import { parseItemId } from '../item-id.ts';
import { badRequest, type GreaderRequest } from './greader-context.ts';
import { feedIdOfRef, feedRefOf, labelNameOf, parseStreamId } from './greader-stream-id.ts';

const STATE = /^user\/[^/]*\/state\/com\.google\/(.+)$/;

function ok(req: GreaderRequest): Response {
  return req.c.text('OK');
}

export async function editTag(req: GreaderRequest): Promise<Response> {
  const { params, user, deps } = req;
  const db = deps.database.db;
  const ids = [
    ...new Set(
      params
        .getAll('i')
        .map(parseItemId)
        .filter((x): x is number => x !== null),
    ),
  ];
  if (!params.getAll('i').length) return badRequest(req.c, 'missing i');
  const now = deps.now();
  const apply = async (tag: string, add: boolean) => {
    const state = STATE.exec(tag.trim());
    if (state) {
      const name = state[1];
      if (name === 'read' || name === 'kept-unread') {
        const read = name === 'read' ? add : !add;
        await setEntriesRead(db, { userId: user.id, entryIds: ids, read, now });
      } else if (name === 'starred') {
        await setEntriesStarred(db, { userId: user.id, entryIds: ids, starred: add, now });
      }
      return; // broadcast, like, tracking-*: accepted and ignored
    }
    const label = labelNameOf(tag);
    if (label === null || !label.trim()) return;
    if (add) {
      const labelId = await ensureLabel(db, user.id, label);
      await addEntryLabel(db, { userId: user.id, labelId, entryIds: ids });
    } else {
      const existing = await labelByName(db, user.id, label);
      if (existing) await removeEntryLabel(db, { userId: user.id, labelId: existing.id, entryIds: ids });
    }
  };
  for (const tag of params.getAll('a')) await apply(tag, true);
  for (const tag of params.getAll('r')) await apply(tag, false);
  return ok(req);
}

export async function markAllAsRead(req: GreaderRequest): Promise<Response> {
  const { params, user, deps } = req;
  const streamId = params.get('s');
  if (!streamId) return badRequest(req.c, 'missing s');
  const parsed = await parseStreamId(
    deps.database.db,
    user.id,
    () => apiFolders(deps.database.db, user),
    streamId,
  );
  if (parsed.kind !== 'stream' || parsed.stream.kind === 'read')
    return badRequest(req.c, `cannot mark ${streamId} as read`);
  await markApiStreamRead(deps, {
    userId: user.id,
    stream: parsed.stream,
    upToId: entryIdBound(params.get('ts')),
  });
  return ok(req);
}

/** Category id for a folder name (created if missing); null for the "no category" folder. */
async function categoryIdFor(
  req: GreaderRequest,
  folders: ApiFolders,
  labelId: string,
): Promise<number | null> {
  const name = labelNameOf(labelId)?.trim();
  if (!name) return null;
  const existing = folders.byName(name);
  if (existing && existing.categoryIds.length === 0 && existing.uncategorized) return null;
  return (await ensureCategory(req.deps.database.db, req.user.id, name)).id;
}

export async function subscriptionEdit(req: GreaderRequest): Promise<Response> {
  const { params, user, deps } = req;
  const db = deps.database.db;
  const action = params.get('ac') ?? 'edit';
  const streams = params.getAll('s');
  const titles = params.getAll('t');
  const add = params.get('a');
  const remove = params.get('r');
  if (!streams.length) return badRequest(req.c, 'missing s');
  const folders = await apiFolders(db, user);
  for (const [index, s] of streams.entries()) {
    const ref = feedRefOf(s) ?? (s.trim() || null);
    if (ref === null) return badRequest(req.c, `not a feed: ${s}`);
    const title = titles[index]?.trim() || null;
    if (action === 'subscribe') {
      const categoryId = add ? await categoryIdFor(req, folders, add) : null;
      const result = await feedAdd(deps, { userId: user.id, url: ref, categoryId, options: {} });
      if (result.kind === 'invalid-url' || result.kind === 'not-found')
        return badRequest(req.c, result.kind === 'not-found' ? result.reason : `invalid URL ${ref}`);
      if (title) await renameSubscription(db, user.id, result.feedId, title);
      if (result.kind === 'already' && add) await moveSubscription(db, user.id, result.feedId, categoryId);
      continue;
    }
    const feedId = await feedIdOfRef(db, user.id, ref);
    if (feedId === null) return badRequest(req.c, `unknown feed ${s}`);
    if (action === 'unsubscribe') {
      await unsubscribe(db, user.id, feedId);
    } else if (action === 'edit') {
      if (title) await renameSubscription(db, user.id, feedId, title);
      if (add) await moveSubscription(db, user.id, feedId, await categoryIdFor(req, folders, add));
      else if (remove) await moveSubscription(db, user.id, feedId, null);
    } else {
      return badRequest(req.c, `unknown action ${action}`);
    }
  }
  return ok(req);
}

export async function quickAdd(req: GreaderRequest): Promise<Response> {
  const raw = (req.params.get('quickadd') ?? '').trim().replace(/^(feed\/)+/, '');
  if (!raw) return badRequest(req.c, 'missing quickadd');
  const result = await feedAdd(req.deps, { userId: req.user.id, url: raw, categoryId: null, options: {} });
  switch (result.kind) {
    case 'added': {
      const sub = await subscriptionForFeed(req.deps.database.db, req.user.id, result.feedId);
      const feed = await req.deps.database.db
        .selectFrom('feeds')
        .select(['url', 'title'])
        .where('id', '=', result.feedId)
        .executeTakeFirst();
      return req.c.json({
        numResults: 1,
        query: feed?.url ?? raw,
        streamId: `feed/${result.feedId}`,
        streamName: sub?.title || feed?.title || result.title,
      });
    }
    case 'already':
      return req.c.json({ numResults: 0, error: `Already subscribed! ${normalizeFeedUrl(raw) ?? raw}` });
    case 'invalid-url':
      return req.c.json({ numResults: 0, error: `Not a valid URL: ${raw}` });
    case 'not-found':
      return req.c.json({ numResults: 0, error: result.reason });
  }
}

/**
 * POST subscription/import: the raw OPML as body. The same import as `veille import` and the
 * subscriptions page (importOpmlDocument: folders, FreshRSS `frss:` settings, filter actions,
 * attributes kept for export); what it could not use is logged. The feeds it subscribes to are
 * fetched in the background: an import of hundreds of feeds must not hold the request.
 */
export async function subscriptionImport(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const userId = req.user.id;
  const bytes = new Uint8Array(await req.c.req.arrayBuffer());
  const text = decodeFeedBytes(bytes, req.c.req.header('content-type') ?? null).text;
  let doc;
  try {
    doc = parseOpml(text);
  } catch (err) {
    return badRequest(req.c, (err as Error).message);
  }
  const subscribedBefore = new Set(
    (await db.selectFrom('subscriptions').select('feed_id').where('user_id', '=', userId).execute()).map(
      (s) => s.feed_id,
    ),
  );
  const fileName = 'subscription/import';
  const result = await importOpmlDocument(db, { userId, doc, fileName, now: req.deps.now() });
  const problems = [...opmlWarnings(text).map((w) => `${fileName}: ${w}`), ...result.problems];
  req.deps.log.info('greader: subscriptions imported', {
    userId,
    added: result.added,
    already: result.already,
    categories: result.categories,
    ...(problems.length ? { problems } : {}),
  });
  const fresh = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select('f.id')
    .where('s.user_id', '=', userId)
    .where('f.last_checked_at', 'is', null)
    .execute();
  const ids = fresh.map((f) => f.id).filter((id) => !subscribedBefore.has(id));
  if (ids.length) void req.deps.refreshFeedIds(ids).catch(() => undefined);
  return ok(req);
}

export async function renameTag(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const from = labelNameOf(req.params.get('s') ?? '');
  const to = labelNameOf(req.params.get('dest') ?? '')?.trim();
  if (!from || !to) return badRequest(req.c, 'missing s or dest');
  const folders = await apiFolders(db, req.user);
  const folder = folders.byName(from);
  const categoryId = folder?.categoryIds[0];
  if (categoryId !== undefined) {
    return (await renameCategory(db, req.user.id, categoryId, to))
      ? ok(req)
      : badRequest(req.c, `${to} exists`);
  }
  const label = await labelByName(db, req.user.id, from);
  if (!label) return badRequest(req.c, `unknown tag ${from}`);
  return (await renameLabel(db, req.user.id, label.id, to)) ? ok(req) : badRequest(req.c, `${to} exists`);
}

export async function disableTag(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const folders = await apiFolders(db, req.user);
  let found = false;
  for (const s of req.params.getAll('s')) {
    const name = labelNameOf(s);
    if (!name) continue;
    for (const id of folders.byName(name)?.categoryIds ?? []) {
      await deleteCategory(db, req.user.id, id);
      found = true;
    }
    const label = await labelByName(db, req.user.id, name);
    if (label) {
      await deleteLabel(db, req.user.id, label.id);
      found = true;
    }
  }
  return found ? ok(req) : badRequest(req.c, 'unknown tag');
}
