// Real client code against a listening Veille: libseymour (Google Reader API, both URL layouts)
// and fresh-ts (Fever API) run a full sync, and after every step the server's own state is read
// back from the database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Reader, { States } from 'libseymour';
import { FreshFetchClient } from 'fresh-ts';
import { entriesForStream } from '../../src/storage/streams.ts';
import { subscriptionsForUser } from '../../src/storage/subscriptions.ts';
import { computeUnread } from '../../src/storage/entries.ts';
import { createApiFixture, type ApiFixture } from './api-fixture.ts';

async function serverState(f: ApiFixture) {
  const db = f.t.deps.database.db;
  const subs = await subscriptionsForUser(db, f.userId);
  const unread = await entriesForStream(db, {
    userId: f.userId,
    stream: { kind: 'main' },
    state: 'unread',
    limit: 10_000,
  });
  const starred = await entriesForStream(db, {
    userId: f.userId,
    stream: { kind: 'starred' },
    state: 'all',
    limit: 10_000,
  });
  for (const s of subs) {
    const sub = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    // The maintained count always equals the one derived from horizon + exceptions.
    assert.equal(s.unreadCount, await computeUnread(db, f.userId, s.feedId, sub.read_horizon));
  }
  return {
    subs,
    unreadIds: unread.map((e) => String(e.id)).sort(),
    starredIds: starred.map((e) => String(e.id)).sort(),
  };
}

for (const layout of ['/api/greader.php', '']) {
  describe(`libseymour full sync (Google Reader API at "${layout || '/'}")`, () => {
    let f: ApiFixture;
    let reader: Reader;
    before(async () => {
      f = await createApiFixture();
      f.setFeed('/tech.xml', 'Tech news', 30);
      f.setFeed('/misc.xml', 'Misc', 5);
      reader = new Reader({ url: f.base + layout });
    });
    after(() => f.close());

    test('login: a wrong API password is refused, the right one gives a token', async () => {
      await assert.rejects(reader.getAuthToken(f.username, 'login-password-456'), { status: 401 });
      const token = await reader.getAuthToken(f.username, f.apiPassword);
      assert.match(token, /^alice\/[0-9a-f]{64}$/);
      assert.equal((await reader.getUserInfo()).userName, 'alice');
    });

    test('subscribe (into a folder and without), then list subscriptions and folders', async () => {
      assert.equal(
        await reader.addFeed({ url: `${f.feedBase}/tech.xml`, title: 'My tech', tag: 'Tech' }),
        'OK',
      );
      assert.equal(await reader.addFeed(`${f.feedBase}/misc.xml`), 'OK');
      const state = await serverState(f);
      assert.deepEqual(state.subs.map((s) => s.title).sort(), ['Misc', 'My tech']);
      assert.equal(state.unreadIds.length, 35);

      const feeds = await reader.getFeeds();
      assert.equal(feeds.length, 2);
      const tech = feeds.find((x) => x.title === 'My tech')!;
      assert.match(tech.id, /^feed\/[0-9]+$/);
      assert.deepEqual(tech.categories, [{ id: 'user/-/label/Tech', label: 'Tech' }]);
      assert.equal(tech.url, `${f.feedBase}/tech.xml`);
      const misc = feeds.find((x) => x.title === 'Misc')!;
      assert.equal(misc.categories[0]!.label, 'Uncategorized');
      const tags = (await reader.getTags()).map((t) => t.id);
      assert.deepEqual(tags, [
        'user/-/state/com.google/starred',
        'user/-/label/Tech',
        'user/-/label/Uncategorized',
      ]);
      const counts = await reader.getUnreadCounts();
      assert.equal(counts.find((c) => c.id === States.ALL)!.count, 35);
      assert.equal(counts.find((c) => c.id === tech.id)!.count, 30);
      assert.equal(counts.find((c) => c.id === 'user/-/label/Tech')!.count, 30);
    });

    test('unread and starred ids, then items by stream and by id', async () => {
      const unread = await reader.getItemIds(States.ALL, { exclude: States.READ, num: 1000 });
      assert.deepEqual([...unread].sort(), (await serverState(f)).unreadIds);
      assert.deepEqual(await reader.getItemIds(States.STARRED, { num: 1000 }), []);
      const newest = await reader.getItems(States.ALL, { num: 10 });
      assert.equal(newest.length, 10);
      assert.deepEqual(
        newest.map((i) => String(i.timestampUsec)),
        [...unread].sort().reverse().slice(0, 10),
      );
      const oldestTech = await reader.getItems('user/-/label/Tech', { num: 3, sort: 'asc' });
      assert.deepEqual(
        oldestTech.map((i) => i.title),
        ['tech item 1 & more', 'tech item 2 & more', 'tech item 3 & more'],
      );
      const byId = await reader.getItemsById(unread.slice(0, 5));
      assert.deepEqual(byId.map((i) => String(i.timestampUsec)).sort(), unread.slice(0, 5).sort());
      const one = byId[0]!;
      assert.match(one.id, /^tag:google\.com,2005:reader\/item\/[0-9a-f]{16}$/);
      assert.ok(one.categories.includes(States.ALL));
      assert.equal(typeof one.published, 'number');
      assert.ok(one.canonical[0]!.href.startsWith(f.feedBase));
      assert.match(one.origin.streamId, /^feed\/[0-9]+$/);
      assert.match(one.summary.content, /^<p>Body [0-9]+<\/p>$/);
    });

    test('mark read / unread, star / unstar: the server state follows', async () => {
      const [a, b] = await reader.getItemIds(States.ALL, { exclude: States.READ, num: 2 });
      assert.equal(await reader.addItemTag(a!, States.READ), 'OK');
      let state = await serverState(f);
      assert.ok(!state.unreadIds.includes(a!));
      assert.equal(state.unreadIds.length, 34);
      assert.ok(!(await reader.getItemIds(States.ALL, { exclude: States.READ, num: 1000 })).includes(a!));
      assert.deepEqual(await reader.getItemIds(States.READ, { num: 1000 }), [a]);
      await reader.removeItemTag(a!, States.READ);
      assert.equal((await serverState(f)).unreadIds.length, 35);

      await reader.addItemTag([a!, b!], States.STARRED);
      state = await serverState(f);
      assert.deepEqual(state.starredIds, [a!, b!].sort());
      assert.deepEqual([...(await reader.getItemIds(States.STARRED, { num: 100 }))].sort(), [a!, b!].sort());
      const [item] = await reader.getItemsById(a!);
      assert.ok(item!.categories.includes(States.STARRED));
      await reader.removeItemTag(b!, States.STARRED);
      assert.deepEqual((await serverState(f)).starredIds, [a!]);
    });

    test('mark a feed read up to a time: newer items stay unread', async () => {
      const feeds = await reader.getFeeds();
      const tech = feeds.find((x) => x.title === 'My tech')!;
      const techIds = await reader.getItemIds(tech.id, { num: 100 });
      assert.equal(techIds.length, 30);
      // techIds are newest first: keep the 4 newest unread.
      const bound = Number(techIds[4]);
      assert.equal(await reader.setAllRead(tech.id, bound), 'OK');
      let state = await serverState(f);
      const techSub = state.subs.find((s) => s.title === 'My tech')!;
      assert.equal(techSub.unreadCount, 4);
      assert.equal(state.unreadIds.length, 4 + 5);
      assert.equal(await reader.setAllRead(States.ALL, Date.now() * 1000 + 10_000_000), 'OK');
      state = await serverState(f);
      assert.equal(state.unreadIds.length, 0);
      assert.deepEqual(await reader.getItemIds(States.ALL, { exclude: States.READ, num: 100 }), []);
    });

    test('rename a folder, rename and remove a feed', async () => {
      assert.equal(await reader.renameTag('user/-/label/Tech', 'user/-/label/Technology'), 'OK');
      const feeds = await reader.getFeeds();
      const tech = feeds.find((x) => x.title === 'My tech')!;
      assert.equal(tech.categories[0]!.label, 'Technology');
      await reader.renameFeed({ id: tech.id, title: 'Renamed' });
      await reader.removeFeed(feeds.find((x) => x.title === 'Misc')!.id);
      const state = await serverState(f);
      assert.deepEqual(
        state.subs.map((s) => s.title),
        ['Renamed'],
      );
    });
  });
}

describe('fresh-ts full sync (Fever API)', () => {
  let f: ApiFixture;
  let client: FreshFetchClient;
  before(async () => {
    f = await createApiFixture();
    f.setFeed('/tech.xml', 'Tech news', 60);
    f.setFeed('/misc.xml', 'Misc', 5);
    const reader = new Reader({ url: `${f.base}/api/greader.php` });
    await reader.getAuthToken(f.username, f.apiPassword);
    await reader.addFeed({ url: `${f.feedBase}/tech.xml`, tag: 'Tech' });
    await reader.addFeed(`${f.feedBase}/misc.xml`);
    client = new FreshFetchClient({ host: f.base, username: f.username, password: f.apiPassword });
  });
  after(() => f.close());

  test('a wrong key is 200 with auth 0', async () => {
    const res = await fetch(`${f.base}/api/fever.php?api`, {
      method: 'POST',
      body: new URLSearchParams({ api_key: '0'.repeat(32) }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { api_version: 3, auth: 0 });
  });

  test('groups, feeds, unread items (fetched 50 by 50 with with_ids), saved items', async () => {
    const groups = await client.getGroups();
    assert.deepEqual(
      (groups.groups as { title: string }[]).map((g) => g.title),
      ['Tech', 'Uncategorized'],
    );
    const feeds = await client.getFeeds();
    assert.equal(feeds.feeds.length, 2);
    for (const fg of feeds.feeds_groups as { feed_ids: string }[]) assert.equal(typeof fg.feed_ids, 'string');
    const unread = await client.getUnreads();
    assert.equal(unread.length, 65);
    assert.deepEqual(unread.map((i) => String(i.id)).sort(), (await serverState(f)).unreadIds);
    assert.deepEqual(await client.getSaved(), []);
  });

  test('mark read, save, unsave: the server state follows', async () => {
    const [first, second] = (await serverState(f)).unreadIds;
    await client.setMark('read', Number(first));
    let state = await serverState(f);
    assert.ok(!state.unreadIds.includes(first!));
    assert.equal(state.unreadIds.length, 64);
    await client.setMark('saved', Number(second));
    await client.setMark('saved', Number(second));
    state = await serverState(f);
    assert.deepEqual(state.starredIds, [second]);
    const saved = await client.getSaved();
    assert.deepEqual(
      saved.map((i) => String(i.id)),
      [second],
    );
    assert.equal(saved[0]!.is_saved, 1 as unknown as boolean);
    await client.setMark('unsaved', Number(second));
    assert.deepEqual((await serverState(f)).starredIds, []);
  });

  test('mark a feed read with before, then everything with group 0', async () => {
    const feedsAnswer = await client.getFeeds();
    const misc = (feedsAnswer.feeds as { id: number; title: string }[]).find((x) => x.title === 'Misc')!;
    const before = Math.floor(Date.now() / 1000) + 1;
    const core = (
      client as unknown as { core: { request(e: string, p: object): Promise<Record<string, unknown>> } }
    ).core;
    const answer = await core.request('api', { mark: 'feed', as_: 'read', id: misc.id, before });
    assert.equal(typeof answer.unread_item_ids, 'string');
    let state = await serverState(f);
    assert.equal(state.subs.find((s) => s.title === 'Misc')!.unreadCount, 0);
    assert.equal(state.unreadIds.length, 59);
    await core.request('api', { mark: 'group', as_: 'read', id: 0, before });
    state = await serverState(f);
    assert.equal(state.unreadIds.length, 0);
    assert.deepEqual(await client.getUnreads(), []);
  });
});
