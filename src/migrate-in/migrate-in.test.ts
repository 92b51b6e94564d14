import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { fetcherFor } from '../cli/app-context.ts';
import { configFromEnv } from '../config/config.ts';
import { createLogger } from '../lib/logger.ts';
import { listZip } from '../reader/migration/zip-archive.ts';
import { refreshFeeds } from '../refresh/refresh-feeds.ts';
import { categoriesForUser } from '../storage/categories.ts';
import { feedsDueForRefresh } from '../storage/feeds.ts';
import { filterListsOf } from '../storage/filter-actions.ts';
import { labelsForUser } from '../storage/labels.ts';
import type { Schema } from '../storage/schema.ts';
import { entriesForStream } from '../storage/streams.ts';
import { subscriptionsForUser } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';
import {
  freshrssOpml,
  freshrssStarredJson,
  freshrssZip,
  minifluxOpml,
  minifluxStarredJson,
} from './export-fixtures.ts';
import { freshrssZipForUser } from './export-freshrss-zip.ts';
import { opmlForUser } from './export-opml-for-user.ts';
import { importExportFile, type ImportReport } from './import-export-file.ts';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);

// The feeds as their sites serve them now: Alpha has a third article, Beta gives no GUIDs.
const seenUserAgents: Record<string, string> = {};
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    seenUserAgents[path] = req.headers['user-agent'] ?? '';
    const rss = (title: string, items: string) =>
      `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/</link>${items}</channel></rss>`;
    const item = (title: string, link: string, guid: string | null) =>
      `<item><title>${title}</title><link>${link}</link>${guid ? `<guid isPermaLink="false">${guid}</guid>` : ''}<description>&lt;p&gt;fetched&lt;/p&gt;</description></item>`;
    const feeds: Record<string, string> = {
      '/alpha.xml': rss(
        'Alpha',
        item('Alpha one', `${base}/alpha/1`, 'alpha-1') +
          item('Alpha &lt;two&gt;', `${base}/alpha/2`, 'alpha-2') +
          item('Sponsored: alpha three', `${base}/alpha/3`, 'alpha-3'),
      ),
      '/beta.xml': rss('Beta', item('Beta &amp; one', `${base}/beta/1`, null)),
      '/gamma.xml': rss('Gamma', item('Gamma one', `${base}/gamma/1`, 'gamma-1')),
    };
    const body = feeds[path];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** What the user sees: categories, feeds in them with unread counts, favourites, labels, states. */
async function snapshot(db: Kysely<Schema>, userId: number) {
  const [categories, subs, labels] = await Promise.all([
    categoriesForUser(db, userId),
    subscriptionsForUser(db, userId),
    labelsForUser(db, userId),
  ]);
  const categoryName = (id: number | null) => categories.find((c) => c.id === id)?.name ?? null;
  const titles = async (stream: Parameters<typeof entriesForStream>[1]['stream']) =>
    (await entriesForStream(db, { userId, stream, state: 'all', limit: 100 })).map((e) => e.title).sort();
  const entries: string[] = [];
  for (const s of subs) {
    for (const e of await entriesForStream(db, {
      userId,
      stream: { kind: 'feed', id: s.feedId },
      state: 'all',
      limit: 100,
    }))
      entries.push(`${s.title} / ${e.title}: ${e.read ? 'read' : 'unread'}${e.starred ? ', starred' : ''}`);
  }
  return {
    categories: categories.map((c) => c.name).sort(),
    subscriptions: subs
      .map((s) => `${categoryName(s.categoryId) ?? '-'} / ${s.title}: ${s.unreadCount} unread`)
      .sort(),
    starred: await titles({ kind: 'starred' }),
    labels: Object.fromEntries(
      await Promise.all(
        labels.map(async (l) => [l.name, await titles({ kind: 'label', id: l.id })] as const),
      ),
    ),
    entries: entries.sort(),
  };
}

async function entryCount(db: Kysely<Schema>): Promise<number> {
  const row = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const kind of testDatabaseKinds()) {
  describe(`migrating in and out on ${kind.name}`, { skip: kind.skip }, () => {
    let database: Awaited<ReturnType<typeof kind.open>>;
    let db: Kysely<Schema>;
    before(async () => {
      database = await kind.open();
      db = database.db;
    });
    after(async () => {
      await database?.dispose();
    });

    const newUser = (username: string) =>
      createUser(db, { username, passwordHash: 'x', isAdmin: false, now: NOW });
    const importFor = (userId: number, bytes: Uint8Array | string, fileName: string): Promise<ImportReport> =>
      importExportFile(db, {
        userId,
        bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
        fileName,
        now: NOW,
      });

    const FRESHRSS_VIEW = () => ({
      categories: ['Empty', 'News', 'Private', 'Tech'],
      subscriptions: [
        '- / Gamma: 0 unread',
        'News / Scraped: 0 unread',
        'Private / Secret: 0 unread',
        'Tech / Alpha & Co: 1 unread',
        'Tech / Beta: 1 unread',
      ],
      starred: ['Alpha one', 'Beta & one', 'Gamma one'],
      labels: { Later: ['Alpha <two>', 'Alpha one'], Work: ['Alpha <two>'] },
      entries: [
        'Alpha & Co / Alpha <two>: unread',
        'Alpha & Co / Alpha one: read, starred',
        'Beta / Beta & one: unread, starred',
        'Gamma / Gamma one: read, starred',
      ],
    });

    let alice: { id: number; username: string };
    test('a FreshRSS ZIP gives the feeds in their categories, favourites, labels and read states', async () => {
      alice = await newUser('alice');
      const report = await importFor(alice.id, freshrssZip(base), 'freshrss_alice_2026-11-20_export.zip');
      assert.equal(report.incomplete, false, report.problems.join('\n'));
      assert.deepEqual(
        report.files.map((f) => [f.name, f.kind]),
        [
          ['feeds_2026-11-20.opml.xml', 'opml'],
          ['starred_2026-11-20.json', 'freshrss'],
        ],
      );
      assert.deepEqual(
        [
          report.feedsAdded,
          report.categories,
          report.articles,
          report.newEntries,
          report.starred,
          report.feedsForArticles,
        ],
        [4, 4, 4, 4, 3, 1],
      );
      assert.deepEqual(report.problems, [
        'feeds_2026-11-20.opml.xml: settings Veille does not use, kept for export: type HTML+XPath (1)',
      ]);
      assert.deepEqual(await snapshot(db, alice.id), FRESHRSS_VIEW());
      // Sanitized like fetched content; authors as FreshRSS wrote them; the feed's own tags kept.
      const [one] = await entriesForStream(db, {
        userId: alice.id,
        stream: { kind: 'starred' },
        state: 'all',
        limit: 1,
        order: 'asc',
      });
      assert.equal(one?.title, 'Alpha one');
      assert.equal(one?.content, '<p>First <b>alpha</b></p>');
      assert.deepEqual(
        one?.authors.map((a) => a.name),
        ['Ann', 'Bob'],
      );
      assert.deepEqual(one?.categories, ['tag from the feed']);
      assert.equal(one?.dateAt, 1_790_000_000_000);
    });

    test('frss: attributes: fetch options and filters where Veille has them, the rest kept verbatim', async () => {
      const rows = await db
        .selectFrom('subscriptions as s')
        .innerJoin('feeds as f', 'f.id', 's.feed_id')
        .select(['f.id', 'f.url', 'f.fetch_options', 'f.owner_user_id', 's.import_extras'])
        .where('s.user_id', '=', alice.id)
        .execute();
      const byUrl = Object.fromEntries(rows.map((r) => [r.url, r]));
      const secret = byUrl[`${base}/secret.xml`]!;
      assert.deepEqual(JSON.parse(secret.fetch_options!), {
        username: 'me',
        password: 'p@ss',
        cookie: 'sid=1',
        headers: { 'X-Token': 'abc', 'X-Other': '2' },
        proxy: 'http://127.0.0.1:9',
      });
      assert.equal(secret.owner_user_id, alice.id, 'a feed fetched with credentials is private');
      const alpha = byUrl[`${base}/alpha.xml`]!;
      assert.deepEqual(JSON.parse(alpha.fetch_options!), {
        userAgent: 'FreshRSS-test/1.0',
        fullContent: true,
        contentSelector: 'article .content',
      });
      assert.deepEqual(JSON.parse(alpha.import_extras!), { description: 'The alpha feed' });
      assert.deepEqual(await filterListsOf(db, alice.id, { kind: 'feed', id: alpha.id }), [
        { action: { kind: 'read' }, searches: ['intitle:sponsored', 'author:bot'] },
      ]);
      assert.deepEqual(JSON.parse(byUrl[`${base}/page.html`]!.import_extras!), {
        type: 'HTML+XPath',
        'frss:xPathItem': '//article',
        'frss:xPathItemTitle': 'descendant::h2',
      });
      const opml = await opmlForUser(db, alice);
      assert.match(opml, /<outline text="Private" title="Private" frss:opmlUrl="[^"]+\/list\.opml">/);
      assert.match(opml, /<outline type="HTML\+XPath" text="Scraped" [^>]*frss:xPathItem="\/\/article"/);
      assert.match(opml, new RegExp(`xmlUrl="http://me:p%40ss@127\\.0\\.0\\.1:\\d+/secret\\.xml"`));
      assert.match(opml, /frss:filtersActionRead="intitle:sponsored&#10;author:bot"/);
      assert.match(opml, /frss:CURLOPT_HTTPHEADER="X-Token: abc&#10;X-Other: 2"/);
      assert.match(opml, /frss:CURLOPT_USERAGENT="FreshRSS-test\/1\.0"/);
      assert.match(opml, /frss:cssFullContent="article \.content"/);
      assert.match(opml, /<outline text="Empty" title="Empty"\/>/);
    });

    test('importing the same files again adds nothing', async () => {
      const before = await entryCount(db);
      const report = await importFor(alice.id, freshrssZip(base), 'export.zip');
      assert.deepEqual([report.feedsAdded, report.feedsAlready, report.newEntries], [0, 4, 0]);
      assert.equal(await entryCount(db), before);
      assert.deepEqual(await snapshot(db, alice.id), FRESHRSS_VIEW());
      const filters = await db
        .selectFrom('filter_actions')
        .select('searches')
        .where('user_id', '=', alice.id)
        .execute();
      assert.deepEqual(
        filters.map((f) => f.searches),
        ['intitle:sponsored\nauthor:bot'],
      );
    });

    test('an export FreshRSS would read, imported into another account, gives the same state', async () => {
      const { fileName, bytes } = await freshrssZipForUser(db, alice, new Date(NOW));
      assert.equal(fileName, 'freshrss_alice_2026-11-21_export.zip');
      const { files } = listZip(bytes);
      assert.deepEqual(
        files.map((f) => f.name),
        ['feeds_2026-11-21.opml.xml', 'starred_2026-11-21.json'],
      );
      const starred = JSON.parse(files[1]!.read().toString()) as {
        id: string;
        items: { guid: string; title: string; categories: string[]; origin: { feedUrl: string } }[];
      };
      assert.equal(starred.id, 'user/alice/state/org.freshrss/starred');
      const two = starred.items.find((i) => i.guid === 'alpha-2')!;
      assert.equal(two.title, 'Alpha &lt;two&gt;');
      assert.equal(two.origin.feedUrl, `${base}/alpha.xml`);
      assert.deepEqual(two.categories, [
        'user/-/state/com.google/reading-list',
        'user/-/state/com.google/unread',
        'user/-/label/Later',
        'user/-/label/Work',
        'tag from the feed',
      ]);

      const bob = await newUser('bob');
      const report = await importFor(bob.id, bytes, fileName);
      assert.equal(report.incomplete, false, report.problems.join('\n'));
      assert.deepEqual(await snapshot(db, bob.id), FRESHRSS_VIEW());
      assert.equal(await opmlForUser(db, bob), (await opmlForUser(db, alice)).replace(/alice/g, 'bob'));
      // Bob's entries are the ones Alice's import stored: the feeds are shared, nothing is copied.
      assert.equal(await entryCount(db), 4);
    });

    test('a refresh afterwards finds the imported articles again instead of copying them', async () => {
      const config = configFromEnv({
        VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
        VEILLE_LOG_LEVEL: 'silent',
      });
      const fetcher = fetcherFor(config);
      try {
        const wanted = ['alpha', 'beta', 'gamma'].map((f) => `${base}/${f}.xml`);
        const feeds = (await feedsDueForRefresh(db, { now: NOW, force: true })).filter((f) =>
          wanted.includes(f.url),
        );
        assert.equal(feeds.length, 3);
        const deps = {
          db,
          fetcher,
          log: createLogger('silent'),
          now: () => NOW + 60_000,
          minIntervalMs: 3_600_000,
          maxIntervalMs: 86_400_000,
        };
        const summary = await refreshFeeds(deps, feeds, 2);
        assert.equal(summary.failed, 0);
      } finally {
        await fetcher.close();
      }
      assert.equal(seenUserAgents['/alpha.xml'], 'FreshRSS-test/1.0');
      assert.equal(await entryCount(db), 5, 'only "alpha three" is new');
      const view = await snapshot(db, alice.id);
      assert.deepEqual(view.starred, ['Alpha one', 'Beta & one', 'Gamma one']);
      assert.ok(view.entries.includes('Alpha & Co / Alpha one: read, starred'));
      assert.ok(view.entries.includes('Beta / Beta & one: unread, starred'));
      // The imported "mark as read" filter works on what arrives.
      assert.ok(view.entries.includes('Alpha & Co / Sponsored: alpha three: read'), view.entries.join('\n'));
    });

    test('a Miniflux export: its OPML, then its starred entries', async () => {
      const carol = await newUser('carol');
      const opml = await importFor(carol.id, minifluxOpml(base), 'miniflux.opml');
      assert.deepEqual([opml.feedsAdded, opml.problems], [1, []]);
      const delta = await db
        .selectFrom('subscriptions')
        .select('import_extras')
        .where('user_id', '=', carol.id)
        .executeTakeFirst();
      assert.equal(delta?.import_extras, null, 'an empty description is nothing to keep');
      const entries = await importFor(carol.id, minifluxStarredJson(base), 'starred.json');
      assert.deepEqual(entries.files, [{ name: 'starred.json', kind: 'miniflux' }]);
      assert.deepEqual(
        [entries.articles, entries.newEntries, entries.starred, entries.incomplete],
        [2, 2, 2, false],
      );
      assert.deepEqual(await snapshot(db, carol.id), {
        categories: ['All'],
        subscriptions: ['All / Delta: 1 unread'],
        starred: ['Delta one', 'Delta two'],
        labels: {},
        entries: ['Delta / Delta one: read, starred', 'Delta / Delta two: unread, starred'],
      });
      // Again: nothing new.
      assert.equal((await importFor(carol.id, minifluxStarredJson(base), 'starred.json')).newEntries, 0);
    });

    test('broken files: a clear message with the line, what came before stays, nothing crashes', async () => {
      const dave = await newUser('dave');
      // A download cut in the middle of the third item.
      const full = freshrssStarredJson(base);
      const cut = full.indexOf('"Beta &amp; one"') + 5;
      const truncated = full.slice(0, cut);
      const cutLine = truncated.split('\n').length;
      const json = await importFor(dave.id, truncated, 'starred_2026-11-20.json');
      assert.equal(json.incomplete, true);
      assert.equal(json.problems.length, 1);
      assert.match(
        json.problems[0]!,
        new RegExp(
          `^starred_2026-11-20\\.json: line ${cutLine}, column \\d+: a string starts here and never ends \\(truncated\\?\\); the 2 items before it were read, item 3 and the rest of the file were not$`,
        ),
      );
      assert.equal(json.articles, 2);
      const view = await snapshot(db, dave.id);
      assert.deepEqual(view.starred, ['Alpha one']);
      assert.deepEqual(view.labels, { Later: ['Alpha <two>', 'Alpha one'], Work: ['Alpha <two>'] });

      // An OPML with bare "&": read anyway, and the place is named.
      const bare = freshrssOpml(base).replace('Alpha &amp; Co', 'Alpha & Co');
      const opml = await importFor(dave.id, bare, 'feeds.opml');
      assert.equal(opml.incomplete, false);
      assert.match(
        opml.problems[0]!,
        /^feeds\.opml: opml: line 9, column 25: "&" should be written "&amp;"; read as a plain "&"$/,
      );
      assert.equal(opml.feedsAdded + opml.feedsAlready, 4);

      // A ZIP with a path that leaves its folder: that file is left out, the rest is read.
      const evil = freshrssZip(base, [{ name: '../../etc/starred_evil.json', data: Buffer.from(full) }]);
      const zip = await importFor(dave.id, evil, 'export.zip');
      assert.equal(zip.incomplete, true);
      assert.ok(
        zip.problems.includes(
          'export.zip: zip: "../../etc/starred_evil.json" left out: its path leaves the archive\'s folder',
        ),
        zip.problems.join('\n'),
      );
      assert.deepEqual(
        zip.files.map((f) => f.name),
        ['feeds_2026-11-20.opml.xml', 'starred_2026-11-20.json'],
      );
      assert.deepEqual((await snapshot(db, dave.id)).starred, ['Alpha one', 'Beta & one', 'Gamma one']);

      // Files that are not exports at all, and a truncated ZIP.
      const garbage = await importFor(dave.id, 'hello, world', 'notes.txt');
      assert.match(garbage.problems[0]!, /^notes\.txt: not a file Veille can import/);
      const half = freshrssZip(base).subarray(0, 200);
      assert.match(
        (await importFor(dave.id, half, 'half.zip')).problems[0]!,
        /^half\.zip: zip: no end of central directory/,
      );
      const other = await importFor(dave.id, '{"some": "json"}', 'x.json');
      assert.match(other.problems[0]!, /neither Google Reader \/ FreshRSS articles nor Miniflux entries/);
    });

    test('articles an import adds to a feed others follow do not show up as unread for them', async () => {
      const erin = await newUser('erin');
      const frank = await newUser('frank');
      await importFor(
        erin.id,
        `<opml version="2.0"><body><outline text="Z" xmlUrl="${base}/zeta.xml"/></body></opml>`,
        'z.opml',
      );
      const items = JSON.parse(freshrssStarredJson(base)) as { items: Record<string, unknown>[] };
      const zeta = {
        ...items.items[0]!,
        guid: 'zeta-1',
        origin: { feedUrl: `${base}/zeta.xml`, title: 'Zeta' },
      };
      const report = await importFor(frank.id, JSON.stringify({ items: [zeta] }), 'starred.json');
      assert.equal(report.newEntries, 1);
      assert.deepEqual((await snapshot(db, frank.id)).subscriptions, ['- / Zeta: 0 unread']);
      assert.deepEqual((await snapshot(db, frank.id)).starred, ['Alpha one']);
      assert.deepEqual((await snapshot(db, erin.id)).subscriptions, ['- / Z: 0 unread']);
      assert.deepEqual((await snapshot(db, erin.id)).entries, ['Z / Alpha one: read']);
    });
  });
}
