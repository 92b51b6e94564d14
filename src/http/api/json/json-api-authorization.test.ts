// Who may do what through the JSON API, on SQLite and PostgreSQL: bob's API password used with
// alice's feed, category, label and entry ids gets 404 or an empty list, never her data and never
// a change to it; malformed input is a 400 JSON answer, never a 500; failed authentications are
// rate-limited.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../../storage/test-databases.ts';
import { createJsonApiFixture, type JsonApiFixture } from './json-api-fixture.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read field by field */

for (const kind of testDatabaseKinds()) {
  describe(`JSON API authorization and bad input (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    let feed: number; // alice only
    let shared: number; // both subscribe
    let category: number;
    let label: number;
    let entry: number;
    let sharedEntry: number;
    let bobFeed: number;
    let bobCategory: number;
    let bobLabel: number;

    /** Everything alice can read, to compare before and after bob's attempts. */
    async function aliceView() {
      const paths = ['/feeds', '/categories', '/labels', '/counters', '/entries?limit=500&status=all'];
      return Promise.all(paths.map(async (p) => (await f.call(f.alice, 'GET', p)).json));
    }

    before(async () => {
      f = await createJsonApiFixture(kind);
      f.setFeed('/private.xml', 'Alice only', 4);
      f.setFeed('/shared.xml', 'Shared', 3);
      f.setFeed('/bob.xml', 'Bob only', 2);
      category = ((await f.call(f.alice, 'POST', '/categories', { title: 'Secret' })).json as any).id;
      label = ((await f.call(f.alice, 'POST', '/labels', { title: 'Mine' })).json as any).id;
      feed = (
        (
          await f.call(f.alice, 'POST', '/feeds', {
            feed_url: `${f.feedBase}/private.xml`,
            category_id: category,
          })
        ).json as any
      ).id;
      shared = (
        (await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/shared.xml` })).json as any
      ).id;
      entry = ((await f.call(f.alice, 'GET', `/entries?feed_id=${feed}`)).json as any).entries[0].id;
      sharedEntry = ((await f.call(f.alice, 'GET', `/entries?feed_id=${shared}`)).json as any).entries[0].id;
      await f.call(f.alice, 'PUT', `/entries/${entry}/labels/${label}`);
      await f.call(f.alice, 'PUT', '/entries', { entry_ids: [entry], starred: true });
      bobCategory = ((await f.call(f.bob, 'POST', '/categories', { title: 'Bob' })).json as any).id;
      bobLabel = ((await f.call(f.bob, 'POST', '/labels', { title: 'Bob' })).json as any).id;
      bobFeed = ((await f.call(f.bob, 'POST', '/feeds', { feed_url: `${f.feedBase}/bob.xml` })).json as any)
        .id;
      const again = await f.call(f.bob, 'POST', '/feeds', { feed_url: `${f.feedBase}/shared.xml` });
      assert.equal((again.json as any).id, shared, 'one feed row, two subscriptions');
    });
    after(() => f.close());

    test("bob's token with alice's ids: 404 or empty, never her data, never a change", async () => {
      const before = await aliceView();
      const notFound: [string, string, unknown?][] = [
        ['GET', `/feeds/${feed}`],
        ['PUT', `/feeds/${feed}`, { title: 'pwned', priority: -1 }],
        ['POST', `/feeds/${feed}/mark-all-as-read`],
        ['DELETE', `/feeds/${feed}`],
        ['PUT', `/categories/${category}`, { title: 'pwned' }],
        ['POST', `/categories/${category}/mark-all-as-read`],
        ['DELETE', `/categories/${category}`],
        ['PUT', `/labels/${label}`, { title: 'pwned' }],
        ['DELETE', `/labels/${label}`],
        ['GET', `/entries/${entry}`],
        ['PUT', `/entries/${entry}/labels/${label}`],
        ['DELETE', `/entries/${entry}/labels/${label}`],
        ['PUT', `/entries/${entry}/labels/${bobLabel}`],
        ['PUT', `/entries/${sharedEntry}/labels/${label}`],
        ['PUT', `/feeds/${bobFeed}`, { category_id: category }],
        ['POST', '/feeds', { feed_url: `${f.feedBase}/private.xml`, category_id: category }],
      ];
      for (const [method, path, body] of notFound) {
        const r = await f.call(f.bob, method, path, body);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(typeof (r.json as any).error, 'string');
        assert.doesNotMatch(JSON.stringify(r.json), /Alice only|Secret|Mine|private item/);
      }
      const empty = [
        `/entries?feed_id=${feed}`,
        `/entries?category_id=${category}`,
        `/entries?label_id=${label}`,
        `/entries?search=${encodeURIComponent(`f:${feed}`)}`,
        `/entries?search=${encodeURIComponent(`e:${entry}`)}`,
        `/entries?search=${encodeURIComponent(`L:${label}`)}`,
        `/entries?search=${encodeURIComponent('label:Mine')}`,
        '/entries?starred=true',
      ];
      for (const path of empty) {
        const r = await f.call(f.bob, 'GET', path);
        assert.equal(r.status, 200, path);
        assert.deepEqual((r.json as any).entries, [], path);
      }
      // Bulk changes skip what bob cannot see.
      const bulk = await f.call(f.bob, 'PUT', '/entries', {
        entry_ids: [entry],
        status: 'read',
        starred: false,
      });
      assert.equal(bulk.status, 204);
      // Bob's lists hold only his own things.
      assert.deepEqual(((await f.call(f.bob, 'GET', '/feeds')).json as any[]).map((x) => x.title).sort(), [
        'Bob only',
        'Shared',
      ]);
      assert.deepEqual(
        Object.keys(((await f.call(f.bob, 'GET', '/counters')).json as any).unreads).sort(),
        [String(bobFeed), String(shared)].sort(),
      );
      assert.deepEqual(
        ((await f.call(f.bob, 'GET', '/categories')).json as any[]).map((x) => x.id),
        [bobCategory],
      );
      assert.deepEqual(
        await aliceView(),
        before,
        "alice's feeds, categories, labels and entries are unchanged",
      );
      assert.equal(((await f.call(f.bob, 'GET', `/feeds/${bobFeed}`)).json as any).category_id, null);
      assert.deepEqual(
        ((await f.call(f.bob, 'GET', '/feeds')).json as any[]).length,
        2,
        'no subscription was created with her category',
      );
    });

    test('a shared feed: each user reads and changes their own state only', async () => {
      const r = await f.call(f.alice, 'POST', `/feeds/${shared}/mark-all-as-read`);
      assert.equal(r.status, 204);
      await f.call(f.bob, 'PUT', '/entries', { entry_ids: [sharedEntry], starred: true });
      const aliceEntry = (await f.call(f.alice, 'GET', `/entries/${sharedEntry}`)).json as any;
      const bobEntry = (await f.call(f.bob, 'GET', `/entries/${sharedEntry}`)).json as any;
      assert.deepEqual([aliceEntry.status, aliceEntry.starred], ['read', false]);
      assert.deepEqual([bobEntry.status, bobEntry.starred], ['unread', true]);
      assert.equal(((await f.call(f.bob, 'GET', `/feeds/${shared}`)).json as any).unread_count, 3);
      // Bob unsubscribing leaves alice's subscription and entries alone.
      assert.equal((await f.call(f.bob, 'DELETE', `/feeds/${shared}`)).status, 204);
      assert.equal((await f.call(f.alice, 'GET', `/entries/${sharedEntry}`)).status, 200);
      assert.equal((await f.call(f.bob, 'GET', `/entries/${sharedEntry}`)).status, 404);
    });

    test('malformed ids, parameters and bodies: 400 with a JSON error, never 500', async () => {
      const cases: [string, string, unknown?, Record<string, string>?][] = [
        ['GET', '/feeds/abc'],
        ['GET', '/feeds/0'],
        ['GET', '/feeds/-1'],
        ['GET', '/feeds/1.5'],
        ['GET', '/feeds/99999999999999999999'],
        ['GET', '/entries/9007199254740993'],
        ['GET', '/entries/%00'],
        ['PUT', '/categories/x', { title: 'a' }],
        ['DELETE', '/labels/1e3'],
        ['PUT', '/entries/abc/labels/1'],
        ['GET', '/entries?limit=501'],
        ['GET', '/entries?limit=1000000000000'],
        ['GET', '/entries?limit=0'],
        ['GET', '/entries?limit=-5'],
        ['GET', '/entries?limit=ten'],
        ['GET', '/entries?status=new'],
        ['GET', '/entries?order=random'],
        ['GET', '/entries?direction=up'],
        ['GET', '/entries?starred=yes'],
        ['GET', '/entries?feed_id=abc'],
        ['GET', `/entries?feed_id=${feed}&category_id=${category}`],
        ['GET', `/entries?search=${'a'.repeat(1001)}`],
        ['GET', `/entries?search=${encodeURIComponent('"unclosed')}`],
        ['GET', `/entries?search=${encodeURIComponent('date:2025-13-45')}`],
        ['POST', '/categories', '{"title": '],
        ['POST', '/categories', '[1, 2]'],
        ['POST', '/categories', 'null'],
        ['POST', '/categories', '"title"'],
        ['POST', '/categories', ''],
        ['POST', '/categories', { title: 5 }],
        ['POST', '/categories', { title: 'x'.repeat(201) }],
        ['POST', '/categories', { name: 'typo' }],
        ['POST', '/labels', { title: ['a'] }],
        ['POST', '/feeds', {}],
        ['POST', '/feeds', { feed_url: 42 }],
        ['POST', '/feeds', { feed_url: `${f.feedBase}/x.xml`, category_id: 'one' }],
        ['PUT', `/feeds/${bobFeed}`, { muted: 'yes' }],
        ['PUT', `/feeds/${bobFeed}`, { priority: '1' }],
        ['PUT', `/feeds/${bobFeed}`, { title: 7 }],
        ['PUT', '/entries', { entry_ids: [], status: 'read' }],
        ['PUT', '/entries', { entry_ids: [1], status: 'seen' }],
        ['PUT', '/entries', { entry_ids: [1] }],
        ['PUT', '/entries', { entry_ids: ['1'], status: 'read' }],
        ['PUT', '/entries', { entry_ids: [1.5], status: 'read' }],
        ['PUT', '/entries', { entry_ids: 1, status: 'read' }],
        ['PUT', '/entries', { entry_ids: Array.from({ length: 1001 }, (_, i) => i + 1), status: 'read' }],
        ['PUT', '/entries', { entry_ids: [1], starred: 'true' }],
        ['POST', `/feeds/${bobFeed}/mark-all-as-read`, { up_to_entry_id: 'all' }],
        ['POST', `/feeds/${bobFeed}/mark-all-as-read`, '{oops'],
        ['GET', '/me', undefined, { authorization: 'Basic !!!' }],
      ];
      for (const [method, path, body, headers] of cases) {
        const r = await f.call(headers ? null : f.bob, method, path, body, headers);
        const label = `${method} ${path.slice(0, 60)} ${JSON.stringify(body)?.slice(0, 60)}`;
        const expected = headers ? 401 : 400;
        assert.equal(r.status, expected, `${label}: ${JSON.stringify(r.json)}`);
        assert.match(r.res.headers.get('content-type') ?? '', /^application\/json/, label);
        assert.equal(typeof (r.json as any).error, 'string', label);
      }
      // In process: over a socket the server answers before the client has sent it all.
      const huge = await f.app.request('/api/v1/categories', {
        method: 'POST',
        headers: { authorization: `Bearer bob:${f.bob.apiPassword}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'x'.repeat(2_000_000) }),
      });
      assert.equal(huge.status, 413);
      assert.match(((await huge.json()) as any).error, /larger than/);
      const unknown = await f.call(f.bob, 'GET', '/nothing/here');
      assert.equal(unknown.status, 404);
      const method = await f.call(f.bob, 'PATCH', `/feeds/${bobFeed}`, { title: 'x' });
      assert.equal(method.status, 405);
      assert.equal(method.res.headers.get('allow'), 'GET, PUT, DELETE');
    });
  });

  describe(`JSON API rate limiting of failed authentications (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    before(async () => {
      f = await createJsonApiFixture(kind, { VEILLE_LOGIN_MAX_FAILURES: '3' });
    });
    after(() => f.close());

    test('after 3 failures from an address: 429 before any check; verified clients go on', async () => {
      assert.equal((await f.call(f.alice, 'GET', '/me')).status, 200);
      const wrong = { ...f.bob, apiPassword: 'not-the-password' };
      for (let i = 0; i < 3; i++) assert.equal((await f.call(wrong, 'GET', '/me')).status, 401);
      const limited = await f.call(wrong, 'GET', '/me');
      assert.equal(limited.status, 429);
      assert.match((limited.json as any).error, /too many failed attempts/);
      assert.ok(Number(limited.res.headers.get('retry-after')) > 0);
      // Not even the right password is checked from this address now…
      assert.equal((await f.call(f.bob, 'GET', '/me')).status, 429);
      const basic = Buffer.from(`bob:${f.bob.apiPassword}`).toString('base64');
      assert.equal(
        (await f.call(null, 'GET', '/me', undefined, { authorization: `Basic ${basic}` })).status,
        429,
      );
      // …but a client whose password was verified before keeps working.
      assert.equal((await f.call(f.alice, 'GET', '/me')).status, 200);
    });
  });
}
