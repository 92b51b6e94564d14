// Authorization walk: bob, logged in (web UI) or authenticated (Google Reader, Fever), sends every
// route alice's ids. Each answer must be a refusal or have no effect: alice's subscriptions,
// categories, labels, entry states and account are compared with the database after each request,
// and no answer may show alice's titles or contents.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { longItemId } from '../../src/http/api/item-id.ts';
import { createSecurityFixture, userSnapshot, type SecurityFixture } from './security-fixture.ts';

/** Text of alice's objects that bob must never see. */
const ALICE_TEXT = /alice (item|body|feed)|alice-cat|alice-label/;

/** Routes bob uses on his own account only (no id of anybody): not part of the walk. */
const SELF_ONLY = new Set([
  '/logout',
  '/login',
  '/login/oidc',
  '/setup',
  '/register',
  '/reauth',
  '/account/delete',
  '/account/password',
  '/account/sessions/revoke-others',
  '/settings/api-password',
  '/settings/api-password/revoke',
]);

describe("authorization: one user never reads or changes another's data", () => {
  let f: SecurityFixture;
  before(async () => {
    f = await createSecurityFixture();
  });
  after(async () => {
    await f.close();
  });

  async function unchanged(what: string, before: string) {
    assert.equal(await userSnapshot(f.t, f.alice.id), before, `${what}: alice's data changed`);
    const bobSubs = await f.t.deps.database.db
      .selectFrom('subscriptions')
      .select(['category_id', 'feed_id'])
      .where('user_id', '=', f.bob.id)
      .execute();
    assert.ok(
      bobSubs.every((s) => s.category_id !== f.alice.categoryId),
      `${what}: bob's feed went into alice's category`,
    );
  }

  test('web UI: every route with a parameter, and every form field, given alice ids', async () => {
    const { alice, bob } = f;
    const db = f.t.deps.database.db;
    const aliceSession = await db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', alice.id)
      .executeTakeFirstOrThrow();
    const routes = [
      ...new Set(f.t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`)),
    ];
    const before = await userSnapshot(f.t, alice.id);
    const fields = {
      s: `f${alice.feedId}`,
      category: String(alice.categoryId),
      feed: String(alice.feedId),
      id: String(alice.entryIds[0]),
      label: String(alice.labelId),
      name: 'hijacked',
      title: 'hijacked',
      scope: 'feed',
      scope_id: String(alice.feedId),
      keep_max: '1',
      priority: '2',
      on: '0',
      back: '/',
    };
    let walked = 0;
    for (const route of routes) {
      const [method, pattern] = route.split(' ') as [string, string];
      if (SELF_ONLY.has(pattern) || pattern.startsWith('/static') || pattern.startsWith('/websub')) continue;
      const variants = new Set<string>();
      const sub = (p: string, entry: number, feed: number, cat: number, label: number) =>
        p
          .replace(/^\/entries\/:id/, `/entries/${entry}`)
          .replace(/^\/feeds\/:id/, `/feeds/${feed}`)
          .replace(/^\/categories\/:id/, `/categories/${cat}`)
          .replace(/^\/labels\/:id/, `/labels/${label}`)
          .replace(/^\/account\/sessions\/:id/, `/account/sessions/${aliceSession.id}`)
          .replace(/^\/admin\/users\/:id\/:verb/, `/admin/users/${alice.id}/disable`)
          .replace(':labelId', String(label));
      variants.add(sub(pattern, alice.entryIds[0]!, alice.feedId, alice.categoryId, alice.labelId));
      // Mixed: bob's own object with alice's other id (label on bob's entry, bob's entry with alice's label).
      if (pattern === '/entries/:id/labels/:labelId') {
        variants.add(`/entries/${bob.entryIds[0]}/labels/${alice.labelId}`);
        variants.add(`/entries/${alice.entryIds[1]}/labels/${bob.labelId}`);
      }
      if (pattern === '/feeds/:id/move') variants.add(`/feeds/${bob.feedId}/move`);
      for (const path of variants) {
        walked++;
        if (method === 'GET') {
          const r = await bob.client.get(path);
          assert.ok(!ALICE_TEXT.test(r.text), `GET ${path} shows alice's data`);
          if (/\/(feeds|categories|labels|entries)\/[0-9]/.test(path) && !path.endsWith('/icon'))
            assert.equal(r.res.status, 404, `GET ${path}`);
        } else {
          const r = await bob.client.post(path, fields);
          const json = await bob.client.post(path, fields, { headers: { accept: 'application/json' } });
          assert.ok(!ALICE_TEXT.test(r.text + json.text), `POST ${path} shows alice's data`);
          assert.ok(r.res.status !== 500 && json.res.status !== 500, `POST ${path} crashed`);
        }
        await unchanged(`${method} ${path}`, before);
      }
    }
    assert.ok(walked >= 40, `walked ${walked} requests`);
    // Pages without parameters show only bob's own things.
    for (const path of [
      '/',
      '/?view=reading',
      '/?view=global',
      '/subscriptions',
      '/labels',
      '/unread-counts',
      '/?s=starred',
    ]) {
      const r = await bob.client.get(path);
      assert.ok(!ALICE_TEXT.test(r.text), `GET ${path} shows alice's data`);
    }
    for (const s of [`f${alice.feedId}`, `c${alice.categoryId}`, `t${alice.labelId}`]) {
      const r = await bob.client.get(`/?s=${s}`);
      assert.ok(r.res.status === 404 || !ALICE_TEXT.test(r.text), `/?s=${s}`);
    }
  });

  test('Google Reader API: reads and writes with alice ids', async () => {
    const { alice, bob } = f;
    const login = await f.t.app.request('http://localhost/accounts/ClientLogin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Email: bob.username, Passwd: bob.apiPassword }).toString(),
    });
    const auth = /Auth=(\S+)/.exec(await login.text())?.[1];
    assert.ok(auth, 'bob gets a token');
    const headers = { authorization: `GoogleLogin auth=${auth}` };
    const aliceFeedUrl = `${f.feedBase}/alice.xml`;
    const get = async (path: string) => {
      const r = await f.t.app.request(`http://localhost/reader/api/0/${path}`, { headers });
      return { status: r.status, text: await r.text() };
    };
    const post = async (path: string, form: [string, string][]) => {
      const r = await f.t.app.request(`http://localhost/reader/api/0/${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
      return { status: r.status, text: await r.text() };
    };
    const before = await userSnapshot(f.t, alice.id);
    const aliceItems = alice.entryIds.flatMap((id) => [
      ['i', longItemId(id)] as [string, string],
      ['i', String(id)] as [string, string],
    ]);
    const reads = [
      'subscription/list?output=json',
      'subscription/export',
      'tag/list?output=json',
      'unread-count?output=json',
      `stream/contents/${encodeURIComponent(`feed/${aliceFeedUrl}`)}?output=json`,
      `stream/contents/feed/${alice.feedId}?output=json`,
      `stream/contents/${encodeURIComponent('user/-/label/alice-cat')}?output=json`,
      `stream/contents/${encodeURIComponent('user/-/label/alice-label')}?output=json`,
      'stream/contents/user/-/state/com.google/reading-list?output=json&n=1000',
      'stream/contents/user/-/state/com.google/starred?output=json',
      `stream/items/ids?s=feed/${alice.feedId}&output=json`,
      `stream/items/ids?s=${encodeURIComponent(`feed/${aliceFeedUrl}`)}&output=json`,
      `stream/items/contents?output=json&${new URLSearchParams(aliceItems).toString()}`,
    ];
    for (const path of reads) {
      const r = await get(path);
      // A stream answer repeats the id it was asked for: that echo is not a leak.
      r.text = r.text.replace(/"id":"user\/-\/label\/alice-(cat|label)"/, '"id":""');
      assert.ok(!ALICE_TEXT.test(r.text), `GET ${path} shows alice's data: ${r.text.slice(0, 200)}`);
      assert.ok(r.status < 500, path);
    }
    const itemsPost = await post('stream/items/contents', aliceItems);
    assert.ok(!ALICE_TEXT.test(itemsPost.text), 'POST stream/items/contents shows alice items');
    const writes: [string, [string, string][]][] = [
      ['edit-tag', [...aliceItems, ['a', 'user/-/state/com.google/read']]],
      ['edit-tag', [...aliceItems, ['r', 'user/-/state/com.google/starred']]],
      ['edit-tag', [...aliceItems, ['a', 'user/-/label/alice-label']]],
      ['edit-tag', [...aliceItems, ['r', 'user/-/label/alice-label']]],
      ['mark-all-as-read', [['s', `feed/${alice.feedId}`]]],
      ['mark-all-as-read', [['s', `feed/${aliceFeedUrl}`]]],
      ['mark-all-as-read', [['s', 'user/-/label/alice-cat']]],
      [
        'subscription/edit',
        [
          ['ac', 'unsubscribe'],
          ['s', `feed/${alice.feedId}`],
        ],
      ],
      [
        'subscription/edit',
        [
          ['ac', 'unsubscribe'],
          ['s', `feed/${aliceFeedUrl}`],
        ],
      ],
      [
        'subscription/edit',
        [
          ['ac', 'edit'],
          ['s', `feed/${alice.feedId}`],
          ['t', 'hijacked'],
          ['a', 'user/-/label/x'],
        ],
      ],
      [
        'rename-tag',
        [
          ['s', 'user/-/label/alice-cat'],
          ['dest', 'user/-/label/hijacked'],
        ],
      ],
      [
        'rename-tag',
        [
          ['s', 'user/-/label/alice-label'],
          ['dest', 'user/-/label/hijacked2'],
        ],
      ],
      ['disable-tag', [['s', 'user/-/label/alice-cat']]],
      ['disable-tag', [['s', 'user/-/label/alice-label']]],
    ];
    for (const [path, form] of writes) {
      const r = await post(path, form);
      assert.ok(r.status < 500, `${path} → ${r.status}`);
      // Error messages may repeat the stream id bob sent: that echo is not a leak.
      const answer = r.text.replace(/(user\/-\/label\/)?alice-(cat|label)/g, '');
      assert.ok(!ALICE_TEXT.test(answer), `${path} shows alice's data: ${r.text.slice(0, 200)}`);
      await unchanged(`greader ${path} ${JSON.stringify(form).slice(0, 80)}`, before);
    }
  });

  test('Fever API: reads and writes with alice ids', async () => {
    const { alice, bob } = f;
    const before = await userSnapshot(f.t, alice.id);
    const fever = async (query: string) => {
      const r = await f.t.app.request(`http://localhost/api/fever.php?api&${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `api_key=${bob.feverKey}`,
      });
      const text = await r.text();
      assert.equal(JSON.parse(text).auth, 1, 'bob is authenticated');
      return text;
    };
    const ids = alice.entryIds.join(',');
    for (const query of [
      'feeds',
      'groups',
      'favicons',
      'items',
      `items&with_ids=${ids}`,
      'items&since_id=0',
      'unread_item_ids',
      'saved_item_ids',
      'links',
    ]) {
      const text = await fever(query);
      assert.ok(!ALICE_TEXT.test(text), `${query} shows alice's data`);
      for (const id of alice.entryIds)
        assert.ok(!text.includes(String(id)), `${query} lists alice's entry ${id}`);
    }
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    for (const query of [
      `mark=item&as=read&id=${alice.entryIds[1]}`,
      `mark=item&as=unsaved&id=${alice.entryIds[0]}`,
      `mark=item&as=saved&id=${alice.entryIds[1]}`,
      `mark=feed&as=read&id=${alice.feedId}&before=${future}`,
      `mark=group&as=read&id=${alice.categoryId}&before=${future}`,
    ]) {
      await fever(query);
      await unchanged(`fever ${query}`, before);
    }
  });
});
