// Text or bytes of a feed document → ParsedFeed. The format is read from the content (JSON Feed
// when it starts with `{`, else RSS/RDF/Atom from the root element), never from the content type.

import { gunzipSync } from 'node:zlib';
import type { ParsedFeed } from '../../model/parsed-feed.ts';
import { decodeFeedBytes } from '../decode/decode-feed-bytes.ts';
import { ParseError } from './parse-error.ts';
import { findRootElement, parseXmlFeed, type RootElement } from './parse-xml-feed.ts';
import { parseJsonFeed } from './parse-json-feed.ts';
import { withoutNulCharacters } from './without-nul-characters.ts';

export { ParseError } from './parse-error.ts';
export type { ParseErrorCode } from './parse-error.ts';

const HTML_ROOTS = new Set(['html', 'head', 'body', 'xhtml:html', 'h:html']);

export function parseFeed(input: string, options: { url: string | null }): ParsedFeed {
  const text = withoutNulCharacters(input);
  const start = firstSignificantIndex(text);
  if (start < 0) throw new ParseError('parse.empty', 'parse: the document is empty');
  if (text.charCodeAt(start) === 123 /* { */ || text.charCodeAt(start) === 91 /* [ */) {
    return parseJsonFeed(start === 0 ? text : text.slice(start), options.url);
  }
  const root = findRootElement(text);
  if (root === null) {
    if (text.indexOf('<', start) < 0)
      throw new ParseError('parse.invalid', 'parse: this is neither XML nor JSON');
    throw new ParseError('parse.empty', 'parse: the document has no root element');
  }
  if (HTML_ROOTS.has(root.name)) {
    // A feed pasted inside an XHTML page still counts; anything else is a page to discover feeds in.
    const embedded = embeddedFeedRoot(text, root.index);
    if (embedded) return parseXmlFeed(text, embedded, options.url);
    throw new ParseError('parse.not_a_feed', 'parse: this is an HTML page, not a feed');
  }
  if (root.name === 'opml')
    throw new ParseError('parse.not_a_feed', 'parse: this is an OPML outline, not a feed');
  return parseXmlFeed(text, root, options.url);
}

export function parseFeedBytes(
  bytes: Uint8Array,
  options: { url: string | null; contentType: string | null },
): ParsedFeed {
  const decoded = decodeFeedBytes(gunzippedIfGzip(bytes), options.contentType);
  const feed = parseFeed(decoded.text, { url: options.url });
  feed.encoding = decoded.encoding;
  if (decoded.warnings.length > 0) feed.warnings = [...decoded.warnings, ...(feed.warnings ?? [])];
  return feed;
}

/** Largest feed accepted after un-gzipping a body that was gzipped without saying so. */
const MAX_GUNZIPPED_BYTES = 64 * 1024 * 1024;

/** Some servers send a gzip file as the body without Content-Encoding: unwrap it (bounded). */
function gunzippedIfGzip(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIPPED_BYTES });
  } catch (err) {
    const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new ParseError(
      'parse.invalid',
      tooLarge
        ? 'parse: the gzipped body is too large once decompressed'
        : 'parse: the body is gzip data that cannot be decompressed',
    );
  }
}

function embeddedFeedRoot(text: string, from: number): RootElement | null {
  const match = /<(feed\s[^>]*xmlns="http:\/\/www\.w3\.org\/2005\/Atom"|rss\s[^>]*version=)/i.exec(
    text.slice(from, from + 65536),
  );
  if (!match) return null;
  return { index: from + match.index, name: match[0].slice(1, match[0].search(/\s/)).toLowerCase() };
}

/** Index of the first character that is not whitespace or a BOM; -1 when there is none. */
function firstSignificantIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff && c !== 0) return i;
  }
  return -1;
}
