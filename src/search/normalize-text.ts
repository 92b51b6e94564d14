// The one text normalisation used for indexing and for querying: compatibility forms folded,
// Latin/Greek/Cyrillic accents stripped, lowercase, words cut by Intl.Segmenter (which finds
// Chinese and Japanese words), then a light suffix stripper for French and English chosen by
// the language of the entry. Query words are stemmed under every language (see stemVariants)
// because a query does not know the language of the entries it will meet.

import { latinWordsOf } from './latin-words.ts';

/** Languages with a stemmer; anything else is indexed unstemmed. */
export type StemLanguage = 'fr' | 'en' | 'none';

const STEM_LANGUAGES: readonly StemLanguage[] = ['none', 'fr', 'en'];

/** Lowercase, compatibility forms folded, combining accents (U+0300–U+036F) removed. */
export function foldText(text: string): string {
  // Only the generic combining diacritics go: kana voicing marks (U+3099, U+309A) stay.
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase();
}

/** The stemmer of a BCP 47 language tag: fr* → French, en* → English, else none. */
export function stemLanguageOf(language: string | null | undefined): StemLanguage {
  const tag = (language ?? '').trim().toLowerCase();
  if (/^fr(\b|[-_])/.test(tag) || tag === 'fr') return 'fr';
  if (/^en(\b|[-_])/.test(tag) || tag === 'en') return 'en';
  return 'none';
}

/**
 * The longest word kept, in UTF-16 code units; longer ones are cut to it (index and queries
 * alike). 500 units are at most 1,500 bytes of UTF-8: PostgreSQL refuses lexemes over 2,047
 * bytes, and a base64 blob is not a word anyone searches for whole.
 */
export const MAX_WORD_LENGTH = 500;
/**
 * Intl.Segmenter takes time growing faster than the length of what it is given (100,000
 * characters of short words and one emoji: about 14 s): text it must read is handed to it in
 * pieces of about this many code units, cut after a white space (UAX #29 never joins words across
 * one), or anywhere when a piece has none (long CJK runs).
 */
const SEGMENT_PIECE = 2000;

/** Folded words of a text, unstemmed: word-like segments cut again at anything not a letter or digit. */
export function wordsOf(text: string): string[] {
  // Latin-only text (most entries) gives the same words without Intl.Segmenter, far faster.
  const words =
    latinWordsOf(text, foldText) ??
    (text.length <= SEGMENT_PIECE ? segmentedWordsOf(text) : piecewiseWordsOf(text));
  for (let i = 0; i < words.length; i++) {
    if (words[i]!.length > MAX_WORD_LENGTH) words[i] = cutWord(words[i]!);
  }
  return words;
}

/** A word cut to MAX_WORD_LENGTH units, without leaving half of a surrogate pair. */
function cutWord(word: string): string {
  const end = /[\uD800-\uDBFF]/.test(word[MAX_WORD_LENGTH - 1]!) ? MAX_WORD_LENGTH - 1 : MAX_WORD_LENGTH;
  return word.slice(0, end);
}

/** wordsOf of a long text, read piece by piece (see SEGMENT_PIECE). */
function piecewiseWordsOf(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + SEGMENT_PIECE);
    if (end < text.length) {
      // The last white space of the piece, if it has one in its second half.
      let cut = end;
      while (cut > start + SEGMENT_PIECE / 2 && !/\s/.test(text[cut - 1]!)) cut--;
      if (cut > start + SEGMENT_PIECE / 2) end = cut;
      // Never between the two halves of a surrogate pair.
      else if (/[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    }
    const piece = text.slice(start, end);
    for (const word of latinWordsOf(piece, foldText) ?? segmentedWordsOf(piece)) out.push(word);
    start = end;
  }
  return out;
}

/** wordsOf through Intl.Segmenter, for any text. */
export function segmentedWordsOf(text: string): string[] {
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  const out: string[] = [];
  for (const s of segmenter.segment(foldText(text))) {
    if (!s.isWordLike) continue;
    for (const part of s.segment.split(/[^\p{L}\p{N}\p{M}]+/u)) if (part) out.push(part);
  }
  return out;
}

/** The tokens stored in the full-text index for a text in `language`. */
export function searchTokens(text: string, language: string | null | undefined): string[] {
  const lang = stemLanguageOf(language);
  const words = wordsOf(text);
  if (lang === 'none') return words;
  // The suffix rules read character codes only: stemming each word again costs less than
  // looking it up in a cache of stems (a Map hashes every freshly cut word).
  for (let i = 0; i < words.length; i++) words[i] = stemWord(words[i]!, lang);
  return words;
}

/** A folded word's stem: the same function for indexing and for queries. */
export function stemWord(word: string, language: StemLanguage): string {
  if (language === 'fr') return frenchStem(word);
  if (language === 'en') return englishStem(word);
  return word;
}

/**
 * The token sequences a query phrase may appear as in the index: one per stemming language,
 * without duplicates. Empty when the text has no word.
 */
export function stemVariants(text: string): string[][] {
  const words = wordsOf(text);
  if (words.length === 0) return [];
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const lang of STEM_LANGUAGES) {
    const tokens = words.map((w) => stemWord(w, lang));
    const key = tokens.join(' ');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(tokens);
    }
  }
  return out;
}

/**
 * Whether a folded word is stemmed: only [a-z0-9] with at least one letter, longer than 3 (what
 * /^[a-z0-9]+$/ and /\p{L}/u said, in one pass over the characters).
 */
function stemmable(word: string): boolean {
  if (word.length <= 3) return false;
  let letter = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) letter = true;
    else if (c < 0x30 || c > 0x39) return false;
  }
  return letter;
}

/** Whether `w` ends with the two characters whose codes are `a` and `b`. */
function endsWith2(w: string, a: number, b: number): boolean {
  const n = w.length;
  return n >= 2 && w.charCodeAt(n - 2) === a && w.charCodeAt(n - 1) === b;
}

const S = 0x73;
const X = 0x78;
const E = 0x65;

function frenchStem(word: string): string {
  if (!stemmable(word)) return word;
  let w = word;
  // Plurals: journaux → journal, développeurs → développeur.
  let last = w.charCodeAt(w.length - 1);
  if (w.length > 4 && w.endsWith('aux')) w = `${w.slice(0, -3)}al`;
  else if ((last === S && w.charCodeAt(w.length - 2) !== S) || last === X) w = w.slice(0, -1);
  // Adverbs: rapidement → rapide.
  if (w.length > 7 && w.endsWith('ement')) w = w.slice(0, -4);
  // Feminines: développeuse → développeur, active → actif, naturelle → naturel, ancienne → ancien.
  if (w.length > 5 && w.endsWith('euse')) w = `${w.slice(0, -4)}eur`;
  else if (w.length > 4 && w.endsWith('ive')) w = `${w.slice(0, -3)}if`;
  else if (w.length > 5 && (w.endsWith('elle') || w.endsWith('enne'))) w = w.slice(0, -2);
  // Verbs and participles: développer, développé(e) → développ.
  if (w.length > 5 && endsWith2(w, E, E)) w = w.slice(0, -1);
  last = w.charCodeAt(w.length - 1);
  if (w.length > 5 && endsWith2(w, E, 0x72)) w = w.slice(0, -2);
  else if (w.length > 3 && last === E) w = w.slice(0, -1);
  return w;
}

function englishStem(word: string): string {
  if (!stemmable(word)) return word;
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.charCodeAt(w.length - 1) === S) {
    // Not after ss, us, is.
    const before = w.charCodeAt(w.length - 2);
    if (before !== S && before !== 0x75 && before !== 0x69) w = w.slice(0, -1);
  }
  if (w.length > 5 && w.endsWith('ing')) w = undoubleEnd(w.slice(0, -3));
  else if (w.length > 4 && endsWith2(w, E, 0x64) && !w.endsWith('eed')) w = undoubleEnd(w.slice(0, -2));
  if (w.length > 3 && w.charCodeAt(w.length - 1) === E) w = w.slice(0, -1);
  return w;
}

/**
 * "runn" → "run": a doubled final consonant loses one, except l, s and z. (The word is
 * [a-z0-9] here: a consonant is a letter other than a, e, i, o, u.)
 */
function undoubleEnd(w: string): string {
  const n = w.length;
  if (n <= 3) return w;
  const last = w.charCodeAt(n - 1);
  if (last !== w.charCodeAt(n - 2) || last < 0x61 || last > 0x7a) return w;
  if ('aeiou'.includes(w[n - 1]!) || 'lsz'.includes(w[n - 1]!)) return w;
  return w.slice(0, -1);
}
