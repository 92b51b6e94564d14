// An article read from another reader's export (FreshRSS / Google Reader JSON, Miniflux API JSON):
// the entry as a feed would have given it, the feed it belongs to, and the user's state on it.
import type { ParsedEntry } from '../../model/parsed-feed.ts';

export interface ImportedFeed {
  /** The feed's address (http or https). */
  url: string;
  title: string | null;
  siteUrl: string | null;
  /** Category name in the other reader (Miniflux gives one), or null. */
  category: string | null;
}

export interface ImportedArticle {
  feed: ImportedFeed;
  /** `id` is the publisher's GUID when the export has it (identity as a refresh computes it). */
  entry: ParsedEntry;
  /** true read, false unread, null: the export does not say (an existing state is kept). */
  read: boolean | null;
  /** Only ever adds a star: false keeps an existing one. */
  starred: boolean;
  labels: string[];
}

/** What a reader of an export file returns: the articles it could read and what it could not. */
export interface ImportedArticles {
  articles: ImportedArticle[];
  /** Human-readable, each saying where (line, column, item number) and what. */
  problems: string[];
  /** True when the file is broken: the articles after the fault are missing. */
  broken: boolean;
}

/** A ParsedEntry with every field empty, to fill in. */
export function emptyParsedEntry(): ParsedEntry {
  return {
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
    language: null,
    image: null,
    comments: null,
  };
}
