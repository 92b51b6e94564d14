// POST /mark-read — "Mark all as read" up to what the page showed (or older than a day / a
// week), then, when the user wants it, on to the next category or feed with unread articles;
// POST /mark-read/undo — one click from the banner that follows.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { stateFromParam, stateParam, streamFromParam, streamParam, type Stream } from '../../model/stream.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { entryIdAt } from '../../storage/entries.ts';
import { markStreamRead, undoLastMarkRead } from '../../storage/entry-states.ts';
import { readingSettingsForUser } from '../../storage/reading-settings.ts';
import { subscriptionsForUser } from '../../storage/subscriptions.ts';
import type { Kysely } from 'kysely';
import type { Schema } from '../../storage/schema.ts';
import { backUrl } from './back-url.ts';

const DAY = 86_400_000;

/** FreshRSS's "jump to the next unread sibling": the next category or feed (wrapping) with unread entries. */
export async function nextUnreadStream(
  db: Kysely<Schema>,
  userId: number,
  from: Stream,
): Promise<Stream | null> {
  if (from.kind !== 'category' && from.kind !== 'feed') return null;
  const subs = await subscriptionsForUser(db, userId);
  if (from.kind === 'category') {
    const cats = await categoriesForUser(db, userId);
    const i = cats.findIndex((x) => x.id === from.id);
    for (let k = 1; k < cats.length; k++) {
      const cat = cats[(i + k) % cats.length]!;
      if (subs.some((x) => x.categoryId === cat.id && x.priority >= 0 && x.unreadCount > 0))
        return { kind: 'category', id: cat.id };
    }
    return null;
  }
  const cats = await categoriesForUser(db, userId);
  const order = [
    ...cats.flatMap((cat) => subs.filter((x) => x.categoryId === cat.id)),
    ...subs.filter((x) => x.categoryId === null || !cats.some((cat) => cat.id === x.categoryId)),
  ].filter((x) => x.priority >= 0);
  const i = order.findIndex((x) => x.feedId === from.id);
  for (let k = 1; k < order.length; k++) {
    const sub = order[(i + k) % order.length]!;
    if (sub.unreadCount > 0) return { kind: 'feed', id: sub.feedId };
  }
  return null;
}

export async function streamMarkRead(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const userId = c.get('user')!.id;
  const form = await c.req.parseBody();
  const stream = streamFromParam(typeof form.s === 'string' ? form.s : undefined);
  let upTo = typeof form.upTo === 'string' && /^[0-9]{1,16}$/.test(form.upTo) ? Number(form.upTo) : null;
  if (!stream || upTo === null) return c.text('Bad request', 400);
  const now = deps.now();
  // Entry ids are reception microseconds: "older than a day" is an id bound.
  if (form.olderThan === 'day') upTo = Math.min(upTo, entryIdAt(now - DAY));
  if (form.olderThan === 'week') upTo = Math.min(upTo, entryIdAt(now - 7 * DAY));
  await markStreamRead(deps.database, { userId, stream, upToId: upTo, now });
  const state = stateFromParam(typeof form.state === 'string' ? form.state : undefined);
  const stateQuery = state !== null ? `&state=${stateParam(state)}` : '';
  const settings = await readingSettingsForUser(db, userId);
  const next = settings.jumpNext && !form.olderThan ? await nextUnreadStream(db, userId, stream) : null;
  return c.redirect(`/?s=${streamParam(next ?? stream)}${stateQuery}&marked=1`, 303);
}

export async function streamUndoMarkRead(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  await undoLastMarkRead(deps.database.db, { userId: c.get('user')!.id, now: deps.now() });
  const back = backUrl(form.back);
  return c.redirect(`${back}${back.includes('?') ? '&' : '?'}undone=1`, 303);
}
