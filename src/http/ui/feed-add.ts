// Subscribing: from a feed URL, or from a web page URL whose <link rel="alternate"> names feeds.
// Nothing is saved unless a feed was really found and parsed.
import type { AppDeps } from '../app-env.ts';
import type { FetchOptions } from '../../model/fetch-result.ts';
import type { ParsedFeed } from '../../model/parsed-feed.ts';
import { decodeFeedBytes } from '../../reader/decode/decode-feed-bytes.ts';
import { commonFeedPaths, discoverFeedLinks } from '../../reader/discover/discover-feeds.ts';
import { ParseError, parseFeedBytes } from '../../reader/parse/parse-feed.ts';
import { findOrCreateFeed } from '../../storage/feeds.ts';
import { subscribe, subscriptionForFeed } from '../../storage/subscriptions.ts';

export type FeedAddResult =
  | { kind: 'added'; feedId: number; title: string }
  | { kind: 'already'; feedId: number }
  | { kind: 'invalid-url' }
  | { kind: 'not-found'; reason: string };

interface Found {
  url: string;
  feed: ParsedFeed;
}

async function fetchAndParse(
  deps: AppDeps,
  url: string,
  options: FetchOptions,
  discover: boolean,
): Promise<Found | string> {
  const result = await deps.fetcher.fetch({ url, options });
  if (result.kind === 'error') return result.message;
  if (result.kind === 'not-modified') return 'fetch: unexpected 304 Not Modified';
  const feedUrl = result.permanentUrl ?? url;
  try {
    return {
      url: feedUrl,
      feed: parseFeedBytes(result.body, { url: result.finalUrl, contentType: result.contentType }),
    };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    if (err.code !== 'parse.not_a_feed' || !discover) return err.message;
    const html = decodeFeedBytes(result.body, result.contentType).text;
    const links = discoverFeedLinks(html, result.finalUrl);
    for (const link of links.slice(0, 3)) {
      const found = await fetchAndParse(deps, link.url, options, false);
      if (typeof found !== 'string') return found;
    }
    if (links.length) return `${err.message}; the feeds it names could not be read`;
    // The page names no feed: try the places feeds usually live (/feed, /rss.xml…).
    for (const candidate of commonFeedPaths(result.finalUrl)) {
      const found = await fetchAndParse(deps, candidate, options, false);
      if (typeof found !== 'string') return found;
    }
    return `${err.message} (and it names no feed)`;
  }
}

export function normalizeFeedUrl(input: string): string | null {
  let text = input.trim();
  if (!text) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text)) text = `https://${text}`;
  try {
    const u = new URL(text);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    u.hash = '';
    return u.href;
  } catch {
    return null;
  }
}

export async function feedAdd(
  deps: AppDeps,
  input: { userId: number; url: string; categoryId: number | null; options: FetchOptions },
): Promise<FeedAddResult> {
  const url = normalizeFeedUrl(input.url);
  if (!url) return { kind: 'invalid-url' };
  const found = await fetchAndParse(deps, url, input.options, true);
  if (typeof found === 'string') return { kind: 'not-found', reason: found };
  const now = deps.now();
  const feed = await findOrCreateFeed(deps.database.db, {
    url: found.url,
    options: input.options,
    userId: input.userId,
    title: found.feed.title?.trim() || new URL(found.url).hostname,
    siteUrl: found.feed.link,
    now,
  });
  if (await subscriptionForFeed(deps.database.db, input.userId, feed.id))
    return { kind: 'already', feedId: feed.id };
  await subscribe(deps.database.db, {
    userId: input.userId,
    feedId: feed.id,
    categoryId: input.categoryId,
    now,
  });
  if (feed.last_checked_at === null) await deps.refreshFeedIds([feed.id]);
  return { kind: 'added', feedId: feed.id, title: feed.title };
}
