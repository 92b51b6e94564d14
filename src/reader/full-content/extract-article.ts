// A fetched web page → the HTML of its article (FreshRSS's "Retrieve full content", Miniflux's
// "Fetch original content"): what the feed's CSS selector matches, or, without a selector, what
// Mozilla's Readability picks. Elements matching the remove selector go first. The result is
// NOT safe yet: the caller sanitizes it (src/reader/sanitize) like any entry content.
// linkedom gives Readability and the selectors a DOM without a browser (see docs/DECISIONS.md).
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

export interface ArticleRules {
  /** CSS selector(s) of the article; '' → Readability. */
  selector: string;
  /** CSS selector(s) of elements to drop; '' → none. */
  remove: string;
}

export interface ExtractedArticle {
  html: string;
  /** What relative URLs in `html` are relative to: the page's <base href>, else its URL. */
  baseUrl: string;
}

/** Readability gives up on pages with more elements than this (a guard on CPU time). */
const MAX_ELEMENTS = 30_000;

type Doc = ReturnType<typeof parseHTML>['document'];
type El = ReturnType<Doc['querySelectorAll']>[number];

/** The article of `html` (a whole page fetched from `pageUrl`), or null when none is found. */
export function extractArticle(html: string, pageUrl: string, rules: ArticleRules): ExtractedArticle | null {
  const { document } = parseHTML(html);
  const baseUrl = baseUrlOf(document, pageUrl);
  if (rules.selector.trim()) {
    const matches = [...document.querySelectorAll(rules.selector)];
    // A match inside another match would come twice: keep the outermost ones, in page order.
    const outer = matches.filter((el) => !matches.some((other) => other !== el && other.contains(el)));
    if (outer.length === 0) return null;
    if (rules.remove.trim()) for (const el of outer) removeMatching(el, rules.remove);
    const out = outer.map((el) => el.outerHTML).join('\n');
    return out.trim() ? { html: out, baseUrl } : null;
  }
  if (rules.remove.trim()) removeMatching(document, rules.remove);
  const article = new Readability(document as unknown as Document, {
    maxElemsToParse: MAX_ELEMENTS,
  }).parse();
  const content = article?.content?.trim();
  return content ? { html: content, baseUrl } : null;
}

/** Why `selector` is not a usable CSS selector, or null when it is. */
export function cssSelectorProblem(selector: string): string | null {
  if (!selector.trim()) return null;
  try {
    parseHTML('<!doctype html><html><body><p></p></body></html>').document.querySelectorAll(selector);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** A `<meta http-equiv="refresh" content="0; url=…">` target of a page, resolved; null when none. */
export function metaRefreshTarget(html: string, pageUrl: string): string | null {
  const head = html.slice(0, 8192);
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?refresh/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const value = content?.[1] ?? content?.[2] ?? '';
    const m = /^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?["']?([^"']*)["']?\s*$/i.exec(value);
    if (!m || !m[2] || Number(m[1] ?? 0) > 10) return null;
    try {
      const target = new URL(m[2].trim(), pageUrl);
      return /^https?:$/.test(target.protocol) ? target.href : null;
    } catch {
      return null;
    }
  }
  return null;
}

function removeMatching(root: Doc | El, selector: string): void {
  for (const el of [...root.querySelectorAll(selector)]) el.remove();
}

function baseUrlOf(document: Doc, pageUrl: string): string {
  const href = document.querySelector('base[href]')?.getAttribute('href');
  if (!href) return pageUrl;
  try {
    const url = new URL(href, pageUrl);
    return /^https?:$/.test(url.protocol) ? url.href : pageUrl;
  } catch {
    return pageUrl;
  }
}
