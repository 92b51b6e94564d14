// The objects the JSON API answers with, built from storage views. Names follow Miniflux's
// /v1 API where one exists (feed_url, site_url, status, published_at…); times are ISO 8601 UTC.
import type { Category, User } from '../../../storage/schema.ts';
import type { LabelView } from '../../../storage/labels.ts';
import type { EntryView } from '../../../storage/streams.ts';
import type { SubscriptionView } from '../../../storage/subscriptions.ts';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function meJson(user: User) {
  return {
    id: user.id,
    username: user.username,
    is_admin: user.is_admin === 1,
    language: user.language,
    timezone: user.timezone,
    created_at: iso(user.created_at),
  };
}

export function feedJson(s: SubscriptionView) {
  return {
    id: s.feedId,
    title: s.title,
    feed_url: s.feedUrl,
    site_url: s.siteUrl,
    category_id: s.categoryId,
    priority: s.priority,
    muted: s.muted,
    unread_count: s.unreadCount,
    checked_at: iso(s.lastCheckedAt),
    next_check_at: iso(s.nextCheckAt),
    error: s.lastError,
  };
}

export function categoryJson(c: Category, subs: readonly SubscriptionView[]) {
  const mine = subs.filter((s) => s.categoryId === c.id);
  return {
    id: c.id,
    title: c.name,
    position: c.position,
    feed_count: mine.length,
    unread_count: mine.reduce((n, s) => n + s.unreadCount, 0),
  };
}

export function labelJson(l: LabelView) {
  return { id: l.id, title: l.name, unread_count: l.unreadCount };
}

/** `content` is the stored, sanitized HTML (passed through the image proxy when it is on). */
export function entryJson(e: EntryView, labelIds: readonly number[], content: string) {
  const author = e.authors
    .map((a) => a.name ?? a.email ?? '')
    .filter(Boolean)
    .join(', ');
  return {
    id: e.id,
    feed_id: e.feedId,
    feed_title: e.feedTitle,
    title: e.title,
    url: e.url,
    author: author || null,
    content,
    summary: e.summary,
    status: e.read ? 'read' : 'unread',
    starred: e.starred,
    published_at: iso(e.dateAt),
    received_at: iso(e.receivedAt),
    language: e.language,
    thumbnail: e.thumbnail,
    tags: e.categories,
    label_ids: [...labelIds],
    enclosures: e.enclosures.map((x) => ({ url: x.url, mime_type: x.type, size: x.length })),
  };
}
