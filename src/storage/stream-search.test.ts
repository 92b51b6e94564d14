// Streams with a search (entriesForStream's `search`, streamSearchCount) on SQLite and
// PostgreSQL, with entries stored through the real ingest path (which fills the full-text index).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NewEntry } from '../model/new-entry.ts';
import { cursorParam, cursorFromParam } from '../model/stream.ts';
import { resolveSearchNode, type SearchContext } from '../search/evaluate-query.ts';
import { parseSearchQuery } from '../search/parse-query.ts';
import { ensureCategory } from './categories.ts';
import { ingestEntries } from './entries.ts';
import { setEntryRead } from './entry-states.ts';
import { findOrCreateFeed } from './feeds.ts';
import { createLabel, setEntryLabel } from './labels.ts';
import { entriesForStream, sortValueOf, streamSearchCount, type StreamQuery } from './streams.ts';
import { subscribe } from './subscriptions.ts';
import { testDatabaseKinds } from './test-databases.ts';
import { createUser } from './users.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

function entry(key: string, title: string, html: string, extra: Partial<NewEntry> = {}): NewEntry {
  return {
    guidKey: key,
    guid: key,
    url: `https://example.org/${key}`,
    title,
    authors: [],
    content: html,
    summary: '',
    publishedAt: null,
    updatedAt: null,
    dateAt: NOW - 3_600_000,
    contentHash: `h-${key}-${title}`,
    language: 'fr',
    enclosures: [],
    categories: [],
    thumbnail: null,
    ...extra,
  };
}

const noContext: SearchContext = { labels: [], savedQuery: () => null };

for (const kind of testDatabaseKinds()) {
  describe(`streams with a search on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    let alice = 0;
    let bob = 0;
    let news = 0;
    let tech = 0;
    let catNews = 0;
    let labelId = 0;

    before(async () => {
      database = await kind.open();
      const db = database.db;
      alice = (await createUser(db, { username: 'alice', passwordHash: 'x', isAdmin: false, now: NOW })).id;
      bob = (await createUser(db, { username: 'bob', passwordHash: 'x', isAdmin: false, now: NOW })).id;
      const feed = async (url: string, userId: number) =>
        (await findOrCreateFeed(db, { url, options: {}, userId, title: url, now: NOW })).id;
      news = await feed('https://news.example/feed', alice);
      tech = await feed('https://tech.example/feed', alice);
      const bobOnly = await feed('https://bob.example/feed', bob);
      catNews = (await ensureCategory(db, alice, 'News')).id;
      await subscribe(db, { userId: alice, feedId: news, categoryId: catNews, now: NOW });
      await subscribe(db, { userId: alice, feedId: tech, categoryId: null, now: NOW });
      await subscribe(db, { userId: bob, feedId: bobOnly, categoryId: null, now: NOW });
      await ingestEntries(db, {
        feedId: news,
        now: NOW,
        entries: [
          entry('n1', 'Les développeurs du noyau', '<p>Une version du noyau Linux.</p>', {
            authors: [{ name: 'Alice Martin', email: null, uri: null }],
          }),
          entry('n2', 'Météo du jour', '<p>Il pleut sur Paris.</p>', { categories: ['météo'] }),
          entry('n3', 'Un développeur raconte', '<p>Le noyau et moi.</p>'),
        ],
      });
      // 250 entries, three with "Zebra-<n>" in their title: 240 and 120 in the first batch a
      // regex page reads (200 rows, newest first), 3 only in the second.
      await ingestEntries(db, {
        feedId: tech,
        now: NOW,
        entries: Array.from({ length: 250 }, (_, i) =>
          entry(
            `t${i}`,
            [3, 120, 240].includes(i) ? `Zebra-${i} release` : `Plain item ${i}`,
            `<p>Item number ${i} about databases.</p>`,
            { language: 'en', dateAt: NOW - (250 - i) * 60_000 },
          ),
        ),
      });
      await ingestEntries(db, {
        feedId: bobOnly,
        now: NOW,
        entries: [entry('b1', 'Noyau secret de Bob', '<p>noyau</p>')],
      });
      const label = await createLabel(db, alice, 'keep');
      assert.equal(label.kind, 'ok');
      labelId = label.kind === 'ok' ? label.id : 0;
    });
    after(async () => {
      await database?.dispose();
    });

    function search(query: string, context: SearchContext = noContext) {
      return resolveSearchNode(parseSearchQuery(query)!, context);
    }

    async function titles(q: Partial<StreamQuery> & { query?: string }): Promise<string[]> {
      const rows = await entriesForStream(database.db, {
        userId: alice,
        stream: { kind: 'main' },
        state: 'all',
        limit: 100,
        now: NOW,
        ...q,
        search: q.query ? search(q.query) : (q.search ?? null),
      });
      return rows.map((r) => r.title);
    }

    test('a free word finds its stemmed forms, accent-insensitive, only in the user’s feeds', async () => {
      assert.deepEqual(await titles({ query: 'developpeurs' }), [
        'Un développeur raconte',
        'Les développeurs du noyau',
      ]);
      assert.deepEqual(await titles({ query: 'noyau' }), [
        'Un développeur raconte',
        'Les développeurs du noyau',
      ]);
      assert.deepEqual(await titles({ query: 'nothingmatchesthis' }), []);
    });

    test('operators, negation, a category stream and the state filter combine with the search', async () => {
      assert.deepEqual(await titles({ query: 'author:"alice martin"' }), ['Les développeurs du noyau']);
      assert.deepEqual(await titles({ query: '#météo' }), ['Météo du jour']);
      assert.deepEqual(await titles({ query: 'noyau -intitle:raconte' }), ['Les développeurs du noyau']);
      assert.deepEqual(
        await titles({ query: 'databases intitle:zebra', stream: { kind: 'feed', id: tech } }),
        ['Zebra-240 release', 'Zebra-120 release', 'Zebra-3 release'],
      );
      assert.deepEqual(await titles({ query: 'databases', stream: { kind: 'category', id: catNews } }), []);
      assert.deepEqual((await titles({ query: `c:${catNews}` })).sort(), [
        'Les développeurs du noyau',
        'Météo du jour',
        'Un développeur raconte',
      ]);
      const first = (
        await entriesForStream(database.db, {
          userId: alice,
          stream: { kind: 'main' },
          state: 'all',
          limit: 10,
          search: search('intitle:raconte'),
        })
      )[0]!;
      await setEntryRead(database.db, { userId: alice, entryId: first.id, read: true, now: NOW });
      assert.deepEqual(await titles({ query: 'noyau', state: 'unread' }), ['Les développeurs du noyau']);
      assert.deepEqual(await titles({ query: 'noyau', state: 'all' }), [
        'Un développeur raconte',
        'Les développeurs du noyau',
      ]);
      await setEntryRead(database.db, { userId: alice, entryId: first.id, read: false, now: NOW });
    });

    test('labels by name resolve through the context', async () => {
      const [target] = await entriesForStream(database.db, {
        userId: alice,
        stream: { kind: 'main' },
        state: 'all',
        limit: 1,
        search: search('pleut'),
      });
      await setEntryLabel(database.db, { userId: alice, entryId: target!.id, labelId, on: true });
      const context: SearchContext = { labels: [{ id: labelId, name: 'keep' }], savedQuery: () => null };
      assert.deepEqual(await titles({ search: search('label:keep', context) }), ['Météo du jour']);
      assert.deepEqual(await titles({ search: search('L:*') }), ['Météo du jour']);
    });

    test('a regex search fills whole pages from batches, and load more continues without gaps', async () => {
      const query: Partial<StreamQuery> = {
        stream: { kind: 'feed', id: tech },
        search: search('intitle:/^zebra-\\d+ /i'),
      };
      const page1 = await entriesForStream(database.db, {
        userId: alice,
        stream: { kind: 'main' },
        state: 'all',
        limit: 3,
        ...query,
      });
      assert.deepEqual(
        page1.map((r) => r.title),
        ['Zebra-240 release', 'Zebra-120 release', 'Zebra-3 release'],
      );
      const last = page1[1]!;
      const cursor = cursorFromParam(cursorParam({ key: sortValueOf(last, 'received'), id: last.id }));
      const page2 = await entriesForStream(database.db, {
        userId: alice,
        stream: { kind: 'main' },
        state: 'all',
        limit: 2,
        cursor,
        ...query,
      });
      assert.deepEqual(
        page2.map((r) => r.title),
        ['Zebra-3 release'],
      );
      // Sorted by title, ascending: the same three in title order.
      assert.deepEqual(await titles({ ...query, sort: 'title', order: 'asc' }), [
        'Zebra-120 release',
        'Zebra-240 release',
        'Zebra-3 release',
      ]);
      // A negated regex keeps the others.
      assert.equal(
        (await titles({ stream: { kind: 'feed', id: tech }, query: '!intitle:/zebra/i', limit: 300 })).length,
        247,
      );
    });

    test('result counts are exact below the cap and stop at the cap', async () => {
      const count = (query: string, cap = 1001, extra: { stream?: StreamQuery['stream'] } = {}) =>
        streamSearchCount(database.db, {
          userId: alice,
          stream: extra.stream ?? { kind: 'main' },
          state: 'all',
          search: search(query),
          now: NOW,
          cap,
        });
      assert.equal(await count('noyau'), 2);
      assert.equal(await count('databases'), 250);
      assert.equal(await count('databases', 10), 10);
      assert.equal(await count('intitle:/zebra/i'), 3);
      assert.equal(await count('intitle:/zebra/i', 2), 2);
      assert.equal(await count('nothingmatchesthis'), 0);
      assert.equal(await count('noyau', 1001, { stream: { kind: 'feed', id: tech } }), 0);
      const bobCount = await streamSearchCount(database.db, {
        userId: bob,
        stream: { kind: 'main' },
        state: 'all',
        search: search('noyau'),
        cap: 1001,
      });
      assert.equal(bobCount, 1);
    });
  });
}
