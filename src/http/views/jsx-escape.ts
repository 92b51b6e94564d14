// Escaping for HTML written as plain strings next to JSX (the sidebar's feed lists, the search
// form's feed options): the same five characters hono's JSX escapes, written the same way, so
// that a page reads byte for byte as if JSX had written it.

const SPECIAL = /[&<>'"]/;
const SPECIALS = /[&<>'"]/g;
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&#39;',
  '"': '&quot;',
};

/** Text or an attribute value as hono's JSX writes it. Short strings (titles, names) only. */
export function jsxEscape(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITIES[c]!) : text;
}
