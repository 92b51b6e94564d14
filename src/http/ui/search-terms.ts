// Writing and reading the search grammar for the UI, with no dependency on the server (the
// client bundle imports this file too): quoting a value so that it parses back to itself,
// the searches behind clickable authors and tags, the advanced-search form's fields as grammar,
// and the free words and phrases a page highlights.
import type { SearchNode } from '../../search/parse-query.ts';

/** A value as one term: quoted when it holds anything the plain form would change. */
export function quoteSearchValue(value: string): string {
  const clean = value.replace(/\s+/g, ' ').trim();
  if (!clean.includes('"')) return `"${clean}"`;
  if (!clean.includes("'")) return `'${clean}'`;
  return `"${clean.replace(/"/g, '\\"')}"`;
}

/** author:"Name" (FreshRSS's link on an author). */
export function authorSearch(name: string): string {
  return `author:${quoteSearchValue(name)}`;
}

/** #tag, or #"tag with spaces" (FreshRSS's link on a feed-provided tag). */
export function tagSearch(tag: string): string {
  const clean = tag.replace(/\s+/g, ' ').trim();
  return /^[\p{L}\p{N}_.]+$/u.test(clean) ? `#${clean}` : `#${quoteSearchValue(clean)}`;
}

/** The fields of the advanced-search form. Empty strings are left out. */
export interface AdvancedSearchFields {
  /** Free words, written as they are (they may already use the grammar). */
  words: string;
  /** Words that must be in the title. */
  title: string;
  author: string;
  /** A feed id or ''. */
  feed: string;
  /** A category id or ''. */
  category: string;
  /** yyyy-mm-dd (received from, inclusive) or ''. */
  from: string;
  /** yyyy-mm-dd (received until, inclusive) or ''. */
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The grammar the advanced-search form stands for. */
export function composeSearch(f: AdvancedSearchFields): string {
  const parts: string[] = [];
  const words = f.words.trim();
  if (words) parts.push(words);
  for (const w of f.title.trim().split(/\s+/).filter(Boolean)) parts.push(`intitle:${quoteIfNeeded(w)}`);
  if (f.author.trim()) parts.push(authorSearch(f.author));
  if (/^[0-9]+$/.test(f.feed)) parts.push(`f:${f.feed}`);
  if (/^[0-9]+$/.test(f.category)) parts.push(`c:${f.category}`);
  const from = DAY.test(f.from) ? f.from : '';
  const to = DAY.test(f.to) ? f.to : '';
  if (from && to) parts.push(`date:${from}/${to}`);
  else if (from) parts.push(`date:${from}/`);
  else if (to) parts.push(`date:/${to}`);
  return parts.join(' ');
}

/** A single word as a term: quoted only when it holds something the grammar reads. */
function quoteIfNeeded(word: string): string {
  return /^[\p{L}\p{N}_.]+$/u.test(word) ? word : quoteSearchValue(word);
}

/**
 * The free words and phrases (free text, intitle:, intext:) a resolved search looks for, outside
 * negations: what the page highlights.
 */
export function highlightTerms(node: SearchNode | null): string[] {
  const out: string[] = [];
  const walk = (n: SearchNode, negated: boolean) => {
    switch (n.kind) {
      case 'and':
      case 'or':
        for (const c of n.children) walk(c, negated);
        return;
      case 'not':
        walk(n.child, !negated);
        return;
      case 'text':
        if (!negated && (n.field === 'any' || n.field === 'title' || n.field === 'content') && n.value.trim())
          out.push(n.value.trim());
        return;
      default:
        return;
    }
  };
  if (node) walk(node, false);
  return [...new Set(out)];
}
