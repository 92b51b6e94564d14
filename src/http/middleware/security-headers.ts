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
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    // same-origin: nothing is sent to feed sites, and same-origin form posts keep a real Origin
    // header (with no-referrer, Chromium sends `Origin: null`, which the CSRF check refuses).
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (c.get('secureCookies')) c.header('Strict-Transport-Security', 'max-age=31536000');
  };
}
