// Reads the session cookie, sets the user, the CSRF token and the translator for the request.
import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { createTranslator, isLanguage, languageFromAcceptLanguage } from '../../i18n/i18n.ts';
import { sessionByToken } from '../../storage/sessions.ts';

export const SESSION_COOKIE = 'veille_session';
/** Double-submit CSRF cookie for forms shown before login (login, first-run setup). */
export const ANON_CSRF_COOKIE = 'veille_csrf';
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

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
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await sessionByToken(deps.database.db, token, deps.now()) : undefined;
    if (session) {
      c.set('user', session.user);
      c.set('sessionId', session.sessionId);
      c.set('csrfToken', session.csrfToken);
    } else {
      let anon = getCookie(c, ANON_CSRF_COOKIE);
      if (!anon || !/^[A-Za-z0-9_-]{32}$/.test(anon)) {
        anon = randomBytes(24).toString('base64url');
        setCookie(c, ANON_CSRF_COOKIE, anon, { httpOnly: true, sameSite: 'Lax', secure, path: '/' });
      }
      c.set('csrfToken', anon);
    }
    const user = session?.user;
    const lang =
      user?.language && isLanguage(user.language)
        ? user.language
        : languageFromAcceptLanguage(c.req.header('accept-language'));
    c.set('tr', createTranslator(lang, user?.timezone || 'UTC'));
    await next();
  };
}
