import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createTestApp } from '../http/test-app.ts';
import { feedById, feedsDueForRefresh, findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe, subscriptionsForUser } from '../storage/subscriptions.ts';
import { createUser } from '../storage/users.ts';
import { refreshFeeds } from './refresh-feeds.ts';

let items = '<item><title>One</title><guid>1</guid></item>';
const hits: Record<string, number> = {};
let server: Server;
let base = '';
let t: Awaited<ReturnType<typeof createTestApp>>;

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits[path] = (hits[path] ?? 0) + 1;
    if (path === '/ok.xml') {
      const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>OK</title>${items}</channel></rss>`;
      const etag = `"${body.length}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
      return void res.writeHead(200, { etag, 'content-type': 'application/rss+xml' }).end(body);
    }
    if (path === '/500') return void res.writeHead(500).end('oops');
    if (path === '/gone') return void res.writeHead(410).end('gone');
    if (path === '/cf')
      return void res
        .writeHead(403, { 'cf-mitigated': 'challenge', server: 'cloudflare' })
        .end('Just a moment...');
    if (path === '/cached.xml') {
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml', 'cache-control': 'max-age=14400' })
        .end(
          // 100 items received now: the rhythm alone would say "check again in 1.7 h".
          `<rss version="2.0"><channel><title>Cached</title>${Array.from({ length: 100 }, (_, i) => `<item><title>x${i}</title><guid>c${i}</guid></item>`).join('')}</channel></rss>`,
        );
    }
    if (path === '/garbage')
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end('\u0000\u0001garbage{{{');
    if (path === '/slow') {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<rss>');
      return; // never ends: the fetch timeout must end it
    }
    if (path === '/broken.xml') {
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          '\uFEFF  <?xml version="1.0"?><rss version="2.0"><channel><title>A & B</title><item><title>Caf&eacute;&nbsp;noir</title><guid>x</guid></item></channel></rss>',
        );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp({ VEILLE_FETCH_TIMEOUT: '2' });
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.close();
});

test('a failing feed records its error and retries later; the others refresh', async () => {
  const db = t.deps.database.db;
  const user = await createUser(db, { username: 'u', passwordHash: 'x', isAdmin: false, now: Date.now() });
  const paths = ['/ok.xml', '/500', '/garbage', '/slow', '/broken.xml', '/missing'];
  for (const p of paths) {
    const feed = await findOrCreateFeed(db, {
      url: base + p,
      options: {},
      userId: user.id,
      title: p,
      now: Date.now(),
    });
    await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
  }
  const due = await feedsDueForRefresh(db, { now: Date.now() });
  const summary = await refreshFeeds(t.refreshDeps, due, 8);
  assert.equal(summary.feeds, 6);
  assert.equal(summary.ok, 2);
  assert.equal(summary.failed, 4);
  assert.equal(summary.newEntries, 2);
  const subs = await subscriptionsForUser(db, user.id);
  const errorOf = (p: string) => subs.find((s) => s.feedUrl === base + p)!.lastError;
  assert.equal(errorOf('/ok.xml'), null);
  assert.match(errorOf('/500')!, /^fetch: .*500/);
  assert.match(errorOf('/garbage')!, /^parse: /);
  assert.match(errorOf('/slow')!, /^fetch: .*(time|stopped sending|took longer)/i);
  assert.match(errorOf('/missing')!, /404/);
  assert.equal(errorOf('/broken.xml'), null, 'BOM, leading space, bare & and HTML entities still parse');
  const broken = subs.find((s) => s.feedUrl === base + '/broken.xml')!;
  const row = await db
    .selectFrom('entries')
    .select('title')
    .where('feed_id', '=', broken.feedId)
    .executeTakeFirstOrThrow();
  assert.equal(row.title, 'Café\u00a0noir');
  const failed = await feedById(db, subs.find((s) => s.feedUrl === base + '/500')!.feedId);
  assert.equal(failed!.error_count, 1);
  assert.ok(failed!.next_check_at > Date.now() + 60_000, 'an erroring feed is retried later, not at once');

  // Second pass: the good feed answers 304 with the stored ETag.
  const again = await refreshFeeds(
    t.refreshDeps,
    await feedsDueForRefresh(db, { now: Date.now(), force: true }),
    8,
  );
  assert.equal(again.notModified, 1);
  // New item: only it is new.
  items += '<item><title>Two</title><guid>2</guid></item>';
  const third = await refreshFeeds(
    t.refreshDeps,
    await feedsDueForRefresh(db, { now: Date.now(), force: true }),
    8,
  );
  assert.equal(third.newEntries, 1);
});

test('410 Gone stops the feed with a visible reason; a Cloudflare challenge is named; Cache-Control delays the next check', async () => {
  const db = t.deps.database.db;
  const user = await createUser(db, { username: 'v', passwordHash: 'x', isAdmin: false, now: Date.now() });
  const ids: Record<string, number> = {};
  for (const p of ['/gone', '/cf', '/cached.xml']) {
    const feed = await findOrCreateFeed(db, {
      url: base + p,
      options: {},
      userId: user.id,
      title: p,
      now: Date.now(),
    });
    await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
    ids[p] = feed.id;
  }
  const feeds = await Promise.all(Object.values(ids).map((id) => feedById(db, id)));
  await refreshFeeds(
    t.refreshDeps,
    feeds.filter((f) => f !== undefined),
    4,
  );
  const gone = (await feedById(db, ids['/gone']!))!;
  assert.ok(gone.gone_at, 'the feed is marked gone');
  assert.match(gone.last_error!, /gone for good \(the server answered 410 Gone\)/);
  assert.deepEqual(JSON.parse(gone.next_check_reason!), { code: 'gone' });
  const due = await feedsDueForRefresh(db, { now: Date.now() + 400 * 24 * 3600_000 });
  assert.ok(!due.some((f) => f.id === gone.id), 'a gone feed is never due again');
  const cf = (await feedById(db, ids['/cf']!))!;
  assert.match(
    cf.last_error!,
    /^fetch: blocked by a Cloudflare challenge \(the server answered 403 Forbidden\)/,
  );
  const cached = (await feedById(db, ids['/cached.xml']!))!;
  assert.deepEqual(JSON.parse(cached.next_check_reason!), { code: 'cache', seconds: 14400 });
  assert.ok(Math.abs(cached.next_check_at - cached.last_checked_at! - 14_400_000) < 1000);
  assert.equal(cached.last_new_entries, 100);
});
