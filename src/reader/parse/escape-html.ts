// Text → HTML that displays that text. Also used for attribute values (quotes escaped).

const SPECIAL = /[&<>"]/;

/**
 * One loop rather than `replace` with a function: V8 caches the matches of such a replace on a
 * subject longer than 4 KB until the next full collection, which keeps long contents alive.
 */
export function escapeHtml(text: string): string {
  if (!SPECIAL.test(text)) return text;
  let out = '';
  // Characters before `copied` are in `out`.
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const replacement =
      c === 38 ? '&amp;' : c === 60 ? '&lt;' : c === 62 ? '&gt;' : c === 34 ? '&quot;' : null;
    if (replacement === null) continue;
    out += text.slice(copied, i) + replacement;
    copied = i + 1;
  }
  return out + text.slice(copied);
}
