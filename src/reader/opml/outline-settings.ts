// An OPML feed outline ↔ what Veille keeps of it. Importing: credentials in the URL
// (https://user:pass@host/, as FreshRSS writes them) and FreshRSS's cURL attributes that Veille
// supports become fetch options, and so do its full-content settings (frss:cssFullContent turns
// full content on with that selector, frss:cssFullContentFilter / frss:cssContentFilter is the
// remove selector; src/refresh/full-content.ts); every other non-empty attribute that is not a standard one
// (frss:* scraping, full-content and filter settings, a non-RSS type, description…) is kept
// verbatim as "extras".
// Exporting does the reverse, so that FreshRSS (or Veille) reads the same settings back.
import type { FetchOptions } from '../../model/fetch-result.ts';

export interface OutlineSettings {
  /** The feed URL without credentials. */
  url: string;
  options: FetchOptions;
  /** Attributes to keep verbatim (names as written). */
  extras: Record<string, string>;
  /** Things Veille cannot honour, for the import report ("SOCKS proxy", "HTML+XPath source"). */
  unsupported: string[];
}

const STANDARD = new Set(['text', 'title', 'xmlurl', 'htmlurl', 'url']);

/** Outline types that are plain feeds (anything else is a FreshRSS scraping source). */
const FEED_TYPES = new Set(['rss', 'atom', 'jsonfeed', '']);

/** curl's CURLPROXY_* numbers Veille can use (HTTP, HTTP/1.0 → http://; HTTPS → https://). */
const HTTP_PROXY_TYPES: Record<string, string> = { '0': 'http', '1': 'http', '2': 'https' };
/** FreshRSS writes -1 (formerly 3) for "no proxy, not even the global one". */
const NO_PROXY_TYPES = new Set(['-1', '3']);

export function settingsFromOutline(xmlUrl: string, attributes: Record<string, string>): OutlineSettings {
  const options: FetchOptions = {};
  const extras: Record<string, string> = {};
  const unsupported: string[] = [];
  let url = xmlUrl;
  try {
    const parsed = new URL(xmlUrl);
    if (parsed.username || parsed.password) {
      options.username = decodeURIComponent(parsed.username);
      options.password = decodeURIComponent(parsed.password);
      parsed.username = '';
      parsed.password = '';
      url = parsed.href;
    }
  } catch {
    // Not a URL: the caller refuses it.
  }
  const proxy = attributes['frss:CURLOPT_PROXY']?.trim() ?? '';
  const proxyType = attributes['frss:CURLOPT_PROXYTYPE']?.trim() ?? '';
  for (const [name, value] of Object.entries(attributes)) {
    const lower = name.toLowerCase();
    if (STANDARD.has(lower) || name === 'xmlns:frss') continue;
    if (lower === 'type') {
      if (!FEED_TYPES.has(value.trim().toLowerCase())) {
        extras[name] = value;
        unsupported.push(`type ${value.trim()}`);
      }
      continue;
    }
    switch (name) {
      case 'frss:CURLOPT_USERAGENT':
        if (value.trim()) options.userAgent = value.trim();
        continue;
      case 'frss:CURLOPT_COOKIE':
        if (value.trim()) options.cookie = value.trim();
        continue;
      case 'frss:CURLOPT_HTTPHEADER': {
        const headers = headersFromLines(value);
        if (headers === null) {
          extras[name] = value;
          unsupported.push('HTTP headers that are not "Name: value" lines');
        } else if (Object.keys(headers).length) {
          options.headers = headers;
        }
        continue;
      }
      case 'frss:CURLOPT_PROXY':
      case 'frss:CURLOPT_PROXYTYPE':
        continue; // below, together
      case 'frss:cssFullContent':
        if (value.trim()) {
          options.fullContent = true;
          options.contentSelector = selectorText(value);
        }
        continue;
      case 'frss:cssFullContentFilter':
      case 'frss:cssContentFilter':
        if (value.trim()) options.contentRemove = selectorText(value);
        continue;
      case 'frss:cssFullContentConditions':
        if (value.trim()) unsupported.push('full-content conditions');
        break; // kept verbatim below
    }
    if (value.trim() !== '') extras[name] = value;
  }
  if (proxy && !NO_PROXY_TYPES.has(proxyType)) {
    const scheme = HTTP_PROXY_TYPES[proxyType || '0'];
    if (scheme === undefined) {
      extras['frss:CURLOPT_PROXY'] = attributes['frss:CURLOPT_PROXY']!;
      extras['frss:CURLOPT_PROXYTYPE'] = attributes['frss:CURLOPT_PROXYTYPE']!;
      unsupported.push('SOCKS proxy');
    } else {
      options.proxy = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `${scheme}://${proxy}`;
    }
  }
  return { url, options, extras, unsupported };
}

/**
 * A selector as FreshRSS exports it: it stores selectors HTML-escaped (`div[class=&quot;x&quot;]`)
 * and some versions write them so; a CSS selector never contains these entities itself.
 */
function selectorText(value: string): string {
  return value
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/&(quot|#0?39|apos|lt|gt|amp);/g, (_, name: string) =>
      name === 'quot' ? '"' : name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : "'",
    );
}

/** "Name: value" lines → headers; null when a non-empty line is not one. */
function headersFromLines(text: string): Record<string, string> | null {
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!line.trim()) continue;
    const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) return null;
    headers[m[1]!] = m[2]!;
  }
  return headers;
}

/**
 * The outline of a subscription for export: its URL (with credentials, as FreshRSS writes them)
 * and its attributes, extras first, then the frss:CURLOPT_* of its fetch options.
 */
export function outlineFromSettings(
  url: string,
  options: FetchOptions,
  extras: Record<string, string>,
): { xmlUrl: string; attributes: Record<string, string> } {
  let xmlUrl = url;
  if (options.username || options.password) {
    try {
      const parsed = new URL(url);
      parsed.username = encodeURIComponent(options.username ?? '');
      parsed.password = encodeURIComponent(options.password ?? '');
      xmlUrl = parsed.href;
    } catch {
      // Stored URLs are valid; keep it as it is otherwise.
    }
  }
  const attributes: Record<string, string> = { ...extras };
  if (options.cookie) attributes['frss:CURLOPT_COOKIE'] = options.cookie;
  const headers = Object.entries(options.headers ?? {});
  if (headers.length)
    attributes['frss:CURLOPT_HTTPHEADER'] = headers.map(([k, v]) => `${k}: ${v}`).join('\n');
  if (options.proxy) {
    const https = /^https:\/\//i.test(options.proxy);
    attributes['frss:CURLOPT_PROXY'] = options.proxy.replace(/^https?:\/\//i, '');
    attributes['frss:CURLOPT_PROXYTYPE'] = https ? '2' : '0';
  }
  if (options.userAgent) attributes['frss:CURLOPT_USERAGENT'] = options.userAgent;
  // FreshRSS has no Readability: full content without a selector, and prepend/append, stay Veille's.
  if (options.fullContent && options.contentSelector)
    attributes['frss:cssFullContent'] = options.contentSelector;
  if (options.contentRemove) attributes['frss:cssFullContentFilter'] = options.contentRemove;
  return { xmlUrl, attributes };
}
