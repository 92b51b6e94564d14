// The Google Reader compatible API, at both layouts: `/api/greader.php/…` (FreshRSS) and the
// root (`/accounts/ClientLogin`, `/reader/api/0/…`). Apps authenticate with the token ClientLogin
// gives for the user's API password, never with the browser session (CORS is open).
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env.ts';
import { verifyPassword } from '../../../lib/passwords.ts';
import { userByName } from '../../../storage/users.ts';
import { apiParams, rawApiPath } from '../api-params.ts';
import { authTokenFor, editTokenFor, tokenFromAuthorization, userByAuthToken } from '../api-tokens.ts';
import { badRequest, type GreaderRequest } from './greader-context.ts';
import { streamContents, streamItemIds, streamItemsContents } from './greader-items.ts';
import { subscriptionExport, subscriptionList, tagList, unreadCount, userInfo } from './greader-lists.ts';
import {
  disableTag,
  editTag,
  markAllAsRead,
  quickAdd,
  renameTag,
  subscriptionEdit,
  subscriptionImport,
} from './greader-writes.ts';

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type',
  'Access-Control-Allow-Methods': 'GET, POST',
  'Access-Control-Max-Age': '600',
};

type Handler = (req: GreaderRequest) => Response | Promise<Response>;

const READS: Record<string, Handler> = {
  'user-info': userInfo,
  'tag/list': tagList,
  'subscription/list': subscriptionList,
  'subscription/export': subscriptionExport,
  'unread-count': unreadCount,
  'stream/items/ids': streamItemIds,
  'stream/items/contents': streamItemsContents,
};

const WRITES: Record<string, Handler> = {
  'edit-tag': editTag,
  'mark-all-as-read': markAllAsRead,
  'subscription/edit': subscriptionEdit,
  'subscription/quickadd': quickAdd,
  'subscription/import': subscriptionImport,
  'rename-tag': renameTag,
  'disable-tag': disableTag,
};

function unauthorized(c: Context<AppEnv>): Response {
  return c.text('Unauthorized!', 401, { 'Google-Bad-Token': 'true', 'X-Reader-Google-Bad-Token': 'true' });
}

async function clientLogin(c: Context<AppEnv>): Promise<Response> {
  const params = await apiParams(c);
  const username = params.get('Email')?.trim() ?? '';
  const password = params.get('Passwd') ?? '';
  const db = c.get('deps').database.db;
  const user = username ? await userByName(db, username) : undefined;
  const valid = await verifyPassword(user?.disabled ? null : user?.api_password_hash, password);
  const token = valid && user ? authTokenFor(user) : null;
  if (!token) {
    c.get('deps').log.info('greader: login failed', {
      username,
      ip: c.req.header('x-forwarded-for') ?? null,
    });
    return unauthorized(c);
  }
  return c.text(`SID=${token}\nLSID=null\nAuth=${token}\n`);
}

/** Handles every request under the API's paths (routing by the raw path, see rawApiPath). */
export async function greaderApi(c: Context<AppEnv>): Promise<Response> {
  const response = await route(c);
  for (const [k, v] of Object.entries(CORS)) response.headers.set(k, v);
  return response;
}

async function route(c: Context<AppEnv>): Promise<Response> {
  if (c.req.method === 'OPTIONS') return c.body(null, 204);
  let path = rawApiPath(c).replace(/^(\/api)?(\/greader\.php)+/, '');
  path = path.replace(/^(\/api)?(\/greader\.php)+/, '');
  if (path === '' || path === '/') return c.text('OK');
  if (path === '/check/compatibility') return c.text(c.req.header('authorization') ? 'PASS' : 'FAIL');
  if (path === '/accounts/ClientLogin') return clientLogin(c);
  const m = /^\/reader\/api\/0\/(.*?)\/?$/.exec(path);
  if (!m) return c.text('greader: not found', 404);
  const endpoint = m[1]!;

  const deps = c.get('deps');
  const db = deps.database.db;
  const headerToken = tokenFromAuthorization(c.req.header('authorization'));
  let user = headerToken ? await userByAuthToken(db, headerToken) : undefined;
  const params = await apiParams(c);
  // Without a valid header, a POST may carry the auth token as T (Liferea); nothing else.
  if (!user && c.req.method === 'POST') {
    const t = params.get('T')?.trim();
    if (t) user = await userByAuthToken(db, t);
  }
  if (!user) return unauthorized(c);
  const req: GreaderRequest = { c, deps, user, params };

  if (endpoint === 'token') return c.text(`${editTokenFor(user)}\n`);
  if (endpoint === 'stream/contents' || endpoint.startsWith('stream/contents/')) {
    const rest = endpoint.slice('stream/contents/'.length);
    let stream: string | null = null;
    if (endpoint !== 'stream/contents' && rest) {
      try {
        stream = decodeURIComponent(rest);
      } catch {
        return badRequest(c, 'malformed stream id');
      }
    }
    return streamContents(req, stream);
  }
  const read = READS[endpoint];
  if (read) return read(req);
  const write = WRITES[endpoint];
  if (write) {
    if (c.req.method !== 'POST') return c.text('greader: POST required', 405, { Allow: 'POST' });
    return write(req);
  }
  return badRequest(c, `unknown endpoint ${endpoint}`);
}
