// The item being read by parse-xml-feed.ts: one scratch object per document, refilled for every
// item, so that reading an item allocates only what the item holds. Its lists stay null until an
// element adds to them; the ParsedEntry is built once, when the item closes, with every string
// copied out of the document (see detached-string.ts).

import type {
  ParsedEnclosure,
  ParsedEntry,
  ParsedItunesEntry,
  ParsedMediaItem,
  ParsedPerson,
  ParsedSource,
} from '../../model/parsed-feed.ts';
import { detachedOrNull, detachedString } from './detached-string.ts';

export class EntryDraft {
  // Every field is set by clear(), from the constructor and at each new item.
  /** True between the item's start and its end. */
  active!: boolean;
  id!: string | null;
  idIsPermalink!: boolean | null;
  title!: string | null;
  link!: string | null;
  published!: number | null;
  updated!: number | null;
  authors!: ParsedPerson[] | null;
  summary!: string | null;
  content!: string | null;
  enclosures!: ParsedEnclosure[] | null;
  categories!: string[] | null;
  language!: string | null;
  image!: string | null;
  comments!: string | null;
  contributors!: ParsedPerson[] | null;
  media!: ParsedMediaItem[] | null;
  itunes!: ParsedItunesEntry | null;
  source!: ParsedSource | null;
  base!: string | null;
  /** The base in effect where the content was read (it wins over the summary's). */
  contentBase!: string | null;
  /** 0: no summary yet; 1: a weak one (media:description, itunes:summary); 2: description or atom:summary. */
  summaryStrength!: number;
  imageRank!: number;
  /** 0: RSS link or alternate link typed HTML; 1: untyped alternate; 2: other alternate; 3: none yet. */
  linkRank!: number;
  /** A permalink guid (or an http atom:id), used as the link when there is none. */
  guidLink!: string | null;

  constructor() {
    this.clear();
  }

  /** Starts a new item. */
  begin(language: string | null, base: string | null): void {
    this.clear();
    this.active = true;
    this.language = language;
    this.base = base;
  }

  /** Forgets the item (its lists and objects now belong to the entry, or to nobody). */
  private clear(): void {
    this.active = false;
    this.id = null;
    this.idIsPermalink = null;
    this.title = null;
    this.link = null;
    this.published = null;
    this.updated = null;
    this.authors = null;
    this.summary = null;
    this.content = null;
    this.enclosures = null;
    this.categories = null;
    this.language = null;
    this.image = null;
    this.comments = null;
    this.contributors = null;
    this.media = null;
    this.itunes = null;
    this.source = null;
    this.base = null;
    this.contentBase = null;
    this.summaryStrength = 0;
    this.imageRank = 99;
    this.linkRank = 3;
    this.guidLink = null;
  }

  addAuthor(p: ParsedPerson): void {
    this.authors ??= [];
    if (!hasPerson(this.authors, p)) this.authors.push(p);
  }

  addContributor(p: ParsedPerson): void {
    this.contributors ??= [];
    if (!hasPerson(this.contributors, p)) this.contributors.push(p);
  }

  addCategory(term: string): void {
    this.categories ??= [];
    if (!this.categories.includes(term)) this.categories.push(term);
  }

  /** Adds an enclosure unless one has the same URL. */
  addEnclosure(url: string, type: string | null, length: number | null): void {
    this.enclosures ??= [];
    for (const e of this.enclosures) if (e.url === url) return;
    this.enclosures.push({ url, type, length });
  }

  hasMedia(url: string): boolean {
    if (this.media === null) return false;
    for (const m of this.media) if (m.url === url) return true;
    return false;
  }

  addMedia(item: ParsedMediaItem): void {
    this.media ??= [];
    this.media.push(item);
  }

  itunesFields(): ParsedItunesEntry {
    this.itunes ??= {
      duration: null,
      episode: null,
      season: null,
      explicit: null,
      block: null,
      author: null,
      image: null,
    };
    return this.itunes;
  }

  /** Ends the item: the entry, its strings detached from the document. */
  finish(): ParsedEntry {
    const itunes = this.itunes;
    if (itunes) {
      itunes.author = detachedOrNull(itunes.author);
      itunes.image = detachedOrNull(itunes.image);
    }
    const base = this.contentBase ?? this.base;
    const entry: ParsedEntry = {
      id: detachedOrNull(this.id),
      idIsPermalink: this.idIsPermalink,
      title: detachedOrNull(this.title),
      link: detachedOrNull(this.link ?? this.guidLink),
      published: this.published,
      updated: this.updated,
      authors: detachedPeople(this.authors),
      summary: detachedOrNull(this.summary),
      content: detachedOrNull(this.content),
      enclosures: detachedEnclosures(this.enclosures),
      categories: detachedStrings(this.categories),
      language: detachedOrNull(this.language),
      image: detachedOrNull(this.image),
      comments: detachedOrNull(this.comments),
      contributors: detachedPeople(this.contributors),
      media: detachedMedia(this.media),
      itunes,
      source: this.source && {
        title: detachedOrNull(this.source.title),
        url: detachedOrNull(this.source.url),
      },
      base: base === null ? null : detachedString(base),
    };
    this.clear();
    return entry;
  }
}

function hasPerson(list: ParsedPerson[], p: ParsedPerson): boolean {
  for (const a of list) if (a.name === p.name && a.email === p.email && a.uri === p.uri) return true;
  return false;
}

/** The list with its people's strings detached (an empty list for null). */
export function detachedPeople(list: ParsedPerson[] | null): ParsedPerson[] {
  if (list === null) return [];
  for (const p of list) {
    p.name = detachedOrNull(p.name);
    p.email = detachedOrNull(p.email);
    p.uri = detachedOrNull(p.uri);
  }
  return list;
}

/** The list with its strings detached (an empty list for null). */
export function detachedStrings(list: string[] | null): string[] {
  if (list === null) return [];
  for (let i = 0; i < list.length; i++) list[i] = detachedString(list[i] ?? '');
  return list;
}

function detachedEnclosures(list: ParsedEnclosure[] | null): ParsedEnclosure[] {
  if (list === null) return [];
  for (const e of list) {
    e.url = detachedString(e.url);
    e.type = detachedOrNull(e.type);
  }
  return list;
}

function detachedMedia(list: ParsedMediaItem[] | null): ParsedMediaItem[] {
  if (list === null) return [];
  for (const m of list) {
    m.url = detachedString(m.url);
    m.type = detachedOrNull(m.type);
    m.medium = detachedOrNull(m.medium);
  }
  return list;
}
