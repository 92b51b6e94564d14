// Site icons: the candidates a page announces (best first, then /favicon.ico) and fetching the
// first one that really is an image. Fetches go through the feed fetcher, so the SSRF guard and
// its limits apply.

import type { Fetcher } from '../fetch/create-fetcher.ts';
import { documentBaseUrl, headLinks, relTokens } from './head-links.ts';

/** Icons larger than this are refused. */
export const MAX_ICON_BYTES = 256 * 1024;
/** How many candidates fetchFavicon tries at most. */
const MAX_CANDIDATES = 5;
/** The size a feed list shows icons at, roughly; candidates closest to it come first. */
const PREFERRED_SIZE = 32;

/**
 * Icon URLs announced by a page (rel "icon", "shortcut icon", "apple-touch-icon"), best first,
 * ending with the origin's /favicon.ico. data:image/… URLs are kept (fetchFavicon decodes them).
 */
export function findIconLinks(html: string, baseUrl: string): string[] {
  const { baseHref, links } = headLinks(html);
  const base = documentBaseUrl(baseHref, baseUrl);
  if (!base) return [];
  const scored: { url: string; score: number; order: number }[] = [];
  links.forEach((attribs, order) => {
    const rel = relTokens(attribs['rel']);
    let kindScore: number;
    if (rel.includes('icon')) kindScore = 0;
    else if (rel.includes('apple-touch-icon') || rel.includes('apple-touch-icon-precomposed'))
      kindScore = 1000;
    else return;
    const href = attribs['href']?.trim();
    if (!href) return;
    let url: URL;
    try {
      url = new URL(href, base);
    } catch {
      return;
    }
    const isData = url.protocol === 'data:';
    if (!isData && url.protocol !== 'http:' && url.protocol !== 'https:') return;
    if (isData && !/^data:image\//i.test(url.href)) return;
    scored.push({ url: url.href, score: kindScore + sizeScore(attribs['sizes'], attribs['type']), order });
  });
  scored.sort((a, b) => a.score - b.score || a.order - b.order);
  const out: string[] = [];
  for (const { url } of scored) if (!out.includes(url)) out.push(url);
  if (base.protocol === 'http:' || base.protocol === 'https:') {
    const fallback = new URL('/favicon.ico', base.origin).href;
    if (!out.includes(fallback)) out.push(fallback);
  }
  return out;
}

/** Lower is better: sizes nearest the preferred size, SVG ("any") close behind, unknown after. */
function sizeScore(sizes: string | undefined, type: string | undefined): number {
  const value = (sizes ?? '').toLowerCase().trim();
  if (value === 'any' || (type ?? '').toLowerCase().includes('svg')) return 5;
  const dims = [...value.matchAll(/(\d+)x(\d+)/g)].map((m) => Number(m[1]));
  if (dims.length === 0) return 50;
  // the size closest to the preferred one, sizes below it count double (they look blurry)
  return Math.min(
    ...dims.map(
      (d) =>
        (d >= PREFERRED_SIZE
          ? Math.log2(d / PREFERRED_SIZE)
          : 2 * Math.log2(PREFERRED_SIZE / Math.max(d, 1))) * 10,
    ),
  );
}

/**
 * Fetches a site's icon: from the candidates of `pageHtml` (fetched from `siteUrl` when null),
 * the first that is really an image (magic bytes: PNG, GIF, JPEG, ICO, WebP, SVG) of at most
 * 256 KiB. Null when none is.
 */
export async function fetchFavicon(
  fetcher: Fetcher,
  siteUrl: string,
  pageHtml: string | null,
): Promise<{ data: Uint8Array; type: string } | null> {
  let html = pageHtml;
  let pageUrl = siteUrl;
  if (html === null) {
    const page = await fetcher.fetch({
      url: siteUrl,
      accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
    });
    if (page.kind === 'ok') {
      pageUrl = page.finalUrl;
      html = /html/i.test(page.contentType ?? 'text/html') ? new TextDecoder().decode(page.body) : '';
    } else {
      html = '';
    }
  }
  const candidates = findIconLinks(html, pageUrl).slice(0, MAX_CANDIDATES);
  for (const url of candidates) {
    let data: Uint8Array | null;
    if (url.startsWith('data:')) {
      data = decodeDataUrl(url);
    } else {
      const result = await fetcher.fetch({ url, accept: 'image/*', maxBodyBytes: MAX_ICON_BYTES });
      data = result.kind === 'ok' ? result.body : null;
    }
    if (!data || data.length === 0 || data.length > MAX_ICON_BYTES) continue;
    const type = imageTypeOf(data);
    if (type) return { data, type };
  }
  return null;
}

/** The image type its bytes show, or null when they are not one of the accepted formats. */
export function imageTypeOf(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61)
    return 'image/gif';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x00, 0x00, 0x01, 0x00) && bytes.length > 6 && (bytes[4] ?? 0) + (bytes[5] ?? 0) > 0)
    return 'image/x-icon';
  if (
    starts(0x52, 0x49, 0x46, 0x46) &&
    bytes[8] === 0x57 &&
    bytes[9] === 0x45 &&
    bytes[10] === 0x42 &&
    bytes[11] === 0x50
  ) {
    return 'image/webp';
  }
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 2048))
    .replace(/^\uFEFF/, '');
  // An SVG document: optional prolog, comments and doctype, then the <svg> root element.
  const rest = head.replace(/^\s*(<\?xml[^>]*\?>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*/i, '');
  if (/^<svg[\s>]/i.test(rest)) return 'image/svg+xml';
  return null;
}

function decodeDataUrl(url: string): Uint8Array | null {
  const match = /^data:image\/[a-z0-9.+-]+(;[^,]*)?,(.*)$/is.exec(url);
  if (!match) return null;
  const isBase64 = /;base64/i.test(match[1] ?? '');
  const payload = match[2] ?? '';
  try {
    return isBase64
      ? new Uint8Array(Buffer.from(payload, 'base64'))
      : new TextEncoder().encode(decodeURIComponent(payload));
  } catch {
    return null;
  }
}
