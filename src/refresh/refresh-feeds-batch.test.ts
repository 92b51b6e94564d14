// refreshFeeds on enough feeds to use its worker-thread pool and several feeds per store
// transaction: what a user sees (entries, unread counts, sanitized content) is what one-by-one
// refreshes give.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { createTestApp } from '../http/test-app.ts';
import { feedsDueForRefresh, findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe, subscriptionsForUser } from '../storage/subscriptions.ts';
import { createUser } from '../storage/users.ts';
import { refreshFeeds } from './refresh-feeds.ts';

const FEEDS = 40;
let published = 3;
let server: Server;
let base = '';
let t: Awaited<ReturnType<typeof createTestApp>>;

function feedBody(n: number): string {
  const items = Array.from(
    { length: published },
    (_, i) =>
      `<item><title>Feed ${n} item ${i}</title><guid>f${n}-${i}</guid><link>https://example.org/${n}/${i}</link>` +
      `<description>&lt;p&gt;Text ${i} &lt;img src="/i.png" onerror="x()"&gt;&lt;script&gt;bad()&lt;/script&gt;&lt;/p&gt;</description></item>`,
  ).join('');
  return `<rss version="2.0"><channel><title>Feed ${n}</title><link>https://example.org/</link>${items}</channel></rss>`;
}

before(async () => {
  server = createServer((req, res) => {
    // Compressed feeds: decoded in the refresh's worker threads (the fetcher keeps them encoded).
    if (req.url === '/bomb' || req.url === '/corrupt' || req.url?.startsWith('/gz/')) {
      const body =
        req.url === '/bomb'
          ? gzipSync(Buffer.alloc(32 * 1024 * 1024), { level: 9 })
          : req.url === '/corrupt'
            ? Buffer.from('not gzip at all')
            : gzipSync(feedBody(Number(req.url.slice('/gz/'.length))));
      return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(body);
    }
    const match = /^\/feed\/(\d+)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404).end();
    const etag = `"${match[1]}-${published}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res.writeHead(200, { etag, 'content-type': 'application/rss+xml' }).end(feedBody(Number(match[1])));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({});
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.close();
});

test('many feeds: every entry stored once, sanitized, counted unread; then 304s and new items', async () => {
  const db = t.deps.database.db;
  const user = await createUser(db, { username: 'many', passwordHash: 'x', isAdmin: false, now: Date.now() });
  for (let n = 0; n < FEEDS; n++) {
    const feed = await findOrCreateFeed(db, {
      url: `${base}/feed/${n}`,
      options: {},
      userId: user.id,
      title: `${n}`,
      now: Date.now(),
    });
    await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
  }
  const first = await refreshFeeds(
    t.refreshDeps,
    await feedsDueForRefresh(db, { now: Date.now(), force: true }),
    8,
  );
  assert.deepEqual(
    { ok: first.ok, failed: first.failed, newEntries: first.newEntries },
    { ok: FEEDS, failed: 0, newEntries: FEEDS * 3 },
  );
  const subs = await subscriptionsForUser(db, user.id);
  assert.equal(subs.length, FEEDS);
  for (const s of subs) assert.equal(s.unreadCount, 3);
  const entry = await db
    .selectFrom('entries')
    .select(['title', 'content'])
    .where('guid_key', '=', 'id:f7-1')
    .executeTakeFirstOrThrow();
  assert.equal(entry.title, 'Feed 7 item 1');
  assert.doesNotMatch(entry.content, /script|onerror/);
  assert.match(entry.content, /<img src="https:\/\/example.org\/i.png"/);
  const ids = await db.selectFrom('entries').select('id').execute();
  assert.equal(new Set(ids.map((r) => r.id)).size, FEEDS * 3);

  const unchanged = await refreshFeeds(
    t.refreshDeps,
    await feedsDueForRefresh(db, { now: Date.now(), force: true }),
    8,
  );
  assert.deepEqual(
    { notModified: unchanged.notModified, newEntries: unchanged.newEntries },
    { notModified: FEEDS, newEntries: 0 },
  );

  published = 5;
  const more = await refreshFeeds(
    t.refreshDeps,
    await feedsDueForRefresh(db, { now: Date.now(), force: true }),
    8,
  );
  assert.equal(more.newEntries, FEEDS * 2);
  for (const s of await subscriptionsForUser(db, user.id)) assert.equal(s.unreadCount, 5);
});

test('gzipped feeds are decoded with the parsing; a gzip bomb and a corrupt body are fetch errors', async () => {
  const db = t.deps.database.db;
  const user = await createUser(db, { username: 'gz', passwordHash: 'x', isAdmin: false, now: Date.now() });
  const urls = [
    ...Array.from({ length: 20 }, (_, n) => `${base}/gz/${n}`),
    `${base}/bomb`,
    `${base}/corrupt`,
  ];
  for (const url of urls) {
    const feed = await findOrCreateFeed(db, {
      url,
      options: {},
      userId: user.id,
      title: url,
      now: Date.now(),
    });
    await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
  }
  const due = (await feedsDueForRefresh(db, { now: Date.now(), force: true })).filter((f) =>
    urls.includes(f.url),
  );
  const summary = await refreshFeeds(t.refreshDeps, due, 8);
  assert.deepEqual({ ok: summary.ok, failed: summary.failed }, { ok: 20, failed: 2 });
  const feeds = await db
    .selectFrom('feeds')
    .select(['url', 'title', 'last_error_code', 'last_error'])
    .where('url', 'in', urls)
    .execute();
  const byUrl = new Map(feeds.map((f) => [f.url, f]));
  assert.equal(byUrl.get(`${base}/gz/3`)?.title, 'Feed 3');
  assert.deepEqual(
    [byUrl.get(`${base}/bomb`)?.last_error_code, byUrl.get(`${base}/bomb`)?.last_error],
    ['fetch.too_large', 'fetch: the response is larger than 20 MiB'],
  );
  assert.equal(byUrl.get(`${base}/corrupt`)?.last_error_code, 'fetch.decompress');
  assert.match(byUrl.get(`${base}/corrupt`)?.last_error ?? '', /^fetch: the gzip body could not be decoded/);
});
