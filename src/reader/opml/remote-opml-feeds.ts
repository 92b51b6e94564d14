// The feeds a remote OPML lists, for a dynamic category (src/refresh/dynamic-opml.ts). Stricter
// than an import: the category's feed list follows this answer, feeds it no longer lists are
// unsubscribed, so an answer that may be incomplete is an error and changes nothing: not OPML
// (an HTML error page, a feed), a document cut before </opml> (a truncated download), or one that
// lists no feed at all (a server having a bad day looks like that far more often than a list
// emptied on purpose). Folders are flattened: every feed goes into the one category.
import { decodeFeedBytes } from '../decode/decode-feed-bytes.ts';
import { OpmlError, parseOpml, type OpmlFeed } from './parse-opml.ts';

/** Most feeds a dynamic category follows; a longer list is refused whole. */
export const MAX_DYNAMIC_OPML_FEEDS = 1000;

export type RemoteOpmlFeeds = { kind: 'ok'; feeds: OpmlFeed[] } | { kind: 'error'; message: string };

export function remoteOpmlFeeds(body: Uint8Array, contentType: string | null): RemoteOpmlFeeds {
  const text = decodeFeedBytes(body, contentType).text;
  let feeds: OpmlFeed[];
  try {
    feeds = parseOpml(text).outlines;
  } catch (err) {
    if (err instanceof OpmlError) return { kind: 'error', message: err.message };
    throw err;
  }
  // Comments and CDATA may mention </opml>; the real end tag is outside them.
  const masked = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  if (!/<opml[\s>]/i.test(masked)) {
    return { kind: 'error', message: 'opml: not an OPML document (no <opml> element)' };
  }
  if (!/<\/opml\s*>\s*$/i.test(masked)) {
    return {
      kind: 'error',
      message: 'opml: the document stops before </opml> (truncated download or broken XML)',
    };
  }
  const seen = new Set<string>();
  const unique = feeds.filter((f) => {
    const key = f.xmlUrl.trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length === 0) return { kind: 'error', message: 'opml: the document lists no feed' };
  if (unique.length > MAX_DYNAMIC_OPML_FEEDS) {
    return {
      kind: 'error',
      message: `opml: the document lists ${unique.length} feeds, more than the ${MAX_DYNAMIC_OPML_FEEDS} a category can follow`,
    };
  }
  return { kind: 'ok', feeds: unique };
}
