// The stream page's subscription list (sidebarSubscriptions): what it reads, its order, and that
// a list returned again while nothing changed is replaced as soon as anything it shows changes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ensureCategory } from './categories.ts';
import { ingestEntries } from './entries.ts';
import { setEntryRead } from './entry-states.ts';
import { findOrCreateFeed } from './feeds.ts';
import { renameSubscription, sidebarSubscriptions, subscribe, unsubscribe } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';
import type { NewEntry } from '../model/new-entry.ts';
import { testNewEntry } from './test-entries.ts';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

function entry(key: string): NewEntry {
  return testNewEntry(key, { dateAt: NOW, language: null });
}

for (const kind of testDatabaseKinds()) {
  describe(`sidebarSubscriptions on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    before(async () => {
      database = await kind.open();
    });
    after(async () => {
      await database?.dispose();
    });

    test('reads every subscription by title, and a new list whenever what it shows changes', async () => {
      const db = database.db;
      const user = await createUser(db, { username: 'sidebar', passwordHash: 'x', isAdmin: false, now: NOW });
      const other = await createUser(db, { username: 'other', passwordHash: 'x', isAdmin: false, now: NOW });
      assert.deepEqual(await sidebarSubscriptions(db, user.id), [], 'no subscription: an empty list');

      const news = await ensureCategory(db, user.id, 'News');
      const zeta = await findOrCreateFeed(db, {
        url: 'https://z.example/feed',
        options: {},
        userId: user.id,
        title: 'Zéta & "co" <x>',
        now: NOW,
      });
      const alpha = await findOrCreateFeed(db, {
        url: 'https://a.example/feed',
        options: {},
        userId: user.id,
        title: '',
        now: NOW,
      });
      await subscribe(db, { userId: user.id, feedId: zeta.id, categoryId: news.id, now: NOW });
      await subscribe(db, { userId: user.id, feedId: alpha.id, categoryId: null, now: NOW });
      await subscribe(db, { userId: other.id, feedId: zeta.id, categoryId: null, now: NOW });
      const ingested = await ingestEntries(db, {
        feedId: zeta.id,
        entries: [entry('z1'), entry('z2')],
        now: NOW,
      });

      const first = await sidebarSubscriptions(db, user.id);
      assert.deepEqual(first, [
        {
          feedId: alpha.id,
          categoryId: null,
          title: 'https://a.example/feed',
          priority: 1,
          muted: false,
          unreadCount: 0,
          lastError: null,
        },
        {
          feedId: zeta.id,
          categoryId: news.id,
          title: 'Zéta & "co" <x>',
          priority: 1,
          muted: false,
          unreadCount: 2,
          lastError: null,
        },
      ]);
      assert.ok(
        Object.isFrozen(first) && first.every((s) => Object.isFrozen(s)),
        'the shared list is frozen',
      );
      assert.equal(await sidebarSubscriptions(db, user.id), first, 'unchanged: the same list again');
      assert.equal((await sidebarSubscriptions(db, other.id)).length, 1, "each user's own list");
      assert.equal(await sidebarSubscriptions(db, user.id), first, 'still the same after another user');

      await setEntryRead(db, { userId: user.id, entryId: ingested.insertedIds[0]!, read: true, now: NOW });
      const afterRead = await sidebarSubscriptions(db, user.id);
      assert.notEqual(afterRead, first);
      assert.equal(afterRead.find((s) => s.feedId === zeta.id)!.unreadCount, 1, 'a read entry shows at once');

      await db.updateTable('feeds').set({ last_error: 'HTTP 500' }).where('id', '=', alpha.id).execute();
      const afterError = await sidebarSubscriptions(db, user.id);
      assert.equal(
        afterError.find((s) => s.feedId === alpha.id)!.lastError,
        'HTTP 500',
        "a feed's error shows",
      );

      await renameSubscription(db, user.id, zeta.id, 'Aardvark');
      assert.deepEqual(
        (await sidebarSubscriptions(db, user.id)).map((s) => s.title),
        ['Aardvark', 'https://a.example/feed'],
        'a rename shows, in title order',
      );

      await unsubscribe(db, user.id, alpha.id);
      assert.deepEqual(
        (await sidebarSubscriptions(db, user.id)).map((s) => s.feedId),
        [zeta.id],
      );
    });
  });
}
