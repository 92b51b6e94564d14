// HTML → a canonical string for the checks' `html==` op, the same normalization as
// fp_expect.py's html_norm: lowercase tags, sorted attributes, entities decoded then the
// text re-escaped, end tags only where written.

import { Parser } from 'htmlparser2';

const escapeText = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string): string => escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

export function normalizedHtml(html: string): string {
  const out: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const attrs = Object.keys(attribs)
          .sort()
          .map((k) => ` ${k}="${escapeAttr(attribs[k] ?? '')}"`)
          .join('');
        out.push(`<${name}${attrs}>`);
      },
      onclosetag(name, isImplied) {
        if (!isImplied) out.push(`</${name}>`);
      },
      ontext(text) {
        out.push(escapeText(text));
      },
      oncomment(text) {
        out.push(`<!--${text}-->`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return out.join('');
}
