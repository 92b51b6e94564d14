// Test support for the JSON API: a listening Veille on one test database (SQLite, or PostgreSQL
// when VEILLE_TEST_DATABASE_URL is set), a loopback feed server, and two users, alice and bob,
// each with an API password. Nothing leaves 127.0.0.1.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { configFromEnv } from '../../../config/config.ts';
import { hashPassword } from '../../../lib/passwords.ts';
import { setApiPassword } from '../../../storage/api-passwords.ts';
import type { TestDatabaseKind } from '../../../storage/test-databases.ts';
import { createUser } from '../../../storage/users.ts';
import type { AppDeps } from '../../app-env.ts';
import { createServer } from '../../server.tsx';
import { testAppDeps } from '../../test-app.ts';

export interface ApiUser {
  id: number;
  username: string;
  apiPassword: string;
}

export interface JsonApiFixture {
  deps: AppDeps;
  app: ReturnType<typeof createServer>;
  base: string;
  feedBase: string;
  alice: ApiUser;
  bob: ApiUser;
  /** Serves an RSS feed at `path` with items 1…count (newest last in the file). */
  setFeed(path: string, title: string, count: number): void;
  /** Serves any body at `path` (e.g. an HTML page that names a feed). */
  serve(path: string, body: string, contentType: string): void;
  /** Fetches these feeds now (new items become entries). */
  refresh(feedIds: number[]): Promise<void>;
  /** A request to /api/v1 as `user` (Bearer username:API password); `body` is sent as JSON. */
  call(
    user: ApiUser | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: unknown; res: Response }>;
  close(): Promise<void>;
}

function rss(title: string, count: number, prefix: string, base: string): string {
  const items = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const date = new Date(Date.UTC(2025, 0, 1) + n * 60_000).toUTCString();
    return (
      `<item><title>${prefix} item ${n}</title><link>${base}/${prefix}/${n}</link>` +
      `<guid>${prefix}-${n}</guid><pubDate>${date}</pubDate><author>a@example.org (Ann ${n})</author>` +
      `<category>cat${n % 3}</category>` +
      `<description>&lt;p&gt;Body ${n} of ${prefix}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>` +
      (n === 1 ? `<enclosure url="${base}/${prefix}.mp3" type="audio/mpeg" length="1234"/>` : '') +
      `</item>`
    );
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/${prefix}/</link>${items}</channel></rss>`;
}

async function apiUser(deps: AppDeps, username: string): Promise<ApiUser> {
  const apiPassword = `${username}-api-password-1`;
  const now = Date.now();
  const user = await createUser(deps.database.db, {
    username,
    passwordHash: await hashPassword(`${username}-login-password`),
    isAdmin: username === 'alice',
    now,
  });
  await setApiPassword(deps.database.db, {
    userId: user.id,
    passwordHash: await hashPassword(apiPassword),
    feverApiKey: createHash('md5').update(`${username}:${apiPassword}`).digest('hex'),
    now,
  });
  return { id: user.id, username, apiPassword };
}

export async function createJsonApiFixture(
  kind: TestDatabaseKind,
  env: Record<string, string> = {},
): Promise<JsonApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-json-api-'));
  const config = configFromEnv({
    VEILLE_DATA_DIR: dir,
    VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
    VEILLE_LOG_LEVEL: 'silent',
    ...env,
  });
  const database = await kind.open();
  const { deps, fetcher } = testAppDeps(database, config, { value: null });
  const app = createServer(deps);
  const bodies = new Map<string, { body: string; type: string }>();
  const feedServer: Server = createHttpServer((req, res) => {
    const found = bodies.get(req.url ?? '');
    if (!found) res.writeHead(404).end('no');
    else res.writeHead(200, { 'content-type': found.type }).end(found.body);
  });
  await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
  const feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  const veille = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => veille.once('listening', r));
  const base = `http://127.0.0.1:${(veille.address() as AddressInfo).port}`;
  const alice = await apiUser(deps, 'alice');
  const bob = await apiUser(deps, 'bob');
  return {
    deps,
    app,
    base,
    feedBase,
    alice,
    bob,
    setFeed(path, title, count) {
      const body = rss(title, count, path.replace(/\.xml$/, '').replace(/\W/g, ''), feedBase);
      bodies.set(path, { body, type: 'application/rss+xml' });
    },
    serve(path, body, type) {
      bodies.set(path, { body, type });
    },
    async refresh(feedIds) {
      await deps.refreshFeedIds(feedIds);
    },
    async call(user, method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (user)
        (init.headers as Record<string, string>).authorization =
          `Bearer ${user.username}:${user.apiPassword}`;
      if (body !== undefined) {
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(`${base}/api/v1${path}`, init);
      const text = await res.text();
      let json: unknown = null;
      if (text) {
        try {
          json = JSON.parse(text);
        } catch {
          json = text;
        }
      }
      return { status: res.status, json, res };
    },
    async close() {
      await new Promise((r) => veille.close(r));
      await new Promise((r) => feedServer.close(r));
      await fetcher.close();
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
