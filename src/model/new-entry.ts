// An entry ready to store: identity computed, content sanitized. Made by the refresh from a
// ParsedEntry (src/refresh/entries-from-parsed.ts); stored by src/storage/entries.ts.
import type { ParsedEnclosure, ParsedPerson } from './parsed-feed.ts';

export interface NewEntry {
  /** Identity within the feed: GUID, else link, else a content hash. */
  guidKey: string;
  guid: string | null;
  url: string | null;
  title: string;
  authors: ParsedPerson[];
  /** Sanitized HTML. */
  content: string;
  /** Plain-text excerpt. */
  summary: string;
  publishedAt: number | null;
  updatedAt: number | null;
  /** Shown date: published ?? updated ?? reception, never later than reception. */
  dateAt: number;
  /** Changes when what the reader sees changes (title, content, link, enclosures). */
  contentHash: string;
  language: string | null;
  enclosures: ParsedEnclosure[];
  categories: string[];
  thumbnail: string | null;
}
