// createServer(deps) → the Hono app. Listening lives in cli/serve.ts; tests call app.request().
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv } from './app-env.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { sessionMiddleware } from './middleware/session.ts';
import { loginAction, loginPage, logoutAction, setupAction, setupPage } from './ui/auth-pages.tsx';
import { backUrl } from './ui/back-url.ts';
import { entryToggleRead, entryToggleStar } from './ui/entry-actions.ts';
import { settingsAction, settingsPage } from './ui/settings-page.tsx';
import { streamMarkRead, streamUndoMarkRead } from './ui/stream-mark-read.ts';
import { streamPage } from './ui/stream-page.tsx';
import { feedPage, feedScheduleSave } from './ui/feed-page.tsx';
import { retentionSave } from './ui/retention-save.ts';
import { websubPush, websubVerify } from './ui/websub-callback.ts';
import {
  categoryCreateAction,
  categoryDeleteAction,
  categoryRenameAction,
  feedAddAction,
  feedMoveAction,
  feedRenameAction,
  feedUnsubscribeAction,
  subscriptionsPage,
} from './ui/subscriptions-page.tsx';
import { feedIcon } from '../storage/feeds.ts';
import { feedsDueForRefresh } from '../storage/feeds.ts';
import { subscriptionForFeed } from '../storage/subscriptions.ts';

// public/ seen from the sources (src/http/) or from the bundle (dist/).
const PUBLIC_DIR =
  ['../public/', '../../public/']
    .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
    .find((dir) => existsSync(join(dir, 'style.css'))) ??
  fileURLToPath(new URL('../../public/', import.meta.url));
const STATIC_TYPES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json',
  'style.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.get('user')) {
    if ((c.req.header('accept') ?? '').includes('application/json'))
      return c.json({ error: 'login required' }, 401);
    return c.redirect('/login', c.req.method === 'GET' ? 302 : 303);
  }
  return next();
};

// A 1×1 transparent GIF for feeds without an icon.
const BLANK_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export function createServer(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', securityHeaders());

  app.get('/static/:file', async (c) => {
    const file = c.req.param('file');
    const type = STATIC_TYPES[file];
    if (!type) return c.notFound();
    try {
      const body = await readFile(PUBLIC_DIR + file);
      return c.body(body, 200, { 'content-type': type, 'cache-control': 'no-cache' });
    } catch {
      return c.notFound();
    }
  });
  app.get('/favicon.ico', (c) => c.redirect('/static/icon.svg', 301));
  app.get('/healthz', (c) => c.json({ ok: true }));
  // WebSub callbacks come from hubs: no session, no CSRF token (authenticated by token + HMAC).
  app.get('/websub/:feedId/:token', websubVerify);
  app.post('/websub/:feedId/:token', websubPush);

  app.use('*', sessionMiddleware());
  app.use('*', csrfProtection());

  app.get('/setup', setupPage);
  app.post('/setup', setupAction);
  app.get('/login', loginPage);
  app.post('/login', loginAction);
  app.post('/logout', logoutAction);
  app.get('/', streamPage);

  const user = new Hono<AppEnv>();
  user.use('*', requireUser);
  user.post('/entries/:id/read', entryToggleRead);
  user.post('/entries/:id/star', entryToggleStar);
  user.post('/mark-read', streamMarkRead);
  user.post('/mark-read/undo', streamUndoMarkRead);
  user.get('/subscriptions', (c) => subscriptionsPage(c));
  user.post('/feeds', feedAddAction);
  user.post('/feeds/:id/move', feedMoveAction);
  user.post('/feeds/:id/rename', feedRenameAction);
  user.post('/feeds/:id/unsubscribe', feedUnsubscribeAction);
  user.post('/categories', categoryCreateAction);
  user.post('/categories/:id/rename', categoryRenameAction);
  user.post('/categories/:id/delete', categoryDeleteAction);
  user.get('/settings', (c) => settingsPage(c));
  user.post('/settings', settingsAction);
  user.get('/feeds/:id/icon', feedIconRoute);
  user.get('/feeds/:id', feedPage);
  user.post('/feeds/:id/schedule', feedScheduleSave);
  user.post('/retention', retentionSave);
  user.post('/refresh', refreshAction);
  app.route('/', user);

  app.notFound((c) => c.text(c.get('tr')?.t('error.notFound') ?? 'Not found', 404));
  app.onError((err, c) => {
    deps.log.error('http: unexpected error', { path: c.req.path, error: err.stack ?? String(err) });
    return c.text(c.get('tr')?.t('error.server') ?? 'Server error', 500);
  });
  return app;
}

async function feedIconRoute(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const db = c.get('deps').database.db;
  const feedId = Number(raw);
  const sub = await subscriptionForFeed(db, c.get('user')!.id, feedId);
  const icon = sub ? await feedIcon(db, feedId) : undefined;
  const headers = {
    'cache-control': 'private, max-age=86400',
    // An SVG icon is an image from a stranger: no script, nothing loaded, even if opened directly.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  };
  if (!icon?.icon_data || !icon.icon_type)
    return c.body(BLANK_GIF, 200, { ...headers, 'content-type': 'image/gif' });
  return c.body(Buffer.from(icon.icon_data), 200, { ...headers, 'content-type': icon.icon_type });
}

async function refreshAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const feeds = await feedsDueForRefresh(deps.database.db, {
    now: deps.now(),
    userId: c.get('user')!.id,
    force: true,
  });
  await deps.refreshFeedIds(feeds.map((f) => f.id));
  return c.redirect(backUrl(form.back), 303);
}
