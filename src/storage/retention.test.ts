import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NewEntry } from '../model/new-entry.ts';
import { ingestEntries } from './entries.ts';
import { setEntryStarred } from './entry-states.ts';
import { findOrCreateFeed } from './feeds.ts';
import { purgeFeed, setRetentionPolicy } from './retention.ts';
import { subscribe, subscriptionsForUser } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';
import { purgeOnce } from '../refresh/maintenance.ts';
import { createLogger } from '../lib/logger.ts';
import { sql } from 'kysely';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21);

function entry(key: string): NewEntry {
  return {
    guidKey: key,
    guid: key,
    url: null,
    title: key,
    authors: [],
    content: '',
    summary: '',
    publishedAt: null,
    updatedAt: null,
    dateAt: NOW,
    contentHash: key,
    language: null,
    enclosures: [],
    categories: [],
    thumbnail: null,
  };
}

for (const kind of testDatabaseKinds()) {
  describe(`retention on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    test('a shared feed keeps what its most generous subscriber keeps, starred entries, and nothing comes back', async () => {
      const db = database.db;
      const strict = await createUser(db, { username: 's', passwordHash: 'x', isAdmin: false, now: NOW });
      const generous = await createUser(db, { username: 'g', passwordHash: 'x', isAdmin: false, now: NOW });
      const feed = await findOrCreateFeed(db, {
        url: 'https://r.example/feed',
        options: {},
        userId: strict.id,
        title: 'R',
        now: NOW,
      });
      await subscribe(db, { userId: strict.id, feedId: feed.id, categoryId: null, now: NOW });
      await subscribe(db, { userId: generous.id, feedId: feed.id, categoryId: null, now: NOW });
      // 10 entries received 40..31 days ago (one batch a day), then 5 today.
      const old: number[] = [];
      for (let i = 0; i < 10; i++) {
        const r = await ingestEntries(db, {
          feedId: feed.id,
          entries: [entry(`old${i}`)],
          now: NOW - (40 - i) * DAY,
        });
        old.push(...r.insertedIds);
      }
      await ingestEntries(db, {
        feedId: feed.id,
        entries: [0, 1, 2, 3, 4].map((i) => entry(`new${i}`)),
        now: NOW,
      });
      await setEntryStarred(db, { userId: strict.id, entryId: old[0]!, starred: true, now: NOW });
      await setRetentionPolicy(db, {
        scope: 'feed',
        userId: strict.id,
        scopeId: feed.id,
        policy: { keepDays: 7, keepMin: 0 },
      });
      await setRetentionPolicy(db, {
        scope: 'feed',
        userId: generous.id,
        scopeId: feed.id,
        policy: { keepDays: 35, keepMin: 0 },
      });
      const deleted = await purgeFeed(db, { feedId: feed.id, now: NOW });
      // The generous subscriber keeps 35 days: old entries 5..9 (35..31 days ago); old0 is starred.
      assert.equal(deleted, 4);
      const left = await db
        .selectFrom('entries')
        .select('guid_key')
        .where('feed_id', '=', feed.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        left.map((r) => r.guid_key),
        ['old0', 'old5', 'old6', 'old7', 'old8', 'old9', 'new0', 'new1', 'new2', 'new3', 'new4'],
      );
      const again = await ingestEntries(db, {
        feedId: feed.id,
        entries: [entry('old1'), entry('old2')],
        now: NOW,
      });
      assert.equal(again.inserted, 0, 'purged entries do not come back');
      const counts = await subscriptionsForUser(db, strict.id);
      assert.equal(counts[0]!.unreadCount, 11, 'unread counts follow the purge');
    });

    test('one process purges at a time', async () => {
      const deps = { database, log: createLogger('silent'), now: () => NOW };
      assert.equal(typeof (await purgeOnce(deps)), 'number');
      if (database.dialect !== 'postgres') return;
      // Another process holds the purge lock: this one skips its turn.
      await database.db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(7251001)`.execute(conn);
        try {
          assert.equal(await purgeOnce(deps), null);
        } finally {
          await sql`select pg_advisory_unlock(7251001)`.execute(conn);
        }
      });
      assert.equal(typeof (await purgeOnce(deps)), 'number');
    });
  });
}
