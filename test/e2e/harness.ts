// Browser test harness: a loopback feed server whose feeds the test rewrites between refreshes,
// a whole Veille app (temporary SQLite database, real fetcher, real HTTP server) and one
// headless Chromium, all inside the test process. Nothing leaves 127.0.0.1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { fetcherFor } from '../../src/cli/app-context.ts';
import { configFromEnv } from '../../src/config/config.ts';
import type { AppDeps } from '../../src/http/app-env.ts';
import { createServer } from '../../src/http/server.tsx';
import { createLogger } from '../../src/lib/logger.ts';
import type { RefreshDeps } from '../../src/refresh/refresh-feed.ts';
import { refreshFeeds, type RefreshSummary } from '../../src/refresh/refresh-feeds.ts';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { feedById, feedsDueForRefresh, findOrCreateFeed, updateFeed } from '../../src/storage/feeds.ts';
import type { Schema } from '../../src/storage/schema.ts';
import type { Kysely } from 'kysely';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface FeedItem {
  guid: string;
  title: string;
  /** Absolute URL of the original article. */
  link: string;
  /** Publication time in ms since the epoch (UTC). */
  published: number;
  /** Article body, HTML (escaped into the feed by the harness). */
  html: string;
}

export interface FeedDocument {
  format: 'rss' | 'atom';
  title: string;
  items: FeedItem[];
}

/** What the feed server answers at one path. */
export type FeedRoute =
  { kind: 'feed'; feed: FeedDocument } | { kind: 'html'; html: string } | { kind: 'status'; status: number };

export interface FeedServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  url(path: string): string;
  /** Sets (or replaces) what `path` answers; takes effect at the next request. */
  route(path: string, route: FeedRoute): void;
  /** Requests received so far, by path. */
  hits(path: string): number;
  close(): Promise<void>;
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function feedXml(feed: FeedDocument, selfUrl: string): string {
  if (feed.format === 'atom') {
    const updated = new Date(Math.max(0, ...feed.items.map((i) => i.published))).toISOString();
    return (
      `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">` +
      `<title>${xmlText(feed.title)}</title><id>${xmlText(selfUrl)}</id><updated>${updated}</updated>` +
      `<link rel="self" href="${xmlText(selfUrl)}"/>` +
      feed.items
        .map(
          (i) =>
            `<entry><id>${xmlText(i.guid)}</id><title>${xmlText(i.title)}</title>` +
            `<link rel="alternate" href="${xmlText(i.link)}"/>` +
            `<published>${new Date(i.published).toISOString()}</published>` +
            `<updated>${new Date(i.published).toISOString()}</updated>` +
            `<content type="html">${xmlText(i.html)}</content></entry>`,
        )
        .join('') +
      `</feed>`
    );
  }
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>` +
    `<title>${xmlText(feed.title)}</title><link>${xmlText(selfUrl)}</link><description>Test feed</description>` +
    feed.items
      .map(
        (i) =>
          `<item><guid isPermaLink="false">${xmlText(i.guid)}</guid><title>${xmlText(i.title)}</title>` +
          `<link>${xmlText(i.link)}</link><pubDate>${new Date(i.published).toUTCString()}</pubDate>` +
          `<description>${xmlText(i.html)}</description></item>`,
      )
      .join('') +
    `</channel></rss>`
  );
}

// A 1×1 GIF, so that images named by test articles load instead of logging 404s in the console.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, FeedRoute>();
  const hitCounts = new Map<string, number>();
  let origin = '';
  const server: Server = createHttpServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hitCounts.set(path, (hitCounts.get(path) ?? 0) + 1);
    const route = routes.get(path);
    if (!route) {
      if ((req.headers.accept ?? '').startsWith('image/')) {
        res.writeHead(200, { 'content-type': 'image/gif' }).end(PIXEL);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (route.kind === 'status') {
      res.writeHead(route.status, { 'content-type': 'text/plain' }).end(`status ${route.status}`);
    } else if (route.kind === 'html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(route.html);
    } else {
      const type = route.feed.format === 'atom' ? 'application/atom+xml' : 'application/rss+xml';
      res
        .writeHead(200, { 'content-type': `${type}; charset=utf-8` })
        .end(feedXml(route.feed, origin + path));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => origin + path,
    route: (path, route) => void routes.set(path, route),
    hits: (path) => hitCounts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface VeilleApp {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  database: Database;
  deps: AppDeps;
  /** What `veille refresh --force` does: every subscribed feed, now. */
  refreshAllFeeds(): Promise<RefreshSummary>;
  close(): Promise<void>;
}

export async function startVeille(): Promise<VeilleApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veille-e2e-'));
  try {
    const config = configFromEnv({
      VEILLE_DATA_DIR: dataDir,
      VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
      VEILLE_LOG_LEVEL: 'silent',
      PORT: '0',
    });
    const database = await openDatabase('sqlite:' + join(dataDir, 'veille.sqlite'));
    const fetcher = fetcherFor(config);
    const log = createLogger(config.logLevel);
    const refreshDeps: RefreshDeps = {
      db: database.db,
      fetcher,
      log,
      now: () => Date.now(),
      minIntervalMs: config.refreshIntervalMinutes * 60_000,
      maxIntervalMs: config.refreshMaxIntervalMinutes * 60_000,
    };
    const deps: AppDeps = {
      database,
      config,
      fetcher,
      log,
      now: () => Date.now(),
      setupCode: { value: 'e2e-setup-code-not-needed-on-loopback' },
      refreshFeedIds: async (ids) => {
        const feeds = (await Promise.all(ids.map((id) => feedById(database.db, id)))).filter(
          (f) => f !== undefined,
        );
        return refreshFeeds(refreshDeps, feeds, config.fetchConcurrency);
      },
    };
    const app = createServer(deps);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      database,
      deps,
      async refreshAllFeeds() {
        const feeds = await feedsDueForRefresh(database.db, { now: Date.now(), force: true });
        return refreshFeeds(refreshDeps, feeds, config.fetchConcurrency);
      },
      async close() {
        await new Promise<void>((resolve) => {
          if ('closeAllConnections' in server) server.closeAllConnections();
          server.close(() => resolve());
        });
        await fetcher.close();
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`e2e: Chromium not found at ${CHROMIUM_PATH}`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A console message or uncaught page error, kept with the URL it came from. */
export interface PageProblem {
  kind: 'console' | 'pageerror';
  text: string;
  url: string;
}

/**
 * Collects the console errors and uncaught errors of every page of a context. Failed resource
 * loads (4xx/5xx) show up as console errors whose location is the resource's URL.
 */
export function watchProblems(context: BrowserContext): PageProblem[] {
  const problems: PageProblem[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg: ConsoleMessage) => {
      if (msg.type() === 'error')
        problems.push({ kind: 'console', text: msg.text(), url: msg.location().url });
    });
    page.on('pageerror', (err) => problems.push({ kind: 'pageerror', text: String(err), url: page.url() }));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
}

export interface Harness {
  feeds: FeedServer;
  veille: VeilleApp;
  browser: Browser;
  /** A fresh browser context (English, UTC), its console problems collected. */
  newContext(options?: { storageState?: Awaited<ReturnType<BrowserContext['storageState']>> }): Promise<{
    context: BrowserContext;
    page: Page;
    problems: PageProblem[];
  }>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const feeds = await startFeedServer();
  let veille: VeilleApp | undefined;
  let browser: Browser | undefined;
  try {
    veille = await startVeille();
    browser = await launchChromium();
  } catch (err) {
    await browser?.close();
    await veille?.close();
    await feeds.close();
    throw err;
  }
  const contexts = new Set<BrowserContext>();
  const b = browser;
  const v = veille;
  return {
    feeds,
    veille: v,
    browser: b,
    async newContext(options = {}) {
      const context = await b.newContext({
        baseURL: v.baseUrl,
        locale: 'en-US',
        timezoneId: 'UTC',
        storageState: options.storageState,
      });
      context.setDefaultTimeout(5_000);
      context.setDefaultNavigationTimeout(10_000);
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      const problems = watchProblems(context);
      const page = await context.newPage();
      return { context, page, problems };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await b.close().catch(() => {});
      await v.close();
      await feeds.close();
    },
  };
}

/**
 * A feed row as a successful refresh leaves it (checked at `now`, status "new"), not due again
 * before `nextCheckAt`: pages show it without a refresh running during the test.
 */
export async function insertCheckedFeed(
  db: Kysely<Schema>,
  input: { url: string; title: string; siteUrl?: string | null; now: number; nextCheckAt: number },
): Promise<number> {
  // No fetch options: a shared feed, which no user owns (the user id is read for private ones only).
  const feed = await findOrCreateFeed(db, { ...input, options: {}, userId: 0 });
  await updateFeed(db, feed.id, {
    last_checked_at: input.now,
    last_status: 'new',
    next_check_at: input.nextCheckAt,
  });
  return feed.id;
}
