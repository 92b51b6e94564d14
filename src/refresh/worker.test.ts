import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../lib/logger.ts';
import { createFetcher, type Fetcher } from '../reader/fetch/create-fetcher.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';
import type { RefreshDeps } from './refresh-feed.ts';
import { refreshFeedsById, runWorker, workerOwnerId } from './worker.ts';

// A loopback farm: /f/N answers an RSS feed of 3 items after `delayMs`, and counts requests.
let server: Server;
let base = '';
let delayMs = 20;
const hits = new Map<string, number>();
let onHit: () => void = () => {};
let fetcher: Fetcher;

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    if (!path.startsWith('/f/')) return void res.writeHead(404).end();
    hits.set(path, (hits.get(path) ?? 0) + 1);
    onHit();
    setTimeout(() => {
      const items = [0, 1, 2].map((i) => `<item><title>${path} ${i}</title><guid>${path}#${i}</guid></item>`);
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<rss version="2.0"><channel><title>${path}</title><link>${base}/site${path}</link>${items.join('')}</channel></rss>`,
        );
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fetcher = createFetcher({
    allowNetworks: ['127.0.0.0/8'],
    userAgent: 'veille-test',
    connectTimeoutMs: 1000,
    headersTimeoutMs: 2000,
    totalTimeoutMs: 3000,
    maxBodyBytes: 1 << 20,
    maxRedirects: 2,
    perHostLimit: 16,
  });
});

after(async () => {
  await fetcher.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function depsFor(database: Database): RefreshDeps & { database: Database } {
  return {
    db: database.db,
    database,
    fetcher,
    log: createLogger('silent'),
    now: () => Date.now(),
    minIntervalMs: 3_600_000,
    maxIntervalMs: 86_400_000,
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`refresh worker on ${kind.name}`, { skip: kind.skip }, () => {
    async function setup(count: number, prefix: string) {
      const database = await kind.open();
      const user = await createUser(database.db, {
        username: 'u',
        passwordHash: 'x',
        isAdmin: false,
        now: Date.now(),
      });
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const feed = await findOrCreateFeed(database.db, {
          url: `${base}/f/${prefix}-${i}`,
          options: {},
          userId: user.id,
          title: 'x',
          now: Date.now(),
        });
        await subscribe(database.db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
        ids.push(feed.id);
      }
      return { database, ids };
    }

    test('two workers on two connections share the due feeds: each is fetched and stored once', async () => {
      const prefix = `${kind.name}-share`;
      const { database, ids } = await setup(40, prefix);
      const other = await openDatabase(database.url, database.schema ? { schema: database.schema } : {});
      try {
        const stop = new AbortController();
        const options = { concurrency: 4, leaseMs: 10_000, pollMs: 50, signal: stop.signal };
        const loops = [
          runWorker(depsFor(database), { ...options, owner: workerOwnerId() }),
          runWorker(depsFor(other), { ...options, owner: workerOwnerId() }),
        ];
        const deadline = Date.now() + 15_000;
        for (;;) {
          const left = await database.db
            .selectFrom('feeds')
            .select('id')
            .where('last_checked_at', 'is', null)
            .execute();
          if (left.length === 0) break;
          assert.ok(Date.now() < deadline, `${left.length} feeds never refreshed`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 200)); // a few more polls: nothing is due any more
        stop.abort();
        const [a, b] = await Promise.all(loops);
        assert.equal(a!.feeds + b!.feeds, 40);
        assert.ok(a!.feeds > 0 && b!.feeds > 0, `one worker did everything: ${a!.feeds} / ${b!.feeds}`);
        for (let i = 0; i < 40; i++) assert.equal(hits.get(`/f/${prefix}-${i}`), 1, `fetches of feed ${i}`);
        const entries = await database.db.selectFrom('entries').select(['id', 'feed_id']).execute();
        assert.equal(entries.length, 120);
        assert.equal(new Set(entries.map((e) => e.id)).size, 120);
        const leased = await database.db
          .selectFrom('feeds')
          .select('id')
          .where('lease_owner', 'is not', null)
          .execute();
        assert.deepEqual(leased, [], 'leases left behind');
        assert.equal(ids.length, 40);
      } finally {
        await other.close();
        await database.dispose();
      }
    });

    test('on abort a worker stops claiming, finishes the feeds in flight and releases them', async () => {
      const prefix = `${kind.name}-abort`;
      const { database } = await setup(30, prefix);
      delayMs = 80;
      const stop = new AbortController();
      let seen = 0;
      onHit = () => {
        if (++seen === 5) stop.abort();
      };
      try {
        const summary = await runWorker(depsFor(database), {
          owner: 'me',
          concurrency: 3,
          leaseMs: 10_000,
          pollMs: 50,
          signal: stop.signal,
        });
        const fetched = [...hits.keys()].filter((k) => k.startsWith(`/f/${prefix}-`)).length;
        assert.ok(fetched < 30, 'it went on claiming after the abort');
        const feeds = await database.db
          .selectFrom('feeds')
          .select(['url', 'last_checked_at', 'lease_owner'])
          .execute();
        const checked = feeds.filter((f) => f.last_checked_at !== null);
        assert.equal(checked.length, fetched, 'a fetched feed was left unstored');
        assert.equal(summary.feeds, fetched);
        assert.deepEqual(
          feeds.filter((f) => f.lease_owner !== null),
          [],
          'leases left behind',
        );
        // A user's "refresh now" of a feed: claimed, refreshed, released.
        const pending = await database.db
          .selectFrom('feeds')
          .select('id')
          .where('last_checked_at', 'is', null)
          .execute();
        const now = await refreshFeedsById(depsFor(database), {
          owner: 'web',
          ids: pending.slice(0, 2).map((f) => f.id),
          leaseMs: 10_000,
          concurrency: 2,
        });
        assert.equal(now.feeds, 2);
        assert.equal(now.ok, 2);
      } finally {
        onHit = () => {};
        delayMs = 20;
        await database.dispose();
      }
    });
  });
}
