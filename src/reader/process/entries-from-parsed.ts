// ParsedFeed → NewEntry[]: identity keys, dates, plain-text summary, and sanitizing last.
import { createHash } from 'node:crypto';
import type { NewEntry } from '../../model/new-entry.ts';
import type { ParsedEntry, ParsedFeed } from '../../model/parsed-feed.ts';
import { VisibleTextCollector } from '../sanitize/html-to-text.ts';
import { htmlToText, sanitizeEntryHtml, sanitizeEntryHtmlWithText } from '../sanitize/sanitize-entry-html.ts';

/** Dates further ahead than this are taken as wrong and replaced by the reception time. */
const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
/** Characters of plain text kept as an entry's summary. */
const SUMMARY_LENGTH = 500;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Identity keys longer than MAX_KEY_LENGTH characters and links longer than MAX_URL_BYTES bytes
 * (UTF-8) are not stored as they are: PostgreSQL's B-tree indexes refuse entries over 2,704 bytes
 * ("index row size exceeds btree maximum"), which failed the feed's ingest. A longer key is
 * stored as its hash; a longer link is dropped (the entry keeps its content and feed; browsers and
 * servers stop at a few thousand characters anyway).
 */
export const MAX_KEY_LENGTH = 600;
export const MAX_URL_BYTES = 2048;

/** GUID when present, else link, else a hash of what the entry says. */
export function identityKeyOf(entry: ParsedEntry): string {
  let key: string;
  if (entry.id && entry.id.trim()) key = `id:${entry.id.trim()}`;
  else if (entry.link) key = `link:${entry.link}`;
  else
    return `hash:${sha256(`${entry.title ?? ''}\u0000${entry.content ?? entry.summary ?? ''}`).slice(0, 40)}`;
  return key.length > MAX_KEY_LENGTH ? `long:${sha256(key)}` : key;
}

export function entriesFromParsed(
  feed: ParsedFeed,
  input: {
    feedUrl: string;
    now: number;
    /** The feed's remove selector (src/reader/full-content/remove-elements.ts), applied before sanitizing. */
    prepareHtml?: ((html: string) => string) | null;
    /**
     * Filled with the visible text of each entry's sanitized content (same order), as the search
     * index reads it: the sanitizer gives it on the way (see sanitizeEntryHtmlWithText).
     */
    contentTexts?: string[];
  },
): NewEntry[] {
  const texts = input.contentTexts;
  const feedBase = feed.link ?? input.feedUrl;
  return feed.entries.map((e) => {
    const base = e.base ?? feedBase;
    const rawHtml = e.content ?? e.summary ?? '';
    const html = input.prepareHtml ? input.prepareHtml(rawHtml) : rawHtml;
    const summarySource = e.summary ?? e.content ?? '';
    // The summary is read in the sanitizer's pass when both read the same HTML.
    const collector = summarySource === html ? new VisibleTextCollector(SUMMARY_LENGTH) : null;
    let content: string;
    if (texts) {
      const sanitized = sanitizeEntryHtmlWithText(html, { baseUrl: base, summary: collector });
      content = sanitized.html;
      texts.push(sanitized.text);
    } else content = sanitizeEntryHtml(html, { baseUrl: base, summary: collector });
    const summary = collector ? collector.result() : htmlToText(summarySource, SUMMARY_LENGTH);
    let dateAt = e.published ?? e.updated ?? input.now;
    if (dateAt > input.now + FUTURE_TOLERANCE_MS) dateAt = input.now;
    const title = (e.title ?? '').trim();
    const enclosures = e.enclosures.filter((x) => /^https?:\/\//i.test(x.url));
    // media:content stands in for enclosures when there are none (kept out of contentHash so
    // entries stored before this fallback are not all seen as changed).
    const mediaEnclosures =
      enclosures.length === 0
        ? (e.media ?? [])
            .filter((m) => /^https?:\/\//i.test(m.url))
            .map((m) => ({ url: m.url, type: m.type, length: null }))
        : enclosures;
    return {
      guidKey: identityKeyOf(e),
      guid: e.id,
      url:
        e.link && Buffer.byteLength(e.link) <= MAX_URL_BYTES && /^https?:\/\//i.test(e.link) ? e.link : null,
      title,
      authors: e.authors,
      content,
      summary,
      publishedAt: e.published,
      updatedAt: e.updated,
      dateAt,
      contentHash: sha256(JSON.stringify([title, e.link, content, enclosures])).slice(0, 32),
      language: e.language ?? feed.language,
      enclosures: mediaEnclosures,
      categories: e.categories,
      thumbnail: e.image && /^https?:\/\//i.test(e.image) ? e.image : null,
    };
  });
}
