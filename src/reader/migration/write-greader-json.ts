// Articles → the JSON FreshRSS writes for its starred_DATE.json export (and reads back): the
// Google Reader "stream contents" shape with FreshRSS's additions (guid, origin.feedUrl, an
// explicit unread state). Titles are HTML-escaped as FreshRSS stores them; every item says
// read/unread, starred and its labels, so that nothing depends on the file's name. Written in
// pieces (head, items, tail) so that a long list never has to be one string.
import type { ParsedEnclosure, ParsedPerson } from '../../model/parsed-feed.ts';

export interface ExportedArticle {
  /** Veille's entry id: reception time in microseconds. */
  entryId: number;
  feedId: number;
  /** The publisher's GUID, or what identifies the entry without one (its link). */
  guid: string;
  url: string | null;
  title: string;
  /** Sanitized HTML. */
  content: string;
  authors: ParsedPerson[];
  /** Shown date (ms). */
  dateAt: number;
  enclosures: ParsedEnclosure[];
  /** The entry's own tags. */
  categories: string[];
  read: boolean;
  starred: boolean;
  labels: string[];
  feed: { url: string; title: string; siteUrl: string | null };
}

export function greaderJsonHead(input: { username: string; title: string }): string {
  const head = {
    id: `user/${input.username.replace(/\//g, '')}/state/org.freshrss/starred`,
    title: input.title,
    author: input.username,
  };
  // The object without its closing brace, then the items array opened.
  return `${JSON.stringify(head, null, 4).replace(/\n}$/, '')},\n    "items": [\n`;
}

export const GREADER_JSON_SEPARATOR = ',\n';
export const GREADER_JSON_TAIL = '\n]}\n';

/** One item, as FreshRSS's Entry::toGReader('freshrss') writes it, plus its labels. */
export function greaderItemJson(a: ExportedArticle): string {
  const categories = ['user/-/state/com.google/reading-list'];
  categories.push(a.read ? 'user/-/state/com.google/read' : 'user/-/state/com.google/unread');
  if (a.starred) categories.push('user/-/state/com.google/starred');
  for (const label of a.labels) categories.push(`user/-/label/${label}`);
  categories.push(...a.categories);
  const href = a.url ?? '';
  const item: Record<string, unknown> = {
    id: `tag:google.com,2005:reader/item/${a.entryId.toString(16).padStart(16, '0')}`,
    crawlTimeMsec: String(Math.floor(a.entryId / 1000)),
    timestampUsec: String(a.entryId),
    published: Math.floor(a.dateAt / 1000),
    title: escapeHtml(a.title),
    canonical: [{ href }],
    alternate: [{ href, type: 'text/html' }],
    categories,
    origin: {
      streamId: `feed/${a.feedId}`,
      htmlUrl: a.feed.siteUrl ?? '',
      title: a.feed.title,
      feedUrl: a.feed.url,
    },
    content: { content: a.content },
    guid: a.guid,
  };
  const authors = a.authors.map((p) => p.name ?? p.email ?? '').filter((n) => n !== '');
  if (authors.length) item.author = authors.join('; ');
  if (a.enclosures.length) {
    item.enclosure = a.enclosures.map((e) => ({
      href: e.url,
      type: e.type ?? '',
      ...(e.length ? { length: e.length } : {}),
    }));
  }
  return JSON.stringify(item, null, 4);
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#039;');
}
