// One entry's full content: fetch its link through the feed fetcher (SSRF guard on every hop,
// redirects re-checked, body cap, timeouts, per-host limit), decode, extract the article
// (extract-article.ts), sanitize it like any entry content. Values, never thrown errors.
import type { FetchOptions } from '../../model/fetch-result.ts';
import type { Fetcher } from '../fetch/create-fetcher.ts';
import { decodeFeedBytes } from '../decode/decode-feed-bytes.ts';
import { htmlToText, sanitizeEntryHtml } from '../sanitize/sanitize-entry-html.ts';
import { extractArticle, metaRefreshTarget, type ArticleRules } from './extract-article.ts';

export type FullContentResult =
  { kind: 'ok'; html: string; finalUrl: string } | { kind: 'error'; code: string; message: string };

/** A page is an article, not a download: pages larger than this are refused. */
export const FULL_CONTENT_MAX_BYTES = 4 * 1024 * 1024;
/** `<meta http-equiv="refresh">` hops followed (each one a guarded fetch). */
const MAX_META_REFRESH = 2;
const HTML_ACCEPT = 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5';

/**
 * The options a page of `pageUrl` is fetched with, from the feed's: its user agent, proxy and TLS
 * choice always; its cookie, headers and credentials only when the page is on the feed's own
 * host (they were given for that host, not for every site an entry links to).
 */
export function pageFetchOptions(options: FetchOptions, feedUrl: string, pageUrl: string): FetchOptions {
  const page: FetchOptions = {};
  if (options.userAgent) page.userAgent = options.userAgent;
  if (options.proxy) page.proxy = options.proxy;
  if (options.insecureTls) page.insecureTls = true;
  if (hostOf(feedUrl) !== null && hostOf(feedUrl) === hostOf(pageUrl)) {
    if (options.cookie) page.cookie = options.cookie;
    if (options.headers) page.headers = options.headers;
    if (options.username || options.password) {
      page.username = options.username ?? '';
      page.password = options.password ?? '';
    }
  }
  return page;
}

/** A fetched page to read (readArticlePage): pure data, so that a worker thread can take it. */
export interface ArticlePageJob {
  body: Uint8Array;
  contentType: string | null;
  /** The URL the page came from (after redirects). */
  finalUrl: string;
  rules: ArticleRules;
  /** Whether a `<meta http-equiv="refresh">` may still be followed. */
  followMetaRefresh: boolean;
}

export type ArticlePageResult = FullContentResult | { kind: 'meta-refresh'; url: string };

/**
 * A fetched page → its article as sanitized HTML, or the page its meta refresh points to. Pure and
 * synchronous (decoding, DOM, Readability, sanitizing: the CPU of full content), so it runs in the
 * refresh's worker threads (src/reader/process) as well as inline.
 */
export function readArticlePage(job: ArticlePageJob): ArticlePageResult {
  const html = decodeFeedBytes(job.body, job.contentType).text;
  const next = job.followMetaRefresh ? metaRefreshTarget(html, job.finalUrl) : null;
  if (next && next !== job.finalUrl) return { kind: 'meta-refresh', url: next };
  let article;
  try {
    article = extractArticle(html, job.finalUrl, job.rules);
  } catch (err) {
    return {
      kind: 'error',
      code: 'full_content.extract',
      message: `full content: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  if (!article) {
    return {
      kind: 'error',
      code: 'full_content.not_found',
      message: job.rules.selector.trim()
        ? `full content: nothing matches "${job.rules.selector}" in ${job.finalUrl}`
        : `full content: no article found in ${job.finalUrl}`,
    };
  }
  const safe = sanitizeEntryHtml(article.html, { baseUrl: article.baseUrl });
  if (!htmlToText(safe).trim() && !/<(img|video|audio|iframe)\b/i.test(safe)) {
    return {
      kind: 'error',
      code: 'full_content.empty',
      message: `full content: the article found in ${job.finalUrl} is empty`,
    };
  }
  return { kind: 'ok', html: safe, finalUrl: job.finalUrl };
}

/**
 * Fetches `url` and returns its article as sanitized HTML. `read` reads each fetched page
 * (default: readArticlePage here; the refresh passes its worker threads').
 */
export async function fetchFullContent(
  fetcher: Fetcher,
  input: { url: string; feedUrl: string; options: FetchOptions; rules: ArticleRules },
  read: (job: ArticlePageJob) => ArticlePageResult | Promise<ArticlePageResult> = readArticlePage,
): Promise<FullContentResult> {
  let url = input.url;
  for (let hop = 0; ; hop++) {
    const result = await fetcher.fetch({
      url,
      options: pageFetchOptions(input.options, input.feedUrl, url),
      accept: HTML_ACCEPT,
      maxBodyBytes: FULL_CONTENT_MAX_BYTES,
    });
    if (result.kind === 'error') return { kind: 'error', code: result.code, message: result.message };
    if (result.kind === 'not-modified')
      return { kind: 'error', code: 'full_content.http', message: 'full content: the server answered 304' };
    const type = (result.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (type && type !== 'text/html' && type !== 'application/xhtml+xml' && type !== 'text/plain') {
      return {
        kind: 'error',
        code: 'full_content.not_html',
        message: `full content: the page is not HTML (${type})`,
      };
    }
    const page = await read({
      body: result.body,
      contentType: result.contentType,
      finalUrl: result.finalUrl,
      rules: input.rules,
      followMetaRefresh: hop < MAX_META_REFRESH,
    });
    if (page.kind !== 'meta-refresh') return page;
    url = page.url;
  }
}

/** The stored content: the article alone, or before or after the feed's own content. */
export function combinedContent(
  feedContent: string,
  article: string,
  action: FetchOptions['contentAction'],
): string {
  // Both parts are sanitized already; the whole is sanitized again so that nothing left open in
  // one part can change the meaning of the other.
  if (action === 'prepend') return sanitizeEntryHtml(`${article}\n${feedContent}`, { baseUrl: null });
  if (action === 'append') return sanitizeEntryHtml(`${feedContent}\n${article}`, { baseUrl: null });
  return article;
}

/** The plain-text excerpt of stored content (an entry whose feed gave no summary). */
export function plainText(html: string): string {
  return htmlToText(html, 500);
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}
