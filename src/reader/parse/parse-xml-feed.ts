// RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 → ParsedFeed, in one streaming pass over
// xml-tokenizer.ts (no DOM). Elements are matched by namespace URI: prefixes are
// resolved from the xmlns declarations in scope, and an undeclared prefix is taken at its word
// ("dc:creator" without xmlns:dc still means Dublin Core).
//
// Leniency: entities are decoded as HTML (so &nbsp; and &eacute; work), bare & and < stay text,
// unclosed tags are closed by their parent's end tag, anything before the root element (BOM,
// junk, prolog, DOCTYPE with its internal subset) is skipped. DTD entities are never expanded.
// Depth is bounded (parse.too_deep) and nothing recurses, so hostile input stays linear.

import type {
  FeedFormat,
  ParsedEntry,
  ParsedFeed,
  ParsedItunesEntry,
  ParsedItunesFeed,
  ParsedPerson,
  ParsedSource,
} from '../../model/parsed-feed.ts';
import { ParseError } from './parse-error.ts';
import { namespacePrefixForUri } from './namespace-prefix.ts';
import { parseDate } from './parse-date.ts';
import { escapeHtml } from './escape-html.ts';
import { collapseWhitespace, looksLikeHtml, plainTextFromHtml } from './plain-text-from-html.ts';
import { absoluteUrlOrNull, resolveUrl } from './resolve-url.ts';
import { personFromText } from './person-from-text.ts';
import { mayHaveDoubleUtf8, textWithoutDoubleUtf8 } from './repair-double-utf8.ts';
import { decodeEntities, decodedXmlEntities } from './decode-entities.ts';
import { tokenizeXml } from './xml-tokenizer.ts';
import { detachedOrNull, detachedString } from './detached-string.ts';

const MAX_DEPTH = 1000;

const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

/** Where the root element starts, after BOM, junk, prolog, comments and DOCTYPE. */
export interface RootElement {
  index: number;
  /** Lowercased qualified name, e.g. 'rss', 'rdf:rdf', 'feed', 'html'. */
  name: string;
}

export function findRootElement(text: string): RootElement | null {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) return null;
    const next = text.charCodeAt(lt + 1);
    if (next === 63 /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) return null;
      i = end + 2;
    } else if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return null;
      i = end + 3;
    } else if (next === 33 /* ! */) {
      // DOCTYPE, possibly with an internal subset [ ... ]> whose entity values may hold '>'.
      const close = text.indexOf('>', lt);
      const bracket = text.indexOf('[', lt);
      if (bracket >= 0 && (close < 0 || bracket < close)) {
        const subsetEnd = /\]\s*>/g;
        subsetEnd.lastIndex = bracket;
        const m = subsetEnd.exec(text);
        if (!m) return null;
        i = m.index + m[0].length;
      } else {
        if (close < 0) return null;
        i = close + 1;
      }
    } else if (isNameStart(next)) {
      let end = lt + 1;
      while (end < n && isNameChar(text.charCodeAt(end))) end++;
      return { index: lt, name: text.slice(lt + 1, end).toLowerCase() };
    } else {
      i = lt + 1;
    }
  }
  return null;
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 58;
}

/** Text, and markup when the element had child elements (xhtml content, raw HTML in RSS). */
interface Collector {
  text: string;
  html: string;
  childElements: number;
  depth: number;
  inCdata: boolean;
  /** Offsets in `html` of the inside of a single wrapping element (the xhtml div), when there is one. */
  wrapperStart: number;
  wrapperEnd: number;
  wrapperName: string | null;
  topLevelElements: number;
  topLevelTextAfterWrapper: boolean;
}

/** The namespace declarations in scope, and the canonical keys of names already read under them. */
interface Scope {
  uris: ReadonlyMap<string, string>;
  keys: Map<string, string>;
}

interface Frame {
  /** Canonical key: 'prefix:local' with prefixes normalized by namespace URI ('' for RSS). */
  key: string;
  scope: Scope;
  base: string | null;
  /** True when this frame or an ancestor set xml:base. */
  explicitBase: boolean;
  lang: string | null;
  collector: Collector | null;
  /** Called at the end of an element whose content was collected. */
  onCollected: ((frame: Frame, collector: Collector) => void) | null;
  /** Called at the end of a structural element (an item, a person). */
  onClose: ((frame: Frame) => void) | null;
  context: Context;
}

type Context = 'document' | 'feed' | 'entry' | 'person' | 'ignore' | 'image' | 'source';

interface EntryDraft {
  entry: ParsedEntry;
  contentBase: string | null;
  summarySet: 'none' | 'weak' | 'strong';
  imageRank: number;
  /** 0: RSS link or alternate link typed HTML; 1: untyped alternate; 2: other alternate; 3: none yet. */
  linkRank: number;
  /** A permalink guid (or an http atom:id), used as the link when there is none. */
  guidLink: string | null;
}

interface PersonDraft {
  name: string | null;
  email: string | null;
  uri: string | null;
  role: 'author' | 'contributor' | 'other';
}

export function parseXmlFeed(text: string, root: RootElement, documentUrl: string | null): ParsedFeed {
  const rootLocal = root.name.slice(root.name.indexOf(':') + 1);
  let format: FeedFormat;
  if (rootLocal === 'rss' || rootLocal === 'channel') format = 'rss';
  else if (rootLocal === 'rdf') format = 'rdf';
  else if (rootLocal === 'feed') format = 'atom';
  else throw new ParseError('parse.not_a_feed', `parse: not a feed (the root element is <${root.name}>)`);

  const feed: ParsedFeed = {
    format,
    version: null,
    title: null,
    link: null,
    subtitle: null,
    language: null,
    updated: null,
    image: null,
    hubs: [],
    self: null,
    entries: [],
  };
  const feedAuthors: ParsedPerson[] = [];
  const feedContributors: ParsedPerson[] = [];
  const feedCategories: string[] = [];
  let feedItunes: ParsedItunesFeed | null = null;
  let feedPublished: number | null = null;
  let feedImageRank = 99;
  let feedLinkRank = 99;
  let feedIdLink: string | null = null;
  let channelLinkBase: string | null = null;
  let subtitleRank = 99;
  let draft: EntryDraft | null = null;
  let draftFrame: Frame | null = null;
  let person: PersonDraft | null = null;
  const prefixCache = new Map<string, string>();
  const frames: Frame[] = [];
  const emptyScope: Scope = { uris: new Map(), keys: new Map() };
  let collecting: Collector | null = null;
  /** Depth of markup inside the element being collected (those elements get no frame). */
  let collectedDepth = 0;
  let rootSeen = false;
  const warnings: string[] = [];
  let warnedPrefix = false;
  let warnedEntity = false;

  const attr = (attribs: Record<string, string>, name: string): string | null => {
    const raw = attribs[name];
    if (raw === undefined) return null;
    return decodeEntities(raw);
  };

  const canonicalPrefix = (uri: string): string => {
    let prefix = prefixCache.get(uri);
    if (prefix === undefined) {
      prefix = namespacePrefixForUri(uri);
      prefixCache.set(uri, prefix);
    }
    return prefix;
  };

  const setFeedImage = (url: string | null, rank: number, base: string | null): void => {
    if (url && url.trim() && rank < feedImageRank) {
      feed.image = resolveUrl(url, base);
      feedImageRank = rank;
    }
  };

  const setEntryImage = (url: string | null, rank: number, base: string | null): void => {
    if (draft && url && url.trim() && rank < draft.imageRank) {
      draft.entry.image = resolveUrl(url, base);
      draft.imageRank = rank;
    }
  };

  /** The base for URLs inside an RSS item: xml:base when given, else the channel link, else the document. */
  const urlBase = (frame: Frame): string | null => {
    if (format !== 'atom' && !frame.explicitBase && channelLinkBase) return channelLinkBase;
    return frame.base;
  };

  const newCollector = (): Collector => ({
    text: '',
    html: '',
    childElements: 0,
    depth: 0,
    inCdata: false,
    wrapperStart: -1,
    wrapperEnd: -1,
    wrapperName: null,
    topLevelElements: 0,
    topLevelTextAfterWrapper: false,
  });

  const addEntryAuthor = (p: ParsedPerson | null): void => {
    if (!draft || !p || (!p.name && !p.email && !p.uri)) return;
    const same = draft.entry.authors.find((a) => a.name === p.name && a.email === p.email && a.uri === p.uri);
    if (!same) draft.entry.authors.push(p);
  };

  const addCategory = (value: string | null): void => {
    if (!draft || value === null) return;
    const term = collapseWhitespace(value);
    if (term && !draft.entry.categories.includes(term)) draft.entry.categories.push(term);
  };

  const addPerson = (list: ParsedPerson[], p: ParsedPerson | null): void => {
    if (!p || (!p.name && !p.email && !p.uri)) return;
    if (!list.some((a) => a.name === p.name && a.email === p.email && a.uri === p.uri)) list.push(p);
  };

  const addFeedCategory = (value: string | null): void => {
    if (value === null) return;
    const term = collapseWhitespace(value);
    if (term && !feedCategories.includes(term)) feedCategories.push(term);
  };

  const entryItunes = (): ParsedItunesEntry | null => {
    if (!draft) return null;
    draft.entry.itunes ??= {
      duration: null,
      episode: null,
      season: null,
      explicit: null,
      block: null,
      author: null,
      image: null,
    };
    return draft.entry.itunes;
  };

  const channelItunes = (): ParsedItunesFeed => {
    feedItunes ??= { author: null, image: null, categories: [], explicit: null, block: null };
    return feedItunes;
  };

  // Text constructs -------------------------------------------------------------------------

  const contentType = (
    attribs: Record<string, string>,
    fallback: 'text' | 'html',
  ): 'text' | 'html' | 'xhtml' | 'base64' => {
    const mode = attr(attribs, 'mode');
    if (mode) {
      const m = mode.toLowerCase();
      if (m === 'base64') return 'base64';
      if (m === 'escaped') return 'html';
      if (m === 'xml') return 'xhtml';
    }
    const type = attr(attribs, 'type');
    if (!type) return fallback;
    const t = type.trim().toLowerCase();
    if (t === 'html' || t === 'text/html') return 'html';
    if (t === 'xhtml' || t === 'application/xhtml+xml') return 'xhtml';
    if (t === 'text' || t === 'text/plain') return 'text';
    return fallback;
  };

  /** The collected element as HTML. `kind` 'rss' means "HTML unless proven otherwise". */
  const htmlOf = (c: Collector, kind: 'text' | 'html' | 'xhtml' | 'base64' | 'rss'): string => {
    if (c.childElements > 0) return innerMarkup(c);
    if (kind === 'text' || kind === 'xhtml') return escapeHtml(c.text);
    if (kind === 'base64') return decodeBase64(c.text);
    return c.text;
  };

  const plainOf = (c: Collector, kind: 'text' | 'html' | 'xhtml' | 'base64' | 'rss'): string => {
    if (c.childElements > 0) return collapseWhitespace(c.text);
    if (kind === 'html') return plainTextFromHtml(c.text);
    if (kind === 'base64') return plainTextFromHtml(decodeBase64(c.text));
    if (kind === 'rss' && looksLikeHtml(c.text)) return plainTextFromHtml(c.text);
    return collapseWhitespace(c.text);
  };

  const nonEmpty = (s: string): string | null => (s.trim() === '' ? null : s);

  // Element handling ------------------------------------------------------------------------

  /** Decide what an element means; returns the frame's collector and close handler. */
  const openElement = (frame: Frame, attribs: Record<string, string>): void => {
    const key = frame.key;
    const parentContext = frames.length > 1 ? (frames[frames.length - 2]?.context ?? 'document') : 'document';
    const collect = (onCollected: (f: Frame, c: Collector) => void): void => {
      collecting = frame.collector = newCollector();
      frame.onCollected = onCollected;
    };

    if (parentContext === 'document') {
      if (rootSeen) return;
      rootSeen = true;
      // The root element.
      frame.context = 'feed';
      if (format === 'rss') {
        const version = attr(attribs, 'version')?.trim() ?? '';
        feed.version = rssVersion(version, rootLocal);
      } else if (format === 'atom') {
        const colon = root.name.indexOf(':');
        const uri = frame.scope.uris.get(colon < 0 ? '' : root.name.slice(0, colon)) ?? '';
        const version = attr(attribs, 'version');
        feed.version =
          uri.toLowerCase().startsWith('http://purl.org/atom/ns') || version === '0.3' ? 'atom03' : 'atom10';
      } else {
        const uris = [...frame.scope.uris.values()].map((u) => u.toLowerCase());
        feed.version = uris.some((u) => u.includes('/rdf/simple/0.9')) ? 'rss090' : 'rss10';
      }
      if (frame.lang) feed.language = frame.lang;
      return;
    }

    // An item swallowed by an unclosed element (<itunes:category> left open) is still an item.
    const strayItem = key === ':item' || key === 'atom:entry';
    if (parentContext === 'ignore' && !strayItem) {
      frame.context = 'ignore';
      return;
    }

    if (parentContext === 'person' && !strayItem) {
      frame.context = 'ignore';
      const local = key.slice(key.indexOf(':') + 1);
      if (local === 'name' || local === 'email' || local === 'uri' || local === 'url') {
        collect((f, c) => {
          if (!person) return;
          const value = nonEmpty(collapseWhitespace(c.text));
          if (local === 'name') person.name = value;
          else if (local === 'email') person.email = value;
          else if (value) person.uri = resolveUrl(value, f.base);
        });
      }
      return;
    }

    if (parentContext === 'source' && !strayItem) {
      frame.context = 'ignore';
      const source = draft?.entry.source;
      if (!source) return;
      if (key === 'atom:title') {
        const kind = contentType(attribs, 'text');
        collect((_f, c) => {
          source.title = nonEmpty(plainOf(c, kind));
        });
      } else if (key === 'atom:link') {
        const href = attr(attribs, 'href');
        const rel = (attr(attribs, 'rel') ?? 'alternate').trim().toLowerCase();
        if (href && href.trim() && (rel === 'alternate' || (rel === 'self' && source.url === null)))
          source.url = resolveUrl(href, urlBase(frame));
      }
      return;
    }

    if (parentContext === 'image' && !strayItem) {
      frame.context = 'ignore';
      if (key === ':url') collect((f, c) => setFeedImage(c.text, 1, urlBase(f)));
      return;
    }

    const inEntry = parentContext === 'entry';
    frame.context = 'ignore';

    // Structure: channel, items, people, containers.
    switch (key) {
      case ':channel':
        if (!inEntry) frame.context = 'feed';
        return;
      case ':item':
      case 'atom:entry': {
        const previous = draftFrame;
        if (previous?.onClose) {
          // An item opened inside an unclosed item: the first one ends here.
          const closePrevious = previous.onClose;
          previous.onClose = null;
          closePrevious(previous);
        }
        draftFrame = frame;
        frame.context = 'entry';
        const newDraft: EntryDraft = {
          entry: {
            id: null,
            idIsPermalink: null,
            title: null,
            link: null,
            published: null,
            updated: null,
            authors: [],
            summary: null,
            content: null,
            enclosures: [],
            categories: [],
            language: frame.lang && frame.lang !== feed.language ? frame.lang : null,
            image: null,
            comments: null,
            contributors: [],
            media: [],
            itunes: null,
            source: null,
            base: urlBase(frame),
          },
          contentBase: null,
          summarySet: 'none',
          imageRank: 99,
          linkRank: 3,
          guidLink: null,
        };
        draft = newDraft;
        const about = attr(attribs, 'rdf:about');
        if (about && about.trim()) newDraft.entry.id = about.trim();
        frame.onClose = () => {
          if (draft) {
            if (draft.contentBase !== null) draft.entry.base = draft.contentBase;
            if (draft.entry.link === null && draft.guidLink !== null) draft.entry.link = draft.guidLink;
            feed.entries.push(detachedEntry(draft.entry));
          }
          draft = null;
          draftFrame = null;
        };
        return;
      }
      case 'media:group':
        frame.context = inEntry ? 'entry' : 'feed';
        return;
      case ':image':
        if (!inEntry) {
          frame.context = 'image';
          const about = attr(attribs, 'rdf:resource');
          if (about) setFeedImage(about, 2, urlBase(frame));
        }
        return;
      case 'atom:author':
      case 'atom:contributor': {
        frame.context = 'person';
        const role = key === 'atom:author' ? 'author' : 'contributor';
        person = { name: null, email: null, uri: null, role };
        frame.onClose = () => {
          if (person) {
            const p = { name: person.name, email: person.email, uri: person.uri };
            if (!inEntry) addPerson(role === 'author' ? feedAuthors : feedContributors, p);
            else if (role === 'author') addEntryAuthor(p);
            else if (draft) addPerson(draft.entry.contributors ?? [], p);
          }
          person = null;
        };
        return;
      }
      case 'atom:source':
        if (inEntry && draft) {
          frame.context = 'source';
          draft.entry.source = { title: null, url: null };
        }
        return;
    }

    // Leaf elements.
    const rssKind = 'rss' as const;
    switch (key) {
      case ':title':
      case 'atom:title': {
        const kind = key === ':title' ? rssKind : contentType(attribs, 'text');
        collect((_f, c) => {
          const value = nonEmpty(plainOf(c, kind));
          if (inEntry) {
            if (draft) draft.entry.title = value;
          } else feed.title = value;
        });
        return;
      }
      case 'media:title':
        if (!inEntry) return;
        collect((_f, c) => {
          if (draft && draft.entry.title === null) draft.entry.title = nonEmpty(plainOf(c, 'text'));
        });
        return;
      case ':link':
      case 'atom:link': {
        const href = attr(attribs, 'href');
        if (key === ':link' && href === null) {
          // RSS link: the URL is the text.
          collect((f, c) => {
            const value = c.text.trim();
            if (!value) return;
            if (inEntry) {
              if (draft && draft.linkRank > 0) {
                draft.entry.link = resolveUrl(value, urlBase(f));
                draft.linkRank = 0;
              }
            } else if (feedLinkRank > 0) {
              feed.link = resolveUrl(value, f.base);
              feedLinkRank = 0;
              if (format !== 'atom') channelLinkBase = absoluteUrlOrNull(feed.link);
            }
          });
          return;
        }
        if (href === null || href.trim() === '') return;
        const rel = (attr(attribs, 'rel') ?? 'alternate').trim().toLowerCase();
        const type = attr(attribs, 'type')?.trim().toLowerCase() ?? null;
        const url = resolveUrl(href, urlBase(frame));
        if (inEntry) {
          if (!draft) return;
          if (rel === 'alternate') {
            const rank = type === 'text/html' || type === 'application/xhtml+xml' ? 0 : type === null ? 1 : 2;
            if (rank < draft.linkRank) {
              draft.entry.link = url;
              draft.linkRank = rank;
            }
          } else if (rel === 'enclosure') {
            const length = numberOrNull(attr(attribs, 'length'));
            if (!draft.entry.enclosures.some((e) => e.url === url)) {
              draft.entry.enclosures.push({ url, type: type ?? null, length });
            }
          } else if (rel === 'replies' && type === 'text/html' && draft.entry.comments === null) {
            draft.entry.comments = url;
          }
          return;
        }
        if (rel === 'self') {
          if (feed.self === null) feed.self = url;
        } else if (rel === 'hub') {
          if (!feed.hubs.includes(url)) feed.hubs.push(url);
        } else if (rel === 'alternate') {
          const rank = type === 'text/html' || type === 'application/xhtml+xml' ? 1 : type === null ? 2 : 3;
          if (rank < feedLinkRank) {
            feed.link = url;
            feedLinkRank = rank;
          }
        }
        return;
      }
      case ':description':
      case 'atom:summary':
      case 'atom:subtitle':
      case 'atom:tagline':
      case 'itunes:summary':
      case 'itunes:subtitle':
      case 'media:description': {
        const kind =
          key === ':description' ? rssKind : key.startsWith('atom:') ? contentType(attribs, 'text') : 'text';
        if (!inEntry) {
          const rank =
            key === ':description' || key === 'atom:subtitle' || key === 'atom:tagline'
              ? 0
              : key === 'itunes:subtitle'
                ? 1
                : 2;
          collect((_f, c) => {
            const value = nonEmpty(plainOf(c, kind));
            if (value && rank < subtitleRank) {
              feed.subtitle = value;
              subtitleRank = rank;
            }
          });
          return;
        }
        if (key === 'itunes:subtitle') return;
        const strong = key === ':description' || key === 'atom:summary';
        collect((f, c) => {
          if (!draft) return;
          const value = nonEmpty(htmlOf(c, kind));
          if (value === null) return;
          if (strong ? draft.summarySet !== 'strong' : draft.summarySet === 'none') {
            draft.entry.summary = value;
            draft.summarySet = strong ? 'strong' : 'weak';
            if (draft.contentBase === null) draft.entry.base = urlBase(f);
          }
        });
        return;
      }
      case 'content:encoded':
      case 'atom:content':
      case 'xhtml:body': {
        if (!inEntry) return;
        if (key === 'atom:content' && attr(attribs, 'src') !== null) {
          const src = attr(attribs, 'src') ?? '';
          if (draft && draft.entry.link === null && src.trim())
            draft.entry.link = resolveUrl(src, urlBase(frame));
          return;
        }
        const kind =
          key === 'atom:content' ? contentType(attribs, 'text') : key.startsWith('xhtml:') ? 'xhtml' : 'html';
        collect((f, c) => {
          if (!draft || draft.entry.content !== null) return;
          const value = key.startsWith('xhtml:') && c.childElements > 0 ? c.html : nonEmpty(htmlOf(c, kind));
          if (value === null || value.trim() === '') return;
          draft.entry.content = value;
          draft.contentBase = urlBase(f);
        });
        return;
      }
      case ':guid':
      case 'atom:id': {
        if (!inEntry) {
          if (key === 'atom:id') {
            collect((f, c) => {
              const value = c.text.trim();
              if (/^https?:\/\//i.test(value)) feedIdLink = resolveUrl(value, f.base);
            });
          }
          return;
        }
        const permaLinkAttr =
          key === ':guid' ? attr(attribs, 'ispermalink')?.trim().toLowerCase() : undefined;
        const isPermaLink = key === ':guid' ? permaLinkAttr !== 'false' : null;
        collect((f, c) => {
          if (!draft) return;
          const value = c.text.trim();
          if (!value) return;
          draft.entry.id = value;
          draft.entry.idIsPermalink = isPermaLink;
          // A guid said to be a permalink, or any http(s) id, stands in for a missing link.
          const usable = permaLinkAttr === 'true' || (isPermaLink !== false && /^https?:\/\//i.test(value));
          draft.guidLink = usable ? resolveUrl(value, urlBase(f)) : null;
        });
        return;
      }
      case ':pubdate':
      case 'atom:published':
      case 'atom:issued':
      case 'dcterms:issued':
      case 'dcterms:created':
      case 'atom:created': {
        const rank = key === 'dcterms:created' || key === 'atom:created' ? 1 : 0;
        collect((_f, c) => {
          const ms = parseDate(c.text);
          if (ms === null) return;
          if (inEntry) {
            if (draft && (draft.entry.published === null || rank === 0)) draft.entry.published = ms;
          } else if (feedPublished === null || rank === 0) feedPublished = ms;
        });
        return;
      }
      case ':lastbuilddate':
      case 'atom:updated':
      case 'atom:modified':
      case 'dc:date':
      case 'dcterms:modified': {
        collect((_f, c) => {
          const ms = parseDate(c.text);
          if (ms === null) return;
          if (inEntry) {
            if (draft) draft.entry.updated = ms;
          } else feed.updated = ms;
        });
        return;
      }
      case ':language':
      case 'dc:language':
        collect((_f, c) => {
          const value = nonEmpty(c.text.trim());
          if (!value) return;
          if (inEntry) {
            if (draft && value !== feed.language) draft.entry.language = value;
          } else feed.language = value;
        });
        return;
      case ':managingeditor':
      case 'dc:contributor':
        collect((_f, c) => {
          const p = personFromText(plainOf(c, 'rss'));
          if (key === ':managingeditor') {
            if (!inEntry) addPerson(feedAuthors, p);
          } else if (!inEntry) addPerson(feedContributors, p);
          else if (draft) addPerson(draft.entry.contributors ?? [], p);
        });
        return;
      case ':author':
      case 'dc:creator':
      case 'dcterms:creator':
      case 'itunes:author':
      case 'dc:author': {
        if (!inEntry) {
          collect((_f, c) => {
            const text = plainOf(c, 'rss');
            addPerson(feedAuthors, personFromText(text));
            if (key === 'itunes:author') channelItunes().author = nonEmpty(collapseWhitespace(text));
          });
          return;
        }
        collect((_f, c) => {
          if (!draft) return;
          if (key === 'itunes:author') {
            const itunes = entryItunes();
            if (itunes) itunes.author = nonEmpty(collapseWhitespace(plainOf(c, 'rss')));
          }
          if (c.childElements > 0) {
            // <author><name>…</name><email>…</email></author> in RSS: an Atom person without the namespace.
            const name = /<name(?:\s[^>]*)?>([^<]*)<\/name>/.exec(c.html)?.[1];
            const email = /<email(?:\s[^>]*)?>([^<]*)<\/email>/.exec(c.html)?.[1];
            if (name !== undefined || email !== undefined) {
              addEntryAuthor({
                name: name ? nonEmpty(collapseWhitespace(decodeEntities(name))) : null,
                email: email ? nonEmpty(decodeEntities(email).trim()) : null,
                uri: null,
              });
              return;
            }
          }
          addEntryAuthor(personFromText(c.childElements > 0 ? c.text : plainOf(c, 'rss')));
        });
        return;
      }
      case ':category':
      case 'dc:subject':
      case 'media:category':
        if (!inEntry) {
          if (key !== 'media:category') collect((_f, c) => addFeedCategory(c.text));
          return;
        }
        collect((_f, c) => addCategory(c.text));
        return;
      case 'atom:category': {
        const term = attr(attribs, 'term') || attr(attribs, 'label');
        if (inEntry) addCategory(term);
        else addFeedCategory(term);
        return;
      }
      case 'itunes:category': {
        // Subcategories nest: <itunes:category text="Technology"><itunes:category text="Gadgets"/>.
        frame.context = inEntry ? 'entry' : 'feed';
        const text = attr(attribs, 'text');
        if (inEntry) addCategory(text);
        else if (text !== null) {
          const term = collapseWhitespace(text);
          addFeedCategory(term);
          const itunes = channelItunes();
          if (term && !itunes.categories.includes(term)) itunes.categories.push(term);
        }
        return;
      }
      case 'itunes:explicit':
      case 'itunes:block':
        collect((_f, c) => {
          const word = c.text.trim().toLowerCase();
          const value =
            key === 'itunes:block'
              ? word === 'yes'
              : word === 'yes' || word === 'true' || word === 'explicit'
                ? true
                : word === 'no' || word === 'false' || word === 'clean'
                  ? false
                  : null;
          const itunes = inEntry ? entryItunes() : channelItunes();
          if (!itunes) return;
          if (key === 'itunes:block') itunes.block = value;
          else itunes.explicit = value;
        });
        return;
      case 'itunes:duration':
      case 'itunes:episode':
      case 'itunes:season':
        if (!inEntry) return;
        collect((_f, c) => {
          const itunes = entryItunes();
          if (!itunes) return;
          if (key === 'itunes:duration') itunes.duration = durationSeconds(c.text);
          else if (key === 'itunes:episode') itunes.episode = numberOrNull(c.text);
          else itunes.season = numberOrNull(c.text);
        });
        return;
      case ':source': {
        if (!inEntry) return;
        const url = attr(attribs, 'url');
        const resolved = url && url.trim() ? resolveUrl(url, urlBase(frame)) : null;
        collect((_f, c) => {
          if (draft) draft.entry.source = { title: nonEmpty(collapseWhitespace(c.text)), url: resolved };
        });
        return;
      }
      case ':enclosure': {
        if (!inEntry || !draft) return;
        const url = attr(attribs, 'url');
        if (!url || !url.trim()) return;
        const resolved = resolveUrl(url, urlBase(frame));
        if (draft.entry.enclosures.some((e) => e.url === resolved)) return;
        draft.entry.enclosures.push({
          url: resolved,
          type: attr(attribs, 'type')?.trim() || null,
          length: numberOrNull(attr(attribs, 'length')),
        });
        return;
      }
      case ':comments':
        if (!inEntry) return;
        collect((f, c) => {
          const value = c.text.trim();
          if (draft && value) draft.entry.comments = resolveUrl(value, urlBase(f));
        });
        return;
      case 'media:thumbnail': {
        const url = attr(attribs, 'url');
        if (inEntry) setEntryImage(url, 0, urlBase(frame));
        else setFeedImage(url, 4, frame.base);
        return;
      }
      case 'media:content': {
        const url = attr(attribs, 'url');
        const medium = attr(attribs, 'medium')?.trim().toLowerCase() || null;
        const type = attr(attribs, 'type')?.trim().toLowerCase() || null;
        if (inEntry && (medium === 'image' || type?.startsWith('image/')))
          setEntryImage(url, 2, urlBase(frame));
        if (inEntry && draft && url && url.trim()) {
          const resolved = resolveUrl(url, urlBase(frame));
          const media = draft.entry.media ?? [];
          if (!media.some((m) => m.url === resolved)) {
            media.push({
              url: resolved,
              type,
              medium,
              width: numberOrNull(attr(attribs, 'width')),
              height: numberOrNull(attr(attribs, 'height')),
              duration: numberOrNull(attr(attribs, 'duration')),
            });
          }
        }
        frame.context = inEntry ? 'entry' : 'feed';
        return;
      }
      case 'itunes:image': {
        const href = attr(attribs, 'href') ?? attr(attribs, 'url');
        const setItunesImage = (url: string, base: string | null): void => {
          if (!url.trim()) return;
          if (inEntry) {
            setEntryImage(url, 1, base);
            const itunes = entryItunes();
            if (itunes) itunes.image = resolveUrl(url, base);
          } else {
            setFeedImage(url, 3, base);
            channelItunes().image = resolveUrl(url, base);
          }
        };
        if (href) setItunesImage(href, inEntry ? urlBase(frame) : frame.base);
        else collect((f, c) => setItunesImage(c.text, inEntry ? urlBase(f) : f.base));
        return;
      }
      case 'atom:logo':
      case 'atom:icon':
        if (inEntry) return;
        collect((f, c) => setFeedImage(c.text, key === 'atom:logo' ? 0 : 5, f.base));
        return;
      default:
        return;
    }
  };

  // The streaming pass ----------------------------------------------------------------------

  // Text may hold double-encoded UTF-8 only where the document does, or where a character
  // reference wrote it.
  const repairDoubleUtf8 = mayHaveDoubleUtf8(text);
  const addText = (c: Collector, data: string, isCdata: boolean): void => {
    let value = isCdata ? data : decodedXmlEntities(data);
    if (value === null) {
      // Named HTML entities or references to non-ASCII characters: they may write mojibake.
      value = decodeEntities(data);
      if (!warnedEntity && value !== data && UNDEFINED_XML_ENTITY.test(data)) {
        warnedEntity = true;
        warnings.push('parse: HTML entities that XML does not define (read as HTML)');
      }
      value = textWithoutDoubleUtf8(value);
    } else if (repairDoubleUtf8) value = textWithoutDoubleUtf8(value);
    c.text += value;
    // Markup is only needed once the element has child elements (see serializeOpen).
    if (c.childElements > 0) c.html += escapeHtml(value);
    if (c.depth === 0 && c.wrapperEnd >= 0 && value.trim() !== '') c.topLevelTextAfterWrapper = true;
  };

  const { unclosedCdata } = tokenizeXml(
    text,
    root.index,
    {
      onopentag(name, attribs) {
        if (collecting) {
          serializeOpen(collecting, name, attribs);
          collectedDepth++;
          return;
        }
        const parent = frames[frames.length - 1];
        let scope = parent?.scope ?? emptyScope;
        let declared: Map<string, string> | null = null;
        for (const attrName in attribs) {
          if (attrName.startsWith('xmlns') && (attrName.length === 5 || attrName.charCodeAt(5) === 58)) {
            if (!declared) declared = new Map(scope.uris);
            declared.set(attrName.length === 5 ? '' : attrName.slice(6), attribs[attrName] ?? '');
          }
        }
        if (declared) scope = { uris: declared, keys: new Map() };
        let key = scope.keys.get(name);
        if (key === undefined) {
          const colon = name.indexOf(':');
          const prefix = colon < 0 ? '' : name.slice(0, colon);
          const local = colon < 0 ? name : name.slice(colon + 1);
          const uri = scope.uris.get(prefix);
          if (uri === undefined && prefix !== '' && !warnedPrefix && prefix !== 'xml') {
            warnedPrefix = true;
            warnings.push(`parse: the namespace prefix "${prefix}" is used without being declared`);
          }
          let ns = uri !== undefined ? canonicalPrefix(uri) : prefix;
          // The default namespace, unknown or absent, is the document's own vocabulary.
          if (prefix === '' && (ns === '' || ns.startsWith('{'))) ns = format === 'atom' ? 'atom' : '';
          key = ns + ':' + local;
          scope.keys.set(name, key);
        }
        const xmlBase = attribs['xml:base'];
        const parentBase = parent ? parent.base : documentUrl;
        const base = xmlBase !== undefined ? resolveUrl(decodeEntities(xmlBase), parentBase) : parentBase;
        const xmlLang = attribs['xml:lang'];
        const frame: Frame = {
          key,
          scope,
          base,
          explicitBase: xmlBase !== undefined || (parent?.explicitBase ?? false),
          lang: xmlLang !== undefined ? decodeEntities(xmlLang).trim() || null : (parent?.lang ?? null),
          collector: null,
          onCollected: null,
          onClose: null,
          context: 'ignore',
        };
        frames.push(frame);
        openElement(frame, attribs);
      },
      onclosetag(name) {
        if (collectedDepth > 0) {
          collectedDepth--;
          if (collecting) serializeClose(collecting, name);
          return;
        }
        const frame = frames.pop();
        if (!frame) return;
        if (frame.collector) {
          collecting = null;
          if (frame.onCollected) frame.onCollected(frame, frame.collector);
        }
        if (frame.onClose) frame.onClose(frame);
      },
      ontext(from, to) {
        if (collecting) addText(collecting, text.slice(from, to), false);
      },
      oncdata(data) {
        if (collecting) addText(collecting, data, true);
      },
    },
    MAX_DEPTH,
  );

  if (unclosedCdata) warnings.push('parse: a CDATA section is not closed');
  if (warnings.length > 0) feed.warnings = warnings;
  if (feed.updated === null) feed.updated = feedPublished;
  if (feed.link === null) feed.link = feedIdLink;
  feed.authors = feedAuthors;
  feed.contributors = feedContributors;
  feed.categories = feedCategories;
  feed.itunes = feedItunes;
  return detachedFeed(feed);
}

/** The entry with every string copied out of the document (see detached-string.ts). */
function detachedEntry(e: ParsedEntry): ParsedEntry {
  e.id = detachedOrNull(e.id);
  e.title = detachedOrNull(e.title);
  e.link = detachedOrNull(e.link);
  e.summary = detachedOrNull(e.summary);
  e.content = detachedOrNull(e.content);
  e.language = detachedOrNull(e.language);
  e.image = detachedOrNull(e.image);
  e.comments = detachedOrNull(e.comments);
  if (e.base) e.base = detachedString(e.base);
  for (const a of e.authors) detachPerson(a);
  if (e.contributors) for (const a of e.contributors) detachPerson(a);
  for (let i = 0; i < e.categories.length; i++) e.categories[i] = detachedString(e.categories[i] ?? '');
  for (const x of e.enclosures) {
    x.url = detachedString(x.url);
    x.type = detachedOrNull(x.type);
  }
  if (e.media) {
    for (const m of e.media) {
      m.url = detachedString(m.url);
      m.type = detachedOrNull(m.type);
      m.medium = detachedOrNull(m.medium);
    }
  }
  if (e.itunes) {
    e.itunes.author = detachedOrNull(e.itunes.author);
    e.itunes.image = detachedOrNull(e.itunes.image);
  }
  if (e.source) e.source = detachedSource(e.source);
  return e;
}

function detachPerson(p: ParsedPerson): void {
  p.name = detachedOrNull(p.name);
  p.email = detachedOrNull(p.email);
  p.uri = detachedOrNull(p.uri);
}

function detachedSource(s: ParsedSource): ParsedSource {
  return { title: detachedOrNull(s.title), url: detachedOrNull(s.url) };
}

function detachedFeed(feed: ParsedFeed): ParsedFeed {
  feed.title = detachedOrNull(feed.title);
  feed.link = detachedOrNull(feed.link);
  feed.subtitle = detachedOrNull(feed.subtitle);
  feed.language = detachedOrNull(feed.language);
  feed.image = detachedOrNull(feed.image);
  feed.self = detachedOrNull(feed.self);
  feed.hubs = feed.hubs.map(detachedString);
  for (const a of feed.authors ?? []) detachPerson(a);
  for (const a of feed.contributors ?? []) detachPerson(a);
  if (feed.categories) feed.categories = feed.categories.map(detachedString);
  if (feed.itunes) {
    feed.itunes.author = detachedOrNull(feed.itunes.author);
    feed.itunes.image = detachedOrNull(feed.itunes.image);
    feed.itunes.categories = feed.itunes.categories.map(detachedString);
  }
  return feed;
}

/** itunes:duration → seconds: "3723", "62:03", "1:02:03"; null when unreadable. */
export function durationSeconds(text: string): number | null {
  const parts = text.trim().split(':');
  if (parts.length > 3 || parts.some((p) => !/^\d+(?:\.\d+)?$/.test(p))) return null;
  let seconds = 0;
  for (const p of parts) seconds = seconds * 60 + Number(p);
  return Number.isFinite(seconds) ? Math.floor(seconds) : null;
}

const UNDEFINED_XML_ENTITY = /&(?!(?:amp|lt|gt|quot|apos);|#)[A-Za-z][A-Za-z0-9]*;/;

function serializeOpen(c: Collector, qualifiedName: string, attribs: Record<string, string>): void {
  const name = qualifiedName.slice(qualifiedName.indexOf(':') + 1);
  if (c.childElements === 0) c.html = escapeHtml(c.text);
  c.childElements++;
  let tag = '<' + name;
  for (const attrName in attribs) {
    if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) continue;
    const value = attribs[attrName] ?? '';
    tag += ` ${attrName}="${escapeHtml(decodeEntities(value))}"`;
  }
  tag += '>';
  if (c.depth === 0) {
    c.topLevelElements++;
    if (c.topLevelElements === 1 && c.text.trim() === '') {
      c.html += tag;
      c.wrapperStart = c.html.length;
      c.wrapperName = name;
      c.depth++;
      return;
    }
  }
  c.html += tag;
  c.depth++;
}

function serializeClose(c: Collector, qualifiedName: string): void {
  const name = qualifiedName.slice(qualifiedName.indexOf(':') + 1);
  c.depth--;
  if (!VOID_ELEMENTS.has(name)) {
    if (c.depth === 0 && c.topLevelElements === 1 && c.wrapperStart >= 0) c.wrapperEnd = c.html.length;
    c.html += `</${name}>`;
  }
}

/** Markup inside the element; the xhtml wrapper div (alone at top level) is dropped. */
function innerMarkup(c: Collector): string {
  if (
    c.wrapperName === 'div' &&
    c.topLevelElements === 1 &&
    c.wrapperStart >= 0 &&
    c.wrapperEnd >= c.wrapperStart &&
    !c.topLevelTextAfterWrapper
  ) {
    return c.html.slice(c.wrapperStart, c.wrapperEnd).trim();
  }
  return c.html.trim();
}

function decodeBase64(text: string): string {
  try {
    return Buffer.from(text.trim(), 'base64').toString('utf8');
  } catch {
    return text;
  }
}

function numberOrNull(value: string | null): number | null {
  if (value === null) return null;
  const n = Number(value.trim());
  return Number.isFinite(n) && n >= 0 && value.trim() !== '' ? Math.floor(n) : null;
}

function rssVersion(version: string, rootLocal: string): string {
  if (rootLocal === 'channel') return 'rss';
  if (version.startsWith('2')) return 'rss20';
  if (version === '0.91') return 'rss091';
  if (version === '0.92') return 'rss092';
  if (version === '0.93') return 'rss093';
  if (version === '0.94') return 'rss094';
  if (version === '0.90' || version === '0.9') return 'rss090';
  return version === '' ? 'rss20' : 'rss';
}
