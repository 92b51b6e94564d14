// The search on the stream page over HTTP, on SQLite and PostgreSQL: results and their count,
// links that keep the search, syntax errors shown with their position (never a 500), clickable
// authors and tags, "load more", mark all as read of the matching entries only, and the
// advanced-search form without JavaScript.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../storage/test-databases.ts';
import { startSearchApp, testEntry } from './search-test-app.ts';

function titlesOf(html: string): string[] {
  return [...html.matchAll(/<span class="title">([^<]*)<\/span>/g)].map((m) => m[1]!);
}

function decode(html: string): string {
  return html
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

for (const kind of testDatabaseKinds()) {
  describe(`search in the stream page on ${kind.name}`, { skip: kind.skip }, () => {
    let t: Awaited<ReturnType<typeof startSearchApp>>;
    let alice: Awaited<ReturnType<typeof t.newUser>>;
    let bob: Awaited<ReturnType<typeof t.newUser>>;
    let techId = 0;

    before(async () => {
      t = await startSearchApp(kind);
      alice = await t.newUser('alice');
      bob = await t.newUser('bob');
      const tech = await t.newFeed({ userId: alice.id, url: 'https://tech.test/feed', title: 'Tech' });
      techId = tech.feedId;
      await t.addEntries(tech.feedId, [
        testEntry('k1', {
          title: 'Rust compiler news',
          authors: [{ name: 'Zoé Durand', email: null, uri: null }],
          categories: ['open source'],
          dateAt: Date.now() - 3 * 3_600_000,
        }),
        testEntry('k2', { title: 'Weather report', content: '<p>Rain in <b>Paris</b></p>' }),
        testEntry('k3', { title: 'Compilers explained', content: '<p>How a compiler works</p>' }),
      ]);
      const bulk = await t.newFeed({ userId: alice.id, url: 'https://bulk.test/feed', title: 'Bulk' });
      await t.addEntries(
        bulk.feedId,
        Array.from({ length: 1005 }, (_, i) =>
          testEntry(`b${i}`, { title: `Bulk item ${i}`, dateAt: Date.now() - 86_400_000 - i * 1000 }),
        ),
      );
      await t.newFeed({ userId: bob.id, url: 'https://bob.test/feed', title: 'Bob feed' });
    });
    after(async () => {
      await t?.close();
    });

    test('a search shows only the matching entries, their count, and every link keeps it', async () => {
      const { res, text } = await alice.client.get('/?s=main&state=all&search=compilers');
      assert.equal(res.status, 200);
      assert.deepEqual(titlesOf(text), ['Compilers explained', 'Rust compiler news']);
      assert.match(text, /<strong class="search-count">2 results<\/strong>/);
      assert.match(text, /<input type="search" name="search" value="compilers"/);
      assert.match(text, /data-highlight="\[&quot;compilers&quot;\]"/);
      // State toggles and the view switch keep the search.
      assert.match(text, /href="\/\?s=main&amp;state=unread&amp;search=compilers"/);
      assert.match(text, /name="back" value="\/\?s=main&amp;state=all&amp;search=compilers"/);
      // Mark all as read is narrowed to the search.
      assert.match(text, /action="\/search\/mark-read"/);
      assert.match(text, /<input type="hidden" name="search" value="compilers"/);
      const none = await alice.client.get('/?s=main&state=all&search=zzzznothing');
      assert.match(none.text, /<strong class="search-count">No results<\/strong>/);
      const one = await alice.client.get('/?s=main&state=all&search=weather');
      assert.match(one.text, /1 result</);
    });

    test('a syntax error shows the message and its position with the unfiltered stream, not a 500', async () => {
      const { res, text } = await alice.client.get(
        `/?s=f${techId}&state=all&search=${encodeURIComponent('rust OR')}`,
      );
      assert.equal(res.status, 200);
      assert.match(text, /role="alert"/);
      assert.match(text, /a search is missing after OR at column 8/);
      assert.ok(titlesOf(text).includes('Weather report'), 'the stream is shown, unfiltered');
      const hostile = await alice.client.get(
        `/?s=main&search=${encodeURIComponent('"><script>alert(1)</script>')}`,
      );
      assert.equal(hostile.res.status, 200);
      assert.doesNotMatch(hostile.text, /<script>alert/);
      assert.match(hostile.text, /the quote (&quot;|") is never closed at column 1/);
      for (const bad of [
        '(',
        'intitle:',
        'date:2014-13',
        '/unclosed',
        'f:abc',
        'x'.repeat(1001),
        '/(a+)+$/',
      ]) {
        const r = await alice.client.get(`/?s=main&search=${encodeURIComponent(bad)}`);
        assert.equal(r.res.status, 200, bad);
        assert.match(r.text, /class="search-error"/, bad);
      }
      // A regex that could backtrack catastrophically is refused before it runs (regex-safety.ts).
      const redos = await alice.client.get(
        `/?s=main&search=${encodeURIComponent('rust intitle:/(\\w+\\s?)*$/')}`,
      );
      assert.equal(redos.res.status, 200);
      assert.match(redos.text, /nested quantifiers\) can make the search run forever at column 15/);
    });

    test('authors and tags link to their searches', async () => {
      const { text } = await alice.client.get(`/?s=f${techId}&state=all`);
      const author = /<a class="author-link" href="([^"]+)"/.exec(text);
      assert.ok(author, 'an author link');
      const authorUrl = decode(author[1]!);
      assert.equal(new URL(authorUrl, 'http://x').searchParams.get('search'), 'author:"Zoé Durand"');
      const byAuthor = await alice.client.get(authorUrl);
      assert.deepEqual(titlesOf(byAuthor.text), ['Rust compiler news']);
      const tag = /<a class="tag-link" href="([^"]+)"/.exec(text);
      assert.ok(tag, 'a tag link');
      const tagUrl = decode(tag[1]!);
      assert.equal(new URL(tagUrl, 'http://x').searchParams.get('search'), '#"open source"');
      assert.deepEqual(titlesOf((await alice.client.get(tagUrl)).text), ['Rust compiler news']);
    });

    test('counts stop at 1,000+, and load more continues the search', async () => {
      const first = await alice.client.get('/?s=main&state=all&search=bulk');
      assert.match(first.text, /1,000\+ results/);
      const titles = titlesOf(first.text);
      assert.ok(titles.length > 0 && titles.every((x) => x.startsWith('Bulk item')));
      const more = /<a class="button load-more" href="([^"]+)"/.exec(first.text);
      assert.ok(more, 'a load more link');
      const next = decode(more[1]!);
      assert.match(next, /&search=bulk&after=/);
      const page2 = titlesOf((await alice.client.get(next)).text);
      assert.ok(page2.length > 0 && page2.every((x) => x.startsWith('Bulk item')));
      assert.ok(!page2.some((x) => titles.includes(x)), 'no repeats');
    });

    test('mark all as read with a search marks only the matching entries', async () => {
      const page = await alice.client.get('/?s=main&state=all&search=compiler');
      const maxId = /data-max="(\d+)"/.exec(page.text)![1]!;
      const before = await unreadCounts();
      const marked = await alice.client.post('/search/mark-read', {
        s: 'main',
        state: 'all',
        upTo: maxId,
        search: 'compiler',
      });
      assert.equal(marked.res.status, 303);
      const location = marked.res.headers.get('location')!;
      assert.match(location, /search=compiler&searchMarked=2$/);
      const after = await unreadCounts();
      assert.equal(after.Tech, before.Tech! - 2);
      assert.equal(after.Bulk, before.Bulk);
      const shown = await alice.client.get(location);
      assert.match(shown.text, /2 matching articles marked as read/);
      const unread = await alice.client.get(`/?s=f${techId}&state=unread`);
      assert.deepEqual(titlesOf(unread.text), ['Weather report']);
      // Without a valid search, nothing is marked.
      const bad = await alice.client.post('/search/mark-read', { s: 'main', upTo: maxId, search: '(' });
      assert.equal(bad.res.status, 400);
    });

    test('the advanced search form works without JavaScript', async () => {
      const res = await alice.client.get(
        '/search/advanced?s=main&view=reader&words=rust&title=compiler+news&author=Zo%C3%A9+Durand&feed=&category=&from=2020-01-01&to=&state=all',
      );
      assert.equal(res.res.status, 303);
      const location = res.res.headers.get('location')!;
      const url = new URL(location, 'http://x');
      assert.equal(url.searchParams.get('s'), 'main');
      assert.equal(url.searchParams.get('state'), 'all');
      assert.equal(url.searchParams.get('view'), 'reader');
      assert.equal(
        url.searchParams.get('search'),
        'rust intitle:compiler intitle:news author:"Zoé Durand" date:2020-01-01/',
      );
      const page = await alice.client.get(location);
      assert.match(page.text, /1 result</);
    });

    test('another user’s search never reaches alice’s entries', async () => {
      const { text } = await bob.client.get('/?s=main&state=all&search=compiler');
      assert.match(text, /No results/);
      assert.deepEqual(titlesOf(text), []);
    });

    async function unreadCounts(): Promise<Record<string, number>> {
      const rows = await t.db
        .selectFrom('subscriptions as s')
        .innerJoin('feeds as f', 'f.id', 's.feed_id')
        .select(['f.title', 's.unread_count'])
        .where('s.user_id', '=', alice.id)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.title, r.unread_count]));
    }
  });
}
