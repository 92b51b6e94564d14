// Text → HTML that displays that text. Also used for attribute values (quotes escaped).

const SPECIAL = /[&<>"]/;
const SPECIAL_ALL = /[&<>"]/g;
const REPLACEMENT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeHtml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  return text.replace(SPECIAL_ALL, (c) => REPLACEMENT[c] ?? c);
}
