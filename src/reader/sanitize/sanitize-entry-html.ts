// Makes the HTML of an entry, written by whoever publishes the feed, safe to show inside Veille's
// pages: an explicit allow-list of tags and attributes (entry-html-rules.ts), applied in one pass
// over htmlparser2's events, writing the output as it goes (no DOM). Every URL that survives is
// absolute, canonical and http(s) (plus mailto for links); links open in a new tab without opener
// or referrer; images load lazily without referrer; iframes stay only for known video/audio
// players, sandboxed.
//
// The walk reproduces what sanitize-html did with the same rules (sanitize-entry-html-reference.ts,
// kept for the tests, which compare both over real HTML); it costs 3–4× less CPU, as it builds no
// option tables per call and no closures per element (see docs/DECISIONS.md).

import { Parser } from 'htmlparser2';
import type { Handler } from 'htmlparser2';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_EMPTY_ATTRIBUTES,
  ALLOWED_TAGS,
  DROPPED_WITH_CONTENT,
  SELF_CLOSING_TAGS,
  entryElementRule,
  type ElementAttributes,
} from './entry-html-rules.ts';
import { httpBaseUrl } from './safe-url.ts';
import type { VisibleTextCollector } from './html-to-text.ts';

export interface SanitizeEntryHtmlOptions {
  /** URL relative links and images are resolved against (the entry's or the feed's URL). */
  baseUrl: string | null;
  /**
   * Also gets the parser's tag and text events: htmlToText of the same HTML, read in the same
   * pass (the refresh's summaries).
   */
  summary?: VisibleTextCollector | null;
}

const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_TAGS);
const DROPPED: ReadonlySet<string> = new Set(DROPPED_WITH_CONTENT);
const SELF_CLOSING: ReadonlySet<string> = new Set(SELF_CLOSING_TAGS);
const EMPTY_OK: ReadonlySet<string> = new Set(ALLOWED_EMPTY_ATTRIBUTES);
const ATTRIBUTES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(ALLOWED_ATTRIBUTES).map(([tag, names]) => [tag, new Set(names)]),
);

export function sanitizeEntryHtml(html: string, options: SanitizeEntryHtmlOptions): string {
  return written(html, options, false).result;
}

/**
 * sanitizeEntryHtml, and the visible text of its result as the search index reads it: exactly
 * what textOfHtml (src/search/search-document.ts) gives for `html` — a space for each tag, text
 * unescaped — without parsing the result again.
 */
export function sanitizeEntryHtmlWithText(
  html: string,
  options: SanitizeEntryHtmlOptions,
): { html: string; text: string } {
  const writer = written(html, options, true);
  return { html: writer.result, text: writer.text!.join('') };
}

/** The writer after the whole of `html` went through it. */
function written(html: string, options: SanitizeEntryHtmlOptions, keepText: boolean): SanitizedHtmlWriter {
  const writer = new SanitizedHtmlWriter(httpBaseUrl(options.baseUrl), keepText, options.summary ?? null);
  new Parser(writer, { decodeEntities: true }).end(html);
  return writer;
}

/** An element open in the source, as the writer sees it. */
interface OpenElement {
  /** Name in the source. */
  source: string;
  /** Name written out (an unknown <iframe> becomes <a>). */
  output: string;
  /** Not allowed: neither its tags nor its attributes are written (its text is, unless dropped). */
  disallowed: boolean;
  /** Its tags are not written (what is inside is). */
  tagRemoved: boolean;
  /** Removed with everything inside: the output is cut back to `position` when it closes. */
  contentRemoved: boolean;
  /** Output length before its opening tag. */
  position: number;
  /** Pieces of text before its opening tag (when the writer keeps the text). */
  textPosition: number;
  /** Replaces the text directly inside it. */
  text: string | undefined;
}

/** htmlparser2 handler writing the sanitized document into `result`. */
class SanitizedHtmlWriter implements Partial<Handler> {
  result = '';
  /** The visible text, in pieces (a space per tag written), when asked for. */
  readonly text: string[] | null;
  private readonly base: URL | null;
  private readonly summary: VisibleTextCollector | null;
  /** Every element open in the source, allowed or not, including those inside dropped containers. */
  private readonly names: string[] = [];
  private iframesOpen = 0;
  /** Elements tracked since the last dropped container (mirrors `names` outside dropped ones). */
  private readonly stack: OpenElement[] = [];
  /** Inside a container dropped with its content: elements opened in it, itself included. */
  private droppedDepth = 0;
  /** The replacement text of an unknown iframe was written: its own text is not. */
  private replacedText = false;

  constructor(base: URL | null, keepText: boolean, summary: VisibleTextCollector | null) {
    this.base = base;
    this.summary = summary;
    this.text = keepText ? [] : null;
  }

  onopentag(name: string, attribs: ElementAttributes): void {
    this.summary?.onopentag(name);
    this.names.push(name);
    if (name === 'iframe') this.iframesOpen++;
    if (this.droppedDepth > 0) {
      this.droppedDepth++;
      return;
    }
    const element: OpenElement = {
      source: name,
      output: name,
      disallowed: false,
      tagRemoved: false,
      contentRemoved: false,
      position: this.result.length,
      textPosition: this.text === null ? 0 : this.text.length,
      text: undefined,
    };
    this.stack.push(element);

    let kept: ElementAttributes = {};
    if (ALLOWED.has(name)) {
      const names = this.names;
      const rule = entryElementRule(name, attribs, {
        parent: names.length >= 2 ? names[names.length - 2] : undefined,
        insideIframe: this.iframesOpen - (name === 'iframe' ? 1 : 0) > 0,
        base: this.base,
      });
      if (rule === 'remove-tag') {
        element.tagRemoved = true;
        return;
      }
      if (rule === 'remove-with-content') element.contentRemoved = true;
      else {
        kept = rule.attribs;
        element.output = rule.tagName;
        element.text = rule.text;
      }
    }
    const output = element.output;
    if (!ALLOWED.has(output)) {
      element.disallowed = true;
      if (DROPPED.has(output)) this.droppedDepth = 1;
      return;
    }
    if (element.contentRemoved) return;

    let tag = '<' + output;
    const allowed = ATTRIBUTES.get(output);
    if (allowed !== undefined) {
      for (const attribute in kept) {
        if (!allowed.has(attribute)) continue;
        const value = kept[attribute]!;
        if (value !== '') tag += ' ' + attribute + '="' + escapedAttribute(value) + '"';
        else if (EMPTY_OK.has(attribute)) tag += ' ' + attribute + '=""';
      }
    }
    this.text?.push(' ');
    if (SELF_CLOSING.has(output)) tag += ' />';
    else {
      tag += '>';
      if (element.text) {
        tag += escapedText(element.text);
        this.text?.push(element.text);
        this.replacedText = true;
      }
    }
    this.result += tag;
  }

  ontext(text: string): void {
    this.summary?.ontext(text);
    if (this.droppedDepth > 0 || this.replacedText) return;
    const current = this.stack[this.stack.length - 1];
    if (current !== undefined) {
      if (current.contentRemoved) return;
      if (current.text !== undefined) {
        this.result += escapedText(current.text);
        this.text?.push(current.text);
        return;
      }
    }
    this.result += escapedText(text);
    this.text?.push(text);
  }

  onclosetag(name: string): void {
    this.summary?.onclosetag(name);
    if (this.names.pop() === 'iframe') this.iframesOpen--;
    if (this.droppedDepth > 0) {
      this.droppedDepth--;
      if (this.droppedDepth > 0) return;
    }
    const element = this.stack.pop();
    if (element === undefined) return;
    if (element.source !== name) {
      this.stack.push(element);
      return;
    }
    if (element.disallowed || element.tagRemoved) return;
    if (element.contentRemoved) {
      this.result = this.result.slice(0, element.position);
      if (this.text !== null) this.text.length = element.textPosition;
      return;
    }
    if (SELF_CLOSING.has(element.output)) return;
    this.result += '</' + element.output + '>';
    this.text?.push(' ');
    this.replacedText = false;
  }
}

const TEXT_SPECIAL = /[&<>]/;
const ATTRIBUTE_SPECIAL = /[&<>"]/;

function escapedText(text: string): string {
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapedAttribute(value: string): string {
  if (!ATTRIBUTE_SPECIAL.test(value)) return value;
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export { htmlToText } from './html-to-text.ts';
