// Feeds, JSON feeds and OPML files are read without NUL characters (see below).

/**
 * NUL characters (U+0000) become U+FFFD, as a browser's HTML parser makes them: XML forbids them,
 * a reader shows nothing for them, and PostgreSQL refuses them in text ("invalid byte sequence"),
 * which failed the whole feed's ingest. The JSON escape `\u0000` is handled by parseJsonFeed.
 */
export function withoutNulCharacters(text: string): string {
  return text.indexOf('\u0000') < 0 ? text : text.replaceAll('\u0000', '\uFFFD');
}
