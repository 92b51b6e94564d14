// A fetched feed body → what the refresh stores: the feed's own fields and its entries (parsed,
// identified, sanitized), and what the full-text index stores for each entry. Pure and
// synchronous, so it runs the same in the refresh's worker threads (src/reader/process/
// process-pool.ts) and inline; a body that is not a feed is a value, not a throw.
import { createHash } from 'node:crypto';
import type { NewEntry } from '../../model/new-entry.ts';
import { searchIndexValues } from '../../search/search-index-values.ts';
import { decodeKeptBody } from '../fetch/read-limited-body.ts';
import { parseFeedBytes } from '../parse/parse-feed.ts';
import { entriesFromParsed } from './entries-from-parsed.ts';
import { withoutElements } from '../full-content/remove-elements.ts';

export interface FeedBodyJob {
  /** The body as fetched: still compressed when `encoded` says so. */
  body: Uint8Array;
  /**
   * The fetcher kept the body compressed (FetchRequest.keepEncoded): decoded here, with its
   * limit, so that the thread that fetches neither inflates nor copies the larger decoded body.
   */
  encoded?: { encodings: string[]; maxBytes: number; contentEncoding: string | null } | null;
  /** The URL the body came from (after redirects): base of relative links. */
  url: string;
  contentType: string | null;
  /** Reception time (ms). */
  now: number;
  /** The hash of the body stored at the last fetch: the same body is not parsed again. */
  previousHash?: string | null;
  /** Which database's search index values to compute for each entry; none when absent. */
  searchIndex?: 'sqlite' | 'postgres' | null;
  /** The feed's remove selector (full content settings): those elements go before sanitizing. */
  contentRemove?: string | null;
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
  | {
      ok: true;
      /** SHA-256 (hex) of the body. */
      hash: string;
      /** The body is the one of the last fetch (previousHash): nothing was parsed. */
      unchanged: boolean;
      feed: ProcessedFeedFields;
      entries: NewEntry[];
      /** searchIndexValues of each entry (same order) when the job asked for them. */
      searchIndex: string[][] | null;
    }
  | { ok: false; message: string; code: string };

const NO_FIELDS: ProcessedFeedFields = {
  title: null,
  link: null,
  subtitle: null,
  language: null,
  hubs: [],
  self: null,
};

export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

export function processFeedBody(job: FeedBodyJob): ProcessedFeedBody {
  let body = job.body;
  if (job.encoded) {
    const { encodings, maxBytes, contentEncoding } = job.encoded;
    const decoded = decodeKeptBody(body, encodings, maxBytes, contentEncoding);
    // The fetcher's own errors (fetch.too_large, fetch.decompress), as if it had decoded.
    if (!decoded.ok) return { ok: false, message: decoded.message, code: decoded.code };
    body = decoded.bytes;
  }
  const hash = bodyHash(body);
  if (job.previousHash && hash === job.previousHash)
    return { ok: true, hash, unchanged: true, feed: NO_FIELDS, entries: [], searchIndex: null };
  let parsed;
  try {
    parsed = parseFeedBytes(body, { url: job.url, contentType: job.contentType });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: string }).code ?? 'parse.invalid';
    return { ok: false, message, code };
  }
  const remove = job.contentRemove;
  const contentTexts: string[] | undefined = job.searchIndex ? [] : undefined;
  const entries = entriesFromParsed(parsed, {
    feedUrl: job.url,
    now: job.now,
    prepareHtml: remove ? (html) => withoutElements(html, remove) : null,
    contentTexts,
  });
  const postgres = job.searchIndex === 'postgres';
  return {
    ok: true,
    hash,
    unchanged: false,
    feed: {
      title: parsed.title,
      link: parsed.link,
      subtitle: parsed.subtitle,
      language: parsed.language,
      hubs: parsed.hubs,
      self: parsed.self,
    },
    entries,
    // The same columns the ingest stores (authors and categories as JSON), so the index holds what
    // indexing the stored row would give.
    searchIndex: contentTexts
      ? entries.map((e, i) =>
          searchIndexValues(
            {
              title: e.title,
              content: e.content,
              url: e.url,
              authors: JSON.stringify(e.authors),
              categories: JSON.stringify(e.categories),
              language: e.language,
            },
            postgres,
            contentTexts[i],
          ),
        )
      : null,
  };
}
