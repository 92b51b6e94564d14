// What the full-text index stores for an entry (src/search/search-index.ts writes it), computed
// from the entry's stored columns by pure functions: the refresh runs them in its worker threads
// (src/reader/process), next to the sanitizing, so the ingest transaction only writes the result.
// No database code here, so the worker threads do not load any.
import { searchDocumentOf, type SearchDocument } from './search-document.ts';

/** PostgreSQL's largest tsvector position. */
const MAX_POSITION = 16383;

/** The columns of an entry row the index is computed from (authors and categories as stored: JSON). */
export interface IndexedEntryColumns {
  title: string;
  content: string;
  url: string | null;
  authors: string;
  categories: string;
  language: string | null;
}

/**
 * What the index stores for one entry, in its database's form (SQLite: title tokens, body tokens,
 * author, url, tags; PostgreSQL: tsvector text, author, url, tags). Pure: the refresh computes it
 * in its worker threads, next to the sanitizing, and the ingest writes it as is.
 */
export function searchIndexValues(
  row: IndexedEntryColumns,
  postgres: boolean,
  /** textOfHtml(row.content), when the caller has it already (the sanitizer gives it). */
  contentText?: string,
): string[] {
  const doc = searchDocumentOf({
    title: row.title,
    content: row.content,
    url: row.url,
    authors: authorNamesOfJson(row.authors),
    tags: stringListOfJson(row.categories),
    language: row.language,
    contentText,
  });
  return postgres
    ? [tsvectorText(doc), doc.authorText, doc.urlText, doc.tagText]
    : [doc.titleTokens.join(' '), doc.bodyTokens.join(' '), doc.authorText, doc.urlText, doc.tagText];
}

/**
 * What a tsvector may take of PostgreSQL's 1 MB limit (1,048,575 bytes: "string is too long for
 * tsvector"), counted generously: each lexeme's UTF-8 bytes and 8 bytes of overhead, 2 bytes per
 * position. Lexemes met past it are not indexed (an entry of hundreds of kilobytes of distinct
 * words: generated listings, encoded data), so that its feed is still stored.
 */
const TSVECTOR_BUDGET = 900_000;

/** A tsvector literal: every token at its position, title tokens weighted A, body tokens B. */
export function tsvectorText(doc: SearchDocument): string {
  // Each token's text ("'word':3A,9B"), in order of first use; `slots` says where it is.
  const slots = new Map<string, number>();
  const texts: string[] = [];
  let bytes = 0;
  const add = (tokens: readonly string[], first: number, weight: 'A' | 'B') => {
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const position = first + i;
      const slot = slots.get(token);
      // A token first seen past the last position is kept at the last one; later ones are dropped.
      if (slot === undefined) {
        bytes += Buffer.byteLength(token) + 10;
        if (bytes > TSVECTOR_BUDGET) return;
        slots.set(token, texts.length);
        texts.push(`${lexemeText(token)}:${position > MAX_POSITION ? MAX_POSITION : position}${weight}`);
      } else if (position <= MAX_POSITION) {
        bytes += 2;
        texts[slot] += `,${position}${weight}`;
      }
    }
  };
  add(doc.titleTokens, 1, 'A');
  add(doc.bodyTokens, doc.titleTokens.length + 2, 'B');
  return texts.join(' ');
}

/** A quoted tsvector/tsquery lexeme. */
export function lexemeText(token: string): string {
  if (token.indexOf("'") < 0 && token.indexOf('\\') < 0) return `'${token}'`;
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The names of a JSON list of people ([{name, email, uri}]), as the index and filters read them. */
export function authorNamesOfJson(json: string): string[] {
  try {
    const people = JSON.parse(json) as unknown;
    if (!Array.isArray(people)) return [];
    return people
      .map((p) =>
        p && typeof p === 'object' && 'name' in p ? String((p as { name: unknown }).name ?? '') : '',
      )
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** A JSON list of strings (feed-provided tags); [] when it is not one. */
export function stringListOfJson(json: string): string[] {
  try {
    const list = JSON.parse(json) as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
