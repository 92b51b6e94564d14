// Reads the session cookie, sets the user, the CSRF token and the translator for the request.
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { createTranslator, isLanguage, languageFromAcceptLanguage } from '../../i18n/i18n.ts';
import { activeSessionByToken, touchSession } from '../../storage/account-sessions.ts';
import { userByName } from '../../storage/users.ts';
import { isTrustedProxy, socketAddress } from './client-address.ts';

export const SESSION_COOKIE = 'veille_session';
/** Double-submit CSRF cookie for forms shown before login (login, first-run setup). */
export const ANON_CSRF_COOKIE = 'veille_csrf';
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
/** Server-side bound of a session without "keep me logged in" (its cookie ends with the browser). */
export const SHORT_SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** Activity is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

export function isSecureRequest(c: Context<AppEnv>): boolean {
  const base = c.get('deps').config.baseUrl;
  if (base?.startsWith('https:')) return true;
  return new URL(c.req.url).protocol === 'https:';
}

export function sessionMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const secure = isSecureRequest(c);
    c.set('secureCookies', secure);
    c.set('user', null);
    c.set('sessionId', null);
    c.set('sessionReauthAt', null);
    const now = deps.now();
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await activeSessionByToken(deps.database.db, token, now) : undefined;
    if (session) {
      c.set('user', session.user);
      c.set('sessionId', session.sessionId);
      c.set('csrfToken', session.csrfToken);
      c.set('sessionReauthAt', session.reauthAt);
      if (session.lastSeenAt === null || now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
        await touchSession(deps.database.db, {
          sessionId: session.sessionId,
          userId: session.user.id,
          now,
          ip: c.get('clientIp'),
        });
      }
    } else {
      let anon = getCookie(c, ANON_CSRF_COOKIE);
      if (!anon || !/^[A-Za-z0-9_-]{32}$/.test(anon)) {
        anon = randomBytes(24).toString('base64url');
        setCookie(c, ANON_CSRF_COOKIE, anon, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
      }
      c.set('csrfToken', anon);
      // A trusted reverse proxy may name the authenticated user in a header; from anyone else
      // the header is ignored.
      const header = deps.config.authProxyHeader;
      if (header && isTrustedProxy(c.get('security').trustedProxies, socketAddress(c))) {
        const name = c.req.header(header)?.trim();
        const proxied = name ? await userByName(deps.database.db, name) : undefined;
        if (proxied && !proxied.disabled) c.set('user', proxied);
      }
    }
    const user = c.get('user');
    const lang =
      user?.language && isLanguage(user.language)
        ? user.language
        : languageFromAcceptLanguage(c.req.header('accept-language'));
    c.set('tr', createTranslator(lang, user?.timezone || 'UTC'));
    await next();
  };
}
