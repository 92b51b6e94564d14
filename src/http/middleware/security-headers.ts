// Security headers on every response. Scripts and styles only from Veille itself (no inline
// script); images and media from feeds are allowed, embedded video only from known hosts.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const FRAME_HOSTS = [
  'https://www.youtube.com',
  'https://www.youtube-nocookie.com',
  'https://player.vimeo.com',
  'https://www.dailymotion.com',
  'https://player.twitch.tv',
  'https://open.spotify.com',
  'https://w.soundcloud.com',
  'https://bandcamp.com',
  'https://archive.org',
].join(' ');

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  'img-src * data:',
  'media-src *',
  `frame-src ${FRAME_HOSTS}`,
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    // Set on the finished response's own headers: c.header() would rebuild the response (copying
    // a 400 KB page body into a new Response object) — unless those headers are immutable.
    let set = (name: string, value: string) => c.res.headers.set(name, value);
    try {
      set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    } catch {
      set = (name, value) => c.header(name, value);
      set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    }
    set('X-Content-Type-Options', 'nosniff');
    // same-origin: nothing is sent to feed sites, and same-origin form posts keep a real Origin
    // header (with no-referrer, Chromium sends `Origin: null`, which the CSRF check refuses).
    set('Referrer-Policy', 'same-origin');
    set('X-Frame-Options', 'DENY');
    set('Cross-Origin-Opener-Policy', 'same-origin');
    if (c.get('secureCookies')) set('Strict-Transport-Security', 'max-age=31536000');
  };
}
