// Miniflux's entries, as its API returns them (`GET /v1/entries?starred=true`, saved to a file):
// {total, entries: [{id, status, starred, title, url, comments_url, published_at, content, author,
// tags, enclosures: [{url, mime_type, size}], feed: {feed_url, site_url, title, category: {title}}}]},
// or a bare array of such entries. Miniflux does not give the publisher's GUID: entries are known by
// their link, which a refresh matches (same link and title) instead of duplicating them.
import type { ParsedEnclosure } from '../../model/parsed-feed.ts';
import { faultMessage, httpUrl, isObject, text, timeOf } from './export-values.ts';
import { emptyParsedEntry, type ImportedArticle, type ImportedArticles } from './imported-article.ts';
import type { LenientJson } from './read-json-lenient.ts';

export function readMinifluxJson(json: LenientJson, fileName: string): ImportedArticles {
  const problems: string[] = [];
  const top = json.value;
  const entries = Array.isArray(top) ? top : isObject(top) && Array.isArray(top.entries) ? top.entries : null;
  if (json.fault) problems.push(faultMessage(fileName, json.fault, 'entry'));
  if (entries === null) {
    if (!json.fault) problems.push(`${fileName}: no "entries" list: not a Miniflux entries file`);
    return { articles: [], problems, broken: json.fault !== null };
  }
  const articles: ImportedArticle[] = [];
  const skipped: Record<string, number[]> = {};
  entries.forEach((item, i) => {
    const article = isObject(item) ? articleOf(item) : 'it is not an object';
    if (typeof article === 'string') (skipped[article] ??= []).push(i + 1);
    else if (article !== null) articles.push(article);
  });
  for (const [why, numbers] of Object.entries(skipped)) {
    const list = numbers.slice(0, 5).join(', ') + (numbers.length > 5 ? `… (${numbers.length})` : '');
    problems.push(`${fileName}: entr${numbers.length > 1 ? 'ies' : 'y'} ${list} skipped: ${why}`);
  }
  return { articles, problems, broken: json.fault !== null };
}

/** The article, a reason to skip it, or null for an entry the user removed in Miniflux. */
function articleOf(item: Record<string, unknown>): ImportedArticle | string | null {
  const status = text(item.status);
  if (status === 'removed') return null;
  const feed = isObject(item.feed) ? item.feed : {};
  const feedUrl = httpUrl(feed.feed_url);
  if (feedUrl === null) return 'no feed address (feed.feed_url)';
  const category = isObject(feed.category) ? feed.category : isObject(item.category) ? item.category : {};
  const entry = emptyParsedEntry();
  entry.link = httpUrl(item.url);
  entry.base = entry.link;
  entry.title = text(item.title);
  entry.content = text(item.content);
  entry.published = timeOf(item.published_at);
  entry.comments = httpUrl(item.comments_url);
  const author = text(item.author);
  entry.authors = author === null ? [] : [{ name: author, email: null, uri: null }];
  entry.categories = Array.isArray(item.tags) ? item.tags.map(text).filter((t) => t !== null) : [];
  entry.enclosures = enclosuresOf(item.enclosures);
  return {
    feed: {
      url: feedUrl,
      title: text(feed.title),
      siteUrl: httpUrl(feed.site_url),
      category: text(category.title),
    },
    entry,
    read: status === 'read' ? true : status === 'unread' ? false : null,
    starred: item.starred === true,
    labels: [],
  };
}

function enclosuresOf(x: unknown): ParsedEnclosure[] {
  if (!Array.isArray(x)) return [];
  const out: ParsedEnclosure[] = [];
  for (const e of x) {
    if (!isObject(e)) continue;
    const url = httpUrl(e.url);
    if (url === null) continue;
    const size = Number(e.size);
    out.push({ url, type: text(e.mime_type), length: Number.isFinite(size) && size > 0 ? size : null });
  }
  return out;
}
