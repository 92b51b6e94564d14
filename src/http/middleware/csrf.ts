// CSRF protection for every state-changing request: the Origin (when sent) must be ours, and
// the request must carry the session's token (form field `_csrf` or header `X-CSRF-Token`).
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function originAllowed(c: Context<AppEnv>): boolean {
  const origin = c.req.header('origin');
  if (!origin) return true;
  // Some browsers send `Origin: null` on same-origin posts under a strict referrer policy; the
  // Fetch Metadata header says whether the request really came from our own pages.
  if (origin === 'null') return c.req.header('sec-fetch-site') === 'same-origin';
  const own = new URL(c.req.url).origin;
  const base = c.get('deps').config.baseUrl;
  return origin === own || (base !== null && origin === new URL(base).origin);
}

export function csrfProtection(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    const expected = c.get('csrfToken');
    let sent = c.req.header('x-csrf-token') ?? '';
    if (!sent) {
      const type = c.req.header('content-type') ?? '';
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = await c.req.parseBody();
        sent = typeof body._csrf === 'string' ? body._csrf : '';
      }
    }
    if (!originAllowed(c) || !sent || !expected || !constantTimeEqual(sent, expected)) {
      return c.text(c.get('tr').t('error.csrf'), 403);
    }
    return next();
  };
}
