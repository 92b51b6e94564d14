// HTML → the plain text a reader would see, for row summaries and titles: tags dropped, entities
// decoded, code and foreign markup ignored, whitespace collapsed. Streams through htmlparser2
// without building a DOM, and stops reading once it has enough text for `maxLength`.

import { Parser } from 'htmlparser2';

/** Elements whose content is not text a reader sees. */
const HIDDEN: ReadonlySet<string> = new Set([
  'script',
  'style',
  'svg',
  'math',
  'template',
  'noscript',
  'head',
  'title',
  'iframe',
  'object',
  'select',
  'textarea',
]);

/** Elements that separate words: a space is put at their edges. */
const BREAKING: ReadonlySet<string> = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'img', 'li',
  'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'td', 'th', 'tr', 'ul',
]); // prettier-ignore

/** With a length limit, the HTML is read in pieces of about twice that limit, so that a long
 * article whose first paragraphs give enough text is not parsed to its end. */
const MIN_CHUNK = 1024;
const ELLIPSIS = '…';

/**
 * Plain text of `html`, whitespace collapsed to single spaces and trimmed. With `maxLength`, the
 * text is cut to at most that many characters (at a word boundary when one is near), ending in "…".
 */
export function htmlToText(html: string, maxLength?: number): string {
  const collector = new VisibleTextCollector(maxLength);
  const parser = new Parser(collector, { decodeEntities: true });
  const limit = collector.limit;
  const chunk = limit === Infinity ? Math.max(1, html.length) : Math.max(MIN_CHUNK, limit * 2);
  for (let start = 0; start < html.length && !collector.enough; start += chunk) {
    parser.write(html.slice(start, start + chunk));
  }
  if (!collector.enough) parser.end();
  return collector.result();
}

/**
 * htmlparser2's tag and text events → htmlToText's result. A parser of its own drives it in
 * htmlToText; the sanitizer forwards its events to one (sanitizeEntryHtml's `summary`), so that an
 * entry's summary costs no second parse of its HTML.
 */
export class VisibleTextCollector {
  readonly limit: number;
  /** Enough text for the limit: later text is ignored. */
  enough = false;
  private text = '';
  private pendingSpace = false;
  private hiddenDepth = 0;

  constructor(maxLength?: number) {
    this.limit = maxLength === undefined ? Infinity : Math.max(0, Math.floor(maxLength));
  }

  onopentag(name: string): void {
    if (HIDDEN.has(name)) this.hiddenDepth++;
    else if (BREAKING.has(name)) this.pendingSpace = true;
  }

  onclosetag(name: string): void {
    if (HIDDEN.has(name)) this.hiddenDepth = Math.max(0, this.hiddenDepth - 1);
    else if (BREAKING.has(name)) this.pendingSpace = true;
  }

  ontext(piece: string): void {
    if (this.hiddenDepth !== 0 || this.enough) return;
    const collapsed = piece.replace(/\s+/g, ' ');
    if (collapsed === '') return;
    if (collapsed.startsWith(' ')) this.pendingSpace = true;
    const body = collapsed.trim();
    if (body === '') return;
    if (this.pendingSpace && this.text !== '') this.text += ' ';
    this.text += body;
    this.pendingSpace = collapsed.endsWith(' ');
    if (this.text.length > this.limit) this.enough = true;
  }

  result(): string {
    return this.text.length > this.limit ? truncated(this.text, this.limit) : this.text;
  }
}

function truncated(text: string, limit: number): string {
  if (limit === 0) return '';
  if (limit === 1) return ELLIPSIS;
  let cut = text.slice(0, limit - 1);
  // Do not leave half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const atWordEnd = text[cut.length] === ' ';
  const lastSpace = cut.lastIndexOf(' ');
  if (!atWordEnd && lastSpace >= Math.floor(limit * 0.6)) cut = cut.slice(0, lastSpace);
  return cut.trimEnd() + ELLIPSIS;
}
