// What the fetcher returns: values, never rows. Expected failures are values with a code;
// the refresh stores them on the feed.

export type FetchErrorCode =
  | 'fetch.invalid_url'
  | 'fetch.blocked_address' // SSRF guard: loopback, private, link-local… not in VEILLE_FETCH_ALLOW_NETWORKS
  | 'fetch.dns'
  | 'fetch.connect'
  | 'fetch.tls'
  | 'fetch.timeout'
  | 'fetch.too_large'
  | 'fetch.too_many_redirects'
  | 'fetch.http_status'
  | 'fetch.decompress'
  | 'fetch.reset'
  | 'fetch.other';

export interface FetchOk {
  kind: 'ok';
  status: number;
  body: Uint8Array;
  /** URL after redirects. */
  finalUrl: string;
  /** Set when every redirect hop was permanent (301/308): the stored URL may move there. */
  permanentUrl: string | null;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  headers: Record<string, string>;
  /**
   * Only when the request asked for keepEncoded: the body is still compressed, with these
   * Content-Encoding decoders to apply and this limit on the decoded size
   * (read-limited-body.ts decodeKeptBody). Absent: the body is decoded.
   */
  encoded?: { encodings: string[]; maxBytes: number };
}

export interface FetchNotModified {
  kind: 'not-modified';
  finalUrl: string;
  etag: string | null;
  lastModified: string | null;
  headers: Record<string, string>;
}

export interface FetchError {
  kind: 'error';
  code: FetchErrorCode;
  /** Human-readable, starts with "fetch: ". */
  message: string;
  status: number | null;
  /** Retry-After in seconds when the server sent one (429/503). */
  retryAfter: number | null;
}

export type FetchResult = FetchOk | FetchNotModified | FetchError;

/** Per-feed fetch options. A feed with credentials, cookies or private headers is private to its user. */
export interface FetchOptions {
  userAgent?: string;
  cookie?: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  /** Fetch through this HTTP(S) proxy (its address must itself be allowed by the SSRF guard). */
  proxy?: string;
  /** Accept an invalid TLS certificate (self-signed, expired…): the owner's explicit choice. */
  insecureTls?: boolean;
  /**
   * Full content (src/reader/full-content/): fetch each new entry's link and keep the article
   * found there. Part of the feed's identity like the rest (it changes what is stored).
   */
  fullContent?: boolean;
  /** CSS selector(s) of the article in the fetched page; empty: Readability finds it. */
  contentSelector?: string;
  /** CSS selector(s) of elements removed from the content (with or without full content). */
  contentRemove?: string;
  /** Where the fetched article goes; replace when absent. */
  contentAction?: 'prepend' | 'append';
}
