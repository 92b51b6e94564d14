// /api/v1/me, /feeds (list, get, subscribe, update, unsubscribe, mark all as read) and /counters.
// A feed's id is the feed's own id (as in the web UI and the Google Reader API); a user reaches
// only feeds they subscribe to, anything else is 404.
import type { Context } from 'hono';
import { categoryById } from '../../../storage/categories.ts';
import { markStreamRead } from '../../../storage/entry-states.ts';
import { isPriority, setSubscriptionPriority } from '../../../storage/subscription-priority.ts';
import {
  moveSubscription,
  renameSubscription,
  subscriptionsForUser,
  unsubscribe,
  type SubscriptionView,
} from '../../../storage/subscriptions.ts';
import { feedAdd } from '../../ui/feed-add.ts';
import { JsonApiError, notFound } from './json-api-error.ts';
import type { JsonEnv } from './json-auth.ts';
import { idField, jsonBody, onlyKeys, pathId, type JsonObject } from './json-input.ts';
import { feedJson, meJson } from './json-views.ts';

type C = Context<JsonEnv>;

const MAX_TITLE = 300;

export function getMe(c: C): Response {
  return c.json(meJson(c.get('apiUser')));
}

async function subscriptionOf(c: C, feedId: number): Promise<SubscriptionView> {
  const subs = await subscriptionsForUser(c.get('deps').database.db, c.get('apiUser').id);
  const sub = subs.find((s) => s.feedId === feedId);
  if (!sub) throw notFound('feed', feedId);
  return sub;
}

/** A category id from a body: null, or one of the user's categories (else 404). */
export async function ownCategoryId(c: C, body: JsonObject, name: string): Promise<number | null> {
  const id = idField(body, name, true);
  if (id !== null && !(await categoryById(c.get('deps').database.db, c.get('apiUser').id, id)))
    throw notFound('category', id);
  return id;
}

/** A feed title from a body: a string (empty or null: back to the feed's own title). */
function titleOf(body: JsonObject): string | null {
  const v = body.title;
  if (v === null) return null;
  if (typeof v !== 'string') throw new JsonApiError(400, 'title must be a string or null');
  const clean = v.replace(/\s+/g, ' ').trim();
  if (clean.length > MAX_TITLE) throw new JsonApiError(400, `title must be at most ${MAX_TITLE} characters`);
  return clean || null;
}

export async function listFeeds(c: C): Promise<Response> {
  const subs = await subscriptionsForUser(c.get('deps').database.db, c.get('apiUser').id);
  return c.json(subs.map(feedJson));
}

export async function getFeed(c: C): Promise<Response> {
  return c.json(feedJson(await subscriptionOf(c, pathId(c, 'feed_id'))));
}

export async function createFeed(c: C): Promise<Response> {
  const body = await jsonBody(c);
  onlyKeys(body, ['feed_url', 'category_id', 'title']);
  if (typeof body.feed_url !== 'string' || !body.feed_url.trim())
    throw new JsonApiError(400, 'feed_url must be a non-empty string');
  const categoryId = 'category_id' in body ? await ownCategoryId(c, body, 'category_id') : null;
  const title = 'title' in body ? titleOf(body) : null;
  const deps = c.get('deps');
  const userId = c.get('apiUser').id;
  const result = await feedAdd(deps, { userId, url: body.feed_url, categoryId, options: {} });
  switch (result.kind) {
    case 'invalid-url':
      throw new JsonApiError(400, 'feed_url is not an http(s) URL');
    case 'not-found':
      throw new JsonApiError(422, result.reason);
    case 'already':
      throw new JsonApiError(409, `already subscribed to feed ${result.feedId}`);
    case 'added':
      if (title) await renameSubscription(deps.database.db, userId, result.feedId, title);
      return c.json(feedJson(await subscriptionOf(c, result.feedId)), 201);
  }
}

export async function updateFeed(c: C): Promise<Response> {
  const feedId = pathId(c, 'feed_id');
  const sub = await subscriptionOf(c, feedId);
  const body = await jsonBody(c);
  onlyKeys(body, ['title', 'category_id', 'priority', 'muted']);
  const db = c.get('deps').database.db;
  const userId = c.get('apiUser').id;
  const title = 'title' in body ? titleOf(body) : undefined;
  const categoryId = 'category_id' in body ? await ownCategoryId(c, body, 'category_id') : undefined;
  const priority = 'priority' in body ? body.priority : sub.priority;
  if (typeof priority !== 'number' || !isPriority(priority))
    throw new JsonApiError(400, 'priority must be 2, 1, 0 or -1');
  const muted = 'muted' in body ? body.muted : sub.muted;
  if (typeof muted !== 'boolean') throw new JsonApiError(400, 'muted must be a boolean');
  if (title !== undefined) await renameSubscription(db, userId, feedId, title);
  if (categoryId !== undefined) await moveSubscription(db, userId, feedId, categoryId);
  if (priority !== sub.priority || muted !== sub.muted)
    await setSubscriptionPriority(db, { userId, feedId, priority, muted });
  return c.json(feedJson(await subscriptionOf(c, feedId)));
}

export async function deleteFeed(c: C): Promise<Response> {
  const feedId = pathId(c, 'feed_id');
  await subscriptionOf(c, feedId);
  await unsubscribe(c.get('deps').database.db, c.get('apiUser').id, feedId);
  return c.body(null, 204);
}

/** The optional `{ "up_to_entry_id": n }` of a mark-all-as-read (default: everything received). */
export async function upToEntryId(c: C): Promise<number> {
  const body = await jsonBody(c, true);
  onlyKeys(body, ['up_to_entry_id']);
  return 'up_to_entry_id' in body ? idField(body, 'up_to_entry_id', false) : Number.MAX_SAFE_INTEGER;
}

export async function markFeedRead(c: C): Promise<Response> {
  const feedId = pathId(c, 'feed_id');
  await subscriptionOf(c, feedId);
  const upToId = await upToEntryId(c);
  const deps = c.get('deps');
  await markStreamRead(deps.database, {
    userId: c.get('apiUser').id,
    stream: { kind: 'feed', id: feedId },
    upToId,
    now: deps.now(),
  });
  return c.body(null, 204);
}

export async function getCounters(c: C): Promise<Response> {
  const subs = await subscriptionsForUser(c.get('deps').database.db, c.get('apiUser').id);
  const unreads: Record<string, number> = {};
  for (const s of subs) unreads[String(s.feedId)] = s.unreadCount;
  return c.json({ unreads });
}
