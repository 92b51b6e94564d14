// Reads the <link> elements and the first <base href> of an HTML page's head with htmlparser2's
// streaming parser, stopping at </head> or at the first sign of the body.

import { Parser } from 'htmlparser2';

export interface HeadLinks {
  /** The first <base href>, as written (not resolved). */
  baseHref: string | null;
  /** Attributes of each <link>, names lower-cased, in document order. */
  links: Record<string, string>[];
}

const CHUNK = 16 * 1024;
/** Tags that only appear once the body has started. */
const BODY_TAGS = new Set([
  'body',
  'main',
  'article',
  'section',
  'div',
  'p',
  'h1',
  'h2',
  'ul',
  'table',
  'header',
  'nav',
]);

export function headLinks(html: string): HeadLinks {
  const result: HeadLinks = { baseHref: null, links: [] };
  let done = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (done) return;
        if (name === 'link') result.links.push(attribs);
        else if (name === 'base' && result.baseHref === null && attribs['href'] !== undefined) {
          result.baseHref = attribs['href'];
        } else if (BODY_TAGS.has(name)) done = true;
      },
      onclosetag(name) {
        if (name === 'head') done = true;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  for (let offset = 0; offset < html.length && !done; offset += CHUNK) {
    parser.write(html.slice(offset, offset + CHUNK));
  }
  if (!done) parser.end();
  return result;
}

/** The URL relative hrefs resolve against: <base href> resolved against the page URL, else the page URL. */
export function documentBaseUrl(baseHref: string | null, pageUrl: string): URL | null {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    return null;
  }
  if (baseHref === null) return page;
  try {
    const base = new URL(baseHref.trim(), page);
    return base.protocol === 'http:' || base.protocol === 'https:' ? base : page;
  } catch {
    return page;
  }
}

/** Space-separated tokens of a rel attribute, lower-cased. */
export function relTokens(rel: string | undefined): string[] {
  return (rel ?? '').toLowerCase().split(/[\s]+/).filter(Boolean);
}
