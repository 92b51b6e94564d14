// Feed autodiscovery: the feeds an HTML page announces with <link rel="alternate" type="…">,
// and the usual feed paths to try when it announces none.

import { documentBaseUrl, headLinks, relTokens } from './head-links.ts';

export interface DiscoveredFeedLink {
  url: string;
  title: string | null;
  /** The link's type, lower-cased, without parameters ("application/rss+xml"). */
  type: string;
}

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'application/rdf+xml',
  'application/xml',
  'text/xml',
  'application/x-rss+xml',
  'application/x-atom+xml',
  'text/rss+xml',
  'text/atom+xml',
]);

/**
 * The feed links of an HTML page, absolute, deduplicated, in document order. `baseUrl` is the
 * page's URL (after redirects); a <base href> in the page takes precedence for relative links.
 */
export function discoverFeedLinks(html: string, baseUrl: string): DiscoveredFeedLink[] {
  const { baseHref, links } = headLinks(html);
  const base = documentBaseUrl(baseHref, baseUrl);
  if (!base) return [];
  const seen = new Set<string>();
  const out: DiscoveredFeedLink[] = [];
  for (const attribs of links) {
    const rel = relTokens(attribs['rel']);
    if (!rel.includes('alternate') && !rel.includes('feed')) continue;
    const type = (attribs['type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!FEED_TYPES.has(type)) continue;
    const href = attribs['href']?.trim();
    if (!href) continue;
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    // WordPress announces its REST API as rel="alternate" type="application/json": not a feed.
    if (type === 'application/json' && url.pathname.includes('/wp-json/')) continue;
    url.hash = '';
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    const title = attribs['title']?.trim();
    out.push({ url: url.href, title: title ? title : null, type });
  }
  return out;
}

const COMMON_FEED_PATHS = ['feed', 'rss', 'atom.xml', 'feed.xml', 'rss.xml', 'index.xml', 'feed/'];

/**
 * URLs where feeds often live, to try when a page announces none: under the site URL's own
 * directory first (https://example.com/blog/feed) when it has one, then at the origin.
 */
export function commonFeedPaths(siteUrl: string): string[] {
  let site: URL;
  try {
    site = new URL(siteUrl);
  } catch {
    return [];
  }
  if (site.protocol !== 'http:' && site.protocol !== 'https:') return [];
  const dir = new URL('./', site);
  const bases = dir.pathname === '/' ? [site.origin + '/'] : [dir.href, site.origin + '/'];
  const out: string[] = [];
  for (const base of bases) {
    for (const path of COMMON_FEED_PATHS) {
      const url = new URL(path, base).href;
      if (!out.includes(url)) out.push(url);
    }
  }
  return out;
}
