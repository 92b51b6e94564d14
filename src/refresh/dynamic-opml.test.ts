// Dynamic OPML categories against a real loopback HTTP server, on SQLite and PostgreSQL: feeds
// listed are subscribed in the category, feeds dropped are unsubscribed (or kept muted when the
// user starred or labelled their articles), the user's other feeds stay, and a failed check
// (unreachable, not OPML, truncated, empty) keeps the list as it was.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../lib/logger.ts';
import { createFetcher, type Fetcher } from '../reader/fetch/create-fetcher.ts';
import { categoryById, ensureCategory } from '../storage/categories.ts';
import {
  claimDynamicCategories,
  dynamicCategoryStatus,
  setCategoryOpmlUrl,
} from '../storage/dynamic-categories.ts';
import { setEntryStarred } from '../storage/entry-states.ts';
import { createLabel, setEntryLabel } from '../storage/labels.ts';
import type { Database } from '../storage/database.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';
import {
  checkDueDynamicCategories,
  checkDynamicCategoryNow,
  DYNAMIC_OPML_INTERVAL_MS,
  DYNAMIC_OPML_RETRY_MS,
} from './dynamic-opml.ts';
import { refreshFeeds } from './refresh-feeds.ts';

const NOW = Date.UTC(2026, 10, 22, 8, 0, 0);

/** What the test server answers for /list.opml, changed by each test. */
const served = { status: 200, type: 'text/x-opml', body: '', etag: '' as string, hits: 0 };

function opml(feeds: string[], folders = false): string {
  const outlines = feeds.map((f) => `<outline type="rss" text="${f}" xmlUrl="${base}/feeds/${f}.xml"/>`);
  const body = folders
    ? `<outline text="A">${outlines.slice(0, 1).join('')}<outline text="B">${outlines.slice(1).join('')}</outline></outline>`
    : outlines.join('\n');
  return `<?xml version="1.0"?>\n<opml version="2.0"><head><title>List</title></head><body>${body}</body></opml>\n`;
}

let base = '';
let server: Server;
let fetcher: Fetcher;
const log = createLogger('silent');

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/list.opml') {
      served.hits++;
      if (served.etag && req.headers['if-none-match'] === served.etag) return res.writeHead(304).end();
      return res
        .writeHead(served.status, {
          'content-type': served.type,
          ...(served.etag ? { etag: served.etag } : {}),
        })
        .end(served.body);
    }
    const m = /^\/feeds\/(\w+)\.xml$/.exec(url);
    if (m) {
      return res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${m[1]}</title><link>${base}/</link>` +
            `<item><title>${m[1]} one</title><guid>${m[1]}-1</guid></item></channel></rss>`,
        );
    }
    res.writeHead(404).end('not here');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fetcher = createFetcher({
    allowNetworks: ['127.0.0.0/8'],
    userAgent: 'Veille test',
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
  await new Promise((resolve) => server.close(resolve));
});

for (const kind of testDatabaseKinds()) {
  describe(`dynamic OPML categories on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Database & { dispose(): Promise<void> };
    let userId = 0;
    let otherUserId = 0;
    let categoryId = 0;
    let now = NOW;
    const deps = () => ({ db: database.db, fetcher, log, now: () => now });

    /** Feed titles of the user's subscriptions in a category (null: uncategorized), with "(muted)". */
    async function feedsIn(category: number | null): Promise<string[]> {
      const rows = await database.db
        .selectFrom('subscriptions as s')
        .innerJoin('feeds as f', 'f.id', 's.feed_id')
        .select(['f.url', 's.muted'])
        .where('s.user_id', '=', userId)
        .$if(category === null, (q) => q.where('s.category_id', 'is', null))
        .$if(category !== null, (q) => q.where('s.category_id', '=', category!))
        .execute();
      return rows
        .map((r) => r.url.replace(/^.*\/feeds\/(\w+)\.xml$/, '$1') + (r.muted ? ' (muted)' : ''))
        .sort();
    }

    before(async () => {
      database = await kind.open();
      const db = database.db;
      userId = (await createUser(db, { username: 'ann', passwordHash: 'x', isAdmin: false, now: NOW })).id;
      otherUserId = (await createUser(db, { username: 'bob', passwordHash: 'x', isAdmin: false, now: NOW }))
        .id;
      categoryId = (await ensureCategory(db, userId, 'Planet')).id;
      // Ann's own feeds: "own" in another category (the OPML lists it too), "mine" filed by
      // hand in the dynamic category (the OPML never lists it).
      const other = await ensureCategory(db, userId, 'Mine');
      for (const [name, cat] of [
        ['own', other.id],
        ['mine', categoryId],
      ] as const) {
        const feed = await findOrCreateFeed(db, {
          url: `${base}/feeds/${name}.xml`,
          options: {},
          userId,
          title: name,
          now: NOW,
        });
        await subscribe(db, { userId, feedId: feed.id, categoryId: cat, now: NOW });
      }
    });

    after(async () => {
      await database?.dispose();
    });

    test('a new OPML address is due at once; the check subscribes the listed feeds, folders flattened', async () => {
      served.body = opml(['a', 'b', 'c', 'own'], true);
      await setCategoryOpmlUrl(database.db, { userId, categoryId, url: `${base}/list.opml`, now });
      // Not the other user's category: nothing happens for bob.
      assert.equal(
        await setCategoryOpmlUrl(database.db, {
          userId: otherUserId,
          categoryId,
          url: 'https://x.example/',
          now,
        }),
        false,
      );
      assert.equal(await checkDynamicCategoryNow(deps(), { userId: otherUserId, categoryId }), null);
      assert.equal(await checkDueDynamicCategories(deps()), 1);
      assert.deepEqual(await feedsIn(categoryId), ['a', 'b', 'c', 'mine']);
      const mine = await ensureCategory(database.db, userId, 'Mine');
      assert.deepEqual(await feedsIn(mine.id), ['own'], 'a listed feed ann follows elsewhere stays there');
      const status = dynamicCategoryStatus((await categoryById(database.db, userId, categoryId))!)!;
      assert.equal(status.error, null);
      assert.equal(status.checkedAt, now);
      assert.equal(status.nextCheckAt, now + DYNAMIC_OPML_INTERVAL_MS);
      assert.deepEqual(status.result, {
        listed: 4,
        added: 3,
        removed: 0,
        kept: 0,
        elsewhere: 1,
        invalid: 0,
        unchanged: false,
      });
      assert.equal(await checkDueDynamicCategories(deps()), 0, 'not due again before 12 hours');
    });

    test('feeds dropped from the OPML are unsubscribed; one with a favourite or a label is kept muted', async () => {
      const db = database.db;
      // Fetch the feeds so that they have articles; star one of b, label one of c.
      const feeds = await db
        .selectFrom('feeds')
        .selectAll()
        .where(
          'url',
          'in',
          ['b', 'c'].map((n) => `${base}/feeds/${n}.xml`),
        )
        .execute();
      await refreshFeeds(
        { db, fetcher, log, now: () => now, minIntervalMs: 3600_000, maxIntervalMs: 86_400_000 },
        feeds,
        2,
      );
      const entryOf = async (name: string) =>
        (
          await db
            .selectFrom('entries as e')
            .innerJoin('feeds as f', 'f.id', 'e.feed_id')
            .select('e.id')
            .where('f.url', '=', `${base}/feeds/${name}.xml`)
            .executeTakeFirstOrThrow()
        ).id;
      assert.equal(
        await setEntryStarred(db, { userId, entryId: await entryOf('b'), starred: true, now }),
        true,
      );
      const label = await createLabel(db, userId, 'Keep');
      assert.ok(label.kind === 'ok');
      assert.equal(
        await setEntryLabel(db, { userId, entryId: await entryOf('c'), labelId: label.id, on: true }),
        true,
      );

      served.body = opml(['d']);
      now += DYNAMIC_OPML_INTERVAL_MS;
      assert.equal(await checkDueDynamicCategories(deps()), 1);
      assert.deepEqual(await feedsIn(categoryId), ['b (muted)', 'c (muted)', 'd', 'mine']);
      const result = dynamicCategoryStatus((await categoryById(db, userId, categoryId))!)!.result;
      assert.deepEqual(result, {
        listed: 1,
        added: 1,
        removed: 1,
        kept: 2,
        elsewhere: 0,
        invalid: 0,
        unchanged: false,
      });
      const aFeed = await db
        .selectFrom('feeds')
        .select('id')
        .where('url', '=', `${base}/feeds/a.xml`)
        .executeTakeFirst();
      assert.equal(aFeed, undefined, 'a feed nobody reads any more is gone with its articles');
      const starred = await db
        .selectFrom('entry_states')
        .select('starred')
        .where('user_id', '=', userId)
        .where('entry_id', '=', await entryOf('b'))
        .executeTakeFirst();
      assert.equal(starred?.starred, 1, 'the favourite is still there');

      // b comes back: followed again, no longer muted.
      served.body = opml(['b', 'd']);
      const outcome = await checkDynamicCategoryNow(deps(), { userId, categoryId });
      assert.equal(outcome?.kind, 'ok');
      assert.deepEqual(await feedsIn(categoryId), ['b', 'c (muted)', 'd', 'mine']);
    });

    test('a failed check keeps every feed and says why', async () => {
      const before = await feedsIn(categoryId);
      const cases: [string, () => void, RegExp][] = [
        ['404', () => Object.assign(served, { status: 404, body: 'gone' }), /404/],
        [
          'an HTML page',
          () =>
            Object.assign(served, {
              status: 200,
              type: 'text/html',
              body: '<html><body>Log in</body></html>',
            }),
          /not an OPML document/,
        ],
        [
          'a truncated download',
          () =>
            Object.assign(served, { status: 200, type: 'text/x-opml', body: opml(['x', 'y']).slice(0, -30) }),
          /stops before <\/opml>/,
        ],
        [
          'an OPML that lists no feed',
          () =>
            Object.assign(served, { body: '<?xml version="1.0"?><opml version="2.0"><body></body></opml>' }),
          /lists no feed/,
        ],
        [
          'broken XML',
          () => Object.assign(served, { body: '\u0000\u0001garbage<<<' }),
          /not an OPML document/,
        ],
      ];
      for (const [what, setUp, cause] of cases) {
        setUp();
        now += 1000;
        const outcome = await checkDynamicCategoryNow(deps(), { userId, categoryId });
        assert.equal(outcome?.kind, 'error', what);
        assert.match(outcome.kind === 'error' ? outcome.message : '', cause, what);
        const status = dynamicCategoryStatus((await categoryById(database.db, userId, categoryId))!)!;
        assert.match(status.error ?? '', cause, what);
        assert.equal(status.nextCheckAt, now + DYNAMIC_OPML_RETRY_MS, `${what}: retried in an hour`);
        assert.deepEqual(await feedsIn(categoryId), before, `${what}: nothing removed`);
      }
      // The server goes away entirely.
      await setCategoryOpmlUrl(database.db, { userId, categoryId, url: 'http://127.0.0.1:9/list.opml', now });
      const refused = await checkDynamicCategoryNow(deps(), { userId, categoryId });
      assert.equal(refused?.kind, 'error');
      assert.deepEqual(await feedsIn(categoryId), before, 'unreachable: nothing removed');
      Object.assign(served, { status: 200, type: 'text/x-opml', body: opml(['b', 'd']) });
      await setCategoryOpmlUrl(database.db, { userId, categoryId, url: `${base}/list.opml`, now });
      assert.equal((await checkDynamicCategoryNow(deps(), { userId, categoryId }))?.kind, 'ok');
      assert.equal(
        dynamicCategoryStatus((await categoryById(database.db, userId, categoryId))!)!.error,
        null,
      );
    });

    test('scheduled checks are conditional: 304 Not Modified changes nothing', async () => {
      served.etag = '"v1"';
      now += DYNAMIC_OPML_INTERVAL_MS;
      assert.equal(await checkDueDynamicCategories(deps()), 1); // stores the ETag
      const hits = served.hits;
      now += DYNAMIC_OPML_INTERVAL_MS;
      assert.equal(await checkDueDynamicCategories(deps()), 1);
      assert.equal(served.hits, hits + 1);
      const status = dynamicCategoryStatus((await categoryById(database.db, userId, categoryId))!)!;
      assert.equal(status.result?.unchanged, true);
      assert.equal(status.result?.listed, 2);
      served.etag = '';
    });

    test('a category being checked is not claimed twice; a lease that ran out is', async () => {
      const first = await claimDynamicCategories(database.db, {
        now,
        leaseMs: 60_000,
        limit: 5,
        ids: [categoryId],
      });
      assert.equal(first.length, 1);
      const second = await claimDynamicCategories(database.db, {
        now,
        leaseMs: 60_000,
        limit: 5,
        ids: [categoryId],
      });
      assert.equal(second.length, 0);
      assert.deepEqual(await checkDynamicCategoryNow(deps(), { userId, categoryId }), { kind: 'busy' });
      now += 60_001;
      assert.equal((await checkDynamicCategoryNow(deps(), { userId, categoryId }))?.kind, 'ok');
    });

    test('removing the address leaves the feeds where they are', async () => {
      const before = await feedsIn(categoryId);
      await setCategoryOpmlUrl(database.db, { userId, categoryId, url: null, now });
      const category = (await categoryById(database.db, userId, categoryId))!;
      assert.equal(dynamicCategoryStatus(category), null);
      assert.equal(await checkDynamicCategoryNow(deps(), { userId, categoryId }), null);
      assert.deepEqual(await feedsIn(categoryId), before);
    });
  });
}
