// The advanced-search form writes the grammar into the search box as its fields change (the same
// composeSearch as GET /search/advanced, which does it without JavaScript), and submitting it
// runs the search box's form, so that what the box shows is what is searched.
import { composeSearch } from '../src/http/ui/search-terms.ts';

export function installAdvancedSearch(doc: Document): void {
  const form = doc.querySelector<HTMLFormElement>('form.advanced-search-form');
  const box = doc.querySelector<HTMLInputElement>('form.search-form input[type="search"]');
  const searchForm = box?.form;
  if (!form || !box || !searchForm) return;
  const value = (name: string): string => {
    const el = form.elements.namedItem(name);
    return el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? el.value : '';
  };
  const write = () => {
    box.value = composeSearch({
      words: value('words'),
      title: value('title'),
      author: value('author'),
      feed: value('feed'),
      category: value('category'),
      from: value('from'),
      to: value('to'),
    });
  };
  const onChange = (event: Event) => {
    if (event.target instanceof Element && event.target.closest('[data-field]')) write();
  };
  form.addEventListener('input', onChange);
  form.addEventListener('change', onChange);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    write();
    const state = value('state');
    if (state) {
      let input = searchForm.querySelector<HTMLInputElement>('input[name="state"]');
      if (!input) {
        input = doc.createElement('input');
        input.type = 'hidden';
        input.name = 'state';
        searchForm.append(input);
      }
      input.value = state;
    }
    searchForm.submit();
  });
}
