// The one text normalisation used for indexing and for querying: compatibility forms folded,
// Latin/Greek/Cyrillic accents stripped, lowercase, words cut by Intl.Segmenter (which finds
// Chinese and Japanese words), then a light suffix stripper for French and English chosen by
// the language of the entry. Query words are stemmed under every language (see stemVariants)
// because a query does not know the language of the entries it will meet.

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

/** Folded words of a text, unstemmed: word-like segments cut again at anything not a letter or digit. */
export function wordsOf(text: string): string[] {
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
  return wordsOf(text).map((w) => stemWord(w, lang));
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

const hasLetter = /\p{L}/u;
const isLatinWord = /^[a-z0-9]+$/;

function frenchStem(word: string): string {
  if (!isLatinWord.test(word) || word.length <= 3 || !hasLetter.test(word)) return word;
  let w = word;
  // Plurals: journaux → journal, développeurs → développeur.
  if (w.length > 4 && w.endsWith('aux')) w = `${w.slice(0, -3)}al`;
  else if ((w.endsWith('s') && !w.endsWith('ss')) || w.endsWith('x')) w = w.slice(0, -1);
  // Adverbs: rapidement → rapide.
  if (w.length > 7 && w.endsWith('ement')) w = w.slice(0, -4);
  // Feminines: développeuse → développeur, active → actif, naturelle → naturel, ancienne → ancien.
  if (w.length > 5 && w.endsWith('euse')) w = `${w.slice(0, -4)}eur`;
  else if (w.length > 4 && w.endsWith('ive')) w = `${w.slice(0, -3)}if`;
  else if (w.length > 5 && (w.endsWith('elle') || w.endsWith('enne'))) w = w.slice(0, -2);
  // Verbs and participles: développer, développé(e) → développ.
  if (w.length > 5 && w.endsWith('ee')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('er')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

function englishStem(word: string): string {
  if (!isLatinWord.test(word) || word.length <= 3 || !hasLetter.test(word)) return word;
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undoubleEnd(w.slice(0, -3), 'lsz');
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed')) w = undoubleEnd(w.slice(0, -2), 'lsz');
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** "runn" → "run": a doubled final consonant loses one, except the letters in `keep`. */
function undoubleEnd(w: string, keep: string): string {
  const last = w.at(-1) ?? '';
  if (w.length > 3 && last === w.at(-2) && /[b-df-hj-np-tv-z]/.test(last) && !keep.includes(last))
    return w.slice(0, -1);
  return w;
}
