import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { feedById, findOrCreateFeed } from './feeds.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { updateFeeds } from './update-feeds.ts';
import { createUser } from './users.ts';

for (const kind of testDatabaseKinds()) {
  describe(`updateFeeds on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    test('writes each feed its own values, shared and differing columns alike', async () => {
      const { db } = database;
      const user = await createUser(db, { username: 'u', passwordHash: 'x', isAdmin: false, now: 1000 });
      const feeds = [];
      for (let i = 0; i < 5; i++) {
        feeds.push(
          await findOrCreateFeed(db, {
            url: `https://example.org/${i}.xml`,
            options: {},
            userId: user.id,
            title: `Feed ${i}`,
            now: 1000,
          }),
        );
      }
      await updateFeeds(db, [
        ...feeds.slice(0, 3).map((f, i) => ({
          id: f.id,
          update: {
            last_checked_at: 2000,
            next_check_at: 10_000_000_000 + i,
            next_check_reason: JSON.stringify({ code: 'rhythm', perWeek: i }),
            last_status: 'not-modified',
            last_error: null,
            error_count: 0,
          },
        })),
        // Other columns: a statement of its own.
        { id: feeds[3]!.id, update: { title: 'Renamed', last_status: 'new', last_new_entries: 7 } },
        { id: feeds[4]!.id, update: {} },
      ]);
      const after = await Promise.all(feeds.map((f) => feedById(db, f.id)));
      for (let i = 0; i < 3; i++) {
        assert.equal(Number(after[i]!.next_check_at), 10_000_000_000 + i);
        assert.equal(after[i]!.next_check_reason, JSON.stringify({ code: 'rhythm', perWeek: i }));
        assert.equal(after[i]!.last_status, 'not-modified');
        assert.equal(Number(after[i]!.last_checked_at), 2000);
        assert.equal(after[i]!.title, `Feed ${i}`);
      }
      assert.equal(after[3]!.title, 'Renamed');
      assert.equal(after[3]!.last_new_entries, 7);
      assert.equal(after[3]!.last_checked_at, feeds[3]!.last_checked_at);
      assert.deepEqual(after[4], feeds[4]);
    });
  });
}
