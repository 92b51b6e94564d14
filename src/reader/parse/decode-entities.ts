// Character references in feed text → characters, read as HTML (so &nbsp; and &eacute; work, as
// browsers and feedparser read them). The five XML entities and plain numeric references are
// decoded here directly; anything else (named HTML entities, references without ';', C1
// controls) goes to `entities`' decodeHTML, which then reads the whole value.

import { decodeHTML } from 'entities';

export function decodeEntities(value: string): string {
  if (value.indexOf('&') < 0) return value;
  return simplyDecoded(value, false) ?? decodeHTML(value);
}

/**
 * The value with its XML entities (&amp; &lt; &gt; &quot; &apos;) and numeric references to ASCII
 * characters decoded: text that cannot hold anything else than what it says. null when it has any
 * other reference (decodeEntities reads those).
 */
export function decodedXmlEntities(value: string): string | null {
  if (value.indexOf('&') < 0) return value;
  return simplyDecoded(value, true);
}

// Kinds of references found by simpleReferences.
const AMP = 1;
const LT = 2;
const GT = 4;
const QUOT = 8;
const APOS = 16;
const NUMERIC = 32;
const NOT_SIMPLE = -1;

/**
 * The value decoded when its references are all XML entities or plain numeric ones, else null.
 * With XML entities only, each kind is replaced in one pass that writes a flat string (an atom
 * regexp with a string replacement); numeric references are decoded in one loop with the rest.
 */
function simplyDecoded(value: string, asciiOnly: boolean): string | null {
  const kinds = simpleReferences(value, asciiOnly);
  if (kinds === NOT_SIMPLE) return null;
  // A numeric reference may write '&': with other references around, all in one pass.
  if (kinds & NUMERIC) return withSimpleReferencesDecoded(value);
  let out = value;
  if (kinds & LT) out = out.replace(/&lt;/g, '<');
  if (kinds & GT) out = out.replace(/&gt;/g, '>');
  if (kinds & QUOT) out = out.replace(/&quot;/g, '"');
  if (kinds & APOS) out = out.replace(/&apos;/g, "'");
  // Last, so that "&amp;lt;" gives "&lt;".
  if (kinds & AMP) out = out.replace(/&amp;/g, '&');
  return out;
}

/**
 * `value` with every reference decoded, once simpleReferences has found them all well-formed.
 * A loop rather than `replace` with a function: V8 caches the matches of such a replace on a
 * subject longer than 4 KB until the next full collection, so a long content would stay alive
 * (and be promoted to the old generation) long after it was decoded.
 */
function withSimpleReferencesDecoded(value: string): string {
  let out = '';
  // Characters before `copied` are in `out`.
  let copied = 0;
  for (let amp = value.indexOf('&'); amp >= 0; amp = value.indexOf('&', amp + 1)) {
    const c = value.charCodeAt(amp + 1);
    let character: string;
    let semicolon: number;
    if (c === 35 /* # */) {
      semicolon = value.indexOf(';', amp + 2);
      const hex = (value.charCodeAt(amp + 2) | 0x20) === 120; /* x */
      const code = hex
        ? parseInt(value.slice(amp + 3, semicolon), 16)
        : Number(value.slice(amp + 2, semicolon));
      character = String.fromCodePoint(code);
    } else if (c === 97 /* a */) {
      const isAmp = value.charCodeAt(amp + 2) === 109; /* m */
      character = isAmp ? '&' : "'";
      semicolon = amp + (isAmp ? 4 : 5);
    } else if (c === 108 /* l */ || c === 103 /* g */) {
      character = c === 108 ? '<' : '>';
      semicolon = amp + 3;
    } else if (c === 113 /* q */) {
      character = '"';
      semicolon = amp + 5;
    } else {
      // A bare '&' is text.
      continue;
    }
    out += value.slice(copied, amp) + character;
    copied = semicolon + 1;
    amp = semicolon;
  }
  return out + value.slice(copied);
}

/** The kinds of references in `value`, or NOT_SIMPLE when one needs decodeHTML. */
function simpleReferences(value: string, asciiOnly: boolean): number {
  let kinds = 0;
  const n = value.length;
  for (let amp = value.indexOf('&'); amp >= 0; amp = value.indexOf('&', amp + 1)) {
    const c = value.charCodeAt(amp + 1);
    if (c === 35 /* # */) {
      let k = amp + 2;
      const hex = (value.charCodeAt(k) | 0x20) === 120; /* x */
      if (hex) k++;
      const digitsStart = k;
      let code = 0;
      for (; k < n && k - digitsStart < 8; k++) {
        const d = value.charCodeAt(k);
        if (d >= 48 && d <= 57) code = code * (hex ? 16 : 10) + (d - 48);
        else if (hex && (d | 0x20) >= 97 && (d | 0x20) <= 102) code = code * 16 + ((d | 0x20) - 87);
        else break;
      }
      if (k === digitsStart || value.charCodeAt(k) !== 59 /* ; */ || !isPlainCodePoint(code))
        return NOT_SIMPLE;
      if (asciiOnly && code > 0x7f) return NOT_SIMPLE;
      kinds |= NUMERIC;
    } else if (c === 97 /* a */) {
      if (value.startsWith('mp;', amp + 2)) kinds |= AMP;
      else if (value.startsWith('pos;', amp + 2)) kinds |= APOS;
      else return NOT_SIMPLE;
    } else if (c === 108 /* l */ || c === 103 /* g */) {
      if (value.charCodeAt(amp + 2) !== 116 /* t */ || value.charCodeAt(amp + 3) !== 59) return NOT_SIMPLE;
      kinds |= c === 108 ? LT : GT;
    } else if (c === 113 /* q */) {
      if (!value.startsWith('uot;', amp + 2)) return NOT_SIMPLE;
      kinds |= QUOT;
    } else if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      return NOT_SIMPLE;
    }
    // Anything else: a bare '&' (before a space, a digit…) is text.
  }
  return kinds;
}

/** Code points decodeHTML gives back unchanged (not NUL, C1 controls, surrogates or out of range). */
function isPlainCodePoint(code: number): boolean {
  return (
    (code >= 1 && code <= 0x7f) || (code >= 0xa0 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0x10ffff)
  );
}
