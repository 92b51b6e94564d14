// A lenient, linear-time XML tokenizer for feeds: jumps from '<' to '<' with indexOf and reads
// names and attributes by character codes (no regular expressions, no backtracking). It keeps the
// element stack itself, so that its listener sees balanced events: every opened element is closed
// exactly once, innermost first, whether the document closed it or not.
//
// Leniency, as browsers and feedparser's loose parser read broken feeds:
// - a '<' not followed by a name character, '/', '!' or '?' is text ("a < b", "1<2");
// - a bare '&' is text (entities are left as written: the listener decodes them);
// - an end tag closes every element opened after the matching start tag; an end tag matching
//   no open element is ignored; elements still open at the end are closed there;
// - CDATA sections (one event; an unclosed one runs to the end of the document), comments,
//   processing instructions (to '?>') and declarations (<!DOCTYPE …> up to its first '>') are skipped,
//   and DTD entities are never expanded;
// - attributes may be unquoted or have no value (''), the first of duplicates wins;
// - tag and attribute names are lowercased (names are case-insensitive for the feed logic);
// - a tag cut off by the end of the document is dropped.
//
// Names, attribute values and text are given as written (entities not decoded).

import { ParseError } from './parse-error.ts';

/**
 * The attributes of the start tag being reported, in document order: one object per tokenizer
 * run, refilled for every tag, so it is valid only during `onopentag` (copy what is kept).
 */
export class XmlAttributes {
  /** Lowercased names. */
  readonly names: string[];
  /** Values as written (entities not decoded). */
  readonly values: string[];
  length: number;
  /** Names already given, once the tag has many attributes (keeps duplicate checks linear). */
  private seen: Set<string> | null;

  constructor() {
    this.names = [];
    this.values = [];
    this.length = 0;
    this.seen = null;
  }

  /** The value of the attribute `name` (lowercased), undefined when the tag has none. */
  get(name: string): string | undefined {
    for (let i = 0; i < this.length; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }

  /** Adds an attribute unless the tag already has one of that name (the first of duplicates wins). */
  add(name: string, value: string): void {
    if (this.seen !== null) {
      if (this.seen.has(name)) return;
      this.seen.add(name);
    } else {
      for (let i = 0; i < this.length; i++) if (this.names[i] === name) return;
      if (this.length === 16) this.seen = new Set(this.names.slice(0, 16)).add(name);
    }
    this.names[this.length] = name;
    this.values[this.length] = value;
    this.length++;
  }

  clear(): void {
    this.length = 0;
    this.seen = null;
  }

  /** Drops every string held, so that the document can be collected once tokenized. */
  release(): void {
    this.clear();
    this.names.length = 0;
    this.values.length = 0;
  }
}

export interface XmlTokenListener {
  /** A start tag; `name` and attribute names are lowercased, values as written. */
  onopentag(name: string, attributes: XmlAttributes): void;
  /** The end of the element opened with `name` (lowercased), written or implied. */
  onclosetag(name: string): void;
  /** Text between `from` and `to` in the document (slice it only if it is needed). */
  ontext(from: number, to: number): void;
  /** The content of a CDATA section. */
  oncdata(data: string): void;
}

export interface XmlTokenizeResult {
  /** True when a CDATA section was still open at the end of the document. */
  unclosedCdata: boolean;
}

/** Tokenizes `text` from `start`, calling `listener`; throws parse.too_deep past `maxDepth` open elements. */
export function tokenizeXml(
  text: string,
  start: number,
  listener: XmlTokenListener,
  maxDepth: number,
): XmlTokenizeResult {
  const n = text.length;
  const stack: string[] = [];
  // How many times each name is on the stack: an end tag that matches nothing is dropped in
  // constant time, so a flood of stray end tags under a deep stack stays linear.
  const openCount = new Map<string, number>();
  const attributes = new XmlAttributes();
  let unclosedCdata = false;
  let textStart = start;
  let i = start;

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);

    if (isNameStart(c)) {
      // Start tag: the name runs to whitespace, '/' or '>'.
      let k = lt + 2;
      while (k < n && !isEndOfName(text.charCodeAt(k))) k++;
      const name = lowerAscii(text.slice(lt + 1, k));
      attributes.clear();
      let selfClosing = false;
      let ended = false;
      while (k < n) {
        let d = text.charCodeAt(k);
        if (d === 62 /* > */) {
          ended = true;
          k++;
          break;
        }
        if (d === 47 /* / */) {
          k++;
          while (k < n && isWhitespace(text.charCodeAt(k))) k++;
          if (k < n && text.charCodeAt(k) === 62) {
            selfClosing = true;
            ended = true;
            k++;
            break;
          }
          continue;
        }
        if (isWhitespace(d)) {
          k++;
          continue;
        }
        // Attribute name: its first character is taken whatever it is ('=' included).
        const nameStart = k;
        k++;
        while (k < n) {
          d = text.charCodeAt(k);
          if (d === 61 /* = */ || isEndOfName(d)) break;
          k++;
        }
        const attrName = lowerAscii(text.slice(nameStart, k));
        while (k < n && isWhitespace(text.charCodeAt(k))) k++;
        let value = '';
        if (k < n && text.charCodeAt(k) === 61) {
          k++;
          while (k < n && isWhitespace(text.charCodeAt(k))) k++;
          if (k >= n) break;
          d = text.charCodeAt(k);
          if (d === 34 /* " */ || d === 39 /* ' */) {
            const close = text.indexOf(d === 34 ? '"' : "'", k + 1);
            if (close < 0) {
              k = n;
              break;
            }
            value = text.slice(k + 1, close);
            k = close + 1;
          } else {
            const valueStart = k;
            while (k < n) {
              d = text.charCodeAt(k);
              if (d === 62 || isWhitespace(d)) break;
              k++;
            }
            value = text.slice(valueStart, k);
          }
        }
        attributes.add(attrName, value);
      }
      if (lt > textStart) listener.ontext(textStart, lt);
      if (!ended) {
        // Cut off by the end of the document: the tag is dropped.
        textStart = n;
        break;
      }
      if (stack.length >= maxDepth) {
        throw new ParseError('parse.too_deep', `parse: elements nested deeper than ${maxDepth} levels`);
      }
      stack.push(name);
      openCount.set(name, (openCount.get(name) ?? 0) + 1);
      listener.onopentag(name, attributes);
      if (selfClosing) {
        stack.pop();
        decrement(openCount, name);
        listener.onclosetag(name);
      }
      i = textStart = k;
      continue;
    }

    if (c === 47 /* / */) {
      // End tag: '</' then optional whitespace then a name; '</>' and '</ 1' are text.
      let k = lt + 2;
      while (k < n && isWhitespace(text.charCodeAt(k))) k++;
      if (k >= n || !isNameStart(text.charCodeAt(k))) {
        i = lt + 1;
        continue;
      }
      const nameStart = k;
      while (k < n) {
        const d = text.charCodeAt(k);
        if (d === 62 || isWhitespace(d)) break;
        k++;
      }
      const name = lowerAscii(text.slice(nameStart, k));
      const gt = k < n && text.charCodeAt(k) === 62 ? k : text.indexOf('>', k);
      if (lt > textStart) listener.ontext(textStart, lt);
      if (gt < 0) {
        textStart = n;
        break;
      }
      if ((openCount.get(name) ?? 0) > 0) {
        for (;;) {
          const open = stack.pop();
          if (open === undefined) break;
          decrement(openCount, open);
          listener.onclosetag(open);
          if (open === name) break;
        }
      }
      i = textStart = gt + 1;
      continue;
    }

    if (c === 33 /* ! */) {
      if (lt > textStart) listener.ontext(textStart, lt);
      let end: number;
      if (text.startsWith('[CDATA[', lt + 2)) {
        const close = text.indexOf(']]>', lt + 9);
        if (close < 0) {
          unclosedCdata = true;
          listener.oncdata(text.slice(lt + 9));
          textStart = n;
          break;
        }
        listener.oncdata(text.slice(lt + 9, close));
        end = close + 3;
      } else if (text.charCodeAt(lt + 2) === 45 && text.charCodeAt(lt + 3) === 45) {
        // Comment; '<!-->' is an empty one, as HTML reads it.
        const close = text.indexOf('-->', lt + 2);
        end = close < 0 ? n : close + 3;
      } else {
        // Declaration (DOCTYPE and friends) to the first '>'.
        const close = text.indexOf('>', lt + 2);
        end = close < 0 ? n : close + 1;
        // '<![CD' cut off by the end of the document is a CDATA section left open too.
        if (text.charCodeAt(lt + 2) === 91 /* [ */ && text.indexOf(']]>', lt + 3) < 0) unclosedCdata = true;
      }
      i = textStart = end;
      continue;
    }

    if (c === 63 /* ? */) {
      // Processing instruction: to '?>', or to the first '>' when it is never closed so.
      if (lt > textStart) listener.ontext(textStart, lt);
      const close = text.indexOf('?>', lt + 2);
      const gt = close < 0 ? text.indexOf('>', lt + 2) : close + 1;
      i = textStart = gt < 0 ? n : gt + 1;
      continue;
    }

    // A '<' that starts nothing is text.
    i = lt + 1;
  }

  if (n > textStart) listener.ontext(textStart, n);
  attributes.release();
  for (let open = stack.pop(); open !== undefined; open = stack.pop()) listener.onclosetag(open);
  return { unclosedCdata };
}

function decrement(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 1) - 1);
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

function isEndOfName(c: number): boolean {
  return c === 62 || c === 47 || c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

/** Letters, '_', ':' and any non-ASCII character may start an XML name. */
function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || c > 127;
}

/** The name with ASCII letters lowercased; the same string when it has no capital. */
function lowerAscii(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return name.toLowerCase();
  }
  return name;
}
