// createServer(deps) → the Hono app. Listening lives in cli/serve.ts; tests call app.request().
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getPath } from 'hono/utils/url';
import type { AppDeps, AppEnv } from './app-env.ts';
import { normalizeApiPath } from './api/api-params.ts';
import { mountAppApis } from './api/mount-app-apis.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { sessionMiddleware } from './middleware/session.ts';
import { createHttpSecurity, httpSecurityMiddleware } from './middleware/http-security.ts';
import { createHttpMetrics } from './middleware/metrics.ts';
import {
  accountDeleteAction,
  accountPage,
  accountPasswordAction,
  accountSessionRevoke,
  accountSessionsRevokeOthers,
  reauthAction,
  reauthPage,
} from './ui/account-page.tsx';
import { requireAdmin, requireRecentAuth } from './ui/account-guards.ts';
import {
  adminOidcLink,
  adminOidcUnlink,
  adminPage,
  adminSettingsSave,
  adminUserAction,
  adminUserCreate,
} from './ui/admin-page.tsx';
import { registerAction, registerPage } from './ui/account-register.tsx';
import { loginAction, loginPage, logoutAction, setupAction, setupPage } from './ui/auth-pages.tsx';
import { createOidcLogin } from './ui/oidc-login.ts';
import { anonymousReading } from './ui/anonymous-stream.tsx';
import { createImageProxy } from './ui/image-proxy.ts';
import { backUrl } from './ui/back-url.ts';
import { entryToggleRead, entryToggleStar } from './ui/entry-actions.ts';
import {
  apiPasswordAction,
  apiPasswordRevokeAction,
  settingsAction,
  settingsPage,
} from './ui/settings-page.tsx';
import { streamMarkRead, streamUndoMarkRead } from './ui/stream-mark-read.ts';
import { streamPage } from './ui/stream-page.tsx';
import { searchAdvancedRedirect } from './ui/search-advanced.ts';
import { searchMarkRead } from './ui/search-mark-read.ts';
import { queriesPage } from './ui/queries-page.tsx';
import {
  queryCreateAction,
  queryDeleteAction,
  queryMoveAction,
  queryShareAction,
  queryUnshareAction,
  queryUpdateAction,
} from './ui/queries-actions.ts';
import { sharedQuery } from './ui/shared-query.tsx';
import {
  entryLabelToggle,
  labelCreateAction,
  labelDeleteAction,
  labelRenameAction,
  labelsPage,
} from './ui/label-actions.tsx';
import { feedPrioritySave } from './ui/feed-priority-save.ts';
import { manifestRoute, offlinePage, serviceWorkerRoute } from './ui/offline-routes.tsx';
import { readingSettingsAction, readingSettingsPage } from './ui/reading-settings-page.tsx';
import {
  shareServiceAdd,
  shareServiceMove,
  shareServiceRemove,
  shareServicesReset,
  shareSettingsPage,
} from './ui/share-settings-page.tsx';
import { statisticsPage } from './ui/statistics-page.tsx';
import { idleFeedsPage, idleFeedUnsubscribe } from './ui/statistics-idle-page.tsx';
import { unreadCountsJson } from './ui/stream-live.ts';
import { viewSave } from './ui/view-save.ts';
import { feedPage, feedScheduleSave } from './ui/feed-page.tsx';
import { feedContentSave } from './ui/feed-content-settings.tsx';
import { entryFullContent } from './ui/entry-full-content.tsx';
import { retentionSave } from './ui/retention-save.ts';
import {
  categoryFiltersPage,
  feedFiltersPage,
  filtersApply,
  filtersSave,
  globalFiltersPage,
} from './ui/filter-pages.tsx';
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
import {
  subscriptionsExportRoute,
  subscriptionsImportAction,
  subscriptionsImportUrlAction,
} from './ui/import-export.tsx';
import { categoryOpmlRefreshAction, categoryOpmlSaveAction } from './ui/category-opml.tsx';
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
  const app = new Hono<AppEnv>({ getPath: (req) => normalizeApiPath(getPath(req)) });
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  if (deps.config.metrics) {
    const metrics = createHttpMetrics();
    app.use('*', metrics.middleware);
    app.get('/metrics', metrics.handler);
  }
  const imageProxy = createImageProxy();
  app.use('*', imageProxy.rewrite);
  app.use('*', securityHeaders());
  app.use('*', httpSecurityMiddleware(createHttpSecurity(deps.config)));

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
  app.get('/sw.js', serviceWorkerRoute);
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Signed media URLs (VEILLE_IMAGE_PROXY=on): the signature is the authorization, no session.
  app.get('/proxy/img', imageProxy.route);
  // WebSub callbacks come from hubs: no session, no CSRF token (authenticated by token + HMAC).
  app.get('/websub/:feedId/:token', websubVerify);
  app.post('/websub/:feedId/:token', websubPush);
  // Google Reader and Fever APIs: token-authenticated, never through the session cookie.
  mountAppApis(app);

  app.use('*', sessionMiddleware());
  app.use('*', csrfProtection());

  app.get('/setup', setupPage);
  app.post('/setup', setupAction);
  app.get('/login', loginPage);
  app.get('/manifest.webmanifest', manifestRoute);
  app.get('/offline', offlinePage);
  app.post('/login', loginAction);
  app.post('/logout', logoutAction);
  const oidc = createOidcLogin();
  app.post('/login/oidc', oidc.start);
  app.get('/login/oidc/callback', oidc.callback);
  app.get('/register', registerPage);
  app.post('/register', registerAction);
  app.get('/', anonymousReading(), streamPage);
  // A user query published by its secret token: no session (the token is the authorization).
  app.get('/shared/query/:file', sharedQuery);

  const user = new Hono<AppEnv>();
  user.use('*', requireUser);
  user.post('/entries/:id/read', entryToggleRead);
  user.post('/entries/:id/star', entryToggleStar);
  user.post('/mark-read', streamMarkRead);
  user.post('/mark-read/undo', streamUndoMarkRead);
  // Search and user queries (issue 6).
  user.get('/search/advanced', searchAdvancedRedirect);
  user.post('/search/mark-read', searchMarkRead);
  user.get('/queries', (c) => queriesPage(c));
  user.post('/queries', queryCreateAction);
  user.post('/queries/:id', queryUpdateAction);
  user.post('/queries/:id/move', queryMoveAction);
  user.post('/queries/:id/delete', queryDeleteAction);
  user.post('/queries/:id/share', queryShareAction);
  user.post('/queries/:id/unshare', queryUnshareAction);
  user.get('/subscriptions', (c) => subscriptionsPage(c));
  user.post('/subscriptions/import', subscriptionsImportAction);
  user.post('/subscriptions/import-url', subscriptionsImportUrlAction);
  user.get('/subscriptions/export', subscriptionsExportRoute);
  user.post('/feeds', feedAddAction);
  user.post('/feeds/:id/move', feedMoveAction);
  user.post('/feeds/:id/rename', feedRenameAction);
  user.post('/feeds/:id/unsubscribe', feedUnsubscribeAction);
  user.post('/categories', categoryCreateAction);
  user.post('/categories/:id/rename', categoryRenameAction);
  user.post('/categories/:id/delete', categoryDeleteAction);
  user.post('/categories/:id/opml', categoryOpmlSaveAction);
  user.post('/categories/:id/opml/refresh', categoryOpmlRefreshAction);
  user.get('/settings', (c) => settingsPage(c));
  user.post('/settings', settingsAction);
  user.post('/settings/api-password', apiPasswordAction);
  user.post('/settings/api-password/revoke', apiPasswordRevokeAction);
  user.get('/feeds/:id/icon', feedIconRoute);
  user.get('/feeds/:id', feedPage);
  user.post('/feeds/:id/schedule', feedScheduleSave);
  // Full content (FreshRSS's "Retrieve full content"): per-feed settings, on-demand fetch.
  user.post('/feeds/:id/content', feedContentSave);
  user.post('/entries/:id/full-content', entryFullContent);
  user.post('/retention', retentionSave);
  // Filter actions (issue 6): global, per category, per feed.
  user.get('/settings/filters', globalFiltersPage);
  user.get('/categories/:id/filters', categoryFiltersPage);
  user.get('/feeds/:id/filters', feedFiltersPage);
  user.post('/filters', filtersSave);
  user.post('/filters/apply', filtersApply);
  user.post('/refresh', refreshAction);
  // Reading (issue 5): views, labels, priorities, live counts, reading settings.
  user.post('/view', viewSave);
  user.get('/unread-counts', unreadCountsJson);
  user.get('/labels', (c) => labelsPage(c));
  user.post('/labels', labelCreateAction);
  user.post('/labels/:id/rename', labelRenameAction);
  user.post('/labels/:id/delete', labelDeleteAction);
  user.post('/entries/:id/labels/:labelId', entryLabelToggle);
  user.post('/feeds/:id/priority', feedPrioritySave);
  user.get('/settings/reading', (c) => readingSettingsPage(c));
  user.post('/settings/reading', readingSettingsAction);
  // Sharing services and statistics (issue 5).
  user.get('/settings/sharing', (c) => shareSettingsPage(c));
  user.post('/settings/sharing', shareServiceAdd);
  user.post('/settings/sharing/reset', shareServicesReset);
  user.post('/settings/sharing/:index/move', shareServiceMove);
  user.post('/settings/sharing/:index/remove', shareServiceRemove);
  user.get('/statistics', statisticsPage);
  user.get('/statistics/idle', (c) => idleFeedsPage(c));
  user.post('/statistics/idle/:id/unsubscribe', idleFeedUnsubscribe);
  user.get('/account', (c) => accountPage(c));
  user.post('/account/password', accountPasswordAction);
  user.post('/account/sessions/revoke-others', accountSessionsRevokeOthers);
  user.post('/account/sessions/:id/revoke', accountSessionRevoke);
  user.post('/account/delete', accountDeleteAction);
  user.get('/reauth', reauthPage);
  user.post('/reauth', reauthAction);
  user.use('/admin/*', requireAdmin, requireRecentAuth);
  user.use('/admin', requireAdmin, requireRecentAuth);
  user.get('/admin', (c) => adminPage(c));
  user.post('/admin/users', adminUserCreate);
  user.post('/admin/users/:id/:verb', adminUserAction);
  user.post('/admin/settings', adminSettingsSave);
  user.post('/admin/oidc/link', adminOidcLink);
  user.post('/admin/oidc/unlink', adminOidcUnlink);
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
