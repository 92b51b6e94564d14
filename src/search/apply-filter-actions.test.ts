// Filter actions through the real refresh path, on SQLite and PostgreSQL: feeds served over
// loopback, filters at the three scopes; what the user then sees (unread, favourites, labels,
// counts), what another subscriber of the same feed sees (nothing changed), and the same
// searches run in SQL (searchCondition) selecting exactly the entries the ingest acted on.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { fetcherFor } from '../cli/app-context.ts';
import { configFromEnv } from '../config/config.ts';
import { createLogger } from '../lib/logger.ts';
import type { Stream } from '../model/stream.ts';
import type { RefreshDeps } from '../refresh/refresh-feed.ts';
import { refreshFeeds } from '../refresh/refresh-feeds.ts';
import { ensureCategory } from '../storage/categories.ts';
import { computeUnread } from '../storage/entries.ts';
import { setEntryRead } from '../storage/entry-states.ts';
import { feedById, findOrCreateFeed } from '../storage/feeds.ts';
import { replaceFilterLists, type FilterList, type FilterScope } from '../storage/filter-actions.ts';
import { createLabel } from '../storage/labels.ts';
import type { Schema } from '../storage/schema.ts';
import { entriesForStream } from '../storage/streams.ts';
import { setSubscriptionPriority } from '../storage/subscription-priority.ts';
import { subscribe } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUserQuery, searchContextForUser } from '../storage/user-queries.ts';
import { createUser } from '../storage/users.ts';
import type { Dialect } from '../storage/database.ts';
import { applyFilterActionsToExisting, checkFilterLines } from './apply-filter-actions.ts';
import { entryMatchesSearch, resolveSearchNode, type SearchContext } from './evaluate-query.ts';
import { parseSearchQuery } from './parse-query.ts';
import { searchCondition, searchNeedsProcessCheck } from './query-to-sql.ts';
import { authorNamesOfJson, stringListOfJson } from './search-index.ts';

interface Item {
  title: string;
  author?: string;
  tag?: string;
  text?: string;
}

const initialFeeds: Record<string, Item[]> = {
  a: [
    { title: 'Rust 2.0 released', author: 'Alice Martin', text: 'The Rust team announces a new edition.' },
    { title: 'Sponsored: buy a VPN', author: 'Bob Ads', tag: 'ads' },
    { title: 'Weekly notes', author: 'Alice Martin', tag: 'ads', text: 'Nothing about crabs.' },
    { title: '[rust] async closures', author: 'Carol' },
  ],
  b: [
    { title: 'Sponsored post', tag: 'ads' },
    { title: 'Compilers are fun', author: 'Alice Martin' },
    { title: 'Plain news' },
    { title: 'Promo codes', tag: 'ads' },
  ],
  important: [{ title: 'Sponsored but important' }, { title: 'Critical update', author: 'Alice Martin' }],
};

let feeds: Record<string, Item[]> = {};

function rss(name: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = feeds[name]!.map(
    (it, i) =>
      `<item><title>${esc(it.title)}</title><guid>${name}-${i}</guid><link>https://example.org/${name}/${i}</link>` +
      (it.author ? `<dc:creator>${esc(it.author)}</dc:creator>` : '') +
      (it.tag ? `<category>${esc(it.tag)}</category>` : '') +
      `<description>${esc(`<p>${it.text ?? 'Some text.'}</p>`)}</description></item>`,
  ).join('');
  return `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed ${name}</title><link>https://example.org/</link><language>en</language>${items}</channel></rss>`;
}

let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const name = /^\/(\w+)\.xml$/.exec(req.url ?? '')?.[1];
    if (!name || !feeds[name]) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(name));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function titles(db: Kysely<Schema>, userId: number, stream: Stream, state: 'unread' | 'all') {
  const rows = await entriesForStream(db, { userId, stream, state, limit: 100 });
  return rows.map((r) => r.title).sort();
}

/** Every subscription's maintained count equals the one derived from horizon and exceptions. */
async function assertCountsExact(db: Kysely<Schema>): Promise<Map<string, number>> {
  const subs = await db
    .selectFrom('subscriptions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(['s.user_id', 's.feed_id', 's.read_horizon', 's.unread_count', 'u.username', 'f.title'])
    .execute();
  const out = new Map<string, number>();
  for (const s of subs) {
    const derived = await computeUnread(db, s.user_id, s.feed_id, s.read_horizon);
    assert.equal(s.unread_count, derived, `${s.username} / ${s.title}`);
    out.set(`${s.username} ${s.title}`, s.unread_count);
  }
  return out;
}

/** Titles of a feed's entries matching any of `lines` for `userId`, in SQL (regex rows checked in process). */
async function sqlSelected(
  db: Kysely<Schema>,
  dialect: Dialect,
  userId: number,
  feedId: number,
  lines: string[],
  context: SearchContext,
): Promise<string[]> {
  const found = new Set<string>();
  for (const line of lines) {
    const node = resolveSearchNode(parseSearchQuery(line)!, context);
    const where = searchCondition(node, { dialect, userId, nowMs: Date.now() });
    const { rows } = await sql<{
      id: number;
      title: string;
      content: string;
      url: string | null;
      authors: string;
      categories: string;
      language: string | null;
      date_at: number;
      updated_at: number | null;
    }>`select e.id, e.title, e.content, e.url, e.authors, e.categories, e.language, e.date_at, e.updated_at
       from entries e where e.feed_id = ${feedId} and ${where}`.execute(db);
    for (const r of rows) {
      const keep =
        !searchNeedsProcessCheck(node, dialect) ||
        entryMatchesSearch(
          node,
          {
            id: Number(r.id),
            feedId,
            categoryId: null,
            title: r.title,
            content: r.content,
            url: r.url,
            authors: authorNamesOfJson(r.authors),
            tags: stringListOfJson(r.categories),
            labelIds: [],
            language: r.language,
            publishedAt: Number(r.date_at),
            modifiedAt: r.updated_at === null ? null : Number(r.updated_at),
            userChangedAt: null,
          },
          Date.now(),
        );
      if (keep) found.add(r.title);
    }
  }
  return [...found].sort();
}

test('filter lines that do not parse are reported with their line and the parser message', () => {
  const { searches, errors } = checkFilterLines('intitle:ok\n\n  (unclosed\n#tag\nauthor:');
  assert.deepEqual(searches, ['intitle:ok', '#tag']);
  assert.deepEqual(
    errors.map((e) => [e.line, e.search]),
    [
      [3, '(unclosed'],
      [5, 'author:'],
    ],
  );
  assert.match(errors[0]!.message, /never closed at column 1/);
  assert.match(errors[1]!.message, /value is missing after "author:"/);
});

for (const kind of testDatabaseKinds()) {
  test(
    `${kind.name}: filters at feed, category and global scope act on new entries for their user only`,
    { skip: kind.skip },
    async () => {
      feeds = Object.fromEntries(Object.entries(initialFeeds).map(([k, v]) => [k, [...v]]));
      const database = await kind.open();
      const config = configFromEnv({
        VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
        VEILLE_LOG_LEVEL: 'silent',
      });
      const fetcher = fetcherFor(config);
      try {
        const { db, dialect } = database;
        const now = Date.now();
        const deps: RefreshDeps = {
          db,
          fetcher,
          log: createLogger('silent'),
          now: () => Date.now(),
          minIntervalMs: 60_000,
          maxIntervalMs: 3600_000,
        };
        const alice = await createUser(db, { username: 'alice', passwordHash: 'x', isAdmin: false, now });
        const bob = await createUser(db, { username: 'bob', passwordHash: 'x', isAdmin: false, now });
        const tech = await ensureCategory(db, alice.id, 'Tech');
        const other = await ensureCategory(db, alice.id, 'Other');
        const feedRows = [];
        for (const name of ['a', 'b', 'important']) {
          const feed = await findOrCreateFeed(db, {
            url: `${base}/${name}.xml`,
            options: {},
            userId: alice.id,
            title: name,
            now,
          });
          feedRows.push(feed);
          await subscribe(db, { userId: alice.id, feedId: feed.id, categoryId: tech.id, now });
        }
        const [a, b, important] = feedRows as [
          (typeof feedRows)[0],
          (typeof feedRows)[0],
          (typeof feedRows)[0],
        ];
        await subscribe(db, { userId: bob.id, feedId: a.id, categoryId: null, now });
        await setSubscriptionPriority(db, {
          userId: alice.id,
          feedId: important.id,
          priority: 2,
          muted: false,
        });
        const rust = await createLabel(db, alice.id, 'Rust');
        assert.equal(rust.kind, 'ok');
        const rustId = rust.kind === 'ok' ? rust.id : 0;
        const save = (scope: FilterScope, lists: FilterList[]) =>
          replaceFilterLists(db, { userId: alice.id, scope, lists, now });
        const globalRead = ['intitle:sponsored'];
        const techStar = ['author:"Alice Martin"'];
        const aLabel = ['"Rust team"', 'intitle:/^\\[rust\\]/i'];
        // Through a saved query: search:Ads is #ads.
        await createUserQuery(db, {
          userId: alice.id,
          name: 'Ads',
          stream: { kind: 'main' },
          search: '#ads',
          state: null,
          sort: null,
          order: null,
          now,
        });
        const bRead = ['search:Ads'];
        await save({ kind: 'user' }, [{ action: { kind: 'read' }, searches: globalRead }]);
        await save({ kind: 'category', id: tech.id }, [{ action: { kind: 'star' }, searches: techStar }]);
        // Another category's filters never reach Tech's feeds.
        await save({ kind: 'category', id: other.id }, [{ action: { kind: 'read' }, searches: ['notes'] }]);
        await save({ kind: 'feed', id: a.id }, [
          { action: { kind: 'label', labelId: rustId }, searches: aLabel },
        ]);
        await save({ kind: 'feed', id: b.id }, [{ action: { kind: 'read' }, searches: bRead }]);

        const summary = await refreshFeeds(deps, feedRows, 2);
        assert.equal(summary.newEntries, 10);

        // What Alice sees.
        assert.deepEqual(await titles(db, alice.id, { kind: 'main' }, 'unread'), [
          'Compilers are fun',
          'Critical update',
          'Plain news',
          'Rust 2.0 released',
          'Sponsored but important',
          'Weekly notes',
          '[rust] async closures',
        ]);
        assert.deepEqual(await titles(db, alice.id, { kind: 'starred' }, 'all'), [
          'Compilers are fun',
          'Critical update',
          'Rust 2.0 released',
          'Weekly notes',
        ]);
        assert.deepEqual(await titles(db, alice.id, { kind: 'label', id: rustId }, 'all'), [
          'Rust 2.0 released',
          '[rust] async closures',
        ]);
        // Bob reads the same shared feed: Alice's filters changed nothing for him.
        assert.deepEqual(await titles(db, bob.id, { kind: 'main' }, 'unread'), [
          'Rust 2.0 released',
          'Sponsored: buy a VPN',
          'Weekly notes',
          '[rust] async closures',
        ]);
        assert.deepEqual(await titles(db, bob.id, { kind: 'starred' }, 'all'), []);
        const labelRows = await db.selectFrom('entry_labels').select('user_id').execute();
        assert.ok(labelRows.every((r) => r.user_id === alice.id));
        let counts = await assertCountsExact(db);
        assert.equal(counts.get('alice Feed a'), 3);
        assert.equal(counts.get('alice Feed b'), 2);
        assert.equal(counts.get('alice Feed important'), 2);
        assert.equal(counts.get('bob Feed a'), 4);

        // The next refresh brings new entries: the filters act on them too.
        feeds.a!.push(
          { title: 'Sponsored again', author: 'Bob Ads' },
          { title: 'More news', text: 'From the Rust team again.' },
        );
        await refreshFeeds(deps, [(await feedById(db, a.id))!], 1);
        const aliceA = await titles(db, alice.id, { kind: 'feed', id: a.id }, 'unread');
        assert.ok(aliceA.includes('More news') && !aliceA.includes('Sponsored again'));
        assert.ok((await titles(db, bob.id, { kind: 'main' }, 'unread')).includes('Sponsored again'));
        counts = await assertCountsExact(db);
        assert.equal(counts.get('alice Feed a'), 4);
        assert.equal(counts.get('bob Feed a'), 6);

        // The same searches in SQL select exactly what the ingest acted on.
        const labels = await searchContextForUser(db, alice.id);
        const readOf = async (feedId: number) =>
          (await titles(db, alice.id, { kind: 'feed', id: feedId }, 'all')).filter(
            (t) => !aliceUnread.includes(t),
          );
        const aliceUnread = await titles(db, alice.id, { kind: 'main' }, 'unread');
        const starred = await titles(db, alice.id, { kind: 'starred' }, 'all');
        const labelled = await titles(db, alice.id, { kind: 'label', id: rustId }, 'all');
        for (const feed of [a, b]) {
          const readLines = feed.id === b.id ? [...globalRead, ...bRead] : globalRead;
          assert.deepEqual(
            await sqlSelected(db, dialect, alice.id, feed.id, readLines, labels),
            await readOf(feed.id),
          );
          const feedTitles = await titles(db, alice.id, { kind: 'feed', id: feed.id }, 'all');
          assert.deepEqual(
            await sqlSelected(db, dialect, alice.id, feed.id, techStar, labels),
            starred.filter((t) => feedTitles.includes(t)),
          );
        }
        assert.deepEqual(await sqlSelected(db, dialect, alice.id, a.id, aLabel, labels), labelled);
        // The important feed: SQL finds the sponsored entry, the filter left it unread.
        assert.deepEqual(await sqlSelected(db, dialect, alice.id, important.id, globalRead, labels), [
          'Sponsored but important',
        ]);
        assert.deepEqual(await readOf(important.id), []);

        // Re-applying to existing entries: a new star filter on feed b, a new read filter on the
        // category; an entry the user marked unread again is marked read once more by request.
        await save({ kind: 'feed', id: b.id }, [
          { action: { kind: 'read' }, searches: bRead },
          { action: { kind: 'star' }, searches: ['intitle:plain'] },
        ]);
        const sponsoredPost = (
          await entriesForStream(db, {
            userId: alice.id,
            stream: { kind: 'feed', id: b.id },
            state: 'all',
            limit: 10,
          })
        ).find((e) => e.title === 'Sponsored post')!;
        await setEntryRead(db, { userId: alice.id, entryId: sponsoredPost.id, read: false, now });
        const byFeed = await applyFilterActionsToExisting(db, {
          userId: alice.id,
          scope: { kind: 'feed', id: b.id },
          now: Date.now(),
        });
        assert.deepEqual(byFeed, { read: 1, starred: 1, labelled: 0 });
        assert.ok((await titles(db, alice.id, { kind: 'starred' }, 'all')).includes('Plain news'));
        await save({ kind: 'category', id: tech.id }, [
          { action: { kind: 'star' }, searches: techStar },
          { action: { kind: 'read' }, searches: ['compilers', 'critical'] },
        ]);
        const byCategory = await applyFilterActionsToExisting(db, {
          userId: alice.id,
          scope: { kind: 'category', id: tech.id },
          now: Date.now(),
        });
        // "Critical update" is in the important feed: never marked read by a filter.
        assert.deepEqual(byCategory, { read: 1, starred: 0, labelled: 0 });
        const unreadNow = await titles(db, alice.id, { kind: 'main' }, 'unread');
        assert.ok(!unreadNow.includes('Compilers are fun') && unreadNow.includes('Critical update'));
        counts = await assertCountsExact(db);
        assert.equal(counts.get('alice Feed b'), 1);
        assert.equal(counts.get('bob Feed a'), 6);
      } finally {
        await fetcher.close();
        await database.dispose();
      }
    },
  );
}
