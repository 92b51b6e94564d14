import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase, type Database } from './database.ts';
import { claimDueFeeds, claimFeedsById, releaseFeedLease, renewFeedLeases } from './feed-claims.ts';
import { feedById, findOrCreateFeed, updateFeed } from './feeds.ts';
import { subscribe } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const LEASE = 60_000;

for (const kind of testDatabaseKinds()) {
  describe(`feed claims on ${kind.name}`, { skip: kind.skip }, () => {
    /** A fresh database with `count` subscribed feeds, all due at NOW - 1000 + index. */
    async function withFeeds(
      count: number,
      body: (database: Database & { url: string; schema?: string }, feedIds: number[]) => Promise<void>,
    ) {
      const database = await kind.open();
      try {
        const user = await createUser(database.db, {
          username: 'u',
          passwordHash: 'x',
          isAdmin: false,
          now: NOW,
        });
        const ids: number[] = [];
        for (let i = 0; i < count; i++) {
          const feed = await findOrCreateFeed(database.db, {
            url: `https://feeds.example/${i}`,
            options: {},
            userId: user.id,
            title: `Feed ${i}`,
            now: NOW,
          });
          await updateFeed(database.db, feed.id, { next_check_at: NOW - 1000 + i });
          await subscribe(database.db, { userId: user.id, feedId: feed.id, categoryId: null, now: NOW });
          ids.push(feed.id);
        }
        await body(database, ids);
      } finally {
        await database.dispose();
      }
    }

    test('claims due feeds soonest first and leases them to the claimer', async () => {
      await withFeeds(5, async (database, ids) => {
        await updateFeed(database.db, ids[4]!, { next_check_at: NOW + 1 }); // not due yet
        const claimed = await claimDueFeeds(database, { owner: 'a', now: NOW, limit: 3, leaseMs: LEASE });
        assert.deepEqual(
          claimed.map((f) => f.id),
          ids.slice(0, 3),
        );
        for (const f of claimed) {
          assert.equal(f.lease_owner, 'a');
          assert.equal(f.lease_until, NOW + LEASE);
        }
        const rest = await claimDueFeeds(database, { owner: 'b', now: NOW, limit: 10, leaseMs: LEASE });
        assert.deepEqual(
          rest.map((f) => f.id),
          [ids[3]],
          'the leased feeds and the feed not yet due are left out',
        );
      });
    });

    test('two concurrent claimers on two connections never get the same feed', async () => {
      await withFeeds(60, async (database, ids) => {
        const other = await openDatabase(database.url, database.schema ? { schema: database.schema } : {});
        try {
          const claimer = (db: Database, owner: string) =>
            Promise.all(
              Array.from({ length: 12 }, () =>
                claimDueFeeds(db, { owner, now: NOW, limit: 4, leaseMs: LEASE }),
              ),
            );
          const [a, b] = await Promise.all([claimer(database, 'a'), claimer(other, 'b')]);
          const got = [...a.flat(), ...b.flat()];
          const unique = new Set(got.map((f) => f.id));
          assert.equal(unique.size, got.length, 'a feed was claimed twice');
          const late = await claimDueFeeds(database, { owner: 'c', now: NOW, limit: 100, leaseMs: LEASE });
          for (const f of late) assert.ok(!unique.has(f.id), `feed ${f.id} claimed again while leased`);
          assert.deepEqual(
            [...unique, ...late.map((f) => f.id)].sort((x, y) => x - y),
            ids,
            'every due feed is claimed once',
          );
          // What the database says matches what each claimer was told.
          for (const f of got) assert.equal((await feedById(database.db, f.id))?.lease_owner, f.lease_owner);
        } finally {
          await other.close();
        }
      });
    });

    test('a live lease is respected; an expired one is taken over', async () => {
      await withFeeds(1, async (database, [id]) => {
        assert.equal(
          (await claimDueFeeds(database, { owner: 'a', now: NOW, limit: 5, leaseMs: 1000 })).length,
          1,
        );
        const during = await claimDueFeeds(database, { owner: 'b', now: NOW + 999, limit: 5, leaseMs: 1000 });
        assert.deepEqual(during, [], 'claimed while its lease lives');
        const after = await claimDueFeeds(database, { owner: 'b', now: NOW + 1001, limit: 5, leaseMs: 1000 });
        assert.deepEqual(
          after.map((f) => [f.id, f.lease_owner, f.lease_until]),
          [[id, 'b', NOW + 2001]],
        );
        // The first owner comes back late: it can neither renew nor release b's lease.
        assert.deepEqual(
          await renewFeedLeases(database.db, { owner: 'a', now: NOW + 1100, ids: [id!], leaseMs: 1000 }),
          [],
        );
        assert.equal(await releaseFeedLease(database.db, id!, 'a'), false);
        const row = await feedById(database.db, id!);
        assert.equal(row?.lease_owner, 'b');
        assert.equal(row?.lease_until, NOW + 2001);
      });
    });

    test('renewing extends the lease; releasing frees the feed and can push the next check back', async () => {
      await withFeeds(2, async (database, [first, second]) => {
        await claimDueFeeds(database, { owner: 'a', now: NOW, limit: 5, leaseMs: 1000 });
        assert.deepEqual(
          await renewFeedLeases(database.db, {
            owner: 'a',
            now: NOW + 900,
            ids: [first!, second!],
            leaseMs: 1000,
          }),
          [first, second].sort((x, y) => x! - y!),
        );
        assert.deepEqual(
          await claimDueFeeds(database, { owner: 'b', now: NOW + 1500, limit: 5, leaseMs: 1000 }),
          [],
          'renewed leases still live',
        );
        assert.equal(await releaseFeedLease(database.db, first!, 'a'), true);
        assert.equal(await releaseFeedLease(database.db, second!, 'a', NOW + 60_000), true);
        const a = await feedById(database.db, first!);
        const b = await feedById(database.db, second!);
        assert.equal(a?.lease_owner, null);
        assert.equal(a?.lease_until, null);
        assert.equal(b?.next_check_at, NOW + 60_000);
        const again = await claimDueFeeds(database, { owner: 'b', now: NOW + 1500, limit: 5, leaseMs: 1000 });
        assert.deepEqual(
          again.map((f) => f.id),
          [first],
          'the released feed is claimable again, the postponed one is not due',
        );
      });
    });

    test('gone feeds and feeds nobody subscribes to are never claimed', async () => {
      await withFeeds(2, async (database, [gone, kept]) => {
        await updateFeed(database.db, gone!, { gone_at: NOW - 10 });
        const user = await createUser(database.db, {
          username: 'v',
          passwordHash: 'x',
          isAdmin: false,
          now: NOW,
        });
        const orphan = await findOrCreateFeed(database.db, {
          url: 'https://feeds.example/orphan',
          options: {},
          userId: user.id,
          title: 'Orphan',
          now: NOW,
        });
        const claimed = await claimDueFeeds(database, { owner: 'a', now: NOW, limit: 10, leaseMs: LEASE });
        assert.deepEqual(
          claimed.map((f) => f.id),
          [kept],
        );
        assert.equal((await feedById(database.db, orphan.id))?.lease_owner, null);
      });
    });

    test('claiming by id ignores the schedule but not a live lease or a gone feed', async () => {
      await withFeeds(3, async (database, [a, b, c]) => {
        await updateFeed(database.db, a!, { next_check_at: NOW + 3_600_000 });
        await updateFeed(database.db, c!, { gone_at: NOW - 10 });
        await claimFeedsById(database, { owner: 'w', now: NOW, ids: [b!], leaseMs: LEASE });
        const claimed = await claimFeedsById(database, {
          owner: 'web',
          now: NOW,
          ids: [a!, b!, c!],
          leaseMs: LEASE,
        });
        assert.deepEqual(
          claimed.map((f) => [f.id, f.lease_owner]),
          [[a, 'web']],
        );
      });
    });
  });
}
