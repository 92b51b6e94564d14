// What is wrong in an OPML text that parseOpml reads through anyway, with where it is: a bare '&'
// (strict readers such as FreshRSS's refuse the file), a document that stops before </opml>
// (a truncated download). Messages say the line and column, counted from 1.

/** Line and column (from 1) of a character index in `text`. */
export function lineAndColumn(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)/g;

export function opmlWarnings(text: string): string[] {
  const warnings: string[] = [];
  const source = text.replace(/^\uFEFF/, '');
  // '&' inside comments and CDATA sections is fine.
  const masked = source.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (m) => ' '.repeat(m.length));
  const bare = [...masked.matchAll(BARE_AMPERSAND)];
  if (bare.length > 0) {
    const { line, column } = lineAndColumn(source, bare[0]!.index);
    const more = bare.length > 1 ? ` (and ${bare.length - 1} more)` : '';
    warnings.push(
      `opml: line ${line}, column ${column}: "&" should be written "&amp;"${more}; read as a plain "&"`,
    );
  }
  if (/<opml[\s>]/i.test(masked) && !/<\/opml\s*>/i.test(masked)) {
    const { line } = lineAndColumn(source, source.length);
    warnings.push(
      `opml: the document stops at line ${line} before </opml> (truncated?); what it lists was read`,
    );
  }
  return warnings;
}
