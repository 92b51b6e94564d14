// HTML (a title written with markup or entities) → the plain text a reader would see:
// tags dropped, entities decoded, script/style ignored, whitespace collapsed.

import { Parser } from 'htmlparser2';

const TAG = /<\/?([a-zA-Z][a-zA-Z0-9]*)[^<>]*>/g;
const ENTITY = /&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});/;

// Elements that make a title "HTML"; a title with any other tag (`Nice <gorilla>`) is plain text.
const HTML_ELEMENTS = new Set(
  (
    'a abbr acronym address area article aside audio b bdi bdo big blockquote body br button caption center cite ' +
    'code col colgroup dd del details dfn dir div dl dt em embed figcaption figure font footer form h1 h2 h3 h4 h5 ' +
    'h6 head header hr html i iframe img input ins kbd label li link map mark meta nav noscript object ol p ' +
    'picture pre q s samp script section select small source span strike strong style sub summary sup table ' +
    'tbody td textarea tfoot th thead time title tr tt u ul var video wbr'
  ).split(' '),
);

/**
 * True when text reads differently as HTML: it has known HTML tags (and no unknown ones), or
 * entities. The rule feedparser applies to RSS titles.
 */
export function looksLikeHtml(text: string): boolean {
  if (!text.includes('<') && !text.includes('&')) return false;
  let sawTag = false;
  for (const match of text.matchAll(TAG)) {
    if (!HTML_ELEMENTS.has((match[1] ?? '').toLowerCase())) return false;
    sawTag = true;
  }
  return sawTag || ENTITY.test(text);
}

export function plainTextFromHtml(html: string): string {
  const parts: string[] = [];
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style') skipDepth++;
        else if (name === 'br' || name === 'p' || name === 'div' || name === 'li') parts.push(' ');
      },
      onclosetag(name) {
        if ((name === 'script' || name === 'style') && skipDepth > 0) skipDepth--;
      },
      ontext(text) {
        if (skipDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return collapseWhitespace(parts.join(''));
}

export function collapseWhitespace(text: string): string {
  // ASCII whitespace only: a no-break space is the publisher's choice.
  if (!needsCollapsing(text)) return text;
  return text.replace(/[ \t\n\r\f\v]+/g, ' ').replace(/^ | $/g, '');
}

/** True when `text` has whitespace other than single inner spaces. */
function needsCollapsing(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  if (text.charCodeAt(0) === 32 || text.charCodeAt(n - 1) === 32) return true;
  let previousSpace = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (previousSpace) return true;
      previousSpace = true;
    } else {
      if (c >= 9 && c <= 13) return true;
      previousSpace = false;
    }
  }
  return false;
}
