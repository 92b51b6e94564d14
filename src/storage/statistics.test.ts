// The statistics queries on both databases: they count the user's own subscriptions only, group
// reception and publication times in UTC quarter-hours, and find each feed's latest date.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { QUARTER_MS } from '../model/statistics.ts';
import { entryIdAt } from './entries.ts';
import { findOrCreateFeed } from './feeds.ts';
import type { Schema } from './schema.ts';
import {
  datedPerQuarter,
  lastEntryDatePerFeed,
  receivedCountsPerFeed,
  starredEntryCount,
  type FeedBucketCount,
} from './statistics.ts';
import { subscribe } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let seq = 0;
async function addEntry(db: Kysely<Schema>, feedId: number, receivedAt: number, dateAt = receivedAt) {
  const id = entryIdAt(receivedAt) + seq++;
  await db
    .insertInto('entries')
    .values({
      id,
      feed_id: feedId,
      guid_key: `id:${id}`,
      guid: String(id),
      url: null,
      title: `e${id}`,
      authors: '[]',
      content: '',
      summary: '',
      published_at: dateAt,
      updated_at: null,
      date_at: dateAt,
      content_hash: String(id),
      language: null,
      enclosures: '[]',
      categories: '[]',
      thumbnail: null,
    })
    .execute();
  return id;
}

for (const kind of testDatabaseKinds()) {
  describe(`statistics queries on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    test('counts per feed, per quarter-hour, favourites and last dates of one user only', async () => {
      const db = database.db;
      const alice = await createUser(db, { username: 'alice', passwordHash: 'x', isAdmin: false, now: NOW });
      const bob = await createUser(db, { username: 'bob', passwordHash: 'x', isAdmin: false, now: NOW });
      const feed = (url: string) =>
        findOrCreateFeed(db, { url, options: {}, userId: alice.id, title: url, now: NOW });
      const a = await feed('https://a.example/feed');
      const b = await feed('https://b.example/feed');
      const c = await feed('https://c.example/feed');
      const empty = await feed('https://empty.example/feed');
      for (const f of [a, b, empty])
        await subscribe(db, { userId: alice.id, feedId: f.id, categoryId: null, now: NOW });
      for (const f of [a, c])
        await subscribe(db, { userId: bob.id, feedId: f.id, categoryId: null, now: NOW });

      // a: 3 entries received in the same quarter-hour two days ago, 1 forty days ago (dated 300 days ago).
      const twoDaysAgo = NOW - 2 * DAY;
      const a1 = await addEntry(db, a.id, twoDaysAgo);
      await addEntry(db, a.id, twoDaysAgo + 60_000);
      await addEntry(db, a.id, twoDaysAgo + 120_000);
      await addEntry(db, a.id, NOW - 40 * DAY, NOW - 300 * DAY);
      // b: 2 entries an hour ago, dated 10 days ago.
      const b1 = await addEntry(db, b.id, NOW - HOUR, NOW - 10 * DAY);
      await addEntry(db, b.id, NOW - HOUR, NOW - 10 * DAY);
      // c (bob only): 5 entries.
      for (let i = 0; i < 5; i++) await addEntry(db, c.id, NOW - i * HOUR);

      // Ranges: before 30 days ago, then [30 days ago, 2 days ago), [2 days ago, 1 hour ago), since.
      const bounds = [NOW - 30 * DAY, twoDaysAgo, NOW - HOUR].map(entryIdAt);
      const table = (rows: FeedBucketCount[]) =>
        rows.map((r) => `${r.bucket}:${r.feedId}:${r.entries}`).sort();
      assert.deepEqual(table(await receivedCountsPerFeed(db, alice.id, bounds)), [
        `0:${a.id}:1`,
        `2:${a.id}:3`,
        `3:${b.id}:2`,
      ]);
      assert.deepEqual(table(await receivedCountsPerFeed(db, bob.id, [])), [`0:${a.id}:4`, `0:${c.id}:5`]);

      const dated = await datedPerQuarter(db, alice.id, NOW - 365 * DAY);
      assert.equal(
        dated.reduce((n, d) => n + d.n, 0),
        6,
      );
      assert.equal(dated.find((d) => d.q === Math.floor((NOW - 10 * DAY) / QUARTER_MS))?.n, 2);
      assert.equal(
        (await datedPerQuarter(db, alice.id, NOW - 100 * DAY)).reduce((n, d) => n + d.n, 0),
        5,
      );

      // Favourites: alice's own; bob's star and a star on a feed alice left do not count.
      const star = (userId: number, entryId: number, feedId: number) =>
        db
          .insertInto('entry_states')
          .values({
            user_id: userId,
            entry_id: entryId,
            feed_id: feedId,
            read_override: null,
            starred: 1,
            changed_at: NOW,
          })
          .execute();
      await star(alice.id, a1, a.id);
      await star(alice.id, b1, b.id);
      await star(bob.id, a1, a.id);
      assert.equal(await starredEntryCount(db, alice.id), 2);
      await db
        .deleteFrom('subscriptions')
        .where('user_id', '=', alice.id)
        .where('feed_id', '=', b.id)
        .execute();
      assert.equal(await starredEntryCount(db, alice.id), 1);

      const last = new Map((await lastEntryDatePerFeed(db, alice.id)).map((l) => [l.feedId, l.lastAt]));
      assert.deepEqual(Object.fromEntries(last), { [a.id]: twoDaysAgo + 120_000, [empty.id]: null });
    });
  });
}
