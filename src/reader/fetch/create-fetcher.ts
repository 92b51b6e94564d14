// The HTTP fetcher: one undici Agent (keep-alive), our own redirect loop with the SSRF guard on
// every hop, conditional GET, bounded decompression, per-host concurrency, and errors returned as
// FetchResult values with readable messages, never thrown.
//
// SSRF policy: IP literals are checked before connecting; host names are checked inside the
// socket's DNS lookup, so the address checked is the address connected to (no DNS-rebinding
// gap). A host name is refused when ANY of its resolved addresses is blocked: a public site has
// no reason to publish a private address next to its public ones, and refusing the whole name
// avoids connecting to whichever address the OS happens to try first.

import dns from 'node:dns';
import { STATUS_CODES } from 'node:http';
import type { LookupFunction } from 'node:net';
import { Agent, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import type { FetchErrorCode, FetchOptions, FetchResult, FetchError } from '../../model/fetch-result.ts';
import { createHostLimiter } from './host-limiter.ts';
import { blockedAddressReason, hostToIpLiteral, parseCidrList } from './is-blocked-address.ts';
import { Deadline, exchange } from './exchange.ts';
import {
  ACCEPT_ENCODING,
  contentEncodings,
  decodeBody,
  decodeErrorMessage,
  isDecodeError,
  rawBodyLimit,
  tooLargeMessage,
} from './read-limited-body.ts';

export interface FetcherConfig {
  /** CIDRs that may be reached although private (VEILLE_FETCH_ALLOW_NETWORKS). */
  allowNetworks: string[];
  /** Default User-Agent, e.g. 'Veille/0.1 (+https://github.com/veille)'. */
  userAgent: string;
  connectTimeoutMs: number;
  /** From the request sent to the response headers; also the longest pause between body chunks. */
  headersTimeoutMs: number;
  /** The whole request, redirects and body included. */
  totalTimeoutMs: number;
  /** Decoded body size limit (also stops decompression bombs). */
  maxBodyBytes: number;
  maxRedirects: number;
  /** Concurrent requests per host (host name and port). */
  perHostLimit: number;
}

export interface FetchRequest {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  options?: FetchOptions;
  /** Accept header; defaults to feed types first, then HTML. */
  accept?: string;
  /** A tighter body limit than the fetcher's maxBodyBytes for this request (e.g. favicons). */
  maxBodyBytes?: number;
  /** POST these fields (application/x-www-form-urlencoded) instead of a GET; redirects are not followed. */
  form?: Record<string, string>;
  /**
   * Return a 2xx body as received, still compressed, with the decoders to apply in
   * `FetchOk.encodings` (read-limited-body.ts decodeKeptBody applies them with the same limits
   * and errors): the refresh decodes in its worker threads, not on the thread that fetches.
   */
  keepEncoded?: boolean;
}

export interface Fetcher {
  fetch(req: FetchRequest): Promise<FetchResult>;
  close(): Promise<void>;
}

export const DEFAULT_FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, ' +
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_STATUSES = new Set([301, 308]);
/** Headers a feed's options may not set: the fetcher owns them. */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'accept-encoding',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
]);
const BLOCKED_CODE = 'VEILLE_BLOCKED_ADDRESS';

class BlockedAddressError extends Error {
  readonly code = BLOCKED_CODE;
}

export function createFetcher(config: FetcherConfig): Fetcher {
  const allow = parseCidrList(config.allowNetworks);
  const limiter = createHostLimiter(config.perHostLimit);

  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const reason = blockedAddressReason(address, allow);
        if (reason) {
          return callback(
            new BlockedAddressError(
              `fetch: ${hostname} resolves to ${address}, ${reason}; ${ADMIN_HINT}`,
            ) as NodeJS.ErrnoException,
            '',
            0,
          );
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(
          Object.assign(new Error(`fetch: no address for ${hostname}`), { code: 'ENOTFOUND' }),
          '',
          0,
        );
      callback(null, first.address, first.family);
    });
  };

  const agentOptions = {
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.headersTimeoutMs,
    keepAliveTimeout: 30_000,
  };
  const agent = new Agent({
    ...agentOptions,
    connect: { timeout: config.connectTimeoutMs, lookup: guardedLookup },
  });
  // Made on first use: feeds whose owner chose to skip TLS verification, and feeds behind a proxy.
  let insecureAgent: Agent | null = null;
  const proxies = new Map<string, ProxyAgent>();

  /** The dispatcher for a feed's options; a proxy must itself be an allowed address. */
  async function dispatcherFor(options: FetchOptions): Promise<Dispatcher | FetchError> {
    if (options.proxy) {
      const proxy = parseHttpUrl(options.proxy);
      if (typeof proxy === 'string')
        return fetchError('fetch.invalid_url', `fetch: the proxy address is not valid: ${options.proxy}`);
      const blocked = await proxyBlockedReason(proxy.hostname);
      if (blocked) return fetchError('fetch.blocked_address', blocked);
      const key = `${proxy.href}|${options.insecureTls ? 1 : 0}`;
      let agentForProxy = proxies.get(key);
      if (!agentForProxy) {
        agentForProxy = new ProxyAgent({
          ...agentOptions,
          uri: proxy.href,
          requestTls: { rejectUnauthorized: !options.insecureTls, timeout: config.connectTimeoutMs },
          proxyTls: { timeout: config.connectTimeoutMs },
        });
        proxies.set(key, agentForProxy);
      }
      return agentForProxy;
    }
    if (options.insecureTls) {
      insecureAgent ??= new Agent({
        ...agentOptions,
        connect: { timeout: config.connectTimeoutMs, lookup: guardedLookup, rejectUnauthorized: false },
      });
      return insecureAgent;
    }
    return agent;
  }

  async function proxyBlockedReason(hostname: string): Promise<string | null> {
    const literal = hostToIpLiteral(hostname);
    const addresses = literal
      ? [literal]
      : await dns.promises.lookup(hostname, { all: true }).then(
          (list) => list.map((a) => a.address),
          () => null,
        );
    if (!addresses) return `fetch: the proxy host name ${hostname} could not be resolved`;
    for (const address of addresses) {
      const reason = blockedAddressReason(address, allow);
      if (reason) return `fetch: the proxy ${hostname} (${address}) is ${reason}; ${ADMIN_HINT}`;
    }
    return null;
  }

  async function fetchOnce(req: FetchRequest): Promise<FetchResult> {
    let url = parseHttpUrl(req.url);
    if (typeof url === 'string') return fetchError('fetch.invalid_url', url);
    const originalOrigin = url.origin;
    const options = req.options ?? {};
    const dispatcher = await dispatcherFor(options);
    if ('kind' in dispatcher) return dispatcher;
    const maxBodyBytes = Math.min(req.maxBodyBytes ?? config.maxBodyBytes, config.maxBodyBytes);

    const deadline = new Deadline();
    const timer = setTimeout(() => deadline.expire(new Error('fetch: total timeout')), config.totalTimeoutMs);

    let allPermanent = true;
    let redirects = 0;
    try {
      for (;;) {
        const literal = hostToIpLiteral(url.hostname);
        if (literal) {
          const reason = blockedAddressReason(literal, allow);
          if (reason)
            return fetchError('fetch.blocked_address', `fetch: ${literal} is ${reason}; ${ADMIN_HINT}`);
        }

        const headers = requestHeaders(config, req, options, url.origin === originalOrigin);
        let release: (() => void) | null = null;
        try {
          release = await limiter.acquire(url.host, deadline);
          // What the response's headers said about its body (set by bodyFor).
          const plan: { encodings: string[]; unsupported: string | null; declaredTooLarge: boolean } = {
            encodings: [],
            unsupported: null,
            declaredTooLarge: false,
          };
          let response;
          try {
            response = await exchange(
              dispatcher,
              {
                url,
                method: req.form ? 'POST' : 'GET',
                headers: req.form
                  ? { ...headers, 'content-type': 'application/x-www-form-urlencoded' }
                  : headers,
                body: req.form ? new URLSearchParams(req.form).toString() : null,
                bodyFor(status, h) {
                  if (REDIRECT_STATUSES.has(status) && h['location'] && !req.form) return 'discard';
                  if (status < 200 || status > 299) return 'discard';
                  const encodings = contentEncodings(h['content-encoding'] ?? null);
                  if (!Array.isArray(encodings)) {
                    plan.unsupported = encodings.unsupported;
                    return 'stop';
                  }
                  plan.encodings = encodings;
                  if (encodings.length === 0 && Number(h['content-length'] ?? NaN) > maxBodyBytes) {
                    plan.declaredTooLarge = true;
                    return 'stop';
                  }
                  return { keep: rawBodyLimit(encodings, maxBodyBytes) };
                },
              },
              deadline,
            );
          } catch (err) {
            return errorResult(err, deadline.expired, config);
          }
          const { status: statusCode, headers: responseHeaders } = response;

          if (REDIRECT_STATUSES.has(statusCode) && responseHeaders['location'] && !req.form) {
            redirects++;
            if (redirects > config.maxRedirects) {
              return fetchError(
                'fetch.too_many_redirects',
                `fetch: more than ${config.maxRedirects} redirects (last to ${responseHeaders['location']})`,
              );
            }
            if (!PERMANENT_STATUSES.has(statusCode)) allPermanent = false;
            const next = parseHttpUrl(responseHeaders['location'], url);
            if (typeof next === 'string')
              return fetchError(
                'fetch.invalid_url',
                `fetch: the server redirected to an unusable URL (${next.slice('fetch: '.length)})`,
              );
            url = next;
            continue;
          }

          const finalUrl = url.href;
          if (statusCode === 304) {
            return {
              kind: 'not-modified',
              finalUrl,
              etag: responseHeaders['etag'] ?? req.etag ?? null,
              lastModified: responseHeaders['last-modified'] ?? req.lastModified ?? null,
              headers: responseHeaders,
            };
          }
          if (statusCode < 200 || statusCode > 299) {
            return {
              kind: 'error',
              code: 'fetch.http_status',
              message: httpStatusMessage(statusCode, responseHeaders),
              status: statusCode,
              retryAfter: parseRetryAfter(responseHeaders['retry-after'] ?? null, Date.now()),
            };
          }
          if (plan.unsupported !== null) {
            return fetchError(
              'fetch.decompress',
              `fetch: the server used an unsupported content encoding "${plan.unsupported}"`,
              statusCode,
            );
          }
          if (response.tooLarge || plan.declaredTooLarge) return tooLarge(maxBodyBytes, statusCode);
          const common = {
            kind: 'ok' as const,
            status: statusCode,
            finalUrl,
            permanentUrl: redirects > 0 && allPermanent ? finalUrl : null,
            contentType: responseHeaders['content-type'] ?? null,
            etag: responseHeaders['etag'] ?? null,
            lastModified: responseHeaders['last-modified'] ?? null,
            headers: responseHeaders,
          };
          if (req.keepEncoded && plan.encodings.length > 0) {
            // One owned copy of the received bytes (socket reads are views into larger buffers).
            const raw = new Uint8Array(response.bytes);
            let at = 0;
            for (const chunk of response.chunks) {
              raw.set(chunk, at);
              at += chunk.length;
            }
            return { ...common, body: raw, encoded: { encodings: plan.encodings, maxBytes: maxBodyBytes } };
          }
          let body;
          try {
            body = decodeBody(response.chunks, response.bytes, plan.encodings, maxBodyBytes);
          } catch (err) {
            if (isDecodeError(err)) {
              return fetchError(
                'fetch.decompress',
                decodeErrorMessage(responseHeaders['content-encoding'] ?? null, err as Error),
                statusCode,
              );
            }
            throw err;
          }
          if (body.kind !== 'ok') return tooLarge(maxBodyBytes, statusCode);
          return { ...common, body: body.bytes };
        } catch (err) {
          return errorResult(err, deadline.expired, config);
        } finally {
          release?.();
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async fetch(req) {
      try {
        return await fetchOnce(req);
      } catch (err) {
        // Nothing above should throw; keep the promise of "always a FetchResult" regardless.
        return fetchError('fetch.other', `fetch: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async close() {
      await Promise.all([
        agent.close(),
        insecureAgent?.close(),
        ...[...proxies.values()].map((p) => p.close()),
      ]);
    },
  };
}

const ADMIN_HINT = 'an administrator can allow it with VEILLE_FETCH_ALLOW_NETWORKS';

function fetchError(code: FetchErrorCode, message: string, status: number | null = null): FetchError {
  return { kind: 'error', code, message, status, retryAfter: null };
}

function tooLarge(maxBodyBytes: number, status: number): FetchError {
  return fetchError('fetch.too_large', tooLargeMessage(maxBodyBytes), status);
}

/** An http(s) URL, or the message explaining why `text` is not one. */
function parseHttpUrl(text: string, base?: URL): URL | string {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return `fetch: "${text}" is not a valid URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `fetch: only http and https URLs can be fetched, not ${url.protocol.slice(0, -1)}`;
  }
  if (url.hostname === '') return `fetch: "${text}" has no host`;
  url.hash = '';
  return url;
}

function requestHeaders(
  config: FetcherConfig,
  req: FetchRequest,
  options: FetchOptions,
  sameOrigin: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent || config.userAgent,
    accept: req.accept ?? DEFAULT_FEED_ACCEPT,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const key = name.toLowerCase();
    if (RESERVED_HEADERS.has(key)) continue;
    // Credentials stay with the origin they were given for.
    if (!sameOrigin && (key === 'authorization' || key === 'cookie')) continue;
    headers[key] = value;
  }
  headers['accept-encoding'] = ACCEPT_ENCODING;
  if (sameOrigin && options.cookie) headers['cookie'] = options.cookie;
  if (sameOrigin && (options.username || options.password)) {
    const credentials = Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`, 'utf8');
    headers['authorization'] = `Basic ${credentials.toString('base64')}`;
  }
  if (req.etag) headers['if-none-match'] = req.etag;
  if (req.lastModified) headers['if-modified-since'] = req.lastModified;
  return headers;
}

/** Retry-After as seconds from `now`: "120" or an HTTP date. Null when absent or unreadable. */
/** A readable cause for an HTTP error status, naming the usual culprits. */
export function httpStatusMessage(status: number, headers: Record<string, string>): string {
  const answered = `the server answered ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
  const cloudflare = headers['cf-mitigated'] === 'challenge' || /cloudflare/i.test(headers['server'] ?? '');
  if (cloudflare && (status === 403 || status === 503 || status === 429)) {
    return `fetch: blocked by a Cloudflare challenge (${answered})`;
  }
  if (status === 410) return 'fetch: the feed is gone for good (the server answered 410 Gone)';
  if (status === 401 || status === 407) return `fetch: ${answered}; the feed needs a user name and password`;
  if (status === 429) return `fetch: rate limited (${answered})`;
  return `fetch: ${answered}`;
}

export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Maps a thrown network error to a FetchError with a readable message. */
function errorResult(err: unknown, timedOut: boolean, config: FetcherConfig): FetchError {
  if (timedOut) {
    return fetchError(
      'fetch.timeout',
      `fetch: the request took longer than ${seconds(config.totalTimeoutMs)}`,
    );
  }
  const chain: (Error & { code?: unknown; hostname?: unknown })[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) chain.push(e);
  if (err instanceof AggregateError) for (const e of err.errors) if (e instanceof Error) chain.push(e);
  const codes = chain.map((e) => (typeof e.code === 'string' ? e.code : ''));
  const has = (...wanted: string[]) => codes.some((c) => wanted.includes(c));
  const first = chain[0];

  const blocked = chain.find((e) => e.code === BLOCKED_CODE);
  if (blocked) return fetchError('fetch.blocked_address', blocked.message);
  if (has('ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA')) {
    const temporary = has('EAI_AGAIN') ? ' (temporary DNS failure)' : '';
    return fetchError('fetch.dns', `fetch: the host name could not be resolved${temporary}`);
  }
  if (has('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT')) {
    return fetchError('fetch.timeout', `fetch: could not connect within ${seconds(config.connectTimeoutMs)}`);
  }
  if (has('UND_ERR_HEADERS_TIMEOUT')) {
    return fetchError(
      'fetch.timeout',
      `fetch: the server did not answer within ${seconds(config.headersTimeoutMs)}`,
    );
  }
  if (has('UND_ERR_BODY_TIMEOUT')) {
    return fetchError(
      'fetch.timeout',
      `fetch: the server stopped sending for ${seconds(config.headersTimeoutMs)}`,
    );
  }
  if (has('ECONNREFUSED')) return fetchError('fetch.connect', 'fetch: the server refused the connection');
  if (has('EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN', 'EHOSTDOWN')) {
    return fetchError('fetch.connect', 'fetch: the server cannot be reached from here');
  }
  const tls = tlsMessage(codes, chain);
  if (tls) return fetchError('fetch.tls', tls);
  if (
    has(
      'ECONNRESET',
      'EPIPE',
      'UND_ERR_SOCKET',
      'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
      'ERR_STREAM_PREMATURE_CLOSE',
    )
  ) {
    return fetchError('fetch.reset', 'fetch: the server closed the connection unexpectedly');
  }
  if (chain.some((e) => e.constructor?.name === 'HTTPParserError' || String(e.code).startsWith('HPE_'))) {
    return fetchError('fetch.other', 'fetch: the server sent an invalid HTTP response');
  }
  const detail = first ? first.message : String(err);
  return fetchError('fetch.other', detail.startsWith('fetch: ') ? detail : `fetch: ${detail}`);
}

function tlsMessage(codes: string[], chain: Error[]): string | null {
  const has = (c: string) => codes.includes(c);
  if (has('CERT_HAS_EXPIRED')) return 'fetch: TLS certificate expired';
  if (has('CERT_NOT_YET_VALID')) return 'fetch: TLS certificate not yet valid';
  if (has('DEPTH_ZERO_SELF_SIGNED_CERT') || has('SELF_SIGNED_CERT_IN_CHAIN')) {
    return 'fetch: TLS certificate is self-signed (not trusted)';
  }
  if (has('ERR_TLS_CERT_ALTNAME_INVALID')) return 'fetch: TLS certificate does not match the host name';
  if (has('UNABLE_TO_VERIFY_LEAF_SIGNATURE') || has('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')) {
    return 'fetch: TLS certificate is not signed by a trusted authority';
  }
  const tlsCode = codes.find((c) => /^(ERR_SSL_|ERR_TLS_|CERT_|EPROTO$)/.test(c));
  if (tlsCode) {
    const message = chain.find((e) => (e as Error & { code?: unknown }).code === tlsCode)?.message ?? tlsCode;
    return `fetch: TLS error (${message})`;
  }
  return null;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
