// Veille's own JSON API at /api/v1 (documented by openapi.ts, served at /api/v1/openapi.json):
// feeds, categories, entries with cursor pagination and search, read/star states, labels,
// counters. Mounted with the app APIs, before the session and CSRF middleware: it authenticates
// with the API password only (json-auth.ts), never the cookie, so CORS can be open.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { JsonApiError } from './json-api-error.ts';
import { createJsonAuth, type JsonEnv } from './json-auth.ts';
import {
  createCategory,
  deleteCategoryRoute,
  listCategories,
  markCategoryRead,
  updateCategory,
} from './json-categories.ts';
import { getEntry, listEntries, updateEntries } from './json-entries.ts';
import {
  createFeed,
  deleteFeed,
  getCounters,
  getFeed,
  getMe,
  listFeeds,
  markFeedRead,
  updateFeed,
} from './json-feeds.ts';
import {
  addEntryLabel,
  createLabelRoute,
  deleteLabelRoute,
  listLabels,
  removeEntryLabel,
  updateLabel,
} from './json-labels.ts';
import { OPENAPI_DOCUMENT } from './openapi.ts';

export const JSON_API_BASE = '/api/v1';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Auth-Token',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE',
  'Access-Control-Max-Age': '600',
};

type Handler = (c: Context<JsonEnv>) => Response | Promise<Response>;

/** Method and path (Hono syntax, under /api/v1) of every authenticated route. */
export const JSON_API_ROUTES: [method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, handler: Handler][] =
  [
    ['GET', '/me', getMe],
    ['GET', '/feeds', listFeeds],
    ['POST', '/feeds', createFeed],
    ['GET', '/feeds/:feed_id', getFeed],
    ['PUT', '/feeds/:feed_id', updateFeed],
    ['DELETE', '/feeds/:feed_id', deleteFeed],
    ['POST', '/feeds/:feed_id/mark-all-as-read', markFeedRead],
    ['GET', '/categories', listCategories],
    ['POST', '/categories', createCategory],
    ['PUT', '/categories/:category_id', updateCategory],
    ['DELETE', '/categories/:category_id', deleteCategoryRoute],
    ['POST', '/categories/:category_id/mark-all-as-read', markCategoryRead],
    ['GET', '/entries', listEntries],
    ['PUT', '/entries', updateEntries],
    ['GET', '/entries/:entry_id', getEntry],
    ['PUT', '/entries/:entry_id/labels/:label_id', addEntryLabel],
    ['DELETE', '/entries/:entry_id/labels/:label_id', removeEntryLabel],
    ['GET', '/labels', listLabels],
    ['POST', '/labels', createLabelRoute],
    ['PUT', '/labels/:label_id', updateLabel],
    ['DELETE', '/labels/:label_id', deleteLabelRoute],
    ['GET', '/counters', getCounters],
  ];

function errorResponse(err: Error, c: Context<JsonEnv>): Response {
  if (err instanceof JsonApiError) {
    if (err.status === 401) c.header('WWW-Authenticate', 'Bearer realm="veille"');
    const body: { error: string; position?: number } = { error: err.message };
    if (err.position !== undefined) body.position = err.position;
    return c.json(body, err.status);
  }
  c.get('deps').log.error('json-api: unexpected error', {
    path: c.req.path,
    error: err.stack ?? String(err),
  });
  return c.json({ error: 'server error' }, 500);
}

/** A route pattern as a RegExp, to tell "wrong method" (405) from "no such path" (404). */
function patternOf(path: string): RegExp {
  return new RegExp(`^${JSON_API_BASE}${path.replace(/:[a-z_]+/g, '[^/]+')}/?$`);
}

export function createJsonApi(): Hono<AppEnv> {
  const api = new Hono<JsonEnv>();
  api.use('*', async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(CORS)) c.res.headers.set(k, v);
  });
  api.options('*', (c) => c.body(null, 204));
  api.get('/openapi.json', (c) => c.json(OPENAPI_DOCUMENT));
  const patterns = JSON_API_ROUTES.map(([method, path]) => ({ method, pattern: patternOf(path) }));
  const auth = createJsonAuth();
  for (const [method, path, handler] of JSON_API_ROUTES) api.on(method, path, auth, handler);
  api.all('*', (c) => {
    const allowed = patterns.filter((p) => p.pattern.test(c.req.path)).map((p) => p.method);
    if (!allowed.length) throw new JsonApiError(404, `no such API path: ${c.req.method} ${c.req.path}`);
    c.header('Allow', allowed.join(', '));
    throw new JsonApiError(405, `${c.req.method} is not allowed here (allowed: ${allowed.join(', ')})`);
  });
  api.onError(errorResponse);
  return api as unknown as Hono<AppEnv>;
}
