// Real OPML exports are not always well-formed: some put raw HTML, quotes included, in a
// `description` attribute (`description="works at <a href="https://x/">X</a>." xmlUrl="…"`), and an
// XML parser then loses every attribute after it, xmlUrl included. This pass rewrites only the
// <outline> start tags that do not read cleanly, deciding where each quoted value really ends: at
// a quote followed by another attribute (` name=`) or by the end of the tag and then another
// outline tag, the end of the body, or the end of the text.

const OUTLINE_START = /<outline(?=[\s/>])/gi;
const ATTRIBUTE_NAME = /^[A-Za-z_:][\w:.-]*$/;
const NAME_CHAR = /[^\s=>/"']/;

interface ScannedTag {
  attributes: [string, string][];
  /** Index just after the tag's closing '>' (or the end of the text). */
  end: number;
  selfClosing: boolean;
  /** False when something in the tag did not read as `name="value"`. */
  clean: boolean;
}

/** `text` with its malformed <outline> start tags rewritten as well-formed ones; others untouched. */
export function repairedOutlineTags(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  OUTLINE_START.lastIndex = 0;
  for (let match = OUTLINE_START.exec(text); match !== null; match = OUTLINE_START.exec(text)) {
    const start = match.index;
    if (start < copiedUpTo) continue;
    const nameEnd = start + match[0].length;
    const naive = scanTag(text, nameEnd, false);
    if (naive.clean) continue;
    const repaired = scanTag(text, nameEnd, true);
    out += text.slice(copiedUpTo, start) + serializedTag(match[0], repaired);
    copiedUpTo = repaired.end;
    OUTLINE_START.lastIndex = repaired.end;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

function scanTag(text: string, from: number, guessQuotes: boolean): ScannedTag {
  const attributes: [string, string][] = [];
  let clean = true;
  let i = from;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i] ?? '')) i++;
    const c = text[i];
    if (c === undefined) break;
    if (c === '>') return { attributes, end: i + 1, selfClosing: false, clean };
    if (c === '/' && text[i + 1] === '>') return { attributes, end: i + 2, selfClosing: true, clean };
    if (c === '<') {
      // A new tag starts before this one ended: end it here.
      return { attributes, end: i, selfClosing: false, clean: false };
    }
    let nameEnd = i;
    while (nameEnd < n && NAME_CHAR.test(text[nameEnd] ?? '')) nameEnd++;
    if (nameEnd === i) {
      clean = false;
      i++;
      continue;
    }
    const name = text.slice(i, nameEnd);
    if (!ATTRIBUTE_NAME.test(name)) clean = false;
    i = nameEnd;
    while (i < n && /\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '=') {
      if (ATTRIBUTE_NAME.test(name)) attributes.push([name, '']);
      continue;
    }
    i++;
    while (i < n && /\s/.test(text[i] ?? '')) i++;
    const quote = text[i];
    let value: string;
    if (quote === '"' || quote === "'") {
      const close = closingQuote(text, i + 1, quote, guessQuotes);
      if (close < 0) {
        value = text.slice(i + 1);
        i = n;
        clean = false;
      } else {
        value = text.slice(i + 1, close);
        i = close + 1;
      }
    } else {
      let end = i;
      while (end < n && !/[\s>]/.test(text[end] ?? '')) end++;
      if (text[end] === '>' && text[end - 1] === '/' && end - 1 > i) end--;
      value = text.slice(i, end);
      i = end;
    }
    if (ATTRIBUTE_NAME.test(name)) attributes.push([name, value]);
  }
  return { attributes, end: n, selfClosing: false, clean: false };
}

function closingQuote(text: string, from: number, quote: string, guess: boolean): number {
  const first = text.indexOf(quote, from);
  if (!guess || first < 0) return first;
  const endsValue = /\s+[A-Za-z_:][\w:.-]*\s*=|\s*\/?>\s*(?:<\/?outline\b|<\/body\b|<!--|$)/iy;
  for (let j = first; j >= 0; j = text.indexOf(quote, j + 1)) {
    endsValue.lastIndex = j + 1;
    if (endsValue.test(text)) return j;
  }
  return first;
}

function serializedTag(open: string, tag: ScannedTag): string {
  const seen = new Set<string>();
  let out = open;
  for (const [name, value] of tag.attributes) {
    // The first occurrence wins, as in an XML parser that tolerates duplicates.
    if (seen.has(name)) continue;
    seen.add(name);
    out += ` ${name}="${value.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`;
  }
  return out + (tag.selfClosing ? '/>' : '>');
}
