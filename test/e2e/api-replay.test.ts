// Replays, request by request, the sync sequences GREADER.md and FEVER.md record for real apps,
// at both URL layouts, and checks each answer against that app's decoding rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import { createApiFixture, type ApiFixture } from './api-fixture.ts';

const RL = 'user/-/state/com.google/reading-list';
const READ = 'user/-/state/com.google/read';
const STARRED = 'user/-/state/com.google/starred';

type Json = Record<string, unknown>;

function checkItem(item: Json, client: string): void {
  const where = `${client}: item ${JSON.stringify(item).slice(0, 120)}`;
  assert.match(item.id as string, /^tag:google\.com,2005:reader\/item\/[0-9a-f]{16}$/, where);
  assert.equal(typeof item.crawlTimeMsec, 'string', where);
  assert.equal(typeof item.timestampUsec, 'string', where);
  assert.ok(Number.isInteger(item.published), where);
  assert.equal(typeof item.title, 'string', where);
  const canonical = item.canonical as { href: string }[];
  assert.ok(canonical.length > 0 && typeof canonical[0]!.href === 'string', where);
  assert.equal(typeof (item.alternate as { href: string }[])[0]!.href, 'string', where);
  assert.equal(typeof (item.summary as { content: string }).content, 'string', where);
  assert.ok(Array.isArray(item.categories), where);
  const origin = item.origin as Json;
  for (const k of ['streamId', 'title', 'htmlUrl']) assert.equal(typeof origin[k], 'string', where);
  assert.match(origin.streamId as string, /^feed\/[0-9]+$/, where);
}

function checkEnvelope(body: Json, client: string): Json[] {
  assert.equal(typeof body.id, 'string', client);
  assert.ok(Number.isInteger(body.updated), client);
  const items = body.items as Json[];
  for (const i of items) checkItem(i, client);
  if ('continuation' in body) assert.equal(typeof body.continuation, 'string', client);
  return items;
}

function checkItemRefs(body: Json, client: string): string[] {
  assert.ok(Array.isArray(body.itemRefs), `${client}: itemRefs present`);
  const ids = (body.itemRefs as { id: string }[]).map((r) => r.id);
  for (const id of ids) assert.match(id, /^[0-9]+$/, client);
  if ('continuation' in body) {
    assert.equal(typeof body.continuation, 'string', client);
    assert.ok(ids.length > 0, `${client}: no empty page carries a continuation`);
  }
  return ids;
}

function checkSubscriptions(body: Json, client: string): Json[] {
  const subs = body.subscriptions as Json[];
  for (const s of subs) {
    assert.match(s.id as string, /^feed\/[0-9]+$/, client);
    for (const k of ['title', 'url', 'htmlUrl', 'iconUrl'])
      assert.equal(typeof s[k], 'string', `${client}: ${k}`);
    const cats = s.categories as Json[];
    assert.equal(cats.length, 1, client);
    assert.equal(typeof cats[0]!.id, 'string');
    assert.equal(typeof cats[0]!.label, 'string');
  }
  return subs;
}

const longId = (decimal: string) =>
  `tag:google.com,2005:reader/item/${BigInt(decimal).toString(16).padStart(16, '0')}`;

for (const root of ['/api/greader.php', '']) {
  describe(`Google Reader replays at "${root || '/'}"`, () => {
    let f: ApiFixture;
    let token = '';
    const feedIds: string[] = [];
    const api = async (path: string, init: { method?: string; body?: string; auth?: boolean } = {}) => {
      const res = await fetch(`${f.base}${root}/reader/api/0/${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.auth === false ? {} : { authorization: `GoogleLogin auth=${token}` }),
          ...(init.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: init.body,
      });
      return res;
    };
    const json = async (path: string, init?: { method?: string; body?: string }) => {
      const res = await api(path, init);
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      return (await res.json()) as Json;
    };
    /** Every id of a stream, following continuations (NNW/Capy loop while one is present). */
    const allIds = async (query: string, client: string) => {
      const out: string[] = [];
      let c: string | undefined;
      for (let guard = 0; guard < 100; guard++) {
        const body = await json(`stream/items/ids?${query}${c ? `&c=${c}` : ''}`);
        out.push(...checkItemRefs(body, client));
        c = body.continuation as string | undefined;
        if (!c) return out;
      }
      throw new Error('continuation loop');
    };

    before(async () => {
      f = await createApiFixture();
      f.setFeed('/a.xml', 'A', 23);
      f.setFeed('/b.xml', 'B', 12);
      const login = await fetch(`${f.base}${root}/accounts/ClientLogin`, {
        method: 'POST',
        body: new URLSearchParams({
          Email: f.username,
          Passwd: f.apiPassword,
          output: 'json',
          client: 'ReadYou',
        }),
      });
      const lines = (await login.text()).split('\n');
      assert.deepEqual(
        lines.slice(0, 3).map((l) => l.split('=')[0]),
        ['SID', 'LSID', 'Auth'],
      );
      token = lines[2]!.slice(5);
      assert.ok(!token.includes('='));
      for (const p of ['/a.xml', '/b.xml']) {
        const r = await json('subscription/quickadd', { method: 'POST', body: `quickadd=${f.feedBase}${p}` });
        assert.equal(r.numResults, 1);
        feedIds.push(r.streamId as string);
      }
      await api('subscription/edit', {
        method: 'POST',
        body: `ac=edit&s=${feedIds[0]}&a=${encodeURIComponent('user/-/label/Tech & Co/2025')}`,
      });
    });
    after(() => f.close());

    test('NetNewsWire: tag/list, subscription/list, token, edit-tag with T, ids with ot, items/contents by 150', async () => {
      const tags = (await json('tag/list?output=json')).tags as Json[];
      assert.equal(tags[0]!.id, STARRED);
      for (const tag of tags.slice(1)) assert.ok(['folder', 'tag'].includes(tag.type as string));
      const subs = checkSubscriptions(await json('subscription/list?output=json'), 'NNW');
      assert.deepEqual(subs.map((s) => s.id).sort(), [...feedIds].sort());
      const tokenRes = await api('token');
      const T = (await tokenRes.text()).replace(/\n$/, '');
      const ot = Math.floor(Date.now() / 1000) - 90 * 86400;
      const all = await allIds(`n=7&output=json&ot=${ot}&s=${RL}`, 'NNW');
      assert.equal(all.length, 35);
      assert.equal(new Set(all).size, 35, 'paging returns every item exactly once');
      const firstTwo = all.slice(0, 2).map(longId);
      const edit = await api('edit-tag', {
        method: 'POST',
        body: `T=${T}&${firstTwo.map((i) => `i=${i}`).join('&')}&a=${READ}`,
      });
      assert.equal(await edit.text(), 'OK');
      const unread = await allIds(`n=1000&output=json&s=${RL}&xt=${READ}`, 'NNW');
      assert.equal(unread.length, 33);
      assert.deepEqual(await allIds(`n=1000&output=json&s=${STARRED}`, 'NNW'), []);
      const body = `T=${T}&output=json&${all.map((i) => `i=${encodeURIComponent(longId(i))}`).join('&')}`;
      const items = checkEnvelope(await json('stream/items/contents', { method: 'POST', body }), 'NNW');
      assert.equal(items.length, 35);
      const read = items.filter((i) => (i.categories as string[]).includes(READ));
      assert.equal(read.length, 2);
    });

    test('Reeder: T=x, bare 16-hex ids, feed/feed/<id>, continuation is a string', async () => {
      const ids = await allIds(`s=${RL}&n=1000`, 'Reeder');
      const hex = ids.slice(0, 3).map((i) => BigInt(i).toString(16).padStart(16, '0'));
      const items = checkEnvelope(
        await json('stream/items/contents', {
          method: 'POST',
          body: `T=x&${hex.map((h) => `i=${h}`).join('&')}`,
        }),
        'Reeder',
      );
      assert.equal(items.length, 3);
      const page = await json(`stream/contents/${encodeURIComponent(RL)}?n=5`);
      assert.equal(typeof page.continuation, 'string');
      const rename = await api('subscription/edit', {
        method: 'POST',
        body: `T=x&ac=edit&s=feed/${feedIds[1]}&t=Renamed%20B`,
      });
      assert.equal(await rename.text(), 'OK');
      const subs = checkSubscriptions(await json('subscription/list'), 'Reeder');
      assert.ok(subs.some((s) => s.title === 'Renamed B'));
    });

    test('Read You: token with newline as T, decimal ids, read stream and it=read', async () => {
      const T = await (await api('token')).text();
      assert.match(T, /\n$/);
      assert.equal((await json('user-info')).userName as string, 'alice');
      const unread = await allIds(`s=${RL}&xt=${READ}&n=10000`, 'Read You');
      const toRead = unread.slice(0, 4);
      const r = await api(`edit-tag?output=json`, {
        method: 'POST',
        body: `T=${encodeURIComponent(T)}&${toRead.map((i) => `i=${i}`).join('&')}&a=${encodeURIComponent(READ)}`,
      });
      assert.equal(r.status, 200);
      const ot = Math.floor(Date.now() / 1000) - 30 * 86400;
      const readIds = await allIds(`s=${READ}&ot=${ot}&n=10000`, 'Read You');
      const readViaIt = await allIds(`s=${RL}&it=${READ}&ot=${ot}&n=10000`, 'Read You');
      assert.deepEqual([...readIds].sort(), [...readViaIt].sort());
      for (const id of toRead) assert.ok(readIds.includes(id));
      assert.equal(readIds.length, 2 + 4, 'only read items, not every item (ReadYou#1081)');
      const items = checkEnvelope(
        await json('stream/items/contents?output=json', {
          method: 'POST',
          body: toRead.map((i) => `i=${i}`).join('&'),
        }),
        'Read You',
      );
      assert.equal(items.length, 4);
    });

    test('Capy Reader: label folder with "/" and "&", long ids with T, starred', async () => {
      const T = (await (await api('token')).text()).trim();
      const tags = (await json('tag/list')).tags as Json[];
      assert.ok(tags.some((t) => t.id === 'user/-/label/Tech & Co/2025' && t.type === 'folder'));
      const folder = await allIds(`s=${encodeURIComponent('user/-/label/Tech & Co/2025')}&n=10000`, 'Capy');
      assert.equal(folder.length, 23);
      const viaPath = checkEnvelope(
        await json(`stream/contents/user/-/label/${encodeURIComponent('Tech & Co/2025')}?n=100`),
        'Capy',
      );
      assert.equal(viaPath.length, 23);
      const star = folder.slice(0, 2).map(longId);
      await api('edit-tag', {
        method: 'POST',
        body: `T=${T}&${star.map((i) => `i=${i}`).join('&')}&a=${STARRED}`,
      });
      assert.deepEqual((await allIds(`s=${STARRED}&n=10000`, 'Capy')).sort(), folder.slice(0, 2).sort());
      const items = checkEnvelope(
        await json('stream/items/contents', {
          method: 'POST',
          body: `T=${T}&${star.map((i) => `i=${i}`).join('&')}`,
        }),
        'Capy',
      );
      for (const i of items) assert.ok((i.categories as string[]).includes(STARRED));

      // An item label: the item lists it among its categories, in every kind of answer; the others don't.
      const LATER = 'user/-/label/Lire plus tard';
      await api('edit-tag', { method: 'POST', body: `T=${T}&i=${star[0]}&a=${encodeURIComponent(LATER)}` });
      const labelled = checkEnvelope(
        await json(`stream/contents/${encodeURIComponent(LATER)}?n=100`),
        'Capy',
      );
      assert.deepEqual(
        labelled.map((i) => i.id),
        [star[0]],
      );
      assert.ok((labelled[0]!.categories as string[]).includes(LATER));
      const both = checkEnvelope(
        await json('stream/items/contents', {
          method: 'POST',
          body: `T=${T}&${star.map((i) => `i=${i}`).join('&')}`,
        }),
        'Capy',
      );
      const withLabel = both.filter((i) => (i.categories as string[]).includes(LATER)).map((i) => i.id);
      assert.deepEqual(withLabel, [star[0]]);
      const inFolder = checkEnvelope(
        await json(`stream/contents/user/-/label/${encodeURIComponent('Tech & Co/2025')}?n=100`),
        'Capy',
      );
      assert.deepEqual(
        inFolder.filter((i) => (i.categories as string[]).includes(LATER)).map((i) => i.id),
        [star[0]],
      );
    });

    test('FeedMe: unread-count types, stream passed as s=, user-info without output, empty T', async () => {
      const counts = await json('unread-count?output=json');
      for (const u of counts.unreadcounts as Json[]) {
        assert.equal(typeof u.newestItemTimestampUsec, 'string');
        assert.equal(typeof u.count, 'number');
      }
      assert.equal((await api('user-info')).status, 200);
      checkItemRefs(await json(`stream/items/ids?n=500&ot=0&s=${STARRED}`), 'FeedMe');
      const page = checkEnvelope(
        await json(`stream/contents?output=json&n=100&xt=${READ}&ot=0&s=${RL}`),
        'FeedMe',
      );
      for (const i of page) assert.ok(!(i.categories as string[]).includes(READ));
      const r = await api('edit-tag', { method: 'POST', body: `T=&i=${page[0]!.timestampUsec}&a=${READ}` });
      assert.equal(await r.text(), 'OK');
    });

    test('Fluent Reader: no T, stream/contents without a stream, mark-all-as-read without ts', async () => {
      const newest = checkEnvelope(await json('stream/contents?output=json&n=250'), 'Fluent');
      assert.equal(newest.length, 35);
      assert.ok(!('continuation' in (await json('stream/contents?output=json&n=250'))));
      const ids = newest.map((i) => Number(i.timestampUsec));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
        'newest first',
      );
      const ot = Math.floor(Number(newest[5]!.crawlTimeMsec) / 1000);
      const since = checkEnvelope(await json(`stream/contents?output=json&n=250&ot=${ot}`), 'Fluent');
      assert.ok(since.every((i) => Number(i.timestampUsec) >= ot * 1e6));
      const r = await api('mark-all-as-read', {
        method: 'POST',
        body: `s=${encodeURIComponent(feedIds[1]!)}`,
      });
      assert.equal(await r.text(), 'OK');
      const counts = await json('unread-count?output=json');
      const b = (counts.unreadcounts as Json[]).find((u) => u.id === feedIds[1]);
      assert.equal(b!.count, 0);
    });

    test('errors: no auth is 401 with both bad-token headers; unknown endpoint 400; CORS', async () => {
      const res = await api('subscription/list', { auth: false });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('google-bad-token'), 'true');
      assert.equal(res.headers.get('x-reader-google-bad-token'), 'true');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal((await api('no/such/thing')).status, 400);
      const preflight = await api('subscription/list', { method: 'OPTIONS', auth: false });
      assert.equal(preflight.status, 204);
      // A POST authenticated only by T = the auth token (Liferea).
      const liferea = await api('edit-tag', {
        method: 'POST',
        auth: false,
        body: `T=${token}&i=1&a=${READ}`,
      });
      assert.equal(liferea.status, 200);
      const slashes = await fetch(`${f.base}${root}//reader/api/0/user-info/`, {
        headers: { authorization: `GoogleLogin auth=${token}` },
      });
      assert.equal(slashes.status, 200);
    });
  });
}

describe('Fever replays (Fluent Reader, Read You, Unread)', () => {
  let f: ApiFixture;
  let key = '';
  const fever = async (query: string, body: Record<string, string> = {}, path = '/api/fever.php') => {
    const res = await fetch(`${f.base}${path}?${query}`, {
      method: 'POST',
      body: new URLSearchParams({ api_key: key, ...body }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as Json;
  };
  before(async () => {
    f = await createApiFixture();
    f.setFeed('/a.xml', 'A', 120);
    f.setFeed('/b.xml', 'B', 7);
    key = createHash('md5').update(`${f.username}:${f.apiPassword}`).digest('hex');
    const login = await fetch(`${f.base}/accounts/ClientLogin`, {
      method: 'POST',
      body: new URLSearchParams({ Email: f.username, Passwd: f.apiPassword }),
    });
    const token = (await login.text()).split('\n')[2]!.slice(5);
    for (const p of ['/a.xml', '/b.xml'])
      await fetch(`${f.base}/reader/api/0/subscription/quickadd`, {
        method: 'POST',
        headers: { authorization: `GoogleLogin auth=${token}` },
        body: new URLSearchParams({ quickadd: f.feedBase + p }),
      });
  });
  after(() => f.close());

  test('Unread validates the URL without a key: exactly {api_version:3, auth:0}', async () => {
    const res = await fetch(`${f.base}/api/fever.php?api`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { api_version: 3, auth: 0 });
  });

  test('Fluent Reader: feeds, groups, id lists as strings, max_id paging, marks', async () => {
    const base = await fever('api');
    assert.equal(base.auth, 1);
    assert.ok(Number.isInteger(base.last_refreshed_on_time));
    const both = await fever('api&groups&feeds&unread_item_ids&saved_item_ids');
    const groupIds = new Set((both.groups as Json[]).map((g) => g.id));
    const grouped = new Set(
      (both.feeds_groups as Json[]).flatMap((g) => {
        assert.ok(groupIds.has(g.group_id), 'every feeds_groups group is listed');
        return (g.feed_ids as string).split(',').map(Number);
      }),
    );
    for (const feed of both.feeds as Json[]) {
      assert.ok(grouped.has(feed.id as number), 'every feed is in a group (Read You)');
      assert.ok((feed.id as number) < 2 ** 31);
    }
    assert.equal(typeof both.unread_item_ids, 'string');
    assert.equal(both.saved_item_ids, '');
    assert.equal((both.unread_item_ids as string).split(',').length, 127);
    const seen: number[] = [];
    let maxId = 9007199254740991;
    for (;;) {
      const page = (await fever(`api&items&max_id=${maxId}`)).items as Json[];
      for (const i of page) seen.push(i.id as number);
      if (page.length < 50) break;
      maxId = Math.min(...page.map((i) => i.id as number));
    }
    assert.equal(seen.length, 127);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
    );
    const id = seen.at(-1)!; // the oldest: an item of feed A
    const marked = await fever('api', { mark: 'item', as: 'read', id: String(id) });
    assert.ok(!(marked.unread_item_ids as string).split(',').includes(String(id)));
    await fever('api', { mark: 'item', as: 'saved', id: String(id) });
    assert.equal((await fever('api&saved_item_ids')).saved_item_ids, String(id));
    const feedB = (both.feeds as Json[]).find((x) => x.title === 'B')!;
    await fever('api', {
      mark: 'feed',
      as: 'read',
      id: String(feedB.id),
      before: String(Math.floor(Date.now() / 1000) + 1),
    });
    const after = await fever('api&unread_item_ids');
    assert.equal((after.unread_item_ids as string).split(',').length, 127 - 1 - 7);
  });

  test('Read You: since_id= (empty) then since_id=<last> ascending to the end; query-style marks', async () => {
    const seen: number[] = [];
    let since = '';
    for (;;) {
      const page = (await fever(`api=&items&since_id=${since}`)).items as Json[];
      for (const i of page) seen.push(i.id as number);
      if (page.length < 50) break;
      since = String(page.at(-1)!.id);
    }
    assert.equal(seen.length, 127);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    const item = (await fever(`api=&items&with_ids=${seen[3]}`)).items as Json[];
    assert.equal(item.length, 1);
    await fever(`api=&mark=item&as=unread&id=${seen[0]}`);
    const unread = ((await fever('api=&unread_item_ids')).unread_item_ids as string).split(',');
    assert.ok(unread.includes(String(seen[0])));
    // Read You's "no date" before (Long.MAX/1000) and group 0 (Unread's "mark all read").
    await fever('api=&mark=group&as=read&id=0&before=9223372036854775');
    assert.equal((await fever('api=&unread_item_ids')).unread_item_ids, '');
    assert.equal((await fever('api&links', {}, '/fever/')).links instanceof Array, true);
  });
});
