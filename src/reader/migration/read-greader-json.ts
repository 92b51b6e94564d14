// FreshRSS's article exports (starred_*.json: favourites and labelled articles; feed_*.json: one
// feed's articles) and Google Reader / Takeout JSON, all in the Google Reader "stream contents"
// shape: {id, title, items: [{id, guid?, title, published, alternate, canonical, categories,
// origin: {streamId, title, htmlUrl, feedUrl?}, content|summary: {content}, author, enclosure}]}.
// States and labels come from `categories`: user/…/state/com.google/{read,unread,starred},
// user/…/label/NAME; other strings are the article's own tags. Titles are HTML-escaped there
// (as FreshRSS stores them) and are decoded here.
import { decodeHTML } from 'entities';
import type { ParsedEnclosure, ParsedPerson } from '../../model/parsed-feed.ts';
import { faultMessage, httpUrl, isObject, text, timeOf } from './export-values.ts';
import { emptyParsedEntry, type ImportedArticle, type ImportedArticles } from './imported-article.ts';
import type { LenientJson } from './read-json-lenient.ts';

const GOOGLE_ITEM_ID = /^tag:google\.com,2005:reader\/item\//;
const USER_TAG = /^user\/[^/]*\/(?:state\/com\.google\/([^/]+)|label\/\s*(.+?)\s*)$/;

/** True for a file of favourites (its id or its name says so). */
export function isStarredList(top: unknown, fileName: string | null): boolean {
  const id = isObject(top) ? text(top.id) : null;
  if (id !== null && /\/state\/(?:org\.freshrss|com\.google)\/starred$/.test(id)) return true;
  return fileName !== null && /starred/i.test(fileName);
}

export function readGreaderJson(json: LenientJson, fileName: string): ImportedArticles {
  const problems: string[] = [];
  const top = json.value;
  const items = Array.isArray(top) ? top : isObject(top) && Array.isArray(top.items) ? top.items : null;
  if (json.fault) problems.push(faultMessage(fileName, json.fault, 'item'));
  if (items === null) {
    if (!json.fault)
      problems.push(`${fileName}: no "items" list: not a Google Reader / FreshRSS article file`);
    return { articles: [], problems, broken: json.fault !== null };
  }
  const starredList = isStarredList(top, fileName);
  const articles: ImportedArticle[] = [];
  const skipped: Record<string, number[]> = {};
  items.forEach((item, i) => {
    const article = isObject(item) ? articleOf(item, starredList) : 'it is not an object';
    if (typeof article === 'string') (skipped[article] ??= []).push(i + 1);
    else articles.push(article);
  });
  for (const [why, numbers] of Object.entries(skipped)) {
    const list = numbers.slice(0, 5).join(', ') + (numbers.length > 5 ? `… (${numbers.length})` : '');
    problems.push(`${fileName}: item${numbers.length > 1 ? 's' : ''} ${list} skipped: ${why}`);
  }
  return { articles, problems, broken: json.fault !== null };
}

function articleOf(item: Record<string, unknown>, starredList: boolean): ImportedArticle | string {
  const origin = isObject(item.origin) ? item.origin : {};
  const streamId = text(origin.streamId);
  const feedUrl =
    httpUrl(origin.feedUrl) ??
    (streamId?.startsWith('feed/') ? httpUrl(streamId.slice('feed/'.length)) : null) ??
    httpUrl(origin.htmlUrl);
  if (feedUrl === null) return 'no feed address (origin.feedUrl, origin.streamId or origin.htmlUrl)';

  let read: boolean | null = null;
  let starred = false;
  const labels: string[] = [];
  const tags: string[] = [];
  for (const raw of Array.isArray(item.categories) ? item.categories : []) {
    const category = text(raw);
    if (category === null) continue;
    const m = USER_TAG.exec(category);
    if (!m) {
      if (!category.startsWith('user/')) tags.push(category);
      continue;
    }
    if (m[2] !== undefined) labels.push(m[2]);
    else if (m[1] === 'starred') starred = true;
    else if (m[1] === 'read') read = true;
    else if (m[1] === 'unread' || m[1] === 'kept-unread') read ??= false;
  }
  // FreshRSS's rule for old files of favourites, which did not say "starred" on each item.
  if (starredList && !starred && labels.length === 0) starred = true;

  const guid =
    text(item.guid) ?? (typeof item.id === 'string' && !GOOGLE_ITEM_ID.test(item.id) ? text(item.id) : null);
  const link = firstHref(item.alternate) ?? firstHref(item.canonical) ?? httpUrl(item.url);
  const rawTitle = text(item.title);
  const content =
    (isObject(item.content) ? text(item.content.content) : null) ??
    (isObject(item.summary) ? text(item.summary.content) : null) ??
    text(item.content);
  const entry = emptyParsedEntry();
  entry.id = guid;
  entry.link = link;
  entry.base = link;
  entry.title = rawTitle === null ? null : decodeHTML(rawTitle);
  entry.content = content;
  entry.published = timeOf(item.published) ?? timeOf(item.timestampUsec) ?? timeOf(item.updated);
  entry.updated = timeOf(item.updated);
  entry.authors = authorsOf(item.author);
  entry.enclosures = enclosuresOf(item.enclosure);
  entry.categories = tags;
  return {
    feed: {
      url: feedUrl,
      title: text(origin.title),
      siteUrl: httpUrl(origin.htmlUrl),
      category: null,
    },
    entry,
    read,
    starred,
    labels: [...new Set(labels)],
  };
}

function firstHref(links: unknown): string | null {
  if (!Array.isArray(links)) return null;
  for (const link of links) if (isObject(link) && httpUrl(link.href)) return httpUrl(link.href);
  return null;
}

/** FreshRSS writes several authors as "A; B". */
function authorsOf(x: unknown): ParsedPerson[] {
  const names = text(x);
  if (names === null) return [];
  return names
    .split(/;\s*/)
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => ({ name: decodeHTML(name), email: null, uri: null }));
}

function enclosuresOf(x: unknown): ParsedEnclosure[] {
  if (!Array.isArray(x)) return [];
  const out: ParsedEnclosure[] = [];
  for (const e of x) {
    if (!isObject(e)) continue;
    const url = httpUrl(e.href);
    if (url === null) continue;
    const length = Number(e.length);
    out.push({ url, type: text(e.type), length: Number.isFinite(length) && length > 0 ? length : null });
  }
  return out;
}
