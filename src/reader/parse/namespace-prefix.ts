// Namespace URIs → the short names the feed parser switches on. Feeds use any prefix they like
// (and sometimes slightly wrong URIs), so elements are matched by URI, never by prefix.

const PREFIX_BY_URI: ReadonlyMap<string, string> = new Map([
  ['http://www.w3.org/2005/atom', 'atom'],
  ['http://purl.org/atom/ns#', 'atom'],
  ['http://purl.org/atom/ns', 'atom'],
  ['http://purl.org/rss/1.0/', ''],
  ['http://purl.org/rss/1.0', ''],
  ['http://my.netscape.com/rdf/simple/0.9/', ''],
  ['http://backend.userland.com/rss2', ''],
  ['http://backend.userland.com/rss', ''],
  ['http://blogs.law.harvard.edu/tech/rss', ''],
  ['http://www.w3.org/1999/02/22-rdf-syntax-ns#', 'rdf'],
  ['http://purl.org/dc/elements/1.1/', 'dc'],
  ['http://purl.org/dc/elements/1.1', 'dc'],
  ['http://purl.org/dc/terms/', 'dcterms'],
  ['http://purl.org/dc/terms', 'dcterms'],
  ['http://purl.org/rss/1.0/modules/content/', 'content'],
  ['http://purl.org/rss/1.0/modules/content', 'content'],
  ['http://search.yahoo.com/mrss/', 'media'],
  ['http://search.yahoo.com/mrss', 'media'],
  ['http://tools.search.yahoo.com/mrss/', 'media'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd', 'itunes'],
  ['https://www.itunes.com/dtds/podcast-1.0.dtd', 'itunes'],
  ['http://www.itunes.com/dtds/podcast-1.0.dtd/', 'itunes'],
  ['http://www.w3.org/1999/xhtml', 'xhtml'],
  ['http://www.w3.org/xml/1998/namespace', 'xml'],
  ['http://purl.org/rss/1.0/modules/slash/', 'slash'],
  ['http://wellformedweb.org/commentapi/', 'wfw'],
  ['http://rssnamespace.org/feedburner/ext/1.0', 'feedburner'],
  ['http://purl.org/syndication/thread/1.0', 'thr'],
  ['https://podcastindex.org/namespace/1.0', 'podcast'],
  ['http://podlove.org/simple-chapters', 'psc'],
  ['http://www.google.com/schemas/play-podcasts/1.0', 'googleplay'],
]);

/** The short name for a namespace URI; unknown URIs get a name no element switch matches. */
export function namespacePrefixForUri(uri: string): string {
  const key = uri.trim().toLowerCase();
  const known = PREFIX_BY_URI.get(key);
  if (known !== undefined) return known;
  return `{${key}}`;
}
