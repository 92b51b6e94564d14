// User queries over HTTP on SQLite and PostgreSQL: saving from the toolbar's menu, the /queries
// page (edit, move, delete), S:n and search:NAME in the stream's search, sharing by a secret link
// read without a session (HTML, RSS, Atom and OPML parsed back with Veille's own parsers), revoked
// links answering 404, and another user who can do nothing with them (404) nor reach them by S:1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseOpml } from '../../reader/opml/parse-opml.ts';
import { parseFeed } from '../../reader/parse/parse-feed.ts';
import { testDatabaseKinds } from '../../storage/test-databases.ts';
import { startSearchApp, testEntry } from './search-test-app.ts';

function titlesOf(html: string): string[] {
  return [...html.matchAll(/<span class="title">([^<]*)<\/span>/g)].map((m) => m[1]!);
}

for (const kind of testDatabaseKinds()) {
  describe(`user queries over HTTP on ${kind.name}`, { skip: kind.skip }, () => {
    let t: Awaited<ReturnType<typeof startSearchApp>>;
    let alice: Awaited<ReturnType<typeof t.newUser>>;
    let bob: Awaited<ReturnType<typeof t.newUser>>;
    let techId = 0;
    const ids: Record<string, number> = {};

    before(async () => {
      t = await startSearchApp(kind);
      alice = await t.newUser('alice');
      bob = await t.newUser('bob');
      const tech = await t.newFeed({
        userId: alice.id,
        url: 'https://user:secret@tech.test/feed',
        title: 'Tech & <Science>',
        category: 'Work',
      });
      techId = tech.feedId;
      await t.addEntries(techId, [
        testEntry('r1', {
          title: 'Rust 2.0 <released>',
          content: '<p>The <b>Rust</b> team &amp; friends.</p>',
          authors: [{ name: 'Zoé & Co', email: null, uri: null }],
          categories: ['lang'],
        }),
        testEntry('w1', { title: 'Weather today', content: '<p>Sunny.</p>' }),
        testEntry('r2', { title: 'Rust tips', content: '<p>Borrowing.</p>' }),
      ]);
      await t.newFeed({ userId: bob.id, url: 'https://bob.test/feed', title: 'Bob feed' });
    });
    after(async () => {
      await t?.close();
    });

    async function queryIds(
      userId: number,
    ): Promise<{ id: number; name: string; share_token: string | null }[]> {
      return t.db
        .selectFrom('user_queries')
        .select(['id', 'name', 'share_token'])
        .where('user_id', '=', userId)
        .orderBy('position')
        .execute();
    }

    test('save the current search from the toolbar menu, list it, open it', async () => {
      const page = await alice.client.get(`/?s=c${await categoryId('Work')}&state=all&search=rust`);
      assert.match(page.text, /<details class="menu queries-menu">/);
      assert.match(page.text, /<form method="post" action="\/queries" class="save-query">/);
      assert.match(page.text, /<input type="hidden" name="search" value="rust"\/>/);
      const saved = await alice.client.post('/queries', {
        name: 'Rust news',
        s: `c${await categoryId('Work')}`,
        search: 'rust',
        state: 'all',
        sort: '',
        order: '',
      });
      assert.equal(saved.res.status, 303);
      const location = saved.res.headers.get('location')!;
      assert.match(location, /^\/queries\?saved=\d+$/);
      const list = await alice.client.get(location);
      assert.match(list.text, /The query “Rust news” is saved\./);
      const open = /<a class="query-open" href="([^"]+)">Rust news<\/a>/.exec(list.text);
      assert.ok(open);
      const opened = await alice.client.get(open[1]!.replace(/&amp;/g, '&'));
      assert.deepEqual(titlesOf(opened.text), ['Rust tips', 'Rust 2.0 &lt;released&gt;']);
      // The menu of any stream page now lists it as number 1.
      const menu = await alice.client.get('/?s=main');
      assert.match(menu.text, /<kbd aria-hidden="true">1<\/kbd> Rust news<\/a>/);
      ids.rust = (await queryIds(alice.id))[0]!.id;
    });

    test('refused: an empty name, a search that does not parse', async () => {
      const noName = await alice.client.post('/queries', { name: '  ', s: 'main', search: 'x' });
      assert.equal(noName.res.status, 400);
      assert.match(noName.text, /A query needs a name\./);
      const bad = await alice.client.post('/queries', { name: 'Broken', s: 'main', search: 'a OR' });
      assert.equal(bad.res.status, 400);
      assert.match(bad.text, /The search cannot be read: a search is missing after OR at column 5/);
      assert.equal((await queryIds(alice.id)).length, 1);
    });

    test('edit, reorder and delete on /queries; S:n and search:NAME follow', async () => {
      await alice.client.get('/queries');
      await alice.client.post('/queries', { name: 'Weather', s: 'main', search: 'weather', state: 'all' });
      await alice.client.post('/queries', { name: 'Tmp', s: 'main', search: '', state: '' });
      const [rust, weather, tmp] = await queryIds(alice.id);
      ids.weather = weather!.id;
      const s1 = await alice.client.get('/?s=main&state=all&search=S%3A1');
      assert.deepEqual(titlesOf(s1.text), ['Rust tips', 'Rust 2.0 &lt;released&gt;']);
      const moved = await alice.client.post(`/queries/${weather!.id}/move`, { direction: 'up' });
      assert.equal(moved.res.status, 303);
      assert.deepEqual(
        (await queryIds(alice.id)).map((q) => q.name),
        ['Weather', 'Rust news', 'Tmp'],
      );
      const s1Again = await alice.client.get('/?s=main&state=all&search=S%3A1');
      assert.deepEqual(titlesOf(s1Again.text), ['Weather today']);
      const edited = await alice.client.post(`/queries/${rust!.id}`, {
        name: 'Rust tips only',
        search: 'tips',
      });
      assert.equal(edited.res.status, 303);
      const byName = await alice.client.get(
        `/?s=main&state=all&search=${encodeURIComponent('search:"rust tips only"')}`,
      );
      assert.deepEqual(titlesOf(byName.text), ['Rust tips']);
      const badEdit = await alice.client.post(`/queries/${rust!.id}`, { name: 'X', search: '(' });
      assert.equal(badEdit.res.status, 400);
      const deleted = await alice.client.post(`/queries/${tmp!.id}/delete`, {});
      assert.equal(deleted.res.status, 303);
      assert.deepEqual(
        (await queryIds(alice.id)).map((q) => q.name),
        ['Weather', 'Rust tips only'],
      );
      ids.rust = rust!.id;
    });

    test('another user gets 404 for every action and cannot reach them through S:1', async () => {
      const before = await queryIds(alice.id);
      await bob.client.get('/queries');
      const list = await bob.client.get('/queries');
      assert.doesNotMatch(list.text, /Weather|Rust tips only/);
      for (const [path, fields] of [
        [`/queries/${ids.weather}`, { name: 'Stolen', search: 'x' }],
        [`/queries/${ids.weather}`, { name: '', search: '(' }],
        [`/queries/${ids.weather}/move`, { direction: 'down' }],
        [`/queries/${ids.weather}/share`, {}],
        [`/queries/${ids.weather}/unshare`, {}],
        [`/queries/${ids.weather}/delete`, {}],
      ] as const) {
        const r = await bob.client.post(path, fields);
        assert.equal(r.res.status, 404, path);
      }
      assert.deepEqual(await queryIds(alice.id), before);
      const s1 = await bob.client.get('/?s=main&state=all&search=S%3A1');
      assert.match(s1.text, /No results/);
      const byName = await bob.client.get('/?s=main&state=all&search=search%3AWeather');
      assert.match(byName.text, /No results/);
    });

    test('a shared query is readable without a session as HTML, RSS, Atom and OPML; revoked, it is gone', async () => {
      const shared = await alice.client.post(`/queries/${ids.rust}/share`, {});
      assert.equal(shared.res.status, 303);
      const token = (await queryIds(alice.id)).find((q) => q.id === ids.rust)!.share_token!;
      assert.match(token, /^[A-Za-z0-9_-]{32}$/);
      const list = await alice.client.get('/queries');
      assert.ok(list.text.includes(`/shared/query/${token}.rss`));

      const anonymous = (path: string) => t.app.request(`http://localhost${path}`);
      const html = await anonymous(`/shared/query/${token}`);
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-security-policy') ?? '', /script-src/);
      const page = await html.text();
      assert.match(page, /<h1>Rust tips only<\/h1>/);
      assert.match(page, /Rust tips/);
      assert.doesNotMatch(page, /Weather today/);
      assert.doesNotMatch(page, /<script/);

      // Show everything the feed has: the Rust search of the first query, with all its fields.
      await alice.client.post(`/queries/${ids.rust}`, { name: 'Rust & <all>', search: 'rust' });
      const rss = await anonymous(`/shared/query/${token}.rss`);
      assert.equal(rss.status, 200);
      assert.match(rss.headers.get('content-type') ?? '', /application\/rss\+xml/);
      const rssFeed = parseFeed(await rss.text(), { url: `http://localhost/shared/query/${token}.rss` });
      assert.equal(rssFeed.format, 'rss');
      assert.equal(rssFeed.title, 'Rust & <all>');
      assert.deepEqual(
        rssFeed.entries.map((e) => e.title),
        ['Rust tips', 'Rust 2.0 <released>'],
      );
      const first = rssFeed.entries[1]!;
      assert.equal(first.link, 'https://example.org/r1');
      assert.deepEqual(
        first.authors.map((a) => a.name),
        ['Zoé & Co'],
      );
      assert.deepEqual(first.categories, ['lang']);
      assert.match(first.content ?? first.summary ?? '', /<b>Rust<\/b> team &amp; friends/);

      const atom = await anonymous(`/shared/query/${token}.atom`);
      assert.equal(atom.status, 200);
      const atomFeed = parseFeed(await atom.text(), { url: null });
      assert.equal(atomFeed.format, 'atom');
      assert.deepEqual(
        atomFeed.entries.map((e) => e.title),
        ['Rust tips', 'Rust 2.0 <released>'],
      );
      assert.match(atomFeed.entries[1]!.content ?? '', /<b>Rust<\/b> team &amp; friends/);

      const opml = await anonymous(`/shared/query/${token}.opml`);
      assert.equal(opml.status, 200);
      const doc = parseOpml(await opml.text());
      assert.equal(doc.title, 'Rust & <all>');
      assert.deepEqual(
        doc.outlines.map((o) => [o.title, o.xmlUrl, o.category]),
        [['Tech & <Science>', 'https://tech.test/feed', 'Work']],
        'the feed without its user:password',
      );

      // Revoked: every format is gone.
      const revoked = await alice.client.post(`/queries/${ids.rust}/unshare`, {});
      assert.equal(revoked.res.status, 303);
      for (const suffix of ['', '.rss', '.atom', '.opml'])
        assert.equal((await anonymous(`/shared/query/${token}${suffix}`)).status, 404, suffix);
      assert.equal((await anonymous('/shared/query/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.rss')).status, 404);
      assert.equal((await anonymous('/shared/query/..%2F..%2Fetc.rss')).status, 404);
    });

    async function categoryId(name: string): Promise<number> {
      const row = await t.db
        .selectFrom('categories')
        .select('id')
        .where('user_id', '=', alice.id)
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.id;
    }
  });
}
