// The in-process evaluation of a search (filter actions on new entries, and the regex terms
// SQL cannot run): the same semantics as query-to-sql.ts, checked by one test table run both ways.
import { entryIdAt } from '../storage/entries.ts';
import { foldText, stemVariants } from './normalize-text.ts';
import { boundTime, type DateBound, type SearchNode, type TextField } from './parse-query.ts';
import { regexText } from './regex-sql.ts';
import { searchDocumentOf, type SearchDocument, type SearchableEntry } from './search-document.ts';

/** What saved queries and label names resolve against. */
export interface SearchContext {
  labels: { id: number; name: string }[];
  /** A saved query by name or by 1-based position, or null when there is none. */
  savedQuery(ref: { name: string } | { position: number }): SearchNode | null;
}

const MATCH_NONE: SearchNode = { kind: 'or', children: [] };

/**
 * Replaces label names by label ids and saved queries by their ASTs (unknown ones match
 * nothing; a query reached again inside itself matches nothing, so loops end).
 */
export function resolveSearchNode(node: SearchNode, context: SearchContext, seen: string[] = []): SearchNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((c) => resolveSearchNode(c, context, seen)) };
    case 'not':
      return { kind: 'not', child: resolveSearchNode(node.child, context, seen) };
    case 'label-name': {
      const wanted = new Set(node.names.map(foldText));
      const ids = context.labels.filter((l) => wanted.has(foldText(l.name))).map((l) => l.id);
      return ids.length ? { kind: 'ids', field: 'label', ids } : MATCH_NONE;
    }
    case 'saved-query': {
      const refs = [
        ...node.names.map((name) => ({ key: `n:${name}`, ref: { name } })),
        ...node.positions.map((position) => ({ key: `p:${position}`, ref: { position } })),
      ];
      const children = refs.map(({ key, ref }) => {
        if (seen.includes(key)) return MATCH_NONE;
        const saved = context.savedQuery(ref);
        return saved ? resolveSearchNode(saved, context, [...seen, key]) : MATCH_NONE;
      });
      return children.length === 1 ? children[0]! : { kind: 'or', children };
    }
    default:
      return node;
  }
}

/**
 * Whether an entry matches a resolved search (see resolveSearchNode). `document` may be passed
 * when already built (searchDocumentOf), e.g. for many queries over one entry.
 */
export function entryMatchesSearch(
  node: SearchNode,
  entry: SearchableEntry,
  nowMs: number,
  document?: SearchDocument,
): boolean {
  const matches = (n: SearchNode): boolean => {
    switch (n.kind) {
      case 'and':
        return n.children.every(matches);
      case 'or':
        return n.children.some(matches);
      case 'not':
        return !matches(n.child);
      case 'text':
        // Built on first use: a search of regexes and ids never tokenizes the entry.
        document ??= searchDocumentOf(entry);
        return textMatches(n.field, n.value, document);
      case 'regex':
        return regexMatches(n.field, new RegExp(n.pattern, n.flags), entry);
      case 'ids': {
        const ids = new Set(n.ids);
        if (n.field === 'feed') return ids.has(entry.feedId);
        if (n.field === 'category') return entry.categoryId !== null && ids.has(entry.categoryId);
        if (n.field === 'entry') return ids.has(entry.id);
        return entry.labelIds.some((id) => ids.has(id));
      }
      case 'any-label':
        return entry.labelIds.length > 0;
      case 'date': {
        if (n.field === 'received') return inRange(entry.id, n.from, n.to, nowMs, entryIdAt);
        const t =
          n.field === 'published'
            ? entry.publishedAt
            : n.field === 'modified'
              ? entry.modifiedAt
              : entry.userChangedAt;
        return t !== null && inRange(t, n.from, n.to, nowMs, (ms) => ms);
      }
      case 'label-name':
      case 'saved-query':
        throw new Error('search: resolve label names and saved queries first (resolveSearchNode)');
    }
  };
  return matches(node);
}

function inRange(
  value: number,
  from: DateBound | null,
  to: DateBound | null,
  nowMs: number,
  scale: (ms: number) => number,
): boolean {
  if (from && value < scale(boundTime(from, nowMs))) return false;
  if (to && value >= scale(boundTime(to, nowMs))) return false;
  return true;
}

function textMatches(field: TextField, value: string, doc: SearchDocument): boolean {
  switch (field) {
    case 'any':
    case 'title':
    case 'content': {
      const variants = stemVariants(value);
      if (variants.length === 0) return true;
      const columns =
        field === 'any'
          ? [doc.titleTokens, doc.bodyTokens]
          : field === 'title'
            ? [doc.titleTokens]
            : [doc.bodyTokens];
      return variants.some((phrase) => columns.some((tokens) => containsSequence(tokens, phrase)));
    }
    case 'url':
      return doc.urlText.includes(foldText(value));
    case 'author':
      return doc.authorText.includes(foldText(value));
    case 'tag':
      return doc.tagText.includes(`\n${foldText(value)}\n`);
  }
}

function containsSequence(tokens: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (tokens[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * Regexes run on the raw fields (HTML content, one author or tag per line), as FreshRSS's, cut to
 * their first REGEX_TEXT_LIMIT characters (regexText, as in SQL: regex-sql.ts) so that a pattern's
 * cost stays bounded on a huge article.
 */
function regexMatches(field: TextField, re: RegExp, e: SearchableEntry): boolean {
  const test = (text: string) => re.test(regexText(text));
  switch (field) {
    case 'any':
      return test(e.title) || test(e.content);
    case 'title':
      return test(e.title);
    case 'content':
      return test(e.content);
    case 'url':
      return test(e.url ?? '');
    case 'author':
      return test(e.authors.join('\n'));
    case 'tag':
      return test(e.tags.join('\n'));
  }
}
