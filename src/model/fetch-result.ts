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
}
