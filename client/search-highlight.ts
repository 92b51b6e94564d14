// Highlights the words and phrases of the page's search (#stream[data-highlight], free text and
// intitle:/intext: terms) in entry titles and bodies, also in entries "load more" appends. Only
// text nodes are touched (split, and wrapped in <mark> made with createElement), never HTML
// strings, so highlighting cannot add markup from an article. Words are compared as the search
// compares them: folded (case, accents) and stemmed for French and English.
import { foldText, stemWord, type StemLanguage } from '../src/search/normalize-text.ts';

const LANGUAGES: readonly StemLanguage[] = ['none', 'fr', 'en'];
const TARGETS = 'summary .title, .flux_content h1.title, .flux_content .text';

interface Word {
  start: number;
  end: number;
  folded: string;
}

/** The words of a text with their offsets (Intl.Segmenter words, cut at anything not a letter or digit). */
function wordsWithOffsets(text: string): Word[] {
  const out: Word[] = [];
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  for (const s of segmenter.segment(text)) {
    if (!s.isWordLike) continue;
    for (const m of s.segment.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
      const start = s.index + (m.index ?? 0);
      out.push({ start, end: start + m[0].length, folded: foldText(m[0]) });
    }
  }
  return out;
}

function sameWord(a: string, b: string): boolean {
  return a === b || LANGUAGES.some((lang) => stemWord(a, lang) === stemWord(b, lang));
}

/** [start, end) ranges of the phrases in a text, merged and in order. */
export function highlightRanges(text: string, phrases: string[][]): [number, number][] {
  const words = wordsWithOffsets(text);
  const ranges: [number, number][] = [];
  for (let i = 0; i < words.length; i++) {
    for (const phrase of phrases) {
      if (phrase.length === 0 || i + phrase.length > words.length) continue;
      if (phrase.every((p, k) => sameWord(words[i + k]!.folded, p)))
        ranges.push([words[i]!.start, words[i + phrase.length - 1]!.end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

function highlightIn(doc: Document, root: Element, phrases: string[][]): void {
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (parent && !parent.closest('mark.search-hit, script, style, code, pre')) nodes.push(n as Text);
  }
  for (const node of nodes) {
    const ranges = highlightRanges(node.data, phrases);
    for (const [start, end] of ranges.reverse()) {
      node.splitText(end);
      const hit = node.splitText(start);
      const mark = doc.createElement('mark');
      mark.className = 'search-hit';
      hit.replaceWith(mark);
      mark.append(hit);
    }
  }
}

export function installSearchHighlight(doc: Document): void {
  const stream = doc.getElementById('stream');
  const raw = stream?.getAttribute('data-highlight');
  if (!stream || !raw) return;
  let terms: unknown;
  try {
    terms = JSON.parse(raw);
  } catch {
    return;
  }
  if (!Array.isArray(terms)) return;
  const phrases = terms
    .filter((t): t is string => typeof t === 'string')
    .map((t) => wordsWithOffsets(t).map((w) => w.folded))
    .filter((p) => p.length > 0);
  if (phrases.length === 0) return;
  const run = (root: Element) => {
    const targets = root.matches(TARGETS) ? [root] : Array.from(root.querySelectorAll(TARGETS));
    for (const t of targets) highlightIn(doc, t, phrases);
  };
  run(stream);
  // Entries appended by "load more".
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes) if (n instanceof Element && n.matches('.entry, .day, .entries')) run(n);
  }).observe(stream, { childList: true, subtree: true });
}
