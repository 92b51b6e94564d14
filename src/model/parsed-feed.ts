// What a parser returns: pure data read from one document, no storage concerns.
// Dates are milliseconds since the Unix epoch (UTC), or null when the document gives none.
// Text fields (titles, names) are plain text; `summary` and `content` are HTML as published
// (not yet sanitized: sanitizing is the last processing step). Links, enclosures and images are
// absolute URLs; URLs *inside* summary/content HTML are left as written and resolved by the
// sanitizer against the entry's `base`.

export type FeedFormat = 'rss' | 'rdf' | 'atom' | 'json';

export interface ParsedPerson {
  name: string | null;
  email: string | null;
  uri: string | null;
}

export interface ParsedEnclosure {
  url: string;
  type: string | null;
  length: number | null;
}

/** A media:content item (alone or in a media:group). Numbers are null when absent or unreadable. */
export interface ParsedMediaItem {
  url: string;
  type: string | null;
  /** media:content medium: 'image', 'audio', 'video', 'document', 'executable'. */
  medium: string | null;
  width: number | null;
  height: number | null;
  /** Seconds. */
  duration: number | null;
}

/** An item's iTunes podcast fields (itunes:*). */
export interface ParsedItunesEntry {
  /** itunes:duration in seconds ("1:02:03", "62:03" and "3723" all read). */
  duration: number | null;
  episode: number | null;
  season: number | null;
  /** itunes:explicit: yes/true/explicit → true, no/false/clean → false. */
  explicit: boolean | null;
  /** itunes:block is "yes". */
  block: boolean | null;
  author: string | null;
  image: string | null;
}

/** A channel's iTunes podcast fields. */
export interface ParsedItunesFeed {
  author: string | null;
  image: string | null;
  /** itunes:category text, nested subcategories included, in document order. */
  categories: string[];
  explicit: boolean | null;
  block: boolean | null;
}

/** Where an entry was first published: RSS <source url>, Atom <source>. */
export interface ParsedSource {
  title: string | null;
  url: string | null;
}

export interface ParsedEntry {
  /** The publisher's id (guid, atom:id, JSON Feed id), as written; null when absent. */
  id: string | null;
  /** RSS guid isPermaLink (true when absent on an RSS guid, as RSS 2.0 says); null for other formats. */
  idIsPermalink: boolean | null;
  title: string | null;
  link: string | null;
  published: number | null;
  updated: number | null;
  authors: ParsedPerson[];
  summary: string | null;
  content: string | null;
  enclosures: ParsedEnclosure[];
  categories: string[];
  /** xml:lang or JSON Feed language of the item, when it differs from the feed. */
  language: string | null;
  /** A thumbnail (media:thumbnail, itunes:image, JSON Feed image), absolute URL. */
  image: string | null;
  /** Comments page (RSS comments, Atom link rel="replies" type="text/html"). */
  comments: string | null;
  /** Atom contributors, dc:contributor. Optional: absent means none. */
  contributors?: ParsedPerson[];
  /** media:content items (also inside media:group), in document order. Optional: absent means none. */
  media?: ParsedMediaItem[];
  /** iTunes fields, when the item has any. */
  itunes?: ParsedItunesEntry | null;
  /** The feed the entry comes from (RSS source, atom:source), when given. */
  source?: ParsedSource | null;
  /**
   * The base URL for relative URLs inside `content` (or `summary` when there is no content):
   * xml:base in effect, else (RSS) the channel link, else the document URL. Optional: absent or
   * null means "no base known".
   */
  base?: string | null;
}

export interface ParsedFeed {
  format: FeedFormat;
  /** Finer version when known: 'rss20', 'rss092', 'rss091', 'rss090', 'rss10', 'atom10', 'atom03', 'json10', 'json11'. */
  version: string | null;
  title: string | null;
  link: string | null;
  subtitle: string | null;
  language: string | null;
  updated: number | null;
  image: string | null;
  /** Feed-level authors (atom:author, managingEditor, dc:creator, itunes:author). Optional: absent means none. */
  authors?: ParsedPerson[];
  /** Feed-level contributors (atom:contributor, dc:contributor). */
  contributors?: ParsedPerson[];
  /** Feed-level categories (RSS/Atom category, dc:subject, itunes:category). */
  categories?: string[];
  /** iTunes channel fields, when the feed has any. */
  itunes?: ParsedItunesFeed | null;
  /** Hubs advertised with atom:link rel="hub" (WebSub), and the feed's own rel="self". */
  hubs: string[];
  self: string | null;
  entries: ParsedEntry[];
  /** The character encoding the bytes were read with (set by parseFeedBytes), e.g. 'utf-8', 'iso-8859-1'. */
  encoding?: string | null;
  /**
   * Problems Veille read through without failing (feedparser's "bozo"): a wrong encoding
   * declaration, an undeclared namespace prefix, an unterminated CDATA section… Empty or absent
   * when the document is clean.
   */
  warnings?: string[];
}
