// V8 represents `text.slice(a, b)` (and `.trim()` of it) of 13 characters or more as a view into
// the whole document, so a short title read from a 2 MB feed would keep the 2 MB alive for as long
// as the entry lives. The parser copies the strings it returns; the copy costs about as much as
// the strings themselves, far less than parsing them did.

const MIN_SLICED_LENGTH = 13;

/** The same characters in a string that references nothing else (a copy when it may be a view). */
export function detachedString(s: string): string {
  if (s.length < MIN_SLICED_LENGTH) return s;
  // Concatenating makes a cons string; slicing it flattens the cons into a new sequential
  // string, which the result views instead of the document.
  return (' ' + s).slice(1);
}

export function detachedOrNull(s: string | null): string | null {
  return s === null ? null : detachedString(s);
}
