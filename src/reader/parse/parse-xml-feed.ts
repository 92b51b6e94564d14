// RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 → ParsedFeed, in one streaming pass over
// xml-tokenizer.ts (no DOM). Elements are matched by namespace URI: prefixes are
// resolved from the xmlns declarations in scope, and an undeclared prefix is taken at its word
// ("dc:creator" without xmlns:dc still means Dublin Core).
//
// Leniency: entities are decoded as HTML (so &nbsp; and &eacute; work), bare & and < stay text,
// unclosed tags are closed by their parent's end tag, anything before the root element (BOM,
// junk, prolog, DOCTYPE with its internal subset) is skipped. DTD entities are never expanded.
// Depth is bounded (parse.too_deep) and nothing recurses, so hostile input stays linear.
//
// Memory: reading a document allocates little besides what the result holds. The parser is one
// object whose methods are the tokenizer's listener (no closures per document or per element);
// element frames are reused by depth, what an element's text is for is a tag on its frame
// (`Collect`), one collector and one entry draft serve the whole document, and each entry is
// built once, when its item closes. Objects that outlive a parse stay few, so V8 promotes little
// of a parse to its old generation (see docs/BENCHMARKS.md, "Parser").

import type {
  FeedFormat,
  ParsedFeed,
  ParsedItunesEntry,
  ParsedItunesFeed,
  ParsedPerson,
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
import { tokenizeXml, type XmlAttributes, type XmlTokenListener } from './xml-tokenizer.ts';
import { detachedOrNull } from './detached-string.ts';
import { detachedPeople, detachedStrings, EntryDraft } from './entry-draft.ts';

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

const HTTP_URL = /^https?:\/\//i;

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

type TextKind = 'text' | 'html' | 'xhtml' | 'base64' | 'rss';

/** What the text of a collected element is for, read when the element ends (finishCollected). */
type Collect =
  | 'person-field'
  | 'source-title'
  | 'image-url'
  | 'title'
  | 'media-title'
  | 'rss-link'
  | 'feed-subtitle'
  | 'summary'
  | 'content'
  | 'feed-id'
  | 'entry-id'
  | 'published'
  | 'updated'
  | 'language'
  | 'editor-or-contributor'
  | 'feed-author'
  | 'entry-author'
  | 'feed-category'
  | 'entry-category'
  | 'itunes-flag'
  | 'itunes-number'
  | 'rss-source'
  | 'comments'
  | 'itunes-image'
  | 'feed-logo';

type Context = 'document' | 'feed' | 'entry' | 'person' | 'ignore' | 'image' | 'source';

/** Text, and markup when the element had child elements (xhtml content, raw HTML in RSS). */
class Collector {
  // Every field is set by reset(), from the constructor and for each new element collected.
  text!: string;
  html!: string;
  childElements!: number;
  depth!: number;
  /** Offsets in `html` of the inside of a single wrapping element (the xhtml div), when there is one. */
  wrapperStart!: number;
  wrapperEnd!: number;
  wrapperName!: string | null;
  topLevelElements!: number;
  topLevelTextAfterWrapper!: boolean;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.text = '';
    this.html = '';
    this.childElements = 0;
    this.depth = 0;
    this.wrapperStart = -1;
    this.wrapperEnd = -1;
    this.wrapperName = null;
    this.topLevelElements = 0;
    this.topLevelTextAfterWrapper = false;
  }
}

/** The namespace declarations in scope, and the canonical keys of names already read under them. */
interface Scope {
  uris: ReadonlyMap<string, string>;
  keys: Map<string, string>;
}

/** An open element outside collected content. Frames are reused: one per depth. */
class Frame {
  /** Canonical key: 'prefix:local' with prefixes normalized by namespace URI ('' for RSS). */
  key: string;
  scope: Scope;
  base: string | null;
  /** True when this frame or an ancestor set xml:base. */
  explicitBase: boolean;
  lang: string | null;
  context: Context;
  /** The element is inside an item. */
  inEntry: boolean;
  /** What the element's text is for, when it is collected. */
  collect: Collect | null;
  kind: TextKind;
  /** A rank or a flag, depending on `collect` or `close`. */
  rank: number;
  /** A string read from the start tag, depending on `collect`. */
  extra: string | null;
  /** The end of a structural element: an item, a person. */
  close: 'item' | 'person' | null;

  constructor(scope: Scope) {
    this.key = '';
    this.scope = scope;
    this.base = null;
    this.explicitBase = false;
    this.lang = null;
    this.context = 'ignore';
    this.inEntry = false;
    this.collect = null;
    this.kind = 'text';
    this.rank = 0;
    this.extra = null;
    this.close = null;
  }
}

export function parseXmlFeed(text: string, root: RootElement, documentUrl: string | null): ParsedFeed {
  const rootLocal = root.name.slice(root.name.indexOf(':') + 1);
  let format: FeedFormat;
  if (rootLocal === 'rss' || rootLocal === 'channel') format = 'rss';
  else if (rootLocal === 'rdf') format = 'rdf';
  else if (rootLocal === 'feed') format = 'atom';
  else throw new ParseError('parse.not_a_feed', `parse: not a feed (the root element is <${root.name}>)`);
  const parser = new XmlFeedParser(text, root, rootLocal, format, documentUrl);
  const { unclosedCdata } = tokenizeXml(text, root.index, parser, MAX_DEPTH);
  return parser.finish(unclosedCdata);
}

class XmlFeedParser implements XmlTokenListener {
  private readonly text: string;
  private readonly root: RootElement;
  private readonly rootLocal: string;
  private readonly format: FeedFormat;
  private readonly documentUrl: string | null;
  // Text may hold double-encoded UTF-8 only where the document does, or where a character
  // reference wrote it.
  private readonly repairDoubleUtf8: boolean;

  // The feed.
  private version: string | null;
  private title: string | null;
  private link: string | null;
  private subtitle: string | null;
  private language: string | null;
  private updated: number | null;
  private image: string | null;
  private readonly hubs: string[];
  private self: string | null;
  private readonly entries: ParsedFeed['entries'];
  private readonly authors: ParsedPerson[];
  private readonly contributors: ParsedPerson[];
  private readonly categories: string[];
  private itunes: ParsedItunesFeed | null;
  private published: number | null;
  private imageRank: number;
  private linkRank: number;
  private idLink: string | null;
  private channelLinkBase: string | null;
  private subtitleRank: number;

  // The item and the person being read.
  private readonly entry: EntryDraft;
  /** The frame whose end closes the item being read. */
  private itemFrame: Frame | null;
  private personActive: boolean;
  private personName: string | null;
  private personEmail: string | null;
  private personUri: string | null;

  // The element stack.
  private readonly prefixCache: Map<string, string>;
  private readonly frames: Frame[];
  private depth: number;
  private readonly emptyScope: Scope;
  private rootSeen: boolean;
  /** The collector is in use (by the innermost frame). */
  private collecting: boolean;
  private readonly collector: Collector;
  /** Depth of markup inside the element being collected (those elements get no frame). */
  private collectedDepth: number;

  private readonly warnings: string[];
  private warnedPrefix: boolean;
  private warnedEntity: boolean;

  constructor(
    text: string,
    root: RootElement,
    rootLocal: string,
    format: FeedFormat,
    documentUrl: string | null,
  ) {
    this.text = text;
    this.root = root;
    this.rootLocal = rootLocal;
    this.format = format;
    this.documentUrl = documentUrl;
    this.repairDoubleUtf8 = mayHaveDoubleUtf8(text);
    this.version = null;
    this.title = null;
    this.link = null;
    this.subtitle = null;
    this.language = null;
    this.updated = null;
    this.image = null;
    this.hubs = [];
    this.self = null;
    this.entries = [];
    this.authors = [];
    this.contributors = [];
    this.categories = [];
    this.itunes = null;
    this.published = null;
    this.imageRank = 99;
    this.linkRank = 99;
    this.idLink = null;
    this.channelLinkBase = null;
    this.subtitleRank = 99;
    this.entry = new EntryDraft();
    this.itemFrame = null;
    this.personActive = false;
    this.personName = null;
    this.personEmail = null;
    this.personUri = null;
    this.prefixCache = new Map();
    this.frames = [];
    this.depth = 0;
    this.emptyScope = { uris: new Map(), keys: new Map() };
    this.rootSeen = false;
    this.collecting = false;
    this.collector = new Collector();
    this.collectedDepth = 0;
    this.warnings = [];
    this.warnedPrefix = false;
    this.warnedEntity = false;
  }

  // Tokenizer events ------------------------------------------------------------------------

  onopentag(name: string, attributes: XmlAttributes): void {
    if (this.collecting) {
      serializeOpen(this.collector, name, attributes);
      this.collectedDepth++;
      return;
    }
    const depth = this.depth;
    const parent = depth > 0 ? this.frames[depth - 1] : undefined;
    let scope = parent?.scope ?? this.emptyScope;
    let declared: Map<string, string> | null = null;
    for (let i = 0; i < attributes.length; i++) {
      const attrName = attributes.names[i] ?? '';
      if (attrName.startsWith('xmlns') && (attrName.length === 5 || attrName.charCodeAt(5) === 58)) {
        if (!declared) declared = new Map(scope.uris);
        declared.set(attrName.length === 5 ? '' : attrName.slice(6), attributes.values[i] ?? '');
      }
    }
    if (declared) scope = { uris: declared, keys: new Map() };
    let key = scope.keys.get(name);
    if (key === undefined) {
      const colon = name.indexOf(':');
      const prefix = colon < 0 ? '' : name.slice(0, colon);
      const local = colon < 0 ? name : name.slice(colon + 1);
      const uri = scope.uris.get(prefix);
      if (uri === undefined && prefix !== '' && !this.warnedPrefix && prefix !== 'xml') {
        this.warnedPrefix = true;
        this.warnings.push(`parse: the namespace prefix "${prefix}" is used without being declared`);
      }
      let ns = uri !== undefined ? this.canonicalPrefix(uri) : prefix;
      // The default namespace, unknown or absent, is the document's own vocabulary.
      if (prefix === '' && (ns === '' || ns.startsWith('{'))) ns = this.format === 'atom' ? 'atom' : '';
      key = ns + ':' + local;
      scope.keys.set(name, key);
    }
    const xmlBase = attributes.get('xml:base');
    const parentBase = parent ? parent.base : this.documentUrl;
    const xmlLang = attributes.get('xml:lang');
    let frame = this.frames[depth];
    if (frame === undefined) {
      frame = new Frame(scope);
      this.frames.push(frame);
    }
    this.depth = depth + 1;
    frame.key = key;
    frame.scope = scope;
    frame.base = xmlBase !== undefined ? resolveUrl(decodeEntities(xmlBase), parentBase) : parentBase;
    frame.explicitBase = xmlBase !== undefined || (parent?.explicitBase ?? false);
    frame.lang = xmlLang !== undefined ? decodeEntities(xmlLang).trim() || null : (parent?.lang ?? null);
    frame.context = 'ignore';
    frame.inEntry = false;
    frame.collect = null;
    frame.kind = 'text';
    frame.rank = 0;
    frame.extra = null;
    frame.close = null;
    this.openElement(frame, attributes, parent ? parent.context : 'document');
  }

  onclosetag(name: string): void {
    if (this.collectedDepth > 0) {
      this.collectedDepth--;
      if (this.collecting) serializeClose(this.collector, name);
      return;
    }
    if (this.depth === 0) return;
    this.depth--;
    const frame = this.frames[this.depth];
    if (!frame) return;
    if (frame.collect !== null) {
      this.collecting = false;
      this.finishCollected(frame, this.collector);
      this.collector.reset();
    }
    if (frame.close === 'item') this.closeItem();
    else if (frame.close === 'person') this.closePerson(frame);
  }

  ontext(from: number, to: number): void {
    if (this.collecting) this.addText(this.text.slice(from, to), false);
  }

  oncdata(data: string): void {
    if (this.collecting) this.addText(data, true);
  }

  /** The feed, once the document is read. */
  finish(unclosedCdata: boolean): ParsedFeed {
    if (this.entry.active) {
      // Unreachable in practice (the tokenizer closes every element), kept for safety.
      this.closeItem();
    }
    if (unclosedCdata) this.warnings.push('parse: a CDATA section is not closed');
    const itunes = this.itunes;
    if (itunes) {
      itunes.author = detachedOrNull(itunes.author);
      itunes.image = detachedOrNull(itunes.image);
      detachedStrings(itunes.categories);
    }
    const feed: ParsedFeed = {
      format: this.format,
      version: this.version,
      title: detachedOrNull(this.title),
      link: detachedOrNull(this.link ?? this.idLink),
      subtitle: detachedOrNull(this.subtitle),
      language: detachedOrNull(this.language),
      updated: this.updated ?? this.published,
      image: detachedOrNull(this.image),
      hubs: detachedStrings(this.hubs),
      self: detachedOrNull(this.self),
      entries: this.entries,
    };
    if (this.warnings.length > 0) feed.warnings = this.warnings;
    feed.authors = detachedPeople(this.authors);
    feed.contributors = detachedPeople(this.contributors);
    feed.categories = detachedStrings(this.categories);
    feed.itunes = itunes;
    return feed;
  }

  // Element handling ------------------------------------------------------------------------

  /** Decides what an element means: its context, what its text is for, what its end does. */
  private openElement(frame: Frame, attributes: XmlAttributes, parentContext: Context): void {
    const key = frame.key;
    const entry = this.entry;

    if (parentContext === 'document') {
      if (this.rootSeen) return;
      this.rootSeen = true;
      // The root element.
      frame.context = 'feed';
      if (this.format === 'rss') {
        const version = this.attr(attributes, 'version')?.trim() ?? '';
        this.version = rssVersion(version, this.rootLocal);
      } else if (this.format === 'atom') {
        const rootName = this.root.name;
        const colon = rootName.indexOf(':');
        const uri = frame.scope.uris.get(colon < 0 ? '' : rootName.slice(0, colon)) ?? '';
        const version = this.attr(attributes, 'version');
        this.version =
          uri.toLowerCase().startsWith('http://purl.org/atom/ns') || version === '0.3' ? 'atom03' : 'atom10';
      } else {
        const uris = [...frame.scope.uris.values()].map((u) => u.toLowerCase());
        this.version = uris.some((u) => u.includes('/rdf/simple/0.9')) ? 'rss090' : 'rss10';
      }
      if (frame.lang) this.language = frame.lang;
      return;
    }

    // An item swallowed by an unclosed element (<itunes:category> left open) is still an item.
    const strayItem = key === ':item' || key === 'atom:entry';
    if (parentContext === 'ignore' && !strayItem) return;

    if (parentContext === 'person' && !strayItem) {
      const local = key.slice(key.indexOf(':') + 1);
      if (local === 'name' || local === 'email' || local === 'uri' || local === 'url')
        this.collect(frame, 'person-field', 'text', 0, local);
      return;
    }

    if (parentContext === 'source' && !strayItem) {
      const source = entry.active ? entry.source : null;
      if (!source) return;
      if (key === 'atom:title') {
        this.collect(frame, 'source-title', this.contentType(attributes, 'text'));
      } else if (key === 'atom:link') {
        const href = this.attr(attributes, 'href');
        const rel = (this.attr(attributes, 'rel') ?? 'alternate').trim().toLowerCase();
        if (href && href.trim() && (rel === 'alternate' || (rel === 'self' && source.url === null)))
          source.url = resolveUrl(href, this.urlBase(frame));
      }
      return;
    }

    if (parentContext === 'image' && !strayItem) {
      if (key === ':url') this.collect(frame, 'image-url');
      return;
    }

    const inEntry = parentContext === 'entry';
    frame.inEntry = inEntry;

    // Structure: channel, items, people, containers.
    switch (key) {
      case ':channel':
        if (!inEntry) frame.context = 'feed';
        return;
      case ':item':
      case 'atom:entry': {
        const previous = this.itemFrame;
        if (previous !== null && previous.close === 'item') {
          // An item opened inside an unclosed item: the first one ends here.
          previous.close = null;
          this.closeItem();
        }
        this.itemFrame = frame;
        frame.context = 'entry';
        frame.close = 'item';
        entry.begin(frame.lang && frame.lang !== this.language ? frame.lang : null, this.urlBase(frame));
        const about = this.attr(attributes, 'rdf:about');
        if (about && about.trim()) entry.id = about.trim();
        return;
      }
      case 'media:group':
        frame.context = inEntry ? 'entry' : 'feed';
        return;
      case ':image':
        if (!inEntry) {
          frame.context = 'image';
          const about = this.attr(attributes, 'rdf:resource');
          if (about) this.setFeedImage(about, 2, this.urlBase(frame));
        }
        return;
      case 'atom:author':
      case 'atom:contributor':
        frame.context = 'person';
        frame.close = 'person';
        frame.rank = key === 'atom:author' ? 1 : 0;
        this.personActive = true;
        this.personName = null;
        this.personEmail = null;
        this.personUri = null;
        return;
      case 'atom:source':
        if (inEntry && entry.active) {
          frame.context = 'source';
          entry.source = { title: null, url: null };
        }
        return;
    }

    // Leaf elements.
    switch (key) {
      case ':title':
      case 'atom:title':
        this.collect(frame, 'title', key === ':title' ? 'rss' : this.contentType(attributes, 'text'));
        return;
      case 'media:title':
        if (inEntry) this.collect(frame, 'media-title');
        return;
      case ':link':
      case 'atom:link': {
        const href = this.attr(attributes, 'href');
        if (key === ':link' && href === null) {
          // RSS link: the URL is the text.
          this.collect(frame, 'rss-link');
          return;
        }
        if (href === null || href.trim() === '') return;
        const rel = (this.attr(attributes, 'rel') ?? 'alternate').trim().toLowerCase();
        const type = this.attr(attributes, 'type')?.trim().toLowerCase() ?? null;
        const url = resolveUrl(href, this.urlBase(frame));
        if (inEntry) {
          if (!entry.active) return;
          if (rel === 'alternate') {
            const rank = type === 'text/html' || type === 'application/xhtml+xml' ? 0 : type === null ? 1 : 2;
            if (rank < entry.linkRank) {
              entry.link = url;
              entry.linkRank = rank;
            }
          } else if (rel === 'enclosure') {
            entry.addEnclosure(url, type ?? null, numberOrNull(this.attr(attributes, 'length')));
          } else if (rel === 'replies' && type === 'text/html' && entry.comments === null) {
            entry.comments = url;
          }
          return;
        }
        if (rel === 'self') {
          if (this.self === null) this.self = url;
        } else if (rel === 'hub') {
          if (!this.hubs.includes(url)) this.hubs.push(url);
        } else if (rel === 'alternate') {
          const rank = type === 'text/html' || type === 'application/xhtml+xml' ? 1 : type === null ? 2 : 3;
          if (rank < this.linkRank) {
            this.link = url;
            this.linkRank = rank;
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
          key === ':description'
            ? 'rss'
            : key.startsWith('atom:')
              ? this.contentType(attributes, 'text')
              : 'text';
        if (!inEntry) {
          const rank =
            key === ':description' || key === 'atom:subtitle' || key === 'atom:tagline'
              ? 0
              : key === 'itunes:subtitle'
                ? 1
                : 2;
          this.collect(frame, 'feed-subtitle', kind, rank);
          return;
        }
        if (key === 'itunes:subtitle') return;
        // 2: a strong summary (description, atom:summary), 1: a weak one.
        this.collect(frame, 'summary', kind, key === ':description' || key === 'atom:summary' ? 2 : 1);
        return;
      }
      case 'content:encoded':
      case 'atom:content':
      case 'xhtml:body': {
        if (!inEntry) return;
        if (key === 'atom:content' && this.attr(attributes, 'src') !== null) {
          const src = this.attr(attributes, 'src') ?? '';
          if (entry.active && entry.link === null && src.trim())
            entry.link = resolveUrl(src, this.urlBase(frame));
          return;
        }
        const kind =
          key === 'atom:content'
            ? this.contentType(attributes, 'text')
            : key.startsWith('xhtml:')
              ? 'xhtml'
              : 'html';
        this.collect(frame, 'content', kind);
        return;
      }
      case ':guid':
      case 'atom:id': {
        if (!inEntry) {
          if (key === 'atom:id') this.collect(frame, 'feed-id');
          return;
        }
        // rank 1: an RSS guid; extra: its isPermaLink attribute, trimmed and lowercased.
        const permaLink =
          key === ':guid' ? (this.attr(attributes, 'ispermalink')?.trim().toLowerCase() ?? null) : null;
        this.collect(frame, 'entry-id', 'text', key === ':guid' ? 1 : 0, permaLink);
        return;
      }
      case ':pubdate':
      case 'atom:published':
      case 'atom:issued':
      case 'dcterms:issued':
      case 'dcterms:created':
      case 'atom:created':
        this.collect(frame, 'published', 'text', key === 'dcterms:created' || key === 'atom:created' ? 1 : 0);
        return;
      case ':lastbuilddate':
      case 'atom:updated':
      case 'atom:modified':
      case 'dc:date':
      case 'dcterms:modified':
        this.collect(frame, 'updated');
        return;
      case ':language':
      case 'dc:language':
        this.collect(frame, 'language');
        return;
      case ':managingeditor':
      case 'dc:contributor':
        this.collect(frame, 'editor-or-contributor');
        return;
      case ':author':
      case 'dc:creator':
      case 'dcterms:creator':
      case 'itunes:author':
      case 'dc:author':
        this.collect(frame, inEntry ? 'entry-author' : 'feed-author');
        return;
      case ':category':
      case 'dc:subject':
      case 'media:category':
        if (inEntry) this.collect(frame, 'entry-category');
        else if (key !== 'media:category') this.collect(frame, 'feed-category');
        return;
      case 'atom:category': {
        const term = this.attr(attributes, 'term') || this.attr(attributes, 'label');
        if (inEntry) this.addEntryCategory(term);
        else this.addFeedCategory(term);
        return;
      }
      case 'itunes:category': {
        // Subcategories nest: <itunes:category text="Technology"><itunes:category text="Gadgets"/>.
        frame.context = inEntry ? 'entry' : 'feed';
        const text = this.attr(attributes, 'text');
        if (inEntry) this.addEntryCategory(text);
        else if (text !== null) {
          const term = collapseWhitespace(text);
          this.addFeedCategory(term);
          const itunes = this.channelItunes();
          if (term && !itunes.categories.includes(term)) itunes.categories.push(term);
        }
        return;
      }
      case 'itunes:explicit':
      case 'itunes:block':
        this.collect(frame, 'itunes-flag');
        return;
      case 'itunes:duration':
      case 'itunes:episode':
      case 'itunes:season':
        if (inEntry) this.collect(frame, 'itunes-number');
        return;
      case ':source': {
        if (!inEntry) return;
        const url = this.attr(attributes, 'url');
        const resolved = url && url.trim() ? resolveUrl(url, this.urlBase(frame)) : null;
        this.collect(frame, 'rss-source', 'text', 0, resolved);
        return;
      }
      case ':enclosure': {
        if (!inEntry || !entry.active) return;
        const url = this.attr(attributes, 'url');
        if (!url || !url.trim()) return;
        entry.addEnclosure(
          resolveUrl(url, this.urlBase(frame)),
          this.attr(attributes, 'type')?.trim() || null,
          numberOrNull(this.attr(attributes, 'length')),
        );
        return;
      }
      case ':comments':
        if (inEntry) this.collect(frame, 'comments');
        return;
      case 'media:thumbnail': {
        const url = this.attr(attributes, 'url');
        if (inEntry) this.setEntryImage(url, 0, this.urlBase(frame));
        else this.setFeedImage(url, 4, frame.base);
        return;
      }
      case 'media:content': {
        const url = this.attr(attributes, 'url');
        const medium = this.attr(attributes, 'medium')?.trim().toLowerCase() || null;
        const type = this.attr(attributes, 'type')?.trim().toLowerCase() || null;
        if (inEntry && (medium === 'image' || type?.startsWith('image/')))
          this.setEntryImage(url, 2, this.urlBase(frame));
        if (inEntry && entry.active && url && url.trim()) {
          const resolved = resolveUrl(url, this.urlBase(frame));
          if (!entry.hasMedia(resolved)) {
            entry.addMedia({
              url: resolved,
              type,
              medium,
              width: numberOrNull(this.attr(attributes, 'width')),
              height: numberOrNull(this.attr(attributes, 'height')),
              duration: numberOrNull(this.attr(attributes, 'duration')),
            });
          }
        }
        frame.context = inEntry ? 'entry' : 'feed';
        return;
      }
      case 'itunes:image': {
        const href = this.attr(attributes, 'href') ?? this.attr(attributes, 'url');
        if (href) this.setItunesImage(href, inEntry, inEntry ? this.urlBase(frame) : frame.base);
        else this.collect(frame, 'itunes-image');
        return;
      }
      case 'atom:logo':
      case 'atom:icon':
        if (!inEntry) this.collect(frame, 'feed-logo', 'text', key === 'atom:logo' ? 0 : 5);
        return;
      default:
        return;
    }
  }

  /** Starts collecting the element's text (and markup), to be used as `what` says at its end. */
  private collect(
    frame: Frame,
    what: Collect,
    kind: TextKind = 'text',
    rank = 0,
    extra: string | null = null,
  ): void {
    this.collector.reset();
    this.collecting = true;
    frame.collect = what;
    frame.kind = kind;
    frame.rank = rank;
    frame.extra = extra;
  }

  /** The end of a collected element. */
  private finishCollected(f: Frame, c: Collector): void {
    const entry = this.entry;
    const kind = f.kind;
    switch (f.collect) {
      case 'person-field': {
        if (!this.personActive) return;
        const value = nonEmpty(collapseWhitespace(c.text));
        if (f.extra === 'name') this.personName = value;
        else if (f.extra === 'email') this.personEmail = value;
        else if (value) this.personUri = resolveUrl(value, f.base);
        return;
      }
      case 'source-title':
        if (entry.source) entry.source.title = nonEmpty(this.plainOf(c, kind));
        return;
      case 'image-url':
        this.setFeedImage(c.text, 1, this.urlBase(f));
        return;
      case 'title': {
        const value = nonEmpty(this.plainOf(c, kind));
        if (!f.inEntry) this.title = value;
        else if (entry.active) entry.title = value;
        return;
      }
      case 'media-title':
        if (entry.active && entry.title === null) entry.title = nonEmpty(this.plainOf(c, 'text'));
        return;
      case 'rss-link': {
        const value = c.text.trim();
        if (!value) return;
        if (f.inEntry) {
          if (entry.active && entry.linkRank > 0) {
            entry.link = resolveUrl(value, this.urlBase(f));
            entry.linkRank = 0;
          }
        } else if (this.linkRank > 0) {
          this.link = resolveUrl(value, f.base);
          this.linkRank = 0;
          if (this.format !== 'atom') this.channelLinkBase = absoluteUrlOrNull(this.link);
        }
        return;
      }
      case 'feed-subtitle': {
        const value = nonEmpty(this.plainOf(c, kind));
        if (value && f.rank < this.subtitleRank) {
          this.subtitle = value;
          this.subtitleRank = f.rank;
        }
        return;
      }
      case 'summary': {
        if (!entry.active) return;
        const value = nonEmpty(this.htmlOf(c, kind));
        if (value === null) return;
        const strength = f.rank;
        if (strength === 2 ? entry.summaryStrength !== 2 : entry.summaryStrength === 0) {
          entry.summary = value;
          entry.summaryStrength = strength;
          if (entry.contentBase === null) entry.base = this.urlBase(f);
        }
        return;
      }
      case 'content': {
        if (!entry.active || entry.content !== null) return;
        const value =
          f.key.startsWith('xhtml:') && c.childElements > 0 ? c.html : nonEmpty(this.htmlOf(c, kind));
        if (value === null || value.trim() === '') return;
        entry.content = value;
        entry.contentBase = this.urlBase(f);
        return;
      }
      case 'feed-id': {
        const value = c.text.trim();
        if (HTTP_URL.test(value)) this.idLink = resolveUrl(value, f.base);
        return;
      }
      case 'entry-id': {
        if (!entry.active) return;
        const value = c.text.trim();
        if (!value) return;
        const permaLink = f.extra;
        const isPermaLink = f.rank === 1 ? permaLink !== 'false' : null;
        entry.id = value;
        entry.idIsPermalink = isPermaLink;
        // A guid said to be a permalink, or any http(s) id, stands in for a missing link.
        const usable = permaLink === 'true' || (isPermaLink !== false && HTTP_URL.test(value));
        entry.guidLink = usable ? resolveUrl(value, this.urlBase(f)) : null;
        return;
      }
      case 'published': {
        const ms = parseDate(c.text);
        if (ms === null) return;
        if (f.inEntry) {
          if (entry.active && (entry.published === null || f.rank === 0)) entry.published = ms;
        } else if (this.published === null || f.rank === 0) this.published = ms;
        return;
      }
      case 'updated': {
        const ms = parseDate(c.text);
        if (ms === null) return;
        if (!f.inEntry) this.updated = ms;
        else if (entry.active) entry.updated = ms;
        return;
      }
      case 'language': {
        const value = nonEmpty(c.text.trim());
        if (!value) return;
        if (!f.inEntry) this.language = value;
        else if (entry.active && value !== this.language) entry.language = value;
        return;
      }
      case 'editor-or-contributor': {
        const p = personFromText(this.plainOf(c, 'rss'));
        if (f.key === ':managingeditor') {
          if (!f.inEntry) addPerson(this.authors, p);
        } else if (!f.inEntry) addPerson(this.contributors, p);
        else if (entry.active && p && !isEmptyPerson(p)) entry.addContributor(p);
        return;
      }
      case 'feed-author': {
        const text = this.plainOf(c, 'rss');
        addPerson(this.authors, personFromText(text));
        if (f.key === 'itunes:author') this.channelItunes().author = nonEmpty(collapseWhitespace(text));
        return;
      }
      case 'entry-author':
        this.finishEntryAuthor(f, c);
        return;
      case 'feed-category':
        this.addFeedCategory(c.text);
        return;
      case 'entry-category':
        this.addEntryCategory(c.text);
        return;
      case 'itunes-flag': {
        const word = c.text.trim().toLowerCase();
        const block = f.key === 'itunes:block';
        const value = block
          ? word === 'yes'
          : word === 'yes' || word === 'true' || word === 'explicit'
            ? true
            : word === 'no' || word === 'false' || word === 'clean'
              ? false
              : null;
        const itunes = f.inEntry ? this.entryItunes() : this.channelItunes();
        if (!itunes) return;
        if (block) itunes.block = value;
        else itunes.explicit = value;
        return;
      }
      case 'itunes-number': {
        const itunes = this.entryItunes();
        if (!itunes) return;
        if (f.key === 'itunes:duration') itunes.duration = durationSeconds(c.text);
        else if (f.key === 'itunes:episode') itunes.episode = numberOrNull(c.text);
        else itunes.season = numberOrNull(c.text);
        return;
      }
      case 'rss-source':
        if (entry.active) entry.source = { title: nonEmpty(collapseWhitespace(c.text)), url: f.extra };
        return;
      case 'comments': {
        const value = c.text.trim();
        if (entry.active && value) entry.comments = resolveUrl(value, this.urlBase(f));
        return;
      }
      case 'itunes-image':
        this.setItunesImage(c.text, f.inEntry, f.inEntry ? this.urlBase(f) : f.base);
        return;
      case 'feed-logo':
        this.setFeedImage(c.text, f.rank, f.base);
        return;
      case null:
        return;
    }
  }

  private finishEntryAuthor(f: Frame, c: Collector): void {
    const entry = this.entry;
    if (!entry.active) return;
    if (f.key === 'itunes:author') {
      const itunes = this.entryItunes();
      if (itunes) itunes.author = nonEmpty(collapseWhitespace(this.plainOf(c, 'rss')));
    }
    if (c.childElements > 0) {
      // <author><name>…</name><email>…</email></author> in RSS: an Atom person without the namespace.
      const name = /<name(?:\s[^>]*)?>([^<]*)<\/name>/.exec(c.html)?.[1];
      const email = /<email(?:\s[^>]*)?>([^<]*)<\/email>/.exec(c.html)?.[1];
      if (name !== undefined || email !== undefined) {
        this.addEntryAuthor({
          name: name ? nonEmpty(collapseWhitespace(decodeEntities(name))) : null,
          email: email ? nonEmpty(decodeEntities(email).trim()) : null,
          uri: null,
        });
        return;
      }
    }
    this.addEntryAuthor(personFromText(c.childElements > 0 ? c.text : this.plainOf(c, 'rss')));
  }

  private closeItem(): void {
    if (this.entry.active) this.entries.push(this.entry.finish());
    this.itemFrame = null;
  }

  private closePerson(frame: Frame): void {
    if (!this.personActive) return;
    this.personActive = false;
    const p: ParsedPerson = { name: this.personName, email: this.personEmail, uri: this.personUri };
    this.personName = this.personEmail = this.personUri = null;
    const isAuthor = frame.rank === 1;
    if (!frame.inEntry) addPerson(isAuthor ? this.authors : this.contributors, p);
    else if (isAuthor) this.addEntryAuthor(p);
    else if (this.entry.active && !isEmptyPerson(p)) this.entry.addContributor(p);
  }

  // Helpers ---------------------------------------------------------------------------------

  private attr(attributes: XmlAttributes, name: string): string | null {
    const raw = attributes.get(name);
    return raw === undefined ? null : decodeEntities(raw);
  }

  private canonicalPrefix(uri: string): string {
    let prefix = this.prefixCache.get(uri);
    if (prefix === undefined) {
      prefix = namespacePrefixForUri(uri);
      this.prefixCache.set(uri, prefix);
    }
    return prefix;
  }

  private setFeedImage(url: string | null, rank: number, base: string | null): void {
    if (url && url.trim() && rank < this.imageRank) {
      this.image = resolveUrl(url, base);
      this.imageRank = rank;
    }
  }

  private setEntryImage(url: string | null, rank: number, base: string | null): void {
    const entry = this.entry;
    if (entry.active && url && url.trim() && rank < entry.imageRank) {
      entry.image = resolveUrl(url, base);
      entry.imageRank = rank;
    }
  }

  private setItunesImage(url: string, inEntry: boolean, base: string | null): void {
    if (!url.trim()) return;
    if (inEntry) {
      this.setEntryImage(url, 1, base);
      const itunes = this.entryItunes();
      if (itunes) itunes.image = resolveUrl(url, base);
    } else {
      this.setFeedImage(url, 3, base);
      this.channelItunes().image = resolveUrl(url, base);
    }
  }

  /** The base for URLs inside an RSS item: xml:base when given, else the channel link, else the document. */
  private urlBase(frame: Frame): string | null {
    if (this.format !== 'atom' && !frame.explicitBase && this.channelLinkBase) return this.channelLinkBase;
    return frame.base;
  }

  private addEntryAuthor(p: ParsedPerson | null): void {
    if (this.entry.active && p && !isEmptyPerson(p)) this.entry.addAuthor(p);
  }

  private addEntryCategory(value: string | null): void {
    if (!this.entry.active || value === null) return;
    const term = collapseWhitespace(value);
    if (term) this.entry.addCategory(term);
  }

  private addFeedCategory(value: string | null): void {
    if (value === null) return;
    const term = collapseWhitespace(value);
    if (term && !this.categories.includes(term)) this.categories.push(term);
  }

  private entryItunes(): ParsedItunesEntry | null {
    return this.entry.active ? this.entry.itunesFields() : null;
  }

  private channelItunes(): ParsedItunesFeed {
    this.itunes ??= { author: null, image: null, categories: [], explicit: null, block: null };
    return this.itunes;
  }

  private contentType(attributes: XmlAttributes, fallback: 'text' | 'html'): TextKind {
    const mode = this.attr(attributes, 'mode');
    if (mode) {
      const m = mode.toLowerCase();
      if (m === 'base64') return 'base64';
      if (m === 'escaped') return 'html';
      if (m === 'xml') return 'xhtml';
    }
    const type = this.attr(attributes, 'type');
    if (!type) return fallback;
    const t = type.trim().toLowerCase();
    if (t === 'html' || t === 'text/html') return 'html';
    if (t === 'xhtml' || t === 'application/xhtml+xml') return 'xhtml';
    if (t === 'text' || t === 'text/plain') return 'text';
    return fallback;
  }

  /** The collected element as HTML. `kind` 'rss' means "HTML unless proven otherwise". */
  private htmlOf(c: Collector, kind: TextKind): string {
    if (c.childElements > 0) return innerMarkup(c);
    if (kind === 'text' || kind === 'xhtml') return escapeHtml(c.text);
    if (kind === 'base64') return decodeBase64(c.text);
    return c.text;
  }

  private plainOf(c: Collector, kind: TextKind): string {
    if (c.childElements > 0) return collapseWhitespace(c.text);
    if (kind === 'html') return plainTextFromHtml(c.text);
    if (kind === 'base64') return plainTextFromHtml(decodeBase64(c.text));
    if (kind === 'rss' && looksLikeHtml(c.text)) return plainTextFromHtml(c.text);
    return collapseWhitespace(c.text);
  }

  private addText(data: string, isCdata: boolean): void {
    const c = this.collector;
    let value = isCdata ? data : decodedXmlEntities(data);
    if (value === null) {
      // Named HTML entities or references to non-ASCII characters: they may write mojibake.
      value = decodeEntities(data);
      if (!this.warnedEntity && value !== data && UNDEFINED_XML_ENTITY.test(data)) {
        this.warnedEntity = true;
        this.warnings.push('parse: HTML entities that XML does not define (read as HTML)');
      }
      value = textWithoutDoubleUtf8(value);
    } else if (this.repairDoubleUtf8) value = textWithoutDoubleUtf8(value);
    c.text += value;
    // Markup is only needed once the element has child elements (see serializeOpen).
    if (c.childElements > 0) c.html += escapeHtml(value);
    if (c.depth === 0 && c.wrapperEnd >= 0 && value.trim() !== '') c.topLevelTextAfterWrapper = true;
  }
}

function nonEmpty(s: string): string | null {
  return s.trim() === '' ? null : s;
}

function isEmptyPerson(p: ParsedPerson): boolean {
  return !p.name && !p.email && !p.uri;
}

function addPerson(list: ParsedPerson[], p: ParsedPerson | null): void {
  if (!p || isEmptyPerson(p)) return;
  if (!list.some((a) => a.name === p.name && a.email === p.email && a.uri === p.uri)) list.push(p);
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

function serializeOpen(c: Collector, qualifiedName: string, attributes: XmlAttributes): void {
  const name = qualifiedName.slice(qualifiedName.indexOf(':') + 1);
  if (c.childElements === 0) c.html = escapeHtml(c.text);
  c.childElements++;
  let tag = '<' + name;
  for (let i = 0; i < attributes.length; i++) {
    const attrName = attributes.names[i] ?? '';
    if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) continue;
    tag += ` ${attrName}="${escapeHtml(decodeEntities(attributes.values[i] ?? ''))}"`;
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
