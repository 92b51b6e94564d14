// The JSON API resource by resource, through a listening Veille on SQLite and PostgreSQL: what a
// script sends and what it reads back, including the state the web UI would then show.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clearApiPassword } from '../../../storage/api-passwords.ts';
import { testDatabaseKinds } from '../../../storage/test-databases.ts';
import { setUserDisabled } from '../../../storage/user-admin.ts';
import { createJsonApiFixture, type JsonApiFixture } from './json-api-fixture.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are read field by field */

for (const kind of testDatabaseKinds()) {
  describe(`JSON API resources (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    let techId: number;
    let miscId: number;
    let newsId: number;
    before(async () => {
      f = await createJsonApiFixture(kind);
      f.setFeed('/tech.xml', 'Tech news', 12);
      f.setFeed('/misc.xml', 'Misc', 3);
      f.setFeed('/disc.xml', 'Discovered', 2);
      f.serve(
        '/page.html',
        '<html><head><link rel="alternate" type="application/rss+xml" href="/disc.xml"></head><body>Hi</body></html>',
        'text/html; charset=utf-8',
      );
    });
    after(() => f.close());

    test('the OpenAPI document is served without authentication, CORS is open', async () => {
      const r = await f.call(null, 'GET', '/openapi.json');
      assert.equal(r.status, 200);
      assert.equal((r.json as any).openapi, '3.1.0');
      assert.equal(r.res.headers.get('access-control-allow-origin'), '*');
      const pre = await f.call(null, 'OPTIONS', '/entries', undefined, {
        origin: 'https://app.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type',
      });
      assert.equal(pre.status, 204);
      assert.match(pre.res.headers.get('access-control-allow-methods')!, /PUT/);
      assert.match(pre.res.headers.get('access-control-allow-headers')!, /Authorization/);
    });

    test('authentication: Bearer, X-Auth-Token and Basic with user and API password, or the API token; nothing else', async () => {
      const me = await f.call(f.alice, 'GET', '/me');
      assert.equal(me.status, 200);
      assert.deepEqual(
        { ...(me.json as any), created_at: undefined },
        {
          id: f.alice.id,
          username: 'alice',
          is_admin: true,
          language: null,
          timezone: null,
          created_at: undefined,
        },
      );
      const token = await f.call(null, 'GET', '/me', undefined, {
        'x-auth-token': `bob:${f.bob.apiPassword}`,
      });
      assert.equal((token.json as any).username, 'bob');
      // A bare password would have to be tried against every account: refused, with the way.
      const bare = await f.call(null, 'GET', '/me', undefined, {
        authorization: `Bearer ${f.bob.apiPassword}`,
      });
      assert.equal(bare.status, 401);
      assert.match((bare.json as any).error, /username:API password/);
      // The Google Reader ClientLogin token works as a Bearer token too.
      const login = await f.app.request('/accounts/ClientLogin', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `Email=bob&Passwd=${encodeURIComponent(f.bob.apiPassword)}`,
      });
      const auth = /Auth=(\S+)/.exec(await login.text())?.[1];
      assert.ok(auth, 'ClientLogin gives an Auth token');
      const viaToken = await f.call(null, 'GET', '/me', undefined, { authorization: `Bearer ${auth}` });
      assert.equal((viaToken.json as any).username, 'bob');
      const forged = await f.call(null, 'GET', '/me', undefined, {
        authorization: `Bearer bob/${'0'.repeat(64)}`,
      });
      assert.equal(forged.status, 401);
      const basic = Buffer.from(`bob:${f.bob.apiPassword}`).toString('base64');
      const viaBasic = await f.call(null, 'GET', '/me', undefined, { authorization: `Basic ${basic}` });
      assert.equal((viaBasic.json as any).username, 'bob');

      const none = await f.call(null, 'GET', '/me');
      assert.equal(none.status, 401);
      assert.match((none.json as any).error, /authentication required/);
      assert.match(none.res.headers.get('www-authenticate')!, /^Bearer/);
      const loginPassword = Buffer.from('bob:bob-login-password').toString('base64');
      const withLogin = await f.call(null, 'GET', '/me', undefined, {
        authorization: `Basic ${loginPassword}`,
      });
      assert.equal(withLogin.status, 401, 'the login password is not an API password');
      const wrongUser = Buffer.from(`alice:${f.bob.apiPassword}`).toString('base64');
      assert.equal(
        (await f.call(null, 'GET', '/me', undefined, { authorization: `Basic ${wrongUser}` })).status,
        401,
      );
      const cookie = await f.call(null, 'GET', '/me', undefined, { cookie: 'veille_session=whatever' });
      assert.equal(cookie.status, 401);
      const other = await f.call(null, 'GET', '/me', undefined, { authorization: 'GoogleLogin auth=x' });
      assert.equal(other.status, 401);
    });

    test('a revoked API password or a disabled user is refused at the next request', async () => {
      const carol = { ...f.bob };
      assert.equal((await f.call(carol, 'GET', '/me')).status, 200);
      await setUserDisabled(f.deps.database.db, f.bob.id, true);
      assert.equal((await f.call(carol, 'GET', '/me')).status, 401);
      await setUserDisabled(f.deps.database.db, f.bob.id, false);
      assert.equal((await f.call(carol, 'GET', '/me')).status, 200);
      await clearApiPassword(f.deps.database.db, f.bob.id);
      const revoked = await f.call(carol, 'GET', '/me');
      assert.equal(revoked.status, 401);
      assert.match((revoked.json as any).error, /wrong or revoked/);
    });

    test('categories: create, list, rename, conflicts', async () => {
      const created = await f.call(f.alice, 'POST', '/categories', { title: '  Tech   stuff ' });
      assert.equal(created.status, 201);
      assert.deepEqual(
        { ...(created.json as any), id: 0, position: 0 },
        { id: 0, title: 'Tech stuff', position: 0, feed_count: 0, unread_count: 0 },
      );
      const dup = await f.call(f.alice, 'POST', '/categories', { title: 'Tech stuff' });
      assert.equal(dup.status, 409);
      const news = await f.call(f.alice, 'POST', '/categories', { title: 'News' });
      newsId = (news.json as any).id;
      const renamed = await f.call(f.alice, 'PUT', `/categories/${(created.json as any).id}`, {
        title: 'Tech',
      });
      assert.equal(renamed.status, 200);
      assert.equal((renamed.json as any).title, 'Tech');
      const clash = await f.call(f.alice, 'PUT', `/categories/${newsId}`, { title: 'Tech' });
      assert.equal(clash.status, 409);
      const empty = await f.call(f.alice, 'POST', '/categories', { title: '   ' });
      assert.equal(empty.status, 400);
      const list = await f.call(f.alice, 'GET', '/categories');
      assert.deepEqual(
        (list.json as any[]).map((c) => c.title),
        ['Tech', 'News'],
      );
    });

    test('feeds: subscribe by URL (with category and title), by web page (autodiscovery), list, get', async () => {
      const cats = (await f.call(f.alice, 'GET', '/categories')).json as any[];
      const techCat = cats.find((c) => c.title === 'Tech').id;
      const tech = await f.call(f.alice, 'POST', '/feeds', {
        feed_url: `${f.feedBase}/tech.xml`,
        category_id: techCat,
        title: 'My tech',
      });
      assert.equal(tech.status, 201);
      techId = (tech.json as any).id;
      assert.equal((tech.json as any).title, 'My tech');
      assert.equal((tech.json as any).category_id, techCat);
      assert.equal((tech.json as any).unread_count, 12);
      assert.equal((tech.json as any).feed_url, `${f.feedBase}/tech.xml`);
      assert.equal((tech.json as any).error, null);

      const page = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/page.html` });
      assert.equal(page.status, 201);
      assert.equal((page.json as any).feed_url, `${f.feedBase}/disc.xml`, 'the feed the page names');
      const misc = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/misc.xml` });
      miscId = (misc.json as any).id;
      assert.equal((misc.json as any).category_id, null);

      const again = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/tech.xml` });
      assert.equal(again.status, 409);
      const missing = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/nothing.xml` });
      assert.equal(missing.status, 422);
      assert.match((missing.json as any).error, /404/);
      const bad = await f.call(f.alice, 'POST', '/feeds', { feed_url: 'ftp://example.org/feed' });
      assert.equal(bad.status, 400);

      const list = (await f.call(f.alice, 'GET', '/feeds')).json as any[];
      assert.deepEqual(
        list.map((x) => [x.title, x.unread_count]),
        [
          ['Discovered', 2],
          ['Misc', 3],
          ['My tech', 12],
        ],
      );
      const one = await f.call(f.alice, 'GET', `/feeds/${techId}`);
      assert.deepEqual(
        one.json,
        list.find((x) => x.id === techId),
      );
      const counters = await f.call(f.alice, 'GET', '/counters');
      assert.deepEqual((counters.json as any).unreads[String(techId)], 12);
      assert.equal(Object.keys((counters.json as any).unreads).length, 3);
    });

    test('feeds: a private address is refused (SSRF guard), nothing is subscribed', async () => {
      const r = await f.call(f.alice, 'POST', '/feeds', {
        feed_url: 'http://169.254.169.254/latest/meta-data/',
      });
      assert.equal(r.status, 422);
      assert.match((r.json as any).error, /169\.254\.169\.254/);
      assert.equal(((await f.call(f.alice, 'GET', '/feeds')).json as any[]).length, 3);
    });

    test('feeds: update title, category, priority, muting; title null goes back to the feed title', async () => {
      const r = await f.call(f.alice, 'PUT', `/feeds/${miscId}`, {
        title: 'Odds',
        category_id: newsId,
        priority: 2,
        muted: true,
      });
      assert.equal(r.status, 200);
      assert.deepEqual(
        [(r.json as any).title, (r.json as any).category_id, (r.json as any).priority, (r.json as any).muted],
        ['Odds', newsId, 2, true],
      );
      const back = await f.call(f.alice, 'PUT', `/feeds/${miscId}`, {
        title: null,
        muted: false,
        priority: 1,
      });
      assert.deepEqual(
        [
          (back.json as any).title,
          (back.json as any).category_id,
          (back.json as any).priority,
          (back.json as any).muted,
        ],
        ['Misc', newsId, 1, false],
      );
      assert.equal((await f.call(f.alice, 'PUT', `/feeds/${miscId}`, { priority: 5 })).status, 400);
      const cats = (await f.call(f.alice, 'GET', '/categories')).json as any[];
      assert.deepEqual(
        cats.map((c) => [c.title, c.feed_count, c.unread_count]),
        [
          ['Tech', 1, 12],
          ['News', 1, 3],
        ],
      );
    });

    test('entries: pages of the main stream, one entry, filters by feed, category, status', async () => {
      const page = await f.call(f.alice, 'GET', '/entries?limit=16');
      assert.equal(page.status, 200);
      const entries = (page.json as any).entries as any[];
      assert.equal(entries.length, 16);
      assert.ok((page.json as any).next_cursor);
      assert.ok(
        entries.every((e, i) => i === 0 || e.id < entries[i - 1].id),
        'newest first',
      );
      const e = entries.find((x) => x.title === 'tech item 12');
      assert.ok(e, 'the last item of the feed file is the newest entry');
      assert.equal(e.feed_id, techId);
      assert.equal(e.feed_title, 'My tech');
      assert.equal(e.status, 'unread');
      assert.equal(e.starred, false);
      assert.equal(e.author, 'Ann 12');
      assert.equal(e.content, '<p>Body 12 of tech</p>', 'sanitized: the script is gone');
      assert.equal(e.url, `${f.feedBase}/tech/12`);
      assert.deepEqual(e.tags, ['cat0']);
      assert.equal(e.published_at, '2025-01-01T00:12:00.000Z');

      const one = await f.call(f.alice, 'GET', `/entries/${e.id}`);
      assert.deepEqual(one.json, e);
      assert.equal((await f.call(f.alice, 'GET', '/entries/1')).status, 404);

      const misc = await f.call(f.alice, 'GET', `/entries?feed_id=${miscId}`);
      assert.deepEqual(
        ((misc.json as any).entries as any[]).map((x) => x.title),
        ['misc item 3', 'misc item 2', 'misc item 1'],
      );
      assert.equal((misc.json as any).next_cursor, undefined, 'the last page has no cursor');
      const first = ((misc.json as any).entries as any[])[2];
      assert.deepEqual(first.enclosures, [
        { url: `${f.feedBase}/misc.mp3`, mime_type: 'audio/mpeg', size: 1234 },
      ]);
      const news = await f.call(
        f.alice,
        'GET',
        `/entries?category_id=${newsId}&order=published&direction=asc`,
      );
      assert.deepEqual(
        ((news.json as any).entries as any[]).map((x) => x.title),
        ['misc item 1', 'misc item 2', 'misc item 3'],
      );
    });

    test('entries: bulk read/unread and star/unstar, then status and starred filters', async () => {
      const all = ((await f.call(f.alice, 'GET', `/entries?feed_id=${techId}&limit=100`)).json as any)
        .entries as any[];
      const ids = all.slice(0, 4).map((e) => e.id);
      const r = await f.call(f.alice, 'PUT', '/entries', { entry_ids: ids, status: 'read' });
      assert.equal(r.status, 204);
      await f.call(f.alice, 'PUT', '/entries', { entry_ids: ids.slice(0, 2), starred: true });
      await f.call(f.alice, 'PUT', '/entries', { entry_ids: [ids[3]], status: 'unread', starred: true });
      const feed = (await f.call(f.alice, 'GET', `/feeds/${techId}`)).json as any;
      assert.equal(feed.unread_count, 9);
      const read = ((await f.call(f.alice, 'GET', `/entries?feed_id=${techId}&status=read`)).json as any)
        .entries;
      assert.deepEqual(
        (read as any[]).map((e) => e.id),
        ids.slice(0, 3),
      );
      const starred = ((await f.call(f.alice, 'GET', '/entries?starred=true')).json as any).entries as any[];
      assert.deepEqual(
        starred.map((e) => e.id),
        [ids[0], ids[1], ids[3]],
      );
      const unreadStarred = (
        (await f.call(f.alice, 'GET', '/entries?starred=true&status=unread')).json as any
      ).entries as any[];
      assert.deepEqual(
        unreadStarred.map((e) => e.id),
        [ids[3]],
      );
      const notStarred = (
        (await f.call(f.alice, 'GET', `/entries?feed_id=${techId}&starred=false`)).json as any
      ).entries as any[];
      assert.equal(notStarred.length, 9);
      await f.call(f.alice, 'PUT', '/entries', { entry_ids: [ids[3]], starred: false });
      const after = (await f.call(f.alice, 'GET', `/entries/${ids[3]}`)).json as any;
      assert.deepEqual([after.status, after.starred], ['unread', false]);
    });

    test('entries: search in the FreshRSS grammar; a syntax error says where', async () => {
      const r = await f.call(
        f.alice,
        'GET',
        `/entries?search=${encodeURIComponent('intitle:"item 1" -#cat0')}`,
      );
      assert.equal(r.status, 200);
      const titles = ((r.json as any).entries as any[]).map((e) => e.title).sort();
      // Words, not prefixes: "item 1" does not find "item 10"; #cat0 drops items 3, 6, 9, 12.
      assert.deepEqual(titles, ['disc item 1', 'misc item 1', 'tech item 1']);
      const regex = await f.call(
        f.alice,
        'GET',
        `/entries?search=${encodeURIComponent('intitle:/item 1[01]$/')}`,
      );
      assert.equal(regex.status, 200, JSON.stringify(regex.json));
      assert.deepEqual(((regex.json as any).entries as any[]).map((e) => e.title).sort(), [
        'tech item 10',
        'tech item 11',
      ]);
      const bad = await f.call(f.alice, 'GET', `/entries?search=${encodeURIComponent('tech (item')}`);
      assert.equal(bad.status, 400);
      assert.match((bad.json as any).error, /^search: .* at column 6$/);
      assert.equal((bad.json as any).position, 5);
    });

    test('labels: create, put on entries, filter by label, rename, take off, delete', async () => {
      const created = await f.call(f.alice, 'POST', '/labels', { title: 'Later' });
      assert.equal(created.status, 201);
      const labelId = (created.json as any).id;
      assert.deepEqual(created.json, { id: labelId, title: 'Later', unread_count: 0 });
      assert.equal((await f.call(f.alice, 'POST', '/labels', { title: 'Later' })).status, 409);
      const misc = ((await f.call(f.alice, 'GET', `/entries?feed_id=${miscId}`)).json as any)
        .entries as any[];
      for (const e of misc.slice(0, 2))
        assert.equal((await f.call(f.alice, 'PUT', `/entries/${e.id}/labels/${labelId}`)).status, 204);
      const one = (await f.call(f.alice, 'GET', `/entries/${misc[0].id}`)).json as any;
      assert.deepEqual(one.label_ids, [labelId]);
      const labelled = ((await f.call(f.alice, 'GET', `/entries?label_id=${labelId}`)).json as any)
        .entries as any[];
      assert.deepEqual(
        labelled.map((e) => e.id),
        [misc[0].id, misc[1].id],
      );
      const list = (await f.call(f.alice, 'GET', '/labels')).json as any[];
      assert.deepEqual(list, [{ id: labelId, title: 'Later', unread_count: 2 }]);
      const renamed = await f.call(f.alice, 'PUT', `/labels/${labelId}`, { title: 'Read later' });
      assert.equal((renamed.json as any).title, 'Read later');
      assert.equal((await f.call(f.alice, 'DELETE', `/entries/${misc[0].id}/labels/${labelId}`)).status, 204);
      assert.deepEqual(((await f.call(f.alice, 'GET', `/entries/${misc[0].id}`)).json as any).label_ids, []);
      assert.equal((await f.call(f.alice, 'DELETE', `/labels/${labelId}`)).status, 204);
      assert.deepEqual((await f.call(f.alice, 'GET', '/labels')).json, []);
      assert.equal((await f.call(f.alice, 'PUT', `/entries/${misc[1].id}/labels/${labelId}`)).status, 404);
    });

    test('mark all as read: a feed up to an entry id, then a category', async () => {
      const entries = ((await f.call(f.alice, 'GET', `/entries?feed_id=${techId}&limit=100`)).json as any)
        .entries as any[];
      const upTo = entries[5].id; // the 6th newest: it and older ones are marked
      const r = await f.call(f.alice, 'POST', `/feeds/${techId}/mark-all-as-read`, { up_to_entry_id: upTo });
      assert.equal(r.status, 204);
      const unread = ((await f.call(f.alice, 'GET', `/entries?feed_id=${techId}&status=unread`)).json as any)
        .entries as any[];
      assert.deepEqual(
        unread.map((e) => e.id),
        entries
          .slice(0, 5)
          .filter((e) => e.status === 'unread')
          .map((e) => e.id),
      );
      assert.equal((await f.call(f.alice, 'POST', `/categories/${newsId}/mark-all-as-read`)).status, 204);
      assert.equal(((await f.call(f.alice, 'GET', `/feeds/${miscId}`)).json as any).unread_count, 0);
      const counters = (await f.call(f.alice, 'GET', '/counters')).json as any;
      assert.equal(counters.unreads[String(miscId)], 0);
      assert.equal(counters.unreads[String(techId)], unread.length);
    });

    test('delete a category (its feeds stay, uncategorized), unsubscribe a feed', async () => {
      assert.equal((await f.call(f.alice, 'DELETE', `/categories/${newsId}`)).status, 204);
      assert.equal(((await f.call(f.alice, 'GET', `/feeds/${miscId}`)).json as any).category_id, null);
      assert.equal((await f.call(f.alice, 'DELETE', `/feeds/${miscId}`)).status, 204);
      assert.equal((await f.call(f.alice, 'GET', `/feeds/${miscId}`)).status, 404);
      assert.equal((await f.call(f.alice, 'GET', `/entries?feed_id=${miscId}`)).status, 200);
      assert.deepEqual(
        ((await f.call(f.alice, 'GET', `/entries?feed_id=${miscId}`)).json as any).entries,
        [],
      );
      assert.equal((await f.call(f.alice, 'DELETE', `/feeds/${miscId}`)).status, 404);
    });
  });

  describe(`JSON API entry content through the image proxy (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    before(async () => {
      f = await createJsonApiFixture(kind, { VEILLE_IMAGE_PROXY: 'on' });
    });
    after(() => f.close());

    test('images point to Veille, with absolute URLs that serve the image', async () => {
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
        'base64',
      );
      f.serve('/pic.png', png.toString('latin1'), 'image/png');
      const item = `<item><title>Pic</title><guid>pic-1</guid><description>&lt;p&gt;&lt;img src="${f.feedBase}/pic.png" alt="x"&gt;&lt;/p&gt;</description></item>`;
      f.serve(
        '/pics.xml',
        `<?xml version="1.0"?><rss version="2.0"><channel><title>Pics</title>${item}</channel></rss>`,
        'application/rss+xml',
      );
      const feed = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/pics.xml` });
      assert.equal(feed.status, 201);
      const entry = ((await f.call(f.alice, 'GET', '/entries')).json as any).entries[0];
      const m = /<img src="([^"]+)"/.exec(entry.content);
      assert.ok(m, entry.content);
      const src = m[1]!.replace(/&amp;/g, '&');
      assert.ok(src.startsWith(`${f.base}/proxy/img?u=`), src);
      assert.doesNotMatch(entry.content, new RegExp(`src="${f.feedBase}`));
      const image = await fetch(src);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get('content-type'), 'image/png');
    });
  });
}
