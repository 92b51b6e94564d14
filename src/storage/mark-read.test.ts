// "Mark all as read" in grouped statements (markStreamRead / markStreamsRead) and its undo, on
// both databases: after every step each subscription's maintained unread count equals the count
// recomputed entry by entry from horizon and exceptions, only the subscriptions of the marked
// streams move, other users are untouched, and one undo restores exactly what was unread.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NewEntry } from '../model/new-entry.ts';
import { testNewEntry } from './test-entries.ts';
import { setEntriesRead } from './api-entry-states.ts';
import { ensureCategory } from './categories.ts';
import { computeUnread, ingestEntries, maxEntryId } from './entries.ts';
import {
  lastMarkReadBatch,
  markStreamRead,
  markStreamsRead,
  setEntryRead,
  setEntryStarred,
  undoLastMarkRead,
} from './entry-states.ts';
import { findOrCreateFeed } from './feeds.ts';
import { entriesForStream } from './streams.ts';
import { setSubscriptionPriority } from './subscription-priority.ts';
import { subscribe } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

function entry(key: string): NewEntry {
  return testNewEntry(key, { dateAt: NOW, language: 'en' });
}

for (const kind of testDatabaseKinds()) {
  describe(`grouped mark all as read on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    /** Every entry a user reads as unread, per feed, decided in JavaScript from the raw rows. */
    async function unreadByFeed(userId: number): Promise<Map<number, number[]>> {
      const db = database.db;
      const subs = await db
        .selectFrom('subscriptions')
        .select(['feed_id', 'read_horizon'])
        .where('user_id', '=', userId)
        .execute();
      const states = new Map(
        (
          await db
            .selectFrom('entry_states')
            .select(['entry_id', 'read_override'])
            .where('user_id', '=', userId)
            .execute()
        ).map((s) => [Number(s.entry_id), s.read_override]),
      );
      const out = new Map<number, number[]>();
      for (const sub of subs) {
        const ids = await db
          .selectFrom('entries')
          .select('id')
          .where('feed_id', '=', sub.feed_id)
          .orderBy('id')
          .execute();
        out.set(
          sub.feed_id,
          ids
            .map((r) => Number(r.id))
            .filter((id) => {
              const override = states.get(id);
              return (
                override === 0 || ((override === null || override === undefined) && id > sub.read_horizon)
              );
            }),
        );
      }
      return out;
    }

    /** Asserts that every maintained count equals the recount, and returns the unread sets. */
    async function checkedCounts(userId: number, when: string): Promise<Map<number, number[]>> {
      const unread = await unreadByFeed(userId);
      const subs = await database.db
        .selectFrom('subscriptions')
        .select(['feed_id', 'read_horizon', 'unread_count'])
        .where('user_id', '=', userId)
        .execute();
      for (const sub of subs) {
        const expected = unread.get(sub.feed_id)!.length;
        assert.equal(sub.unread_count, expected, `${when}: maintained count of feed ${sub.feed_id}`);
        assert.equal(
          await computeUnread(database.db, userId, sub.feed_id, sub.read_horizon),
          expected,
          `${when}: computeUnread of feed ${sub.feed_id}`,
        );
      }
      return unread;
    }

    async function setup(prefix: string) {
      const db = database.db;
      const u = await createUser(db, {
        username: `${prefix}-u`,
        passwordHash: 'x',
        isAdmin: false,
        now: NOW,
      });
      const v = await createUser(db, {
        username: `${prefix}-v`,
        passwordHash: 'x',
        isAdmin: false,
        now: NOW,
      });
      const catA = await ensureCategory(db, u.id, 'A');
      const catB = await ensureCategory(db, u.id, 'B');
      const feedIds: number[] = [];
      for (let i = 0; i < 12; i++) {
        const f = await findOrCreateFeed(db, {
          url: `https://${prefix}${i}.example/feed`,
          options: {},
          userId: u.id,
          title: `F${i}`,
          now: NOW,
        });
        feedIds.push(f.id);
        const categoryId = [catA.id, catB.id, null][i % 3]!;
        await subscribe(db, { userId: u.id, feedId: f.id, categoryId, now: NOW });
        if (i % 2 === 0) await subscribe(db, { userId: v.id, feedId: f.id, categoryId: null, now: NOW });
      }
      // Feed 1 important, 4 category only, 5 muted, 7 archived; the others in the main stream.
      const priorities: [number, number, boolean][] = [
        [1, 2, false],
        [4, 0, false],
        [5, 1, true],
        [7, -1, false],
      ];
      for (const [i, priority, muted] of priorities)
        await setSubscriptionPriority(db, { userId: u.id, feedId: feedIds[i]!, priority, muted });
      // Rounds of 4 entries per feed, so that ids of different feeds interleave.
      const ids: number[][] = feedIds.map(() => []);
      for (let round = 0; round < 5; round++)
        for (const [i, feedId] of feedIds.entries()) {
          const r = await ingestEntries(db, {
            feedId,
            entries: [0, 1, 2, 3].map((k) => entry(`${prefix}-${i}-${round}-${k}`)),
            now: NOW + round * 1000,
          });
          ids[i]!.push(...r.insertedIds);
        }
      // Exceptions: a few read by hand, a few starred (for both users).
      for (const [i, list] of ids.entries()) {
        await setEntryRead(db, { userId: u.id, entryId: list[18]!, read: true, now: NOW });
        if (i % 3 === 0)
          await setEntryStarred(db, { userId: u.id, entryId: list[2]!, starred: true, now: NOW });
        if (i % 2 === 0) await setEntryRead(db, { userId: v.id, entryId: list[3]!, read: true, now: NOW });
      }
      return { u, v, catA, catB, feedIds, ids };
    }

    test('main stream: only main-stream subscriptions move, counts stay exact, one undo restores all', async () => {
      const db = database.db;
      const { u, v, feedIds, ids } = await setup('m');
      // Old entries marked unread again: "unread" exceptions below the coming horizon.
      await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'feed', id: feedIds[0]! },
        upToId: ids[0]![10]!,
        now: NOW,
      });
      await setEntryRead(db, { userId: u.id, entryId: ids[0]![5]!, read: false, now: NOW });
      await setEntryRead(db, { userId: u.id, entryId: ids[3]![1]!, read: false, now: NOW });
      const before = await checkedCounts(u.id, 'before');
      const otherBefore = await checkedCounts(v.id, 'other user before');

      const upTo = ids[6]![15]!;
      const res = await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'main' },
        upToId: upTo,
        now: NOW,
      });
      const mainFeeds = feedIds.filter((_, i) => ![1, 4, 5, 7].includes(i));
      assert.equal(res.subscriptions, mainFeeds.length);
      assert.equal(await lastMarkReadBatch(db, u.id), res.batchId);
      const after = await checkedCounts(u.id, 'after main');
      for (const [i, feedId] of feedIds.entries()) {
        const expected = mainFeeds.includes(feedId)
          ? before.get(feedId)!.filter((id) => id > upTo)
          : before.get(feedId)!;
        assert.deepEqual(after.get(feedId), expected, `feed ${i} after marking the main stream`);
      }
      assert.deepEqual(await checkedCounts(v.id, 'other user after'), otherBefore);
      // What the stream shows agrees with the counts.
      const shown = await entriesForStream(db, {
        userId: u.id,
        stream: { kind: 'main' },
        state: 'unread',
        limit: 1000,
      });
      const expectedShown = feedIds
        .filter((_, i) => ![4, 5, 7].includes(i))
        .flatMap((f) => after.get(f)!)
        .sort((a, b) => b - a);
      assert.deepEqual(
        shown.map((e) => e.id),
        expectedShown,
      );

      const undo = await undoLastMarkRead(db, { userId: u.id, now: NOW });
      assert.equal(undo.undone, mainFeeds.length);
      assert.deepEqual(await checkedCounts(u.id, 'after undo'), before);
      assert.deepEqual(await checkedCounts(v.id, 'other user after undo'), otherBefore);
      assert.equal(await lastMarkReadBatch(db, u.id), null);
    });

    test('several streams are one batch: categories and feeds together, undone at once', async () => {
      const db = database.db;
      const { u, catA, catB, feedIds, ids } = await setup('s');
      const before = await checkedCounts(u.id, 'before');
      const looseFeeds = feedIds.filter((_, i) => i % 3 === 2);
      const res = await markStreamsRead(database, {
        userId: u.id,
        streams: [
          { kind: 'category', id: catA.id },
          { kind: 'category', id: catB.id },
          ...looseFeeds.map((id) => ({ kind: 'feed' as const, id })),
        ],
        upToId: Number.MAX_SAFE_INTEGER,
        now: NOW,
      });
      // Categories leave out important (1) and archived (7) feeds; feeds by id take any priority.
      const moved = feedIds.filter((_, i) => i % 3 === 2 || ![1, 7].includes(i));
      assert.equal(res.subscriptions, moved.length);
      const after = await checkedCounts(u.id, 'after');
      for (const feedId of feedIds)
        assert.deepEqual(after.get(feedId), moved.includes(feedId) ? [] : before.get(feedId));
      assert.ok(ids[1]!.length > 0);
      assert.equal((await undoLastMarkRead(db, { userId: u.id, now: NOW })).undone, moved.length);
      assert.deepEqual(await checkedCounts(u.id, 'after undo'), before);
    });

    test('a bound below the horizon only clears the "unread" exceptions under it', async () => {
      const db = database.db;
      const { u, catA, feedIds, ids } = await setup('b');
      const max = await maxEntryId(db);
      await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'category', id: catA.id },
        upToId: max,
        now: NOW,
      });
      await setEntryRead(db, { userId: u.id, entryId: ids[0]![2]!, read: false, now: NOW });
      await setEntryRead(db, { userId: u.id, entryId: ids[0]![12]!, read: false, now: NOW });
      await setEntryRead(db, { userId: u.id, entryId: ids[3]![16]!, read: false, now: NOW });
      const before = await checkedCounts(u.id, 'before');
      const bound = ids[0]![8]!;
      const res = await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'category', id: catA.id },
        upToId: bound,
        now: NOW,
      });
      assert.equal(res.subscriptions, 1, 'only the subscription with an exception under the bound moves');
      const after = await checkedCounts(u.id, 'after');
      assert.deepEqual(after.get(feedIds[0]!), [ids[0]![12]!]);
      assert.deepEqual(after.get(feedIds[3]!), [ids[3]![16]!]);
      await undoLastMarkRead(db, { userId: u.id, now: NOW });
      assert.deepEqual(await checkedCounts(u.id, 'after undo'), before);
      // Nothing to move: no batch, and the previous undo stays the last word.
      const none = await markStreamRead(database, {
        userId: u.id,
        stream: { kind: 'category', id: catA.id },
        upToId: bound - 1_000_000_000,
        now: NOW,
      });
      assert.deepEqual(none, { batchId: null, subscriptions: 0 });
    });

    test('marking many entries of many feeds at once (edit-tag) keeps every count exact', async () => {
      const db = database.db;
      const { u, ids } = await setup('e');
      const before = await checkedCounts(u.id, 'before');
      // Two entries of every feed, one of them already read by hand (list[18]): a mixed batch.
      const batch = ids.flatMap((list) => [list[17]!, list[18]!]);
      assert.equal(
        await setEntriesRead(db, { userId: u.id, entryIds: batch, read: true, now: NOW }),
        ids.length,
      );
      const read = await checkedCounts(u.id, 'after marking read');
      for (const [feedId, unread] of before)
        assert.equal(read.get(feedId)!.length, unread.length - 1, `feed ${feedId} lost one unread`);
      assert.equal(
        await setEntriesRead(db, { userId: u.id, entryIds: batch, read: false, now: NOW }),
        ids.length * 2,
      );
      const unread = await checkedCounts(u.id, 'after marking unread');
      for (const [feedId, list] of before)
        assert.equal(unread.get(feedId)!.length, list.length + 1, `feed ${feedId} gained one unread`);
    });

    test('opening, starring and marking entries while their feeds are marked read keep exact counts', async () => {
      const db = database.db;
      const { u, feedIds, ids } = await setup('r');
      const bounds = [ids[3]![6]!, ids[6]![12]!, ids[9]![19]!];
      // On PostgreSQL these run on several connections at once: every change that reads a horizon
      // and moves a count must be serialized with the recount of "mark all as read".
      const singles = ids.flatMap((list, i) =>
        [4, 8, 12, 16].map((k) =>
          k % 8 === 0
            ? setEntryStarred(db, { userId: u.id, entryId: list[k]!, starred: true, now: NOW })
            : setEntryRead(db, { userId: u.id, entryId: list[k]!, read: (i + k) % 3 !== 0, now: NOW }),
        ),
      );
      await Promise.all([
        ...singles,
        setEntriesRead(db, { userId: u.id, entryIds: ids.map((l) => l[10]!), read: true, now: NOW }),
        setEntriesRead(db, { userId: u.id, entryIds: ids.map((l) => l[2]!), read: false, now: NOW }),
        ...bounds.map((upToId) =>
          markStreamRead(database, { userId: u.id, stream: { kind: 'main' }, upToId, now: NOW }),
        ),
        ...feedIds.map((id, i) =>
          markStreamRead(database, {
            userId: u.id,
            stream: { kind: 'feed', id },
            upToId: ids[i]![14]!,
            now: NOW,
          }),
        ),
      ]);
      await checkedCounts(u.id, 'after concurrent changes');
      while ((await undoLastMarkRead(db, { userId: u.id, now: NOW })).undone > 0)
        await checkedCounts(u.id, 'after an undo');
    });

    test('entries ingested while the main stream is marked read keep exact counts', async () => {
      const db = database.db;
      const { u, v, feedIds } = await setup('c');
      const max = await maxEntryId(db);
      let n = 0;
      const ingests = feedIds.slice(0, 6).map(async (feedId, i) => {
        for (let k = 0; k < 3; k++)
          await ingestEntries(db, { feedId, entries: [entry(`late-${i}-${k}-${n++}`)], now: NOW + 10_000 });
      });
      await Promise.all([
        ...ingests,
        markStreamRead(database, { userId: u.id, stream: { kind: 'main' }, upToId: max, now: NOW }),
        markStreamRead(database, { userId: v.id, stream: { kind: 'main' }, upToId: max, now: NOW }),
      ]);
      const after = await checkedCounts(u.id, 'after concurrent ingests');
      await checkedCounts(v.id, 'other user after concurrent ingests');
      // In the main-stream feeds, only entries received after the bound stay unread.
      for (const i of [0, 2, 3]) {
        const unread = after.get(feedIds[i]!)!;
        assert.equal(unread.length, 3, `feed ${i}: the three late entries`);
        assert.ok(unread.every((id) => id > max));
      }
      await undoLastMarkRead(db, { userId: u.id, now: NOW });
      await checkedCounts(u.id, 'after undo');
    });
  });
}
