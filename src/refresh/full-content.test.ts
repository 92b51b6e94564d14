// Full content at ingest (src/refresh/full-content.ts), on SQLite and PostgreSQL, with a real
// loopback server for the feed and its pages: selector + action, failures recorded without
// failing the refresh, pages fetched for new entries only, the remove selector without full
// content, and one user's settings never changing what another subscriber sees.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../lib/logger.ts';
import type { FetchOptions } from '../model/fetch-result.ts';
import { createFetcher, type Fetcher } from '../reader/fetch/create-fetcher.ts';
import { feedById, findOrCreateFeed } from '../storage/feeds.ts';
import { changeFeedOptionsForUser, fullContentLogOf } from '../storage/full-content.ts';
import type { Schema } from '../storage/schema.ts';
import { subscribe, subscriptionForFeed } from '../storage/subscriptions.ts';
import { setEntryStarred } from '../storage/entry-states.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';
import type { Kysely } from 'kysely';
import { createProcessPool } from '../reader/process/process-pool.ts';
import { refreshFeed, type RefreshDeps } from './refresh-feed.ts';

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);

describe('full content at ingest', () => {
  let server: Server;
  let base = '';
  const hits: Record<string, number> = {};
  let items: string[] = [];
  let fetcher: Fetcher;

  const item = (id: string, link = `/pages/${id}.html`) =>
    `<item><guid>${id}</guid><title>Item ${id}</title><link>${base}${link}</link>` +
    `<description><![CDATA[<p>Teaser ${id}</p><div class="promo">PROMO ${id}</div>]]></description></item>`;

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      hits[path] = (hits[path] ?? 0) + 1;
      if (path.startsWith('/feed'))
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(
            `<rss version="2.0"><channel><title>F</title><link>${base}/</link>${items.join('')}</channel></rss>`,
          );
      const page = /^\/pages\/(\w+)\.html$/.exec(path);
      if (page)
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<html><body><nav>menu</nav><div class="story"><p>Full text of ${page[1]}</p>` +
              `<img src="../img/${page[1]}.png"><div class="promo">PAGE PROMO</div><script>alert(1)</script></div></body></html>`,
          );
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fetcher = createFetcher({
      allowNetworks: ['127.0.0.0/8'],
      userAgent: 'Veille-test',
      connectTimeoutMs: 2000,
      headersTimeoutMs: 2000,
      totalTimeoutMs: 4000,
      maxBodyBytes: 1024 * 1024,
      maxRedirects: 3,
      perHostLimit: 4,
    });
  });

  after(async () => {
    await fetcher.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  for (const kind of testDatabaseKinds()) {
    describe(kind.name, { skip: kind.skip }, () => {
      let database: Awaited<ReturnType<typeof kind.open>>;
      let deps: RefreshDeps;
      let db: Kysely<Schema>;
      before(async () => {
        database = await kind.open();
        db = database.db;
        deps = {
          db,
          fetcher,
          log: createLogger('silent'),
          now: () => NOW,
          minIntervalMs: 60_000,
          maxIntervalMs: 86_400_000,
        };
      });
      after(async () => {
        await database?.dispose();
      });

      const contents = async (feedId: number) =>
        Object.fromEntries(
          (
            await db.selectFrom('entries').select(['guid', 'content']).where('feed_id', '=', feedId).execute()
          ).map((r) => [r.guid, r.content]),
        );

      const feedWith = async (path: string, options: FetchOptions, username: string) => {
        const user = await createUser(db, { username, passwordHash: 'x', isAdmin: false, now: NOW });
        const feed = await findOrCreateFeed(db, {
          url: `${base}${path}`,
          options,
          userId: user.id,
          title: 'F',
          now: NOW,
        });
        await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
        return { user, feed };
      };

      test('pages read in the refresh threads (the worker pool) give what reading them inline gives', async () => {
        items = [item('t1'), item('t2'), item('t3', '/pages/missing-page.html')];
        const options: FetchOptions = { fullContent: true, contentRemove: '.promo', contentAction: 'append' };
        const inline = await feedWith(`/feed-t-inline-${kind.name}`, options, `ti-${kind.name}`);
        const threaded = await feedWith(`/feed-t-pool-${kind.name}`, options, `tp-${kind.name}`);
        const pool = createProcessPool({ size: 1 });
        try {
          let pages = 0;
          const threadDeps: RefreshDeps = {
            ...deps,
            processBody: pool.process,
            readPage: (job) => {
              pages++;
              return pool.readPage(job);
            },
          };
          assert.equal((await refreshFeed(deps, (await feedById(db, inline.feed.id))!)).inserted, 3);
          assert.equal((await refreshFeed(threadDeps, (await feedById(db, threaded.feed.id))!)).inserted, 3);
          assert.equal(pages, 2, 'the two pages fetched were read by the pool (the third is a 404)');
        } finally {
          await pool.close();
        }
        const a = await contents(inline.feed.id);
        const b = await contents(threaded.feed.id);
        // Readability (no selector) found the story after the feed's teaser, scripts and promos gone.
        assert.match(b.t1!, /Teaser t1[\s\S]*Full text of t1/);
        assert.doesNotMatch(b.t1!, /PROMO|<script|alert/);
        assert.match(b.t3!, /Teaser t3/);
        assert.deepEqual(b, a);
        assert.deepEqual(
          fullContentLogOf((await feedById(db, threaded.feed.id))!)?.failed,
          fullContentLogOf((await feedById(db, inline.feed.id))!)?.failed,
        );
      });

      test('selector + prepend; failures keep the feed content and are recorded; new entries only', async () => {
        items = [item('a1'), item('a2'), item('a3', '/pages/missing-page.html')];
        const { feed } = await feedWith(
          `/feed-a-${kind.name}`,
          { fullContent: true, contentSelector: '.story', contentRemove: '.promo', contentAction: 'prepend' },
          `a-${kind.name}`,
        );
        const outcome = await refreshFeed(deps, (await feedById(db, feed.id))!);
        assert.equal(outcome.status, 'new');
        assert.equal(outcome.inserted, 3);
        const c = await contents(feed.id);
        assert.match(c.a1!, /Full text of a1[\s\S]*Teaser a1/, 'the page first, then the feed content');
        assert.match(c.a1!, new RegExp(`src="${base}/img/a1\\.png"`), 'relative to the page URL');
        assert.doesNotMatch(c.a1!, /PROMO|<script|menu/);
        assert.match(c.a3!, /Teaser a3/, 'a page that failed leaves the feed content');
        assert.doesNotMatch(c.a3!, /PROMO/, 'with the remove selector applied');
        const log = fullContentLogOf((await feedById(db, feed.id))!);
        assert.deepEqual(
          { fetched: log?.fetched, failed: log?.failed, url: log?.url },
          { fetched: 2, failed: 1, url: `${base}/pages/missing-page.html` },
        );
        assert.match(log!.error!, /404/);

        // Next refresh: one new item; only its page is fetched.
        const before = { ...hits };
        items = [item('a4'), ...items];
        const again = await refreshFeed(deps, (await feedById(db, feed.id))!);
        assert.equal(again.inserted, 1);
        assert.equal(again.updated, 0, 'stored entries are not rewritten');
        assert.equal(hits['/pages/a4.html'], (before['/pages/a4.html'] ?? 0) + 1);
        assert.equal(hits['/pages/a1.html'], before['/pages/a1.html']);
        assert.equal(hits['/pages/missing-page.html'], before['/pages/missing-page.html']);
        assert.match((await contents(feed.id)).a4!, /Full text of a4/);
      });

      test('the remove selector works without full content, and fetches nothing', async () => {
        items = [item('b1')];
        const { feed } = await feedWith(
          `/feed-b-${kind.name}`,
          { contentRemove: '.promo' },
          `b-${kind.name}`,
        );
        await refreshFeed(deps, (await feedById(db, feed.id))!);
        const c = await contents(feed.id);
        assert.match(c.b1!, /Teaser b1/);
        assert.doesNotMatch(c.b1!, /PROMO/);
        assert.equal(hits['/pages/b1.html'], undefined, 'no page fetched');
        assert.equal((await feedById(db, feed.id))!.full_content_log, null);
      });

      test("one user's content settings never change what another subscriber sees", async () => {
        items = [item('c1')];
        const { user: ann, feed } = await feedWith(`/feed-c-${kind.name}`, {}, `ann-${kind.name}`);
        const bob = await createUser(db, {
          username: `bob-${kind.name}`,
          passwordHash: 'x',
          isAdmin: false,
          now: NOW,
        });
        await subscribe(db, { userId: bob.id, feedId: feed.id, categoryId: null, now: NOW });
        await refreshFeed(deps, (await feedById(db, feed.id))!);
        const [entry] = await db.selectFrom('entries').select('id').where('feed_id', '=', feed.id).execute();
        await setEntryStarred(db, { userId: ann.id, entryId: entry!.id, starred: true, now: NOW });
        const options = { fullContent: true, contentSelector: '.story' };
        // Moving Ann to her own copy would drop her favourite: refused, nothing changes.
        assert.deepEqual(
          await changeFeedOptionsForUser(db, { userId: ann.id, feedId: feed.id, options, now: NOW }),
          { kind: 'would-lose' },
        );
        await setEntryStarred(db, { userId: ann.id, entryId: entry!.id, starred: false, now: NOW });
        const change = await changeFeedOptionsForUser(db, {
          userId: ann.id,
          feedId: feed.id,
          options,
          now: NOW,
        });
        assert.equal(change.kind, 'moved');
        const annFeed = change.kind === 'moved' ? change.feedId : 0;
        assert.notEqual(annFeed, feed.id);
        assert.equal(await subscriptionForFeed(db, ann.id, feed.id), undefined);
        assert.ok(await subscriptionForFeed(db, bob.id, feed.id), 'Bob still follows the shared row');
        assert.equal((await feedById(db, feed.id))!.fetch_options, null, "Bob's row is untouched");
        await refreshFeed(deps, (await feedById(db, annFeed))!);
        assert.match((await contents(annFeed)).c1!, /Full text of c1/, 'Ann gets full content');
        assert.doesNotMatch((await contents(feed.id)).c1!, /Full text/, 'Bob keeps the feed content');

        // Alone on her row, Ann's next change edits it in place (entries and states stay).
        const inPlace = await changeFeedOptionsForUser(db, {
          userId: ann.id,
          feedId: annFeed,
          options: { fullContent: true, contentAction: 'append' },
          now: NOW,
        });
        assert.deepEqual(inPlace, { kind: 'updated', feedId: annFeed });
        assert.deepEqual(JSON.parse((await feedById(db, annFeed))!.fetch_options!), {
          fullContent: true,
          contentAction: 'append',
        });
      });
    });
  }
});
