// Bytes fetched from a feed URL → text. Detection order: byte order mark, HTTP charset,
// the document's own declaration (XML prolog encoding, or <meta charset> for HTML),
// UTF-16/32 sniffed from the first bytes, UTF-8. Bytes claimed to be UTF-8 (or not labelled) that
// are not valid UTF-8 are read in the encoding guessed from their content (guess-encoding.ts),
// windows-1252 by default. C1 controls become the windows-1252 characters they stand for.
// Never throws; what was wrong with the labelling comes back as warnings.

import { guessedEncoding } from './guess-encoding.ts';

export interface DecodedFeedText {
  text: string;
  /**
   * The encoding the text was read with, named as Python feedparser names it (e.g. 'utf-8',
   * 'iso-8859-1', 'us-ascii', 'gb18030', 'koi8-r', 'utf-16be').
   */
  encoding: string;
  /** What was wrong with the labelling (a wrong or unknown charset, bytes that needed guessing). */
  warnings: string[];
}

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): DecodedFeedText {
  const warnings: string[] = [];
  const done = (decoded: { text: string; encoding: string }): DecodedFeedText => ({
    text: withoutC1Controls(decoded.text),
    encoding: decoded.encoding,
    warnings,
  });
  const mediaType = contentType ? (contentType.split(';')[0] ?? '').trim().toLowerCase() : '';
  if (mediaType && !/xml|rss|atom|rdf|json/.test(mediaType)) {
    warnings.push(`decode: served as ${mediaType}, not as an XML or JSON type`);
  }
  const bom = encodingFromBom(bytes);
  if (bom) return done(decodeWith(bytes.subarray(bom.length), bom.encoding, bom.encoding, false, warnings));

  const fromHttp = contentType ? charsetFromContentType(contentType) : null;
  const sniffedWide = wideEncodingFromFirstBytes(bytes);
  if (fromHttp) {
    const label = normalizeLabel(fromHttp);
    if (label === null) warnings.push(`decode: unknown charset "${fromHttp}" in the Content-Type`);
    // A server that says utf-16 for a document that starts like UTF-8 ASCII is wrong more often than not.
    else if (!(label.startsWith('utf-16') && !sniffedWide && looksAsciiCompatible(bytes))) {
      return done(decodeWith(bytes, label, reportedName(fromHttp, label), label === 'utf-8', warnings));
    }
  } else if (mediaType.startsWith('text/') && mediaType.includes('xml')) {
    // RFC 3023: text/*xml without a charset is us-ascii. When the bytes are ASCII that is exactly
    // what they are; otherwise the XML declaration is believed (RFC 7303).
    if (isAscii(bytes)) return done({ text: new TextDecoder('utf-8').decode(bytes), encoding: 'us-ascii' });
    warnings.push(`decode: ${mediaType} without a charset means us-ascii, but the bytes are not ASCII`);
  }
  if (sniffedWide) return done(decodeWith(bytes, sniffedWide, sniffedWide, false, warnings));

  const declared = declaredEncoding(bytes);
  if (declared) {
    const label = normalizeLabel(declared);
    if (label === null) warnings.push(`decode: unknown encoding "${declared}" declared by the document`);
    // A document read as ASCII cannot really be UTF-16 (that label is a leftover of a conversion).
    else if (!label.startsWith('utf-16')) {
      return done(decodeWith(bytes, label, reportedName(declared, label), label === 'utf-8', warnings));
    }
  }
  return done(decodeWith(bytes, 'utf-8', 'utf-8', true, warnings));
}

/** Python's names for the labels WHATWG folds together (iso-8859-1 and us-ascii into windows-1252). */
function reportedName(raw: string, label: string): string {
  const cleaned = raw.trim().toLowerCase();
  if (label === 'gbk' || label === 'gb18030') return 'gb18030';
  if (label === 'windows-1252') {
    if (/^(us-?ascii|ascii|ansi_x3\.4-1968|iso646-us|us)$/.test(cleaned)) return 'us-ascii';
    if (/^(iso[-_]?8859-1|latin-?1|l1|cp819|iso-ir-100|iso_8859-1:1987)$/.test(cleaned)) return 'iso-8859-1';
  }
  return label;
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] ?? 0) >= 0x80) return false;
  return true;
}

function encodingFromBom(bytes: Uint8Array): { encoding: string; length: number } | null {
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (b0 === 0x00 && b1 === 0x00 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32be', length: 4 };
  if (b0 === 0xff && b1 === 0xfe && b2 === 0x00 && b3 === 0x00) return { encoding: 'utf-32le', length: 4 };
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', length: 2 };
  if (b0 === 0xff && b1 === 0xfe) return { encoding: 'utf-16le', length: 2 };
  return null;
}

/** `<` or a whitespace encoded on 2 or 4 bytes, without a BOM. */
function wideEncodingFromFirstBytes(bytes: Uint8Array): string | null {
  if (bytes.length < 4) return null;
  const [b0, b1, b2, b3] = [bytes[0], bytes[1], bytes[2], bytes[3]];
  if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return 'utf-32be';
  if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return 'utf-32le';
  if (b0 === 0 && b1 !== 0 && b2 === 0 && b3 !== 0) return 'utf-16be';
  if (b0 !== 0 && b1 === 0 && b2 !== 0 && b3 === 0) return 'utf-16le';
  return null;
}

function looksAsciiCompatible(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 64);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return false;
  return true;
}

export function charsetFromContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;]+))/i.exec(contentType);
  const value = match ? (match[1] ?? match[2] ?? match[3] ?? '') : '';
  return value.trim() || null;
}

/** The XML prolog's encoding, or an HTML `<meta charset>` / http-equiv content type, read from the first 2 KB. */
function declaredEncoding(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const prolog = /^[\s\S]{0,200}?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  if (prolog) return prolog[1] ?? null;
  if (/^[^<]{0,200}<\?xml/.test(head)) return null;
  const meta = /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)/i.exec(head);
  return meta ? (meta[1] ?? null) : null;
}

/** A label TextDecoder accepts, normalized to its canonical name; null when unknown. */
function normalizeLabel(label: string): string | null {
  const cleaned = label.trim().toLowerCase();
  const aliased = LABEL_ALIASES[cleaned] ?? cleaned;
  if (aliased === 'utf-32be' || aliased === 'utf-32le' || aliased === 'utf-32')
    return aliased === 'utf-32' ? 'utf-32be' : aliased;
  try {
    return new TextDecoder(aliased).encoding;
  } catch {
    return null;
  }
}

// Labels seen in the wild that the WHATWG encoding list lacks.
const LABEL_ALIASES: Record<string, string> = {
  utf8: 'utf-8',
  'utf-8n': 'utf-8',
  'unicode-1-1-utf-8': 'utf-8',
  'ucs-2': 'utf-16le',
  'iso-10646-ucs-2': 'utf-16le',
  cp1252: 'windows-1252',
  cp1251: 'windows-1251',
  cp1250: 'windows-1250',
  'win-1252': 'windows-1252',
  'latin-1': 'iso-8859-1',
  'iso8859-1': 'iso-8859-1',
  'iso-8859-1:1987': 'iso-8859-1',
  macroman: 'macintosh',
  'mac-roman': 'macintosh',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  cp932: 'shift_jis',
  euc_jp: 'euc-jp',
  euc_kr: 'euc-kr',
  cp936: 'gbk',
  gb_2312: 'gb2312',
  'big5-hkscs': 'big5',
  cp866: 'ibm866',
  'ucs-4': 'utf-32be',
  'utf-32be': 'utf-32be',
  'utf-32le': 'utf-32le',
};

function decodeWith(
  bytes: Uint8Array,
  encoding: string,
  name: string,
  claimedUtf8: boolean,
  warnings: string[],
): { text: string; encoding: string } {
  if (encoding === 'utf-32be' || encoding === 'utf-32le') {
    return { text: decodeUtf32(bytes, encoding === 'utf-32le'), encoding };
  }
  if (claimedUtf8) {
    try {
      return {
        text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
        encoding: 'utf-8',
      };
    } catch {
      const guess = guessedEncoding(bytes) ?? { label: 'windows-1252', name: 'windows-1252' };
      warnings.push(
        name === 'utf-8' && declaredEncoding(bytes) === null
          ? `decode: no encoding declared and the bytes are not UTF-8; read as ${guess.name}`
          : `decode: declared utf-8 but the bytes are not UTF-8; read as ${guess.name}`,
      );
      const text =
        guess.label === 'windows-1252'
          ? decodeWindows1252(bytes)
          : new TextDecoder(guess.label, { ignoreBOM: true }).decode(bytes);
      return { text, encoding: guess.name };
    }
  }
  if (encoding === 'windows-1252') {
    // Latin-1 and windows-1252 labels: documents so labelled are very often UTF-8 in fact, and
    // valid UTF-8 with non-ASCII bytes is almost never real windows-1252 text.
    const utf8 = validUtf8WithNonAscii(bytes);
    if (utf8 !== null) {
      warnings.push(`decode: declared ${name} but the bytes are UTF-8`);
      return { text: utf8, encoding: 'utf-8' };
    }
    return { text: decodeWindows1252(bytes), encoding: name };
  }
  try {
    return { text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes), encoding: name };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  }
}

/** TextDecoder has no UTF-32: decode code points by hand, U+FFFD for invalid ones. */
function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    chunk.push(cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? 0xfffd : cp);
    if (chunk.length === 4096) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

function validUtf8WithNonAscii(bytes: Uint8Array): string | null {
  let nonAscii = false;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] ?? 0) >= 0x80) {
      nonAscii = true;
      break;
    }
  }
  if (!nonAscii) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

// windows-1252 bytes 0x80–0x9F. Node 20's TextDecoder decodes the label 'windows-1252' as
// ISO-8859-1 (C1 controls), so those characters are mapped here; idempotent where it does not.
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  return withoutC1Controls(new TextDecoder('windows-1252').decode(bytes));
}

/** C1 controls in text are windows-1252 characters written as code points (feedparser does the same). */
function withoutC1Controls(text: string): string {
  if (!/[\u0080-\u009f]/.test(text)) return text;
  return text.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1.charAt(c.charCodeAt(0) - 0x80));
}
