// The refresh's ingest path (src/storage/entries.ts ingestFeedsEntries, fed by src/reader/process):
// search index values computed beforehand (in the refresh's worker threads) give the index that
// indexing the stored rows gives; known, tombstoned and same-link entries, and the rhythm dates;
// on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { NewEntry } from '../model/new-entry.ts';
import { processFeedBody } from '../reader/process/process-feed-body.ts';
import { reindexAllEntries } from '../search/search-index.ts';
import {
  ingestFeedsEntries,
  latestEntryDatesOfFeeds,
  lockEntryIdClock,
  purgeEntries,
} from '../storage/entries.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import type { Feed, Schema } from '../storage/schema.ts';
import { subscribe, subscriptionsForUser } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

const feedXml = (n: number, items: { guid: string; title: string; html: string }[]) =>
  new TextEncoder().encode(
    `<rss version="2.0"><channel><title>Feed ${n}</title><link>https://example.org/${n}/</link><language>en</language>` +
      items
        .map(
          (i) =>
            `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://example.org/${n}/${i.guid}</link>` +
            `<author>writer@example.org (Ann O'Brien)</author><category>Tag One</category>` +
            `<description><![CDATA[${i.html}]]></description></item>`,
        )
        .join('') +
      `</channel></rss>`,
  );

async function indexRows(db: Kysely<Schema>, postgres: boolean): Promise<unknown[]> {
  const { rows } = postgres
    ? await sql`select entry_id as id, tsv::text as tsv, author, url, tags from entry_search order by entry_id`.execute(
        db,
      )
    : await sql`select rowid as id, title, body, author, url, tags from entries_fts order by rowid`.execute(
        db,
      );
  return rows.map((r) => ({ ...(r as object), id: Number((r as { id: number }).id) }));
}

for (const kind of testDatabaseKinds()) {
  describe(`ingest on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    test('index values computed with the processing give the index of the stored rows', async () => {
      const { db } = database;
      const postgres = kind.name === 'postgres';
      const user = await createUser(db, { username: 'u', passwordHash: 'x', isAdmin: false, now: NOW });
      const feeds: Feed[] = [];
      for (const n of [1, 2]) {
        const feed = await findOrCreateFeed(db, {
          url: `https://example.org/${n}.xml`,
          options: {},
          userId: user.id,
          title: `F${n}`,
          now: NOW,
        });
        await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
        feeds.push(feed);
      }
      const processed = [1, 2].map((n) =>
        processFeedBody({
          body: feedXml(n, [
            {
              guid: `a${n}`,
              title: 'Développeurs — l’été',
              html: '<p>Crème brûlée &amp; <b>RUNNING</b> dogs’ café</p>',
            },
            { guid: `b${n}`, title: '東京の天気', html: '<p>雨が降っています. Studies ½ µm</p>' },
          ]),
          url: `https://example.org/${n}.xml`,
          contentType: null,
          now: NOW,
          searchIndex: postgres ? 'postgres' : 'sqlite',
        }),
      );
      const results = await db.transaction().execute(async (trx) => {
        await lockEntryIdClock(trx);
        return ingestFeedsEntries(
          trx,
          processed.map((p, i) => {
            assert.ok(p.ok && !p.unchanged && p.searchIndex);
            return { feedId: feeds[i]!.id, entries: p.entries, searchIndex: p.searchIndex };
          }),
          NOW,
        );
      });
      assert.deepEqual(
        results.map((r) => r.inserted),
        [2, 2],
      );
      const subs = await subscriptionsForUser(db, user.id);
      assert.deepEqual(
        subs.map((s) => s.unreadCount),
        [2, 2],
      );
      const written = await indexRows(db, postgres);
      assert.equal(written.length, 4);
      // What indexing the stored rows gives (the migration and restore path) is the same.
      await (postgres ? sql`delete from entry_search` : sql`delete from entries_fts`).execute(db);
      await reindexAllEntries(db);
      assert.deepEqual(await indexRows(db, postgres), written);
    });

    test('NUL characters in a feed (raw in XML, escaped in a JSON Feed) are stored as U+FFFD', async () => {
      const { db } = database;
      const postgres = kind.name === 'postgres';
      const user = await createUser(db, { username: 'nul', passwordHash: 'x', isAdmin: false, now: NOW });
      const bodies = [
        feedXml(7, [{ guid: 'n\u0000ul', title: 'Null\u0000byte', html: '<p>be\u0000fore</p>' }]),
        new TextEncoder().encode(
          JSON.stringify({
            version: 'https://jsonfeed.org/version/1.1',
            title: 'J\u0000',
            items: [{ id: 'j\u0000', title: 'Json\u0000null', content_html: '<p>a\u0000b \\u0000 kept</p>' }],
          }),
        ),
      ];
      const works: { feedId: number; entries: NewEntry[]; searchIndex: string[][] }[] = [];
      for (const [i, body] of bodies.entries()) {
        const feed = await findOrCreateFeed(db, {
          url: `https://example.org/nul${i}`,
          options: {},
          userId: user.id,
          title: `N${i}`,
          now: NOW,
        });
        await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
        const p = processFeedBody({
          body,
          url: `https://example.org/nul${i}`,
          contentType: null,
          now: NOW,
          searchIndex: postgres ? 'postgres' : 'sqlite',
        });
        assert.ok(p.ok && !p.unchanged && p.searchIndex);
        works.push({ feedId: feed.id, entries: p.entries, searchIndex: p.searchIndex });
      }
      const results = await db.transaction().execute(async (trx) => {
        await lockEntryIdClock(trx);
        return ingestFeedsEntries(trx, works, NOW);
      });
      assert.deepEqual(
        results.map((r) => r.inserted),
        [1, 1],
      );
      const rows = await db
        .selectFrom('entries')
        .select(['title', 'content'])
        .where(
          'feed_id',
          'in',
          works.map((w) => w.feedId),
        )
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.title),
        ['Null\uFFFDbyte', 'Json\uFFFDnull'],
      );
      assert.equal(rows[0]!.content, '<p>be\uFFFDfore</p>');
      // A JSON backslash before "u0000" is text, not an escape.
      assert.equal(rows[1]!.content, '<p>a\uFFFDb \\u0000 kept</p>');
    });

    test('a GUID of 5,000 characters and a link of 3,000 are stored once, the link left out', async () => {
      const { db } = database;
      const postgres = kind.name === 'postgres';
      const user = await createUser(db, { username: 'long', passwordHash: 'x', isAdmin: false, now: NOW });
      const feed = await findOrCreateFeed(db, {
        url: 'https://example.org/long.xml',
        options: {},
        userId: user.id,
        title: 'Long',
        now: NOW,
      });
      await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
      // Random text: PostgreSQL compresses index entries, so a repeated character would fit.
      const random = (n: number) =>
        Array.from({ length: n }, () => Math.random().toString(36).slice(2, 3)).join('');
      const guid = random(5000);
      const link = `https://example.org/${random(3000)}`;
      const body = new TextEncoder().encode(
        `<rss version="2.0"><channel><title>Long</title>` +
          `<item><guid>${guid}</guid><title>Long GUID</title><description>g</description></item>` +
          `<item><title>Long link</title><link>${link}</link><description>l</description></item>` +
          `</channel></rss>`,
      );
      const store = async () => {
        const p = processFeedBody({
          body,
          url: 'https://example.org/long.xml',
          contentType: null,
          now: NOW,
          searchIndex: postgres ? 'postgres' : 'sqlite',
        });
        assert.ok(p.ok && !p.unchanged && p.searchIndex);
        return db.transaction().execute(async (trx) => {
          await lockEntryIdClock(trx);
          const entries = p.entries;
          return ingestFeedsEntries(trx, [{ feedId: feed.id, entries, searchIndex: p.searchIndex! }], NOW);
        });
      };
      assert.equal((await store())[0]!.inserted, 2);
      assert.equal((await store())[0]!.inserted, 0);
      const rows = await db
        .selectFrom('entries')
        .select(['title', 'url', 'guid'])
        .where('feed_id', '=', feed.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.title, r.url, r.guid === guid]),
        [
          ['Long GUID', null, true],
          ['Long link', null, false],
        ],
      );
    });

    test('known, tombstoned and same-link entries; rhythm dates', async () => {
      const { db } = database;
      const user = await createUser(db, { username: 'v', passwordHash: 'x', isAdmin: false, now: NOW });
      const feed = await findOrCreateFeed(db, {
        url: 'https://example.org/r.xml',
        options: {},
        userId: user.id,
        title: 'R',
        now: NOW,
      });
      await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
      const day = 24 * 3600_000;
      const entry = (key: string, extra: Partial<NewEntry> = {}): NewEntry => ({
        guidKey: `id:${key}`,
        guid: key,
        url: `https://example.org/r/${key}`,
        title: `Title ${key}`,
        authors: [],
        content: `<p>${key}</p>`,
        summary: key,
        publishedAt: null,
        updatedAt: null,
        dateAt: NOW - 10 * day,
        contentHash: `h-${key}`,
        language: 'en',
        enclosures: [],
        categories: [],
        thumbnail: null,
        ...extra,
      });
      const ingest = (entries: NewEntry[]) =>
        db.transaction().execute(async (trx) => {
          await lockEntryIdClock(trx);
          const [r] = await ingestFeedsEntries(trx, [{ feedId: feed.id, entries }], NOW);
          return r!;
        });
      const first = await ingest([
        entry('old', { dateAt: NOW - 10 * day }),
        entry('gone', { dateAt: NOW - 3 * day }),
        entry('recent', { dateAt: NOW - 2 * day }),
        entry('newest', { dateAt: NOW - day }),
      ]);
      assert.equal(first.inserted, 4);
      await purgeEntries(db, { feedId: feed.id, ids: [first.insertedIds[1]!], now: NOW });
      const second = await ingest([
        entry('gone', { dateAt: NOW - 3 * day }), // purged: not back
        entry('recent', { contentHash: 'changed', dateAt: NOW - 2 * day }), // updated in place
        entry('renamed', {
          url: 'https://example.org/r/newest',
          title: 'Title newest',
          contentHash: 'h2',
          dateAt: NOW - day,
        }),
        entry('fresh', { dateAt: NOW }),
      ]);
      assert.deepEqual([second.inserted, second.updated], [1, 2]);
      const subs = await subscriptionsForUser(db, user.id);
      assert.equal(subs[0]!.unreadCount, 4);
      // The rhythm reads the dates of the latest entries after `since`, newest entry first.
      const dates = await latestEntryDatesOfFeeds(db, [feed.id, 999_999], 3, NOW - 7 * day);
      assert.deepEqual(dates.get(feed.id), [NOW, NOW - day, NOW - 2 * day]);
      assert.deepEqual(dates.get(999_999), []);
      const latestTwo = await latestEntryDatesOfFeeds(db, [feed.id], 2, NOW - 7 * day);
      assert.deepEqual(latestTwo.get(feed.id), [NOW, NOW - day]);
    });
  });
}
