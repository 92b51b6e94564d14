// UTF-8 text that was read as windows-1252/Latin-1 and encoded to UTF-8 again ("Ã©" for "é",
// "â€¦" for "…") → the text meant, as feedparser repairs it. Only when the whole text maps back
// to bytes one character per byte and those bytes are valid UTF-8, so real Latin text is kept.

const SUSPECT =
  /[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/;

// windows-1252 characters of bytes 0x80–0x9F, back to their byte.
const WINDOWS_1252_BYTE = new Map<number, number>(
  [
    0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
    0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
    0x0153, 0, 0x017e, 0x0178,
  ]
    .map((code, i): [number, number] => [code, 0x80 + i])
    .filter(([code]) => code !== 0),
);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** False when no part of `text` can be double-encoded UTF-8: textWithoutDoubleUtf8 would change nothing. */
export function mayHaveDoubleUtf8(text: string): boolean {
  return SUSPECT.test(text);
}

export function textWithoutDoubleUtf8(text: string): string {
  if (!SUSPECT.test(text)) return text;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0xff) bytes[i] = code;
    else {
      const byte = WINDOWS_1252_BYTE.get(code);
      if (byte === undefined) return text;
      bytes[i] = byte;
    }
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return text;
  }
}
