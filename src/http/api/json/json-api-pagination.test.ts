// Cursor pagination of GET /api/v1/entries on SQLite and PostgreSQL: 250 entries walked in pages
// of 100 while new entries arrive between pages, in both directions and in other orders, with no
// entry seen twice and none skipped; the last page carries no cursor.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabaseKinds } from '../../../storage/test-databases.ts';
import { createJsonApiFixture, type JsonApiFixture } from './json-api-fixture.ts';

interface Page {
  entries: { id: number; title: string; published_at: string }[];
  next_cursor?: string;
}

for (const kind of testDatabaseKinds()) {
  describe(`JSON API cursor pagination (${kind.name})`, { skip: kind.skip }, () => {
    let f: JsonApiFixture;
    let feedId: number;
    let count = 250;
    before(async () => {
      f = await createJsonApiFixture(kind);
      f.setFeed('/big.xml', 'Big', count);
      const r = await f.call(f.alice, 'POST', '/feeds', { feed_url: `${f.feedBase}/big.xml` });
      feedId = (r.json as { id: number }).id;
    });
    after(() => f.close());

    /** Publishes `n` more items and fetches the feed: they become the newest entries. */
    async function arrive(n: number) {
      count += n;
      f.setFeed('/big.xml', 'Big', count);
      await f.refresh([feedId]);
    }

    async function walk(query: string, between: () => Promise<void>): Promise<Page[]> {
      const pages: Page[] = [];
      let cursor: string | undefined;
      do {
        const r = await f.call(
          f.alice,
          'GET',
          `/entries?feed_id=${feedId}&limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(r.status, 200, JSON.stringify(r.json));
        const page = r.json as Page;
        pages.push(page);
        cursor = page.next_cursor;
        await between();
        assert.ok(pages.length < 10, 'the walk ends');
      } while (cursor);
      return pages;
    }

    test('newest first: 100 + 100 + 50, exactly the 250 entries there were, while 30 more arrive', async () => {
      const before = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&limit=500`);
      const expected = (before.json as Page).entries.map((e) => e.id);
      assert.equal(expected.length, 250);
      const pages = await walk('', () => arrive(10));
      assert.deepEqual(
        pages.map((p) => p.entries.length),
        [100, 100, 50],
      );
      assert.equal(pages[2]!.next_cursor, undefined);
      assert.deepEqual(
        pages.flatMap((p) => p.entries.map((e) => e.id)),
        expected,
      );
      const now = await f.call(f.alice, 'GET', `/feeds/${feedId}`);
      assert.equal((now.json as { unread_count: number }).unread_count, 280, 'the new entries did arrive');
    });

    test('oldest first: the walk reaches the entries that arrived during it, once each, in order', async () => {
      const start = count;
      const pages = await walk('&direction=asc', () => arrive(5));
      const ids = pages.flatMap((p) => p.entries.map((e) => e.id));
      assert.equal(new Set(ids).size, ids.length, 'no duplicate');
      assert.ok(
        ids.every((id, i) => i === 0 || id > ids[i - 1]!),
        'ascending ids',
      );
      const titles = pages.flatMap((p) => p.entries.map((e) => e.title));
      assert.ok(titles.length >= start + 5, `all ${start} entries and the newer ones (${titles.length})`);
      const all = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&limit=500&direction=asc`);
      assert.deepEqual(ids, (all.json as Page).entries.map((e) => e.id).slice(0, ids.length));
    });

    test('by title, publication date and feed, both directions: the pages are the one-shot list', async () => {
      for (const order of ['title', 'published', 'feed']) {
        for (const direction of ['desc', 'asc']) {
          const query = `&order=${order}&direction=${direction}`;
          const pages = await walk(query, async () => {});
          const ids = pages.flatMap((p) => p.entries.map((e) => e.id));
          const all = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&limit=500${query}`);
          const expected = (all.json as Page).entries.map((e) => e.id);
          assert.equal(expected.length, count, query);
          assert.deepEqual(ids, expected, query);
        }
      }
    });

    test('a cursor belongs to its order; a broken cursor is a 400', async () => {
      const first = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&limit=10`);
      const cursor = (first.json as Page).next_cursor!;
      const other = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&direction=asc&cursor=${cursor}`);
      assert.equal(other.status, 400);
      assert.match((other.json as { error: string }).error, /another order/);
      for (const bad of ['garbage', 'W10', 'eyJ4IjoxfQ', '%FF', 'x'.repeat(5000)]) {
        const r = await f.call(f.alice, 'GET', `/entries?feed_id=${feedId}&cursor=${bad}`);
        assert.equal(r.status, 400, bad.slice(0, 20));
        assert.match((r.json as { error: string }).error, /cursor/);
      }
    });
  });
}
