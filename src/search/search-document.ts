// What search sees of an entry: the normalised token text of its title and body (the full-text
// index stores exactly these) plus folded author, link and tag text for the substring operators.
// Built by one function for the index rows and for the in-process evaluator, so both agree.
import { decodeHTML } from 'entities';
import { foldText, searchTokens } from './normalize-text.ts';

export interface SearchableEntry {
  id: number;
  feedId: number;
  categoryId: number | null;
  title: string;
  /** Sanitized HTML. */
  content: string;
  url: string | null;
  authors: string[];
  /** Feed-provided tags (FreshRSS's #tag). */
  tags: string[];
  labelIds: number[];
  language: string | null;
  /** pubdate: the shown publication date (entries.date_at). */
  publishedAt: number;
  /** mdate: the feed's update date, when it gave one. */
  modifiedAt: number | null;
  /** userdate: the user's last state change (read, star), when any. */
  userChangedAt: number | null;
}

export interface SearchDocument {
  titleTokens: string[];
  bodyTokens: string[];
  /** Folded authors, one per line, between newlines: "\nalice dupont\nbob\n". */
  authorText: string;
  urlText: string;
  /** Folded tags between newlines, for exact matches: "\nhello world\nnews\n". */
  tagText: string;
}

/** The visible text of sanitized HTML: tags dropped (block ends become spaces), entities decoded. */
export function textOfHtml(html: string): string {
  return decodeHTML(html.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '));
}

export function searchDocumentOf(entry: {
  title: string;
  content: string;
  url: string | null;
  authors: string[];
  tags: string[];
  language: string | null;
  /** textOfHtml(content), when known already. */
  contentText?: string;
}): SearchDocument {
  return {
    titleTokens: searchTokens(entry.title, entry.language),
    bodyTokens: searchTokens(entry.contentText ?? textOfHtml(entry.content), entry.language),
    authorText: linesText(entry.authors),
    urlText: foldText(entry.url ?? ''),
    tagText: linesText(entry.tags),
  };
}

function linesText(values: string[]): string {
  return `\n${values.map((v) => foldText(v).replace(/\n/g, ' ')).join('\n')}\n`;
}
