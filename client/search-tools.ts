// Search and user queries in the page (issue 6), installed on its own when the bundle loads:
// highlighting of the search's words and the advanced-search form. client/main.ts imports this
// file for its effect.
import { installAdvancedSearch } from './search-advanced.ts';
import { installSearchHighlight } from './search-highlight.ts';

function start(doc: Document): void {
  installSearchHighlight(doc);
  installAdvancedSearch(doc);
}

if (document.readyState === 'loading')
  document.addEventListener('DOMContentLoaded', () => start(document), { once: true });
else start(document);
