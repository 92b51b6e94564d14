// The remove selector on an entry's HTML (FreshRSS's path_entries_filter, which since 1.25 also
// works without full content). It runs before sanitizing, where the class and id attributes
// selectors match are still there, inside the refresh's processing (src/reader/process), which is
// synchronous and runs in worker threads: linkedom is loaded with require, on first use only
// (it takes a few hundred milliseconds to load; feeds without a remove selector never pay it).
import { createRequire } from 'node:module';
import type { parseHTML as ParseHtml } from 'linkedom';

let parseHtml: typeof ParseHtml | null = null;

function parser(): typeof ParseHtml {
  parseHtml ??= (createRequire(import.meta.url)('linkedom') as { parseHTML: typeof ParseHtml }).parseHTML;
  return parseHtml;
}

/**
 * `html` without the elements matching `selector` (a CSS selector list). An unusable selector
 * leaves the HTML as it was (the settings form refuses those; an imported one must not lose content).
 */
export function withoutElements(html: string, selector: string): string {
  if (!selector.trim() || !html) return html;
  const { document } = parser()(`<!doctype html><html><head></head><body>${html}</body></html>`);
  try {
    const found = [...document.body.querySelectorAll(selector)];
    if (found.length === 0) return html;
    for (const el of found) el.remove();
  } catch {
    return html;
  }
  return document.body.innerHTML;
}
