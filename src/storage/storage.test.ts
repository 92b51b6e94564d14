import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NewEntry } from '../model/new-entry.ts';
import { testNewEntry } from './test-entries.ts';
import { createUser } from './users.ts';
import { findOrCreateFeed } from './feeds.ts';
import { subscribe, subscriptionsForUser } from './subscriptions.ts';
import { computeUnread, ingestEntries, purgeEntries, receivedAtOf } from './entries.ts';
import { entriesForStream } from './streams.ts';
import { markStreamRead, setEntryRead, setEntryStarred, undoLastMarkRead } from './entry-states.ts';
import { testDatabaseKinds } from './test-databases.ts';

function entry(key: string, extra: Partial<NewEntry> = {}): NewEntry {
  return testNewEntry(key, { dateAt: 1_700_000_000_000, language: 'fr', ...extra });
}

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

for (const kind of testDatabaseKinds()) {
  describe(`storage on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    async function newUser(name: string) {
      return createUser(database.db, { username: name, passwordHash: 'x', isAdmin: false, now: NOW });
    }

    async function unreadOf(userId: number, feedId: number) {
      const subs = await subscriptionsForUser(database.db, userId);
      return subs.find((s) => s.feedId === feedId)!.unreadCount;
    }

    test('two users share one feed row and its entries, with independent read states', async () => {
      const alice = await newUser('alice');
      const bob = await newUser('bob');
      const f1 = await findOrCreateFeed(database.db, {
        url: 'https://a.example/feed',
        options: {},
        userId: alice.id,
        title: 'A',
        now: NOW,
      });
      const f2 = await findOrCreateFeed(database.db, {
        url: 'https://a.example/feed',
        options: {},
        userId: bob.id,
        title: 'A',
        now: NOW,
      });
      assert.equal(f1.id, f2.id);
      await subscribe(database.db, { userId: alice.id, feedId: f1.id, categoryId: null, now: NOW });
      await subscribe(database.db, { userId: bob.id, feedId: f1.id, categoryId: null, now: NOW });
      const r = await ingestEntries(database.db, {
        feedId: f1.id,
        entries: [entry('a1'), entry('a2'), entry('a3')],
        now: NOW,
      });
      assert.equal(r.inserted, 3);
      const stored = await database.db
        .selectFrom('entries')
        .select('id')
        .where('feed_id', '=', f1.id)
        .execute();
      assert.equal(stored.length, 3, 'each entry is stored once');
      const states = await database.db.selectFrom('entry_states').selectAll().execute();
      assert.equal(states.length, 0, 'ingest writes no per-subscriber rows');
      assert.equal(await unreadOf(alice.id, f1.id), 3);
      assert.equal(await unreadOf(bob.id, f1.id), 3);

      assert.ok(
        await setEntryRead(database.db, {
          userId: alice.id,
          entryId: r.insertedIds[0]!,
          read: true,
          now: NOW,
        }),
      );
      assert.equal(await unreadOf(alice.id, f1.id), 2);
      assert.equal(await unreadOf(bob.id, f1.id), 3, "alice's read does not touch bob");
      const bobEntries = await entriesForStream(database.db, {
        userId: bob.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 10,
      });
      assert.equal(bobEntries.length, 3);
      const aliceEntries = await entriesForStream(database.db, {
        userId: alice.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 10,
      });
      assert.deepEqual(aliceEntries.map((e) => e.title).sort(), ['Title a2', 'Title a3']);
      assert.equal(aliceEntries[0]!.language, 'fr', 'entries keep their language');

      // A second refresh of the same items changes nothing; an edited item is updated in place.
      const again = await ingestEntries(database.db, {
        feedId: f1.id,
        entries: [entry('a1', { title: 'Edited', contentHash: 'new' }), entry('a2'), entry('a3')],
        now: NOW + 1000,
      });
      assert.deepEqual([again.inserted, again.updated], [0, 1]);
      const edited = await entriesForStream(database.db, {
        userId: alice.id,
        stream: { kind: 'feed', id: f1.id },
        state: 'all',
        limit: 10,
      });
      const a1 = edited.find((e) => e.id === r.insertedIds[0]);
      assert.equal(a1?.title, 'Edited');
      assert.equal(a1?.read, true, 'an updated entry keeps its read state');
    });

    test('a feed fetched with credentials is never shared', async () => {
      const carol = await newUser('carol');
      const dave = await newUser('dave');
      const url = 'https://private.example/feed';
      const c = await findOrCreateFeed(database.db, {
        url,
        options: { username: 'carol', password: 's3cret' },
        userId: carol.id,
        title: 'P',
        now: NOW,
      });
      const d = await findOrCreateFeed(database.db, {
        url,
        options: { username: 'carol', password: 's3cret' },
        userId: dave.id,
        title: 'P',
        now: NOW,
      });
      const pub = await findOrCreateFeed(database.db, {
        url,
        options: {},
        userId: dave.id,
        title: 'P',
        now: NOW,
      });
      const cookie = await findOrCreateFeed(database.db, {
        url,
        options: { cookie: 'a=b' },
        userId: dave.id,
        title: 'P',
        now: NOW,
      });
      assert.notEqual(c.id, d.id, 'same credentials, other user: another feed');
      assert.notEqual(c.id, pub.id);
      assert.notEqual(cookie.id, pub.id);
      assert.equal(c.owner_user_id, carol.id);
      assert.equal(pub.owner_user_id, null);
      const again = await findOrCreateFeed(database.db, {
        url,
        options: { username: 'carol', password: 's3cret' },
        userId: carol.id,
        title: 'P',
        now: NOW,
      });
      assert.equal(again.id, c.id);
      const ua1 = await findOrCreateFeed(database.db, {
        url,
        options: { userAgent: 'X' },
        userId: carol.id,
        title: 'P',
        now: NOW,
      });
      const ua2 = await findOrCreateFeed(database.db, {
        url,
        options: { userAgent: 'X' },
        userId: dave.id,
        title: 'P',
        now: NOW,
      });
      assert.equal(ua1.id, ua2.id, 'a user agent is not personal: shared');
    });

    test('entry ids grow with reception time, stay below 2^53 and follow publication order in a batch', async () => {
      const u = await newUser('erin');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://ids.example/feed',
        options: {},
        userId: u.id,
        title: 'I',
        now: NOW,
      });
      await subscribe(database.db, { userId: u.id, feedId: f.id, categoryId: null, now: NOW });
      const first = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [
          entry('late', { dateAt: 3000 }),
          entry('early', { dateAt: 1000 }),
          entry('mid', { dateAt: 2000 }),
        ],
        now: NOW,
      });
      const second = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('next')],
        now: NOW - 60_000,
      });
      const all = [...first.insertedIds, ...second.insertedIds];
      for (const id of all) assert.ok(Number.isSafeInteger(id) && id < 2 ** 53);
      assert.ok(
        second.insertedIds[0]! > Math.max(...first.insertedIds),
        'a later batch gets higher ids even if the clock went back',
      );
      assert.ok(
        Math.abs(receivedAtOf(first.insertedIds[0]!) - NOW) < 1000,
        'the id tells the reception time',
      );
      const rows = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'feed', id: f.id },
        state: 'all',
        limit: 10,
      });
      assert.deepEqual(
        rows.map((r) => r.title),
        ['Title next', 'Title late', 'Title mid', 'Title early'],
      );
    });

    test('mark all as read moves horizons, not rows; later entries stay unread; undo restores', async () => {
      const u = await newUser('frank');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://many.example/feed',
        options: {},
        userId: u.id,
        title: 'M',
        now: NOW,
      });
      const g = await findOrCreateFeed(database.db, {
        url: 'https://other.example/feed',
        options: {},
        userId: u.id,
        title: 'O',
        now: NOW,
      });
      await subscribe(database.db, { userId: u.id, feedId: f.id, categoryId: null, now: NOW });
      await subscribe(database.db, { userId: u.id, feedId: g.id, categoryId: null, now: NOW });
      const many = Array.from({ length: 500 }, (_, i) => entry(`m${i}`, { dateAt: i }));
      const r = await ingestEntries(database.db, { feedId: f.id, entries: many, now: NOW });
      await ingestEntries(database.db, { feedId: g.id, entries: [entry('o1')], now: NOW });
      // The user reads one, marks an old one unread explicitly, stars one.
      await setEntryRead(database.db, { userId: u.id, entryId: r.insertedIds[10]!, read: true, now: NOW });
      await setEntryStarred(database.db, {
        userId: u.id,
        entryId: r.insertedIds[20]!,
        starred: true,
        now: NOW,
      });
      assert.equal(await unreadOf(u.id, f.id), 499);
      const shown = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 20,
      });
      const upTo = shown[0]!.id;
      // An entry arrives after the page was shown.
      const late = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('late')],
        now: NOW + 5000,
      });
      const statesBefore = (
        await database.db.selectFrom('entry_states').select('entry_id').where('user_id', '=', u.id).execute()
      ).length;
      const res = await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'main' },
        upToId: upTo,
        now: NOW + 6000,
      });
      assert.equal(res.subscriptions, 2);
      const statesAfter = (
        await database.db.selectFrom('entry_states').select('entry_id').where('user_id', '=', u.id).execute()
      ).length;
      assert.ok(statesAfter <= statesBefore, 'no row per entry was written');
      assert.equal(await unreadOf(u.id, f.id), 1, 'only the entry received after the page stays unread');
      assert.equal(await unreadOf(u.id, g.id), 0);
      const unread = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 20,
      });
      assert.deepEqual(
        unread.map((e) => e.id),
        late.insertedIds,
      );
      const starred = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'starred' },
        state: 'all',
        limit: 20,
      });
      assert.deepEqual(
        starred.map((e) => e.id),
        [r.insertedIds[20]],
      );

      // Marking one old entry unread again is an exception below the horizon.
      await setEntryRead(database.db, {
        userId: u.id,
        entryId: r.insertedIds[5]!,
        read: false,
        now: NOW + 7000,
      });
      assert.equal(await unreadOf(u.id, f.id), 2);
      // Mark the feed read again, then undo: the exception comes back.
      await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'feed', id: f.id },
        upToId: upTo,
        now: NOW + 8000,
      });
      assert.equal(await unreadOf(u.id, f.id), 1);
      await undoLastMarkRead(database.db, { userId: u.id, now: NOW + 9000 });
      assert.equal(await unreadOf(u.id, f.id), 2);
      // Undo of the first batch is no longer the last one; undoing again does nothing.
      assert.deepEqual(await undoLastMarkRead(database.db, { userId: u.id, now: NOW + 9500 }), { undone: 0 });

      // The maintained count equals the count computed from horizon and exceptions.
      const sub = await database.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('user_id', '=', u.id)
        .where('feed_id', '=', f.id)
        .executeTakeFirstOrThrow();
      assert.equal(sub.unread_count, await computeUnread(database.db, u.id, f.id, sub.read_horizon));
    });

    test('undo of mark all as read restores every unread entry', async () => {
      const u = await newUser('gina');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://undo.example/feed',
        options: {},
        userId: u.id,
        title: 'U',
        now: NOW,
      });
      await subscribe(database.db, { userId: u.id, feedId: f.id, categoryId: null, now: NOW });
      const r = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('u1'), entry('u2'), entry('u3')],
        now: NOW,
      });
      await setEntryRead(database.db, { userId: u.id, entryId: r.insertedIds[0]!, read: true, now: NOW });
      await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'main' },
        upToId: Math.max(...r.insertedIds),
        now: NOW,
      });
      assert.equal(await unreadOf(u.id, f.id), 0);
      const undo = await undoLastMarkRead(database.db, { userId: u.id, now: NOW });
      assert.equal(undo.undone, 1);
      assert.equal(await unreadOf(u.id, f.id), 2, 'back to two unread: the one read by hand stays read');
      const unread = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 10,
      });
      assert.equal(unread.length, 2);
    });

    test('purged entries leave a tombstone and do not come back', async () => {
      const u = await newUser('hank');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://purge.example/feed',
        options: {},
        userId: u.id,
        title: 'P',
        now: NOW,
      });
      await subscribe(database.db, { userId: u.id, feedId: f.id, categoryId: null, now: NOW });
      const r = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('p1'), entry('p2')],
        now: NOW,
      });
      await purgeEntries(database.db, { feedId: f.id, ids: [r.insertedIds[0]!], now: NOW });
      assert.equal(await unreadOf(u.id, f.id), 1);
      const again = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('p1'), entry('p2')],
        now: NOW + 1,
      });
      assert.equal(again.inserted, 0, 'the purged entry is not stored again');
      assert.equal(await unreadOf(u.id, f.id), 1);
    });

    test('a user never sees or changes entries of feeds they do not subscribe to', async () => {
      const ivan = await newUser('ivan');
      const judy = await newUser('judy');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://judy.example/feed',
        options: {},
        userId: judy.id,
        title: 'J',
        now: NOW,
      });
      await subscribe(database.db, { userId: judy.id, feedId: f.id, categoryId: null, now: NOW });
      const r = await ingestEntries(database.db, { feedId: f.id, entries: [entry('j1')], now: NOW });
      assert.equal(
        await setEntryRead(database.db, {
          userId: ivan.id,
          entryId: r.insertedIds[0]!,
          read: true,
          now: NOW,
        }),
        false,
      );
      assert.equal(
        await setEntryStarred(database.db, {
          userId: ivan.id,
          entryId: r.insertedIds[0]!,
          starred: true,
          now: NOW,
        }),
        false,
      );
      const seen = await entriesForStream(database.db, {
        userId: ivan.id,
        stream: { kind: 'feed', id: f.id },
        state: 'all',
        limit: 10,
      });
      assert.equal(seen.length, 0);
    });

    test('an entry whose GUID churns while link and title stay is updated, not duplicated', async () => {
      const u = await newUser('lea');
      const f = await findOrCreateFeed(database.db, {
        url: 'https://churn.example/feed',
        options: {},
        userId: u.id,
        title: 'C',
        now: NOW,
      });
      await subscribe(database.db, { userId: u.id, feedId: f.id, categoryId: null, now: NOW });
      const same = { url: 'https://churn.example/post', title: 'Same post' };
      await ingestEntries(database.db, { feedId: f.id, entries: [entry('guid-1', same)], now: NOW });
      const second = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('guid-2', { ...same, content: '<p>edited</p>', contentHash: 'edited' })],
        now: NOW + 1000,
      });
      assert.deepEqual([second.inserted, second.updated], [0, 1]);
      // Same link, another title: another article (some feeds link every item to their home page).
      const other = await ingestEntries(database.db, {
        feedId: f.id,
        entries: [entry('guid-3', { url: same.url, title: 'Another post' })],
        now: NOW + 2000,
      });
      assert.equal(other.inserted, 1);
      const rows = await entriesForStream(database.db, {
        userId: u.id,
        stream: { kind: 'feed', id: f.id },
        state: 'all',
        limit: 10,
      });
      assert.deepEqual(
        rows.map((r) => [r.title, r.content]),
        [
          ['Another post', '<p>guid-3</p>'],
          ['Same post', '<p>edited</p>'],
        ],
      );
      assert.equal(await unreadOf(u.id, f.id), 2);
    });

    test('concurrent ingests of different feeds get distinct increasing ids', async () => {
      const u = await newUser('kim');
      const feeds = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          findOrCreateFeed(database.db, {
            url: `https://c${i}.example/feed`,
            options: {},
            userId: u.id,
            title: 'C',
            now: NOW,
          }),
        ),
      );
      const results = await Promise.all(
        feeds.map((f, i) =>
          ingestEntries(database.db, {
            feedId: f.id,
            entries: Array.from({ length: 50 }, (_, j) => entry(`c${i}-${j}`)),
            now: NOW,
          }),
        ),
      );
      const ids = results.flatMap((r) => r.insertedIds);
      assert.equal(new Set(ids).size, 200);
      for (const r of results) {
        for (let i = 1; i < r.insertedIds.length; i++)
          assert.equal(r.insertedIds[i], r.insertedIds[i - 1]! + 1);
      }
    });
  });
}
