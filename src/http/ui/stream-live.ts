// GET /unread-counts — what the page polls: every subscription's unread count, the favourites
// count, the labels' counts and the newest entry id (the "new articles" banner compares it with
// the id the page was shown with).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { maxEntryId } from '../../storage/entries.ts';
import { labelsForUser } from '../../storage/labels.ts';
import { unreadCountsForUser } from '../../storage/subscriptions.ts';

export async function unreadCountsJson(c: Context<AppEnv>) {
  const db = c.get('deps').database.db;
  const userId = c.get('user')!.id;
  const [counts, labels, maxId] = await Promise.all([
    unreadCountsForUser(db, userId),
    labelsForUser(db, userId),
    maxEntryId(db),
  ]);
  return c.json(
    {
      unread: Object.fromEntries(counts),
      labels: Object.fromEntries(labels.map((l) => [l.id, l.unreadCount])),
      maxId,
    },
    200,
    { 'cache-control': 'no-store' },
  );
}
