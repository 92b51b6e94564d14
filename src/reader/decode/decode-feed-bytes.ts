// Bytes fetched from a feed URL → text. Detection order: byte order mark, HTTP charset,
// the document's own declaration (XML prolog encoding, or <meta charset> for HTML),
// UTF-16/32 sniffed from the first bytes, UTF-8. Bytes claimed to be UTF-8 that are not valid
// UTF-8 are read as windows-1252 (the usual mislabelling). Never throws.

export interface DecodedFeedText {
  text: string;
  /** The encoding actually used, as a WHATWG label (e.g. 'utf-8', 'windows-1252', 'koi8-r'). */
  encoding: string;
}

export function decodeFeedBytes(bytes: Uint8Array, contentType: string | null): DecodedFeedText {
  const bom = encodingFromBom(bytes);
  if (bom) return decodeWith(bytes.subarray(bom.length), bom.encoding, false);

  const fromHttp = contentType ? charsetFromContentType(contentType) : null;
  const sniffedWide = wideEncodingFromFirstBytes(bytes);
  if (fromHttp) {
    const label = normalizeLabel(fromHttp);
    // A server that says utf-16 for a document that starts like UTF-8 ASCII is wrong more often than not.
    if (label && !(label.startsWith('utf-16') && !sniffedWide && looksAsciiCompatible(bytes))) {
      return decodeWith(bytes, label, label === 'utf-8');
    }
  }
  if (sniffedWide) return decodeWith(bytes, sniffedWide, false);

  const declared = declaredEncoding(bytes);
  if (declared) {
    const label = normalizeLabel(declared);
    // A document read as ASCII cannot really be UTF-16 (that label is a leftover of a conversion).
    if (label && !label.startsWith('utf-16')) return decodeWith(bytes, label, label === 'utf-8');
  }
  return decodeWith(bytes, 'utf-8', true);
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

function decodeWith(bytes: Uint8Array, encoding: string, fallBackToWindows1252: boolean): DecodedFeedText {
  if (encoding === 'utf-32be' || encoding === 'utf-32le') {
    return { text: decodeUtf32(bytes, encoding === 'utf-32le'), encoding };
  }
  if (fallBackToWindows1252) {
    try {
      return {
        text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes),
        encoding: 'utf-8',
      };
    } catch {
      return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
    }
  }
  if (encoding === 'windows-1252') {
    // Latin-1 and windows-1252 labels: documents so labelled are very often UTF-8 in fact, and
    // valid UTF-8 with non-ASCII bytes is almost never real windows-1252 text.
    const utf8 = validUtf8WithNonAscii(bytes);
    if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };
    return { text: decodeWindows1252(bytes), encoding };
  }
  try {
    return { text: new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes), encoding };
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
  const latin = new TextDecoder('windows-1252').decode(bytes);
  if (!/[\u0080-\u009f]/.test(latin)) return latin;
  return latin.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1.charAt(c.charCodeAt(0) - 0x80));
}
