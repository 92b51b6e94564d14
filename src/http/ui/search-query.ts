// The `search` parameter of a stream page (FreshRSS's name): parsed with the grammar, label names
// and saved queries resolved for the user, or the parser's message and position when it does not
// parse — never an exception.
import type { Kysely } from 'kysely';
import { resolveSearchNode } from '../../search/evaluate-query.ts';
import { searchQueryOrError, type SearchNode } from '../../search/parse-query.ts';
import type { Schema } from '../../storage/schema.ts';
import { searchContextForUser } from '../../storage/user-queries.ts';
import { highlightTerms } from './search-terms.ts';

/** Longer searches are refused with a message (they would only be typos or abuse). */
export const SEARCH_MAX_LENGTH = 1000;

export interface PageSearch {
  /** The search as typed, trimmed ('' when none). */
  text: string;
  /** The resolved search, or null when there is none or it does not parse. */
  node: SearchNode | null;
  error: { message: string; position: number } | null;
  /** Free words and phrases to highlight. */
  highlights: string[];
}

export const NO_SEARCH: PageSearch = { text: '', node: null, error: null, highlights: [] };

/** The search parameter's text ('' when absent). */
export function searchParamText(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

export async function pageSearchFor(
  db: Kysely<Schema>,
  userId: number,
  raw: unknown,
  labels?: readonly { id: number; name: string }[],
): Promise<PageSearch> {
  const text = searchParamText(raw);
  if (!text) return NO_SEARCH;
  if (text.length > SEARCH_MAX_LENGTH)
    return {
      text,
      node: null,
      error: {
        message: `the search is longer than ${SEARCH_MAX_LENGTH} characters`,
        position: SEARCH_MAX_LENGTH,
      },
      highlights: [],
    };
  const parsed = searchQueryOrError(text);
  if (!parsed.ok)
    return {
      text,
      node: null,
      error: { message: parsed.error.message.replace(/^search: /, ''), position: parsed.error.position },
      highlights: [],
    };
  if (!parsed.node) return NO_SEARCH;
  const context = await searchContextForUser(db, userId, labels);
  const node = resolveSearchNode(parsed.node, context);
  return { text, node, error: null, highlights: highlightTerms(node) };
}
