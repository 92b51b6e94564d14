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
 * The accepted ranges. ZERO WIDTH JOINER (U+200D) is left out: before an emoji-like character
 * (©, ®, ‼) it joins the word before it to the emoji, which makes the whole segment not word-like
 * (UAX #29 rule WB3c).
 */
const RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x024f],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
];

/** What a character of the accepted ranges becomes, by its code (see tablesFor). */
const OUTSIDE_CHAR = 0;
/** Folds to itself, a letter or a digit: copied as is (a, z, 0, é is not one: it folds to e). */
const SAME_WORD_CHAR = 1;
/** Folds to nothing that is a letter or a digit: ends a word. */
const SEPARATOR = 2;
/** Folds to something else holding a letter or a digit (A → a, é → e, ½ → 1⁄2). */
const FOLDED = 3;
/** Folds to nothing at all: the characters around it join. */
const VANISHES = 4;

interface Tables {
  /** The kind of each code below 0x20d0. */
  kind: Uint8Array;
  /** What each FOLDED code folds to. */
  folded: string[];
  /** Whether each character a folded accepted text can hold is a letter or a digit. */
  word: Uint8Array;
}

let tables: Tables | null = null;

function tablesFor(fold: (text: string) => string): Tables {
  if (tables) return tables;
  const foldOf: string[] = [];
  let highest = 0;
  for (const [first, last] of RANGES) {
    for (let c = first; c <= last; c++) {
      const folded = fold(String.fromCharCode(c));
      if (/\p{M}/u.test(folded)) throw new Error(`search: U+${c.toString(16)} folds to a combining mark`);
      foldOf[c] = folded;
      for (let i = 0; i < folded.length; i++) highest = Math.max(highest, folded.charCodeAt(i));
    }
  }
  const word = new Uint8Array(highest + 1);
  const letterOrDigit = /^[\p{L}\p{N}]$/u;
  for (let c = 0; c <= highest; c++) word[c] = letterOrDigit.test(String.fromCharCode(c)) ? 1 : 0;
  const kind = new Uint8Array(RANGES[RANGES.length - 1]![1] + 1);
  const folded: string[] = [];
  for (let c = 0; c < kind.length; c++) {
    const f = foldOf[c];
    if (f === undefined || c === 0x200d) kind[c] = OUTSIDE_CHAR;
    else if (f === '') kind[c] = VANISHES;
    else if (f === String.fromCharCode(c) && word[c] === 1) kind[c] = SAME_WORD_CHAR;
    else if (![...f].some((ch) => word[ch.charCodeAt(0)] === 1)) kind[c] = SEPARATOR;
    else {
      kind[c] = FOLDED;
      folded[c] = f;
    }
  }
  tables = { kind, folded, word };
  return tables;
}

/**
 * The folded words of `text` when every character is in the accepted ranges, else null (the
 * caller segments it with Intl.Segmenter). `fold` is normalize-text.ts's foldText.
 *
 * Folding the whole text gives what folding each character alone gives (no accepted character
 * folds to a combining mark, so nothing composes across characters): one pass over the text with
 * a table of each character's fold, runs of characters that fold to themselves copied by slices.
 */
export function latinWordsOf(text: string, fold: (text: string) => string): string[] | null {
  const { kind, folded, word } = tablesFor(fold);
  const out: string[] = [];
  /** Start of the run of SAME_WORD_CHARs not yet copied into `current`, or -1. */
  let run = -1;
  /** The word being built, when it is more than one run. */
  let current: string | null = null;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const k = c < kind.length ? kind[c]! : OUTSIDE_CHAR;
    if (k === SAME_WORD_CHAR) {
      if (run < 0) run = i;
      continue;
    }
    if (k === OUTSIDE_CHAR) return null;
    if (run >= 0) {
      current = current === null ? text.slice(run, i) : current + text.slice(run, i);
      run = -1;
    }
    if (k === SEPARATOR) {
      if (current !== null) out.push(current);
      current = null;
      continue;
    }
    if (k === VANISHES) continue;
    const f = folded[c]!;
    for (let j = 0; j < f.length; j++) {
      if (word[f.charCodeAt(j)] === 1) current = current === null ? f[j]! : current + f[j]!;
      else if (current !== null) {
        out.push(current);
        current = null;
      }
    }
  }
  if (run >= 0) current = current === null ? text.slice(run) : current + text.slice(run);
  if (current !== null) out.push(current);
  return out;
}
