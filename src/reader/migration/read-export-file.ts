// An export file from FreshRSS, Miniflux or Veille → what it holds, recognised by content (names
// only help): OPML (subscriptions), Google Reader / FreshRSS article JSON, Miniflux entries JSON,
// or a ZIP of those (FreshRSS's export bundle). Parts come in the order they must be imported:
// subscriptions first, then favourites, then the rest, as FreshRSS does. Each part is read when
// loaded, so a large ZIP is gone through one file at a time.
import { decodeFeedBytes } from '../decode/decode-feed-bytes.ts';
import { parseOpml, type OpmlDocument } from '../opml/parse-opml.ts';
import { opmlWarnings } from '../opml/opml-warnings.ts';
import { faultMessage, isObject } from './export-values.ts';
import type { ImportedArticles } from './imported-article.ts';
import { isStarredList, readGreaderJson } from './read-greader-json.ts';
import { readJsonLenient, type LenientJson } from './read-json-lenient.ts';
import { readMinifluxJson } from './read-miniflux-json.ts';
import { DEFAULT_ZIP_LIMITS, listZip, looksLikeZip, type ZipLimits } from './zip-archive.ts';

export type ExportContent =
  | { kind: 'opml'; doc: OpmlDocument; warnings: string[] }
  | { kind: 'articles'; format: 'greader' | 'miniflux'; articles: ImportedArticles }
  | { kind: 'unknown'; problem: string };

export interface ExportPart {
  /** The file name (inside the ZIP for a bundle). */
  name: string;
  load(): ExportContent;
}

export interface ExportFile {
  kind: 'zip' | 'single';
  parts: ExportPart[];
  /** Problems with the file as a whole (ZIP entries left out…). */
  problems: string[];
}

/** Throws ZipError when a ZIP archive cannot be read at all. */
export function readExportFile(
  bytes: Uint8Array,
  name: string,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): ExportFile {
  if (!looksLikeZip(bytes))
    return { kind: 'single', parts: [{ name, load: () => contentOf(bytes, name) }], problems: [] };
  const { files, problems } = listZip(bytes, limits);
  const parts: ExportPart[] = files.map((file) => ({
    name: file.name,
    load: () => {
      const data = file.read();
      if (looksLikeZip(data))
        return { kind: 'unknown', problem: `${file.name}: a ZIP inside the ZIP is not read` };
      return contentOf(data, file.name);
    },
  }));
  const rank = (part: ExportPart): number =>
    /\.(opml|xml)$|opml/i.test(part.name) ? 0 : /starred/i.test(part.name) ? 1 : 2;
  parts.sort((a, b) => rank(a) - rank(b));
  return { kind: 'zip', parts, problems };
}

function contentOf(bytes: Uint8Array, name: string): ExportContent {
  const head = Buffer.from(bytes.subarray(0, 1024))
    .toString('latin1')
    .replace(/^(\xef\xbb\xbf|\s)+/, '');
  if (head.startsWith('<')) {
    const text = decodeFeedBytes(bytes, null).text;
    try {
      return { kind: 'opml', doc: parseOpml(text), warnings: opmlWarnings(text).map((w) => `${name}: ${w}`) };
    } catch (err) {
      return { kind: 'unknown', problem: `${name}: ${(err as Error).message}` };
    }
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    const json = readJsonLenient(new TextDecoder('utf-8').decode(bytes));
    const format = jsonFormat(json, name);
    if (format === 'miniflux') return { kind: 'articles', format, articles: readMinifluxJson(json, name) };
    if (format === 'greader') return { kind: 'articles', format, articles: readGreaderJson(json, name) };
    const problem = json.fault
      ? faultMessage(name, json.fault, 'item')
      : `${name}: JSON, but neither Google Reader / FreshRSS articles nor Miniflux entries`;
    return { kind: 'unknown', problem };
  }
  return {
    kind: 'unknown',
    problem: `${name}: not a file Veille can import (OPML, FreshRSS JSON or ZIP export, Miniflux entries JSON)`,
  };
}

function jsonFormat(json: LenientJson, name: string): 'greader' | 'miniflux' | null {
  const top = json.value;
  if (isObject(top)) {
    if (Array.isArray(top.entries) || 'total' in top) return 'miniflux';
    if (Array.isArray(top.items) || isStarredList(top, null)) return 'greader';
    return null;
  }
  if (Array.isArray(top)) {
    const first: unknown = top[0];
    if (isObject(first)) {
      if (isObject(first.feed) || 'feed_id' in first || 'status' in first) return 'miniflux';
      if ('origin' in first || 'alternate' in first || 'categories' in first) return 'greader';
    }
    if (top.length === 0) return /miniflux/i.test(name) ? 'miniflux' : 'greader';
  }
  return null;
}
