// The fast path of wordsOf (normalize-text.ts) for text written only with Latin letters
// (U+0000–U+024F: ASCII, Latin-1, Latin Extended-A and -B) and common punctuation (General
// Punctuation U+2000–U+206F: dashes, quotes, ellipsis…; currency signs U+20A0–U+20CF): the text of
// nearly every entry a refresh indexes in a Latin-script language.
//
// Intl.Segmenter costs about 2.5 µs per character on Node 20, and more than linearly on long
// texts (5.7 ms for a 2.3 KB entry: 12 of the 14 s of CPU of a 4,000-entry refresh). For such
// text its result is simply the runs of letters and digits of the folded text: no character
// there is segmented by a dictionary (CJK, Thai…), none folds to a combining mark (checked when
// the table is built), and wordsOf cuts every word-like segment again at anything not a letter,
// digit or mark. src/search/latin-words.test.ts compares both on every such character in several
// contexts and on random texts.

/**
 * Any character outside the accepted ranges. ZERO WIDTH JOINER (U+200D) is left out too: before
 * an emoji-like character (©, ®, ‼) it joins the word before it to the emoji, which makes the
 * whole segment not word-like (UAX #29 rule WB3c).
 */
// eslint-disable-next-line no-control-regex -- the first range starts at U+0000 on purpose
const OUTSIDE = /[^\u0000-\u024f\u2000-\u200c\u200e-\u206f\u20a0-\u20cf]/;
/** The accepted ranges, as OUTSIDE says (U+200D excepted). */
const RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x024f],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
];

/** Whether each character a folded accepted text can hold is a letter or a digit. */
let wordChars: Uint8Array | null = null;

function wordTable(fold: (text: string) => string): Uint8Array {
  if (wordChars) return wordChars;
  let highest = 0;
  for (const [first, last] of RANGES) {
    for (let c = first; c <= last; c++) {
      const folded = fold(String.fromCharCode(c));
      if (/\p{M}/u.test(folded)) throw new Error(`search: U+${c.toString(16)} folds to a combining mark`);
      for (let i = 0; i < folded.length; i++) highest = Math.max(highest, folded.charCodeAt(i));
    }
  }
  const word = new Uint8Array(highest + 1);
  const letterOrDigit = /^[\p{L}\p{N}]$/u;
  for (let c = 0; c <= highest; c++) word[c] = letterOrDigit.test(String.fromCharCode(c)) ? 1 : 0;
  wordChars = word;
  return word;
}

/**
 * The folded words of `text` when every character is in the accepted ranges, else null (the
 * caller segments it with Intl.Segmenter). `fold` is normalize-text.ts's foldText.
 */
export function latinWordsOf(text: string, fold: (text: string) => string): string[] | null {
  if (OUTSIDE.test(text)) return null;
  const word = wordTable(fold);
  // Folding the whole text gives what folding each character alone gives (no accepted character
  // folds to a combining mark, so nothing composes across characters).
  const folded = fold(text);
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < folded.length; i++) {
    if (word[folded.charCodeAt(i)] === 1) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(folded.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) out.push(folded.slice(start));
  return out;
}
