// Guards for sensitive pages: administrators only, and a password entered recently in this
// session (re-authentication), so that a forgotten open session cannot change accounts.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** How long a password entry (login or /reauth) covers sensitive actions. */
export const REAUTH_WINDOW_MS = 10 * 60 * 1000;

export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  const user = c.get('user');
  if (!user?.is_admin) return c.text(c.get('tr').t('error.forbidden'), 403);
  return next();
};

export function hasRecentAuth(c: Context<AppEnv>): boolean {
  // A user authenticated by a trusted proxy has no Veille session: the proxy answers for them.
  if (!c.get('sessionId')) return c.get('user') !== null;
  const at = c.get('sessionReauthAt');
  return at !== null && c.get('deps').now() - at < REAUTH_WINDOW_MS;
}

/** Sends to /reauth (and back here afterwards) when the password was not entered recently. */
export const requireRecentAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (hasRecentAuth(c)) return next();
  const back = c.req.method === 'GET' ? c.req.path : '/admin';
  return c.redirect(`/reauth?back=${encodeURIComponent(back)}`, c.req.method === 'GET' ? 302 : 303);
};

export function formText(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v : '';
}
