// A fetched feed body → what the refresh stores: the feed's own fields and its entries (parsed,
// identified, sanitized). Pure and synchronous, so it runs the same in the refresh's worker threads
// (src/reader/process/process-pool.ts) and inline; a body that is not a feed is a value, not a throw.
import type { NewEntry } from '../../model/new-entry.ts';
import { parseFeedBytes } from '../parse/parse-feed.ts';
import { entriesFromParsed } from './entries-from-parsed.ts';

export interface FeedBodyJob {
  body: Uint8Array;
  /** The URL the body came from (after redirects): base of relative links. */
  url: string;
  contentType: string | null;
  /** Reception time (ms). */
  now: number;
}

/** The feed-level fields the refresh keeps. */
export interface ProcessedFeedFields {
  title: string | null;
  link: string | null;
  subtitle: string | null;
  language: string | null;
  hubs: string[];
  self: string | null;
}

export type ProcessedFeedBody =
  { ok: true; feed: ProcessedFeedFields; entries: NewEntry[] } | { ok: false; message: string; code: string };

export function processFeedBody(job: FeedBodyJob): ProcessedFeedBody {
  let parsed;
  try {
    parsed = parseFeedBytes(job.body, { url: job.url, contentType: job.contentType });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: string }).code ?? 'parse.invalid';
    return { ok: false, message, code };
  }
  return {
    ok: true,
    feed: {
      title: parsed.title,
      link: parsed.link,
      subtitle: parsed.subtitle,
      language: parsed.language,
      hubs: parsed.hubs,
      self: parsed.self,
    },
    entries: entriesFromParsed(parsed, { feedUrl: job.url, now: job.now }),
  };
}
