// user-info, tag/list, subscription/list, unread-count, subscription/export: small answers (one
// row per feed, folder or label), always JSON whatever `output` says.
import { exportOpml } from '../../../reader/opml/export-opml.ts';
import { apiSubscriptions } from '../../../storage/api-items.ts';
import { labelsForUser } from '../../../storage/api-labels.ts';
import { apiFolders } from '../api-folders.ts';
import { LABEL_PREFIX, READING_LIST, STATE_PREFIX, type GreaderRequest } from './greader-context.ts';

export function userInfo(req: GreaderRequest): Response {
  const { user } = req;
  return req.c.json({
    userId: String(user.id),
    userName: user.username,
    userProfileId: String(user.id),
    userEmail: user.username,
    isBloggerUser: false,
    signupTimeSec: Math.floor(user.created_at / 1000),
    isMultiLoginEnabled: false,
  });
}

export async function tagList(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const [folders, subs, labels] = await Promise.all([
    apiFolders(db, req.user),
    apiSubscriptions(db, req.user.id),
    labelsForUser(db, req.user.id),
  ]);
  const tags: { id: string; type?: string; unread_count?: number }[] = [{ id: `${STATE_PREFIX}starred` }];
  const names = new Set<string>();
  for (const c of folders.categories) {
    names.add(c.name);
    tags.push({ id: `${LABEL_PREFIX}${c.name}`, type: 'folder' });
  }
  if (subs.some((s) => s.categoryId === null) && !names.has(folders.uncategorized.name)) {
    names.add(folders.uncategorized.name);
    tags.push({ id: `${LABEL_PREFIX}${folders.uncategorized.name}`, type: 'folder' });
  }
  for (const l of labels)
    if (!names.has(l.name))
      tags.push({ id: `${LABEL_PREFIX}${l.name}`, type: 'tag', unread_count: l.unreadCount });
  return req.c.json({ tags });
}

function absoluteIconUrl(): string {
  // Feed icons are served to logged-in browsers only; apps fetch their own favicons.
  return '';
}

export async function subscriptionList(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const [folders, subs] = await Promise.all([apiFolders(db, req.user), apiSubscriptions(db, req.user.id)]);
  return req.c.json({
    subscriptions: subs.map((s) => {
      const folder = folders.folderOf(s.categoryId, s.categoryName);
      return {
        id: `feed/${s.feedId}`,
        title: s.title,
        categories: [{ id: `${LABEL_PREFIX}${folder.name}`, label: folder.name }],
        sortid: s.feedId.toString(16).padStart(8, '0').toUpperCase(),
        firstitemmsec: 0,
        url: s.feedUrl,
        htmlUrl: s.siteUrl ?? s.feedUrl,
        iconUrl: absoluteIconUrl(),
      };
    }),
  });
}

export async function unreadCount(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const [folders, subs, labels] = await Promise.all([
    apiFolders(db, req.user),
    apiSubscriptions(db, req.user.id),
    labelsForUser(db, req.user.id),
  ]);
  const rows: { id: string; count: number; newestItemTimestampUsec: string }[] = [];
  const byFolder = new Map<string, { count: number; newest: number }>();
  let total = 0;
  let newest = 0;
  for (const s of subs) {
    rows.push({ id: `feed/${s.feedId}`, count: s.unreadCount, newestItemTimestampUsec: String(s.newestId) });
    const name = folders.folderOf(s.categoryId, s.categoryName).name;
    const f = byFolder.get(name) ?? { count: 0, newest: 0 };
    f.count += s.unreadCount;
    f.newest = Math.max(f.newest, s.newestId);
    byFolder.set(name, f);
    total += s.unreadCount;
    newest = Math.max(newest, s.newestId);
  }
  for (const [name, f] of byFolder)
    rows.push({ id: `${LABEL_PREFIX}${name}`, count: f.count, newestItemTimestampUsec: String(f.newest) });
  for (const l of labels)
    if (!byFolder.has(l.name))
      rows.push({
        id: `${LABEL_PREFIX}${l.name}`,
        count: l.unreadCount,
        newestItemTimestampUsec: String(newest),
      });
  rows.push({ id: READING_LIST, count: total, newestItemTimestampUsec: String(newest) });
  return req.c.json({ max: total, unreadcounts: rows });
}

export async function subscriptionExport(req: GreaderRequest): Promise<Response> {
  const db = req.deps.database.db;
  const [folders, subs] = await Promise.all([apiFolders(db, req.user), apiSubscriptions(db, req.user.id)]);
  const feed = (s: (typeof subs)[number]) => ({ title: s.title, xmlUrl: s.feedUrl, htmlUrl: s.siteUrl });
  const body = exportOpml({
    title: `Veille subscriptions of ${req.user.username}`,
    categories: folders.categories.map((c) => ({
      name: c.name,
      feeds: subs.filter((s) => s.categoryId === c.id).map(feed),
    })),
    uncategorized: subs.filter((s) => s.categoryId === null).map(feed),
  });
  return req.c.body(body, 200, {
    'content-type': 'text/x-opml; charset=UTF-8',
    'content-disposition': 'attachment; filename="veille.opml"',
  });
}
