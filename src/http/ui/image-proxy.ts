// Optional image/media proxy (VEILLE_IMAGE_PROXY=on). Pages are rewritten on their way out: every
// absolute http(s) `src`, `poster` and `srcset` URL of <img>, <video>, <audio> and <source> becomes
// `/proxy/img?u=<url>&s=<HMAC>`, signed with the instance secret so that the route cannot be used
// as an open proxy. The route fetches through the feed fetcher (the same private-address guard on
// every redirect hop), accepts only image/*, video/* and audio/* answers up to
// VEILLE_IMAGE_PROXY_MAX_BYTES, and the Content-Security-Policy then allows images and media from
// Veille itself only: the reader's browser never contacts the feed's servers or their trackers.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { instanceSecret } from '../../storage/instance-secret.ts';

export const IMAGE_PROXY_PATH = '/proxy/img';
const MEDIA_TAG = /<(img|video|audio|source)\b[^>]*>/gi;
const URL_ATTRIBUTE = /(\s(?:src|poster)=")([^"]*)(")/gi;
const SRCSET_ATTRIBUTE = /(\ssrcset=")([^"]*)(")/gi;
const ACCEPT =
  'image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8,video/*;q=0.7,audio/*;q=0.7';

export interface ImageProxy {
  /** Rewrites pages and tightens the CSP; register before the security headers middleware. */
  rewrite: MiddlewareHandler<AppEnv>;
  /** GET /proxy/img */
  route: (c: Context<AppEnv>) => Promise<Response>;
}

function decodeAttribute(text: string): string {
  return text.replace(/&(amp|quot|#39|#x27|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'quot' ? '"' : name === 'lt' ? '<' : name === 'gt' ? '>' : "'",
  );
}

export function imageProxySignature(secret: Buffer, url: string): string {
  return createHmac('sha256', secret).update(`image-proxy\0${url}`).digest('base64url');
}

/** The proxied address of a media URL, or null when it is not an absolute http(s) URL. */
export function proxiedMediaUrl(secret: Buffer, raw: string): string | null {
  const trimmed = raw.trim();
  const absolute = trimmed.startsWith('//') ? `https:${trimmed}` : trimmed;
  if (!/^https?:\/\//i.test(absolute)) return null;
  let url: string;
  try {
    url = new URL(absolute).href;
  } catch {
    return null;
  }
  return `${IMAGE_PROXY_PATH}?u=${encodeURIComponent(url)}&amp;s=${imageProxySignature(secret, url)}`;
}

/** Rewrites the media URLs of an HTML page (or fragment). */
export function rewriteMediaUrls(secret: Buffer, html: string): string {
  return html.replace(MEDIA_TAG, (tag) =>
    tag
      .replace(URL_ATTRIBUTE, (all, head: string, value: string, tail: string) => {
        const proxied = proxiedMediaUrl(secret, decodeAttribute(value));
        return proxied ? `${head}${proxied}${tail}` : all;
      })
      .replace(SRCSET_ATTRIBUTE, (_all, head: string, value: string, tail: string) => {
        const candidates = decodeAttribute(value)
          .split(',')
          .map((candidate) => {
            const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
            const proxied = proxiedMediaUrl(secret, url);
            return proxied ? [proxied, ...descriptor].join(' ') : null;
          })
          .filter((x) => x !== null);
        return `${head}${candidates.join(', ')}${tail}`;
      }),
  );
}

export function createImageProxy(): ImageProxy {
  let secret: Promise<Buffer> | null = null;
  const secretOf = (c: Context<AppEnv>) => {
    secret ??= instanceSecret(c.get('deps').database.db).catch((err: unknown) => {
      secret = null;
      throw err;
    });
    return secret;
  };

  const rewrite: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (!c.get('deps').config.imageProxy) return;
    const csp = c.res.headers.get('content-security-policy');
    if (csp)
      c.res.headers.set(
        'content-security-policy',
        csp.replace(/img-src [^;]*/, "img-src 'self' data:").replace(/media-src [^;]*/, "media-src 'self'"),
      );
    if (!(c.res.headers.get('content-type') ?? '').startsWith('text/html') || c.req.method === 'HEAD') return;
    const html = await c.res.text();
    const rewritten = rewriteMediaUrls(await secretOf(c), html);
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(rewritten, { status: c.res.status, headers });
  };

  async function route(c: Context<AppEnv>): Promise<Response> {
    const deps = c.get('deps');
    if (!deps.config.imageProxy) return c.notFound();
    const url = c.req.query('u') ?? '';
    const signature = c.req.query('s') ?? '';
    if (!url || !signature || !constantTimeEqual(signature, imageProxySignature(await secretOf(c), url)))
      return c.text('proxy: bad signature', 403);
    const result = await deps.fetcher.fetch({
      url,
      accept: ACCEPT,
      maxBodyBytes: deps.config.imageProxyMaxBytes,
    });
    if (result.kind !== 'ok') {
      const status = result.kind === 'error' && result.code === 'fetch.blocked_address' ? 403 : 502;
      const message = result.kind === 'error' ? result.message : 'fetch: not modified';
      return c.text(`proxy: ${message}`, status);
    }
    const type = (result.contentType ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^(image|video|audio)\/[a-z0-9.+-]+$/.test(type))
      return c.text(`proxy: ${type || 'an unknown type'} is not an image, video or audio file`, 415);
    return c.body(Buffer.from(result.body), 200, {
      'content-type': type,
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
      // An SVG from a stranger, even opened directly: no script, nothing loaded.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      'content-disposition': 'inline',
    });
  }

  return { rewrite, route };
}
