// User queries on SQLite and PostgreSQL: order, edits, moves, share tokens, what search:NAME and
// S:n resolve to, and that no function ever reaches another user's queries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resolveSearchNode } from '../search/evaluate-query.ts';
import { parseSearchQuery, printSearchNode } from '../search/parse-query.ts';
import { testDatabaseKinds } from './test-databases.ts';
import {
  createUserQuery,
  deleteUserQuery,
  moveUserQuery,
  searchContextForUser,
  setUserQueryShared,
  updateUserQuery,
  userQueriesForUser,
  userQueryById,
  userQueryByShareToken,
} from './user-queries.ts';
import { createUser } from './users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

for (const kind of testDatabaseKinds()) {
  describe(`user queries on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    let alice = 0;
    let bob = 0;
    before(async () => {
      database = await kind.open();
      alice = (
        await createUser(database.db, { username: 'alice', passwordHash: 'x', isAdmin: false, now: NOW })
      ).id;
      bob = (await createUser(database.db, { username: 'bob', passwordHash: 'x', isAdmin: false, now: NOW }))
        .id;
    });
    after(async () => {
      await database?.dispose();
    });

    const names = async (userId: number) =>
      (await userQueriesForUser(database.db, userId)).map((q) => q.name);

    test('create, list in order, edit, move and delete', async () => {
      const db = database.db;
      const a = await createUserQuery(db, {
        userId: alice,
        name: '  Rust   news ',
        stream: { kind: 'category', id: 7 },
        search: 'rust ',
        state: 'unread',
        sort: 'published',
        order: 'asc',
        now: NOW,
      });
      const b = await createUserQuery(db, {
        userId: alice,
        name: 'Weather',
        stream: { kind: 'main' },
        search: 'intitle:weather',
        state: null,
        sort: null,
        order: null,
        now: NOW,
      });
      const c = await createUserQuery(db, {
        userId: alice,
        name: 'Starred',
        stream: { kind: 'starred' },
        search: '',
        state: 'all',
        sort: null,
        order: null,
        now: NOW,
      });
      assert.deepEqual(await names(alice), ['Rust news', 'Weather', 'Starred']);
      const first = await userQueryById(db, alice, a);
      assert.deepEqual(
        {
          stream: first?.stream,
          search: first?.search,
          state: first?.state,
          sort: first?.sort,
          order: first?.order,
        },
        {
          stream: { kind: 'category', id: 7 },
          search: 'rust',
          state: 'unread',
          sort: 'published',
          order: 'asc',
        },
      );
      assert.equal(await updateUserQuery(db, { userId: alice, id: b, name: 'Rain', search: 'rain' }), true);
      assert.equal((await userQueryById(db, alice, b))?.search, 'rain');
      assert.equal(await moveUserQuery(db, { userId: alice, id: c, direction: 'up' }), true);
      assert.deepEqual(await names(alice), ['Rust news', 'Starred', 'Rain']);
      assert.equal(await moveUserQuery(db, { userId: alice, id: a, direction: 'down' }), true);
      assert.deepEqual(await names(alice), ['Starred', 'Rust news', 'Rain']);
      // Moving the first one up changes nothing.
      assert.equal(await moveUserQuery(db, { userId: alice, id: c, direction: 'up' }), true);
      assert.deepEqual(await names(alice), ['Starred', 'Rust news', 'Rain']);
      assert.equal(await deleteUserQuery(db, alice, c), true);
      assert.deepEqual(await names(alice), ['Rust news', 'Rain']);
    });

    test('another user can neither read, change, move, share nor delete them', async () => {
      const db = database.db;
      const [query] = await userQueriesForUser(db, alice);
      const id = query!.id;
      assert.equal(await userQueryById(db, bob, id), undefined);
      assert.equal(await updateUserQuery(db, { userId: bob, id, name: 'x', search: 'x' }), false);
      assert.equal(await moveUserQuery(db, { userId: bob, id, direction: 'down' }), false);
      assert.equal(await setUserQueryShared(db, { userId: bob, id, shared: true }), undefined);
      assert.equal(await deleteUserQuery(db, bob, id), false);
      assert.deepEqual(await names(alice), ['Rust news', 'Rain']);
      assert.deepEqual(await names(bob), []);
      assert.equal((await userQueryById(db, alice, id))?.shareToken, null);
    });

    test('share tokens: created, replaced, revoked', async () => {
      const db = database.db;
      const [query] = await userQueriesForUser(db, alice);
      const token = await setUserQueryShared(db, { userId: alice, id: query!.id, shared: true });
      assert.ok(typeof token === 'string' && /^[A-Za-z0-9_-]{32}$/.test(token));
      assert.equal((await userQueryByShareToken(db, token))?.id, query!.id);
      const again = await setUserQueryShared(db, { userId: alice, id: query!.id, shared: true });
      assert.ok(typeof again === 'string' && again !== token);
      assert.equal(await userQueryByShareToken(db, token), undefined, 'the old token stops working');
      assert.equal((await userQueryByShareToken(db, again))?.userId, alice);
      assert.equal(await setUserQueryShared(db, { userId: alice, id: query!.id, shared: false }), null);
      assert.equal(await userQueryByShareToken(db, again), undefined);
      assert.equal(await userQueryByShareToken(db, 'short'), undefined);
    });

    test('search:NAME and S:n resolve to the user’s own queries only', async () => {
      const db = database.db;
      const resolve = async (userId: number, query: string) =>
        printSearchNode(resolveSearchNode(parseSearchQuery(query)!, await searchContextForUser(db, userId)));
      assert.equal(await resolve(alice, 'S:1'), 'any:"rust"');
      assert.equal(await resolve(alice, 'S:2 date:P1D'), '(and any:"rain" received[now-P1D,))');
      assert.equal(await resolve(alice, 'search:"RUST NEWS"'), 'any:"rust"');
      assert.equal(await resolve(alice, 'search:rain'), 'any:"rain"');
      assert.equal(await resolve(alice, 'S:9'), '(or )', 'an unknown position matches nothing');
      assert.equal(await resolve(bob, 'S:1'), '(or )', 'bob has no query 1; alice’s is out of reach');
      assert.equal(await resolve(bob, 'search:rain'), '(or )');
      // A query that names itself ends instead of looping.
      const [, rain] = await userQueriesForUser(db, alice);
      await updateUserQuery(db, { userId: alice, id: rain!.id, name: 'Rain', search: 'rain OR search:Rain' });
      assert.equal(await resolve(alice, 'search:Rain'), '(or any:"rain" (or ))');
    });

    test('a user’s queries go with the user', async () => {
      const db = database.db;
      await db.deleteFrom('users').where('id', '=', alice).execute();
      assert.deepEqual(await names(alice), []);
    });
  });
}
