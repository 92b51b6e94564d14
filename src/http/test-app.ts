// Test support: a Veille app over a temporary SQLite database, called in-process with
// app.request(), with a cookie jar and CSRF handling like a browser's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnv, type Config } from '../config/config.ts';
import { fetcherFor } from '../cli/app-context.ts';
import { createLogger } from '../lib/logger.ts';
import type { Fetcher } from '../reader/fetch/create-fetcher.ts';
import { refreshFeeds } from '../refresh/refresh-feeds.ts';
import type { RefreshDeps } from '../refresh/refresh-feed.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { feedById } from '../storage/feeds.ts';
import type { AppDeps } from './app-env.ts';
import { createServer } from './server.tsx';

export async function createTestApp(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'veille-http-'));
  const config = configFromEnv({
    VEILLE_DATA_DIR: dir,
    VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
    VEILLE_LOG_LEVEL: 'silent',
    ...env,
  });
  const database = await openDatabase(config.databaseUrl);
  const { deps, refreshDeps, fetcher } = testAppDeps(database, config, { value: 'test-setup-code' });
  const app = createServer(deps);
  return {
    app,
    deps,
    refreshDeps,
    async close() {
      await fetcher.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What a test app runs on: the real fetcher (loopback allowed by the test config), a silent log,
 * and feeds refreshed at once by the real refresh when the app asks for it.
 */
export function testAppDeps(
  database: Database,
  config: Config,
  setupCode: AppDeps['setupCode'],
): { deps: AppDeps; refreshDeps: RefreshDeps; fetcher: Fetcher } {
  const fetcher = fetcherFor(config);
  const log = createLogger('silent');
  const refreshDeps: RefreshDeps = {
    db: database.db,
    fetcher,
    log,
    now: () => Date.now(),
    minIntervalMs: 3600_000,
    maxIntervalMs: 86_400_000,
  };
  const deps: AppDeps = {
    database,
    config,
    fetcher,
    log,
    now: () => Date.now(),
    setupCode,
    refreshFeedIds: async (ids) => {
      const feeds = (await Promise.all(ids.map((id) => feedById(database.db, id)))).filter(
        (f) => f !== undefined,
      );
      return refreshFeeds(refreshDeps, feeds, 4);
    },
  };
  return { deps, refreshDeps, fetcher };
}

/** A browser-like client: keeps cookies, reads the CSRF token from pages. */
export function createClient(
  app: { request: (url: string, init?: RequestInit) => Response | Promise<Response> },
  origin = 'http://localhost',
) {
  const cookies = new Map<string, string>();
  let csrf = '';
  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await app.request(origin + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/max-age=0/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  }
  return {
    cookies,
    get csrf() {
      return csrf;
    },
    async get(path: string, headers: Record<string, string> = {}) {
      const res = await request(path, { headers });
      const text = await res.text();
      const m = /name="csrf-token" content="([^"]+)"/.exec(text);
      if (m) csrf = m[1]!;
      return { res, text };
    },
    async post(
      path: string,
      fields: Record<string, string>,
      options: { csrf?: string | null; headers?: Record<string, string> } = {},
    ) {
      const body = new URLSearchParams(fields);
      const token = options.csrf === undefined ? csrf : options.csrf;
      if (token !== null) body.set('_csrf', token);
      const res = await request(path, {
        method: 'POST',
        body: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      });
      return { res, text: await res.text() };
    },
  };
}
