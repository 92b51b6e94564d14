// JSON Feed 1.0 / 1.1 → ParsedFeed. Lenient: a wrong or missing `version` is accepted when the
// object has an `items` array; 1.0's `author` and 1.1's `authors` are both read.

import type { ParsedEnclosure, ParsedEntry, ParsedFeed, ParsedPerson } from '../../model/parsed-feed.ts';
import { ParseError } from './parse-error.ts';
import { parseDate } from './parse-date.ts';
import { escapeHtml } from './escape-html.ts';
import { collapseWhitespace, looksLikeHtml, plainTextFromHtml } from './plain-text-from-html.ts';
import { absoluteUrlOrNull, resolveUrl } from './resolve-url.ts';

type Json = Record<string, unknown>;

/**
 * The JSON escape of NUL, `\u0000`, written `\uFFFD` instead (see withoutNulCharacters in
 * parse-feed.ts); an escaped backslash before "u0000" (`\\u0000`, a backslash then text) is kept.
 */
function withoutNulEscapes(text: string): string {
  if (!/\\u0000/i.test(text)) return text;
  return text.replace(/(?<!\\)((?:\\\\)*)\\u0000/gi, '$1\\uFFFD');
}

export function parseJsonFeed(text: string, documentUrl: string | null): ParsedFeed {
  let data: unknown;
  try {
    data = JSON.parse(withoutNulEscapes(text));
  } catch (error) {
    throw new ParseError('parse.invalid', `parse: invalid JSON (${(error as Error).message})`);
  }
  if (!isObject(data))
    throw new ParseError('parse.not_a_feed', 'parse: this JSON document is not a JSON Feed');
  const version = typeof data.version === 'string' ? data.version : '';
  const isJsonFeed = version.includes('jsonfeed.org') || Array.isArray(data.items);
  if (!isJsonFeed) throw new ParseError('parse.not_a_feed', 'parse: this JSON document is not a JSON Feed');

  const homePage = stringOrNull(data.home_page_url);
  const feedLink = homePage !== null ? resolveUrl(homePage, documentUrl) : null;
  const base = documentUrl ?? (feedLink !== null ? absoluteUrlOrNull(feedLink) : null);
  const url = (value: unknown): string | null => {
    const s = stringOrNull(value);
    return s !== null ? resolveUrl(s, base) : null;
  };
  const feedLanguage = stringOrNull(data.language);
  const hubs: string[] = [];
  if (Array.isArray(data.hubs)) {
    for (const hub of data.hubs) {
      const hubUrl = isObject(hub) ? url(hub.url) : null;
      if (hubUrl !== null && !hubs.includes(hubUrl)) hubs.push(hubUrl);
    }
  }
  const feedAuthors = peopleOf(data, base);

  const entries: ParsedEntry[] = [];
  for (const item of Array.isArray(data.items) ? data.items : []) {
    if (!isObject(item)) continue;
    const contentHtml = stringOrNull(item.content_html);
    const contentText = stringOrNull(item.content_text);
    const summary = stringOrNull(item.summary);
    const title = stringOrNull(item.title);
    const id = typeof item.id === 'number' ? String(item.id) : stringOrNull(item.id);
    const itemLanguage = stringOrNull(item.language);
    const authors = peopleOf(item, base);
    const enclosures: ParsedEnclosure[] = [];
    if (Array.isArray(item.attachments)) {
      for (const attachment of item.attachments) {
        if (!isObject(attachment)) continue;
        const attachmentUrl = url(attachment.url);
        if (attachmentUrl === null) continue;
        const size = attachment.size_in_bytes;
        enclosures.push({
          url: attachmentUrl,
          type: stringOrNull(attachment.mime_type),
          length: typeof size === 'number' && Number.isFinite(size) && size >= 0 ? Math.floor(size) : null,
        });
      }
    }
    const categories: string[] = [];
    if (Array.isArray(item.tags)) {
      for (const tag of item.tags) {
        const term = typeof tag === 'string' ? collapseWhitespace(tag) : '';
        if (term && !categories.includes(term)) categories.push(term);
      }
    }
    entries.push({
      id,
      idIsPermalink: null,
      title: title !== null ? plainTitle(title) : null,
      link: url(item.url) ?? url(item.external_url),
      published: dateOf(item.date_published),
      updated: dateOf(item.date_modified),
      authors: authors.length > 0 ? authors : feedAuthors,
      summary: summary !== null ? escapeHtml(summary) : null,
      content:
        contentHtml ?? (contentText !== null ? escapeHtml(contentText).replace(/\n/g, '<br>\n') : null),
      enclosures,
      categories,
      language: itemLanguage !== null && itemLanguage !== feedLanguage ? itemLanguage : null,
      image: url(item.image) ?? url(item.banner_image),
      comments: null,
      base,
    });
  }

  const title = stringOrNull(data.title);
  const description = stringOrNull(data.description);
  return {
    format: 'json',
    version: version.replace(/\/+$/, '').endsWith('1.1')
      ? 'json11'
      : version.includes('1.0') || version.endsWith('/1')
        ? 'json10'
        : 'json11',
    title: title !== null ? collapseWhitespace(title) || null : null,
    link: feedLink,
    subtitle: description !== null ? collapseWhitespace(description) || null : null,
    language: feedLanguage,
    updated: null,
    image: url(data.icon) ?? url(data.favicon),
    authors: feedAuthors,
    hubs,
    self: url(data.feed_url),
    entries,
  };
}

/** JSON Feed titles are plain text, but publishers put entities in them (`&#8217;`): decode those. */
function plainTitle(title: string): string | null {
  const text =
    !title.includes('<') && looksLikeHtml(title) ? plainTextFromHtml(title) : collapseWhitespace(title);
  return text || null;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function dateOf(value: unknown): number | null {
  return typeof value === 'string' ? parseDate(value) : null;
}

function peopleOf(object: Json, base: string | null): ParsedPerson[] {
  const list = Array.isArray(object.authors)
    ? object.authors
    : isObject(object.author)
      ? [object.author]
      : [];
  const people: ParsedPerson[] = [];
  for (const author of list) {
    if (!isObject(author)) continue;
    const name = stringOrNull(author.name);
    const uri = stringOrNull(author.url);
    const email = uri !== null && uri.startsWith('mailto:') ? uri.slice(7) : null;
    if (name === null && uri === null) continue;
    people.push({ name, email, uri: uri !== null && email === null ? resolveUrl(uri, base) : null });
  }
  return people;
}
