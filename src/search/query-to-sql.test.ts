// The same search table run in SQL (SQLite FTS5, PostgreSQL tsvector) and in process, on
// entries stored through the real ingest path: the sets of entries must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { NewEntry } from '../model/new-entry.ts';
import { entryIdAt, ingestEntries, purgeEntries, receivedAtOf } from '../storage/entries.ts';
import type { Schema } from '../storage/schema.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import type { Dialect } from '../storage/database.ts';
import { entryMatchesSearch, resolveSearchNode } from './evaluate-query.ts';
import { parseSearchQuery } from './parse-query.ts';
import { fullTextDriver, searchCondition, searchNeedsProcessCheck } from './query-to-sql.ts';
import { REGEX_TEXT_LIMIT } from './regex-sql.ts';
import type { SearchableEntry } from './search-document.ts';
import {
  FIXTURE_ENTRIES,
  FIXTURE_FEED_CATEGORY,
  FIXTURE_LABELS,
  FIXTURE_NOW,
  FIXTURE_QUERIES,
  fixtureContext,
} from './search-fixtures.ts';

const USER = 1;

function newEntryOf(e: SearchableEntry, guidKey: string): NewEntry {
  return {
    guidKey,
    guid: guidKey,
    url: e.url,
    title: e.title,
    authors: e.authors.map((name) => ({ name, email: null, uri: null })),
    content: e.content,
    summary: '',
    publishedAt: e.publishedAt,
    updatedAt: e.modifiedAt,
    dateAt: e.publishedAt,
    contentHash: `${e.title}|${e.content}`,
    language: e.language,
    enclosures: [],
    categories: e.tags,
    thumbnail: null,
  };
}

/** Stores the fixtures; returns them with the ids the database gave. */
async function storeFixtures(db: Kysely<Schema>): Promise<SearchableEntry[]> {
  await db
    .insertInto('users')
    .values({
      id: USER,
      username: 'reader',
      password_hash: 'x',
      is_admin: 0,
      language: null,
      timezone: null,
      created_at: 0,
    } as never)
    .execute();
  for (const id of [10, 20])
    await db
      .insertInto('categories')
      .values({ id, user_id: USER, name: `c${id}`, position: id } as never)
      .execute();
  for (const [feedId, categoryId] of Object.entries(FIXTURE_FEED_CATEGORY)) {
    await db
      .insertInto('feeds')
      .values({
        id: Number(feedId),
        url: `https://feeds.test/${feedId}`,
        fetch_key: '',
        title: `Feed ${feedId}`,
        error_count: 0,
        next_check_at: 0,
        created_at: 0,
      } as never)
      .execute();
    await db
      .insertInto('subscriptions')
      .values({
        user_id: USER,
        feed_id: Number(feedId),
        category_id: categoryId,
        priority: 1,
        read_horizon: 0,
        unread_count: 0,
        created_at: 0,
      } as never)
      .execute();
  }
  for (const label of FIXTURE_LABELS)
    await db
      .insertInto('labels')
      .values({ ...label, user_id: USER } as never)
      .execute();
  const stored: SearchableEntry[] = [];
  for (const [i, e] of FIXTURE_ENTRIES.entries()) {
    const received = receivedAtOf(e.id);
    const result = await ingestEntries(db, {
      feedId: e.feedId,
      entries: [newEntryOf(e, `g${i}`)],
      now: received,
    });
    const id = result.insertedIds[0]!;
    assert.ok(id >= entryIdAt(received) && id < entryIdAt(received + 1));
    for (const labelId of e.labelIds)
      await db
        .insertInto('entry_labels')
        .values({ label_id: labelId, entry_id: id, user_id: USER })
        .execute();
    if (e.userChangedAt !== null)
      await db
        .insertInto('entry_states')
        .values({
          user_id: USER,
          entry_id: id,
          feed_id: e.feedId,
          read_override: 1,
          starred: 0,
          changed_at: e.userChangedAt,
        })
        .execute();
    stored.push({ ...e, id });
  }
  return stored;
}

async function sqlTitles(
  db: Kysely<Schema>,
  dialect: Dialect,
  query: string,
  entries: SearchableEntry[],
): Promise<string[]> {
  const node = resolveSearchNode(parseSearchQuery(query)!, fixtureContext);
  const where = searchCondition(node, { dialect, userId: USER, nowMs: FIXTURE_NOW });
  const { rows } = await sql<{ id: number }>`select e.id from entries e where ${where} order by e.id`.execute(
    db,
  );
  let ids = rows.map((r) => Number(r.id));
  if (searchNeedsProcessCheck(node, dialect)) {
    const byId = new Map(entries.map((e) => [e.id, e]));
    ids = ids.filter((id) => entryMatchesSearch(node, byId.get(id)!, FIXTURE_NOW));
  }
  return ids.map((id) => entries.find((e) => e.id === id)!.title);
}

function processTitles(query: string, entries: SearchableEntry[]): string[] {
  const node = resolveSearchNode(parseSearchQuery(query)!, fixtureContext);
  return entries.filter((e) => entryMatchesSearch(node, e, FIXTURE_NOW)).map((e) => e.title);
}

for (const kind of testDatabaseKinds()) {
  test(
    `${kind.name}: every search gives the same entries in SQL and in process`,
    { skip: kind.skip },
    async () => {
      const database = await kind.open();
      try {
        const entries = await storeFixtures(database.db);
        let nonEmpty = 0;
        const withDates = [
          'hello date:2014-02',
          'intitle:hello date:2014/2015',
          '(words !date:2014-03/P1W) date:2014',
        ];
        for (const query of [...FIXTURE_QUERIES, ...withDates]) {
          const expected = processTitles(query, entries);
          if (expected.length) nonEmpty++;
          assert.deepEqual(await sqlTitles(database.db, database.dialect, query, entries), expected, query);
        }
        assert.ok(nonEmpty > FIXTURE_QUERIES.length * 0.8, 'most fixture searches find something');
      } finally {
        await database.dispose();
      }
    },
  );

  if (kind.name === 'sqlite')
    test('sqlite: reading the full-text index first selects the same entries', async () => {
      const database = await kind.open();
      try {
        const entries = await storeFixtures(database.db);
        let driven = 0;
        const withDates = ['hello date:2014-02', 'intitle:hello date:2014/2015', 'words date:2014-03/P1W'];
        for (const query of [...FIXTURE_QUERIES, ...withDates]) {
          const node = resolveSearchNode(parseSearchQuery(query)!, fixtureContext);
          const driver = fullTextDriver(node, FIXTURE_NOW);
          if (!driver) continue;
          driven++;
          const rest = driver.rest
            ? searchCondition(driver.rest, { dialect: 'sqlite', userId: USER, nowMs: FIXTURE_NOW })
            : sql`1 = 1`;
          const { rows } = await sql<{ id: number }>`select e.id from entries_fts x cross join entries e
            where x.entries_fts match ${driver.match} and e.id = x.rowid and ${rest}
              and x.rowid >= ${driver.from ?? 0} and x.rowid < ${driver.to ?? Number.MAX_SAFE_INTEGER}
            order by x.rowid desc`.execute(database.db);
          let ids = rows.map((r) => Number(r.id));
          if (searchNeedsProcessCheck(node, 'sqlite')) {
            const byId = new Map(entries.map((e) => [e.id, e]));
            ids = ids.filter((id) => entryMatchesSearch(node, byId.get(id)!, FIXTURE_NOW));
          }
          const titles = ids.map((id) => entries.find((e) => e.id === id)!.title).reverse();
          assert.deepEqual(titles, await sqlTitles(database.db, 'sqlite', query, entries), query);
        }
        assert.ok(driven > 20, 'most fixture searches have words to drive from');
      } finally {
        await database.dispose();
      }
    });

  test(
    `${kind.name}: a regex sees the first ${REGEX_TEXT_LIMIT} characters of a value, in SQL as in process`,
    { skip: kind.skip },
    async () => {
      const database = await kind.open();
      try {
        const entries = await storeFixtures(database.db);
        // An emoji is one character (PostgreSQL's left()) but two UTF-16 units: the cut falls
        // after "nee" on every path. Long words, few of them: indexing 100,000 characters with an
        // emoji takes seconds when they are 33,000 words (Intl.Segmenter), and PostgreSQL's
        // tsvector refuses words over 2047 bytes.
        const filler = `${'x'.repeat(999)} `.repeat(99) + `${'x'.repeat(995)} `;
        assert.equal(filler.length, REGEX_TEXT_LIMIT - 4);
        const long: SearchableEntry = {
          ...FIXTURE_ENTRIES[0]!,
          title: 'Long read',
          content: `😀${filler}needle`,
          labelIds: [],
          userChangedAt: null,
        };
        const result = await ingestEntries(database.db, {
          feedId: long.feedId,
          entries: [newEntryOf(long, 'long')],
          now: FIXTURE_NOW,
        });
        entries.push({ ...long, id: result.insertedIds[0]! });
        for (const [query, expected] of [
          ['intext:/needle/', []],
          ['intext:/x nee$/', ['Long read']],
          ['/^..[x ]+nee$/', ['Long read']],
          ['!intext:/needle/ intitle:/^Long/', ['Long read']],
        ] as const) {
          assert.deepEqual(processTitles(query, entries), expected, query);
          assert.deepEqual(await sqlTitles(database.db, database.dialect, query, entries), expected, query);
        }
      } finally {
        await database.dispose();
      }
    },
  );

  test(
    `${kind.name}: a word of 3,000 characters and an entry of a megabyte of distinct words are stored and found`,
    { skip: kind.skip },
    async () => {
      const database = await kind.open();
      try {
        const entries = await storeFixtures(database.db);
        // PostgreSQL refuses lexemes over 2,047 bytes and tsvectors over 1 MB: either used to fail
        // the whole feed's ingest.
        const longWord = 'y'.repeat(3000);
        const blob = Array.from({ length: 70_000 }, (_, i) => `w${i}abcdefgh`).join(' ');
        assert.ok(blob.length > 1_000_000);
        const added: SearchableEntry[] = [
          { ...FIXTURE_ENTRIES[0]!, title: 'Encoded', content: `<p>start ${longWord} end</p>` },
          { ...FIXTURE_ENTRIES[0]!, title: 'Listing', content: `<pre>${blob}</pre>` },
        ].map((e) => ({ ...e, labelIds: [], userChangedAt: null }));
        for (const [i, e] of added.entries()) {
          const result = await ingestEntries(database.db, {
            feedId: e.feedId,
            entries: [newEntryOf(e, `big${i}`)],
            now: FIXTURE_NOW,
          });
          assert.equal(result.insertedIds.length, 1);
          entries.push({ ...e, id: result.insertedIds[0]! });
        }
        for (const [query, expected] of [
          ['start', ['Encoded']],
          [longWord, ['Encoded']],
          ['w1abcdefgh', ['Listing']],
        ] as const) {
          assert.deepEqual(processTitles(query, entries), expected, query);
          assert.deepEqual(await sqlTitles(database.db, database.dialect, query, entries), expected, query);
        }
      } finally {
        await database.dispose();
      }
    },
  );

  test(`${kind.name}: the index follows updates and purges`, { skip: kind.skip }, async () => {
    const database = await kind.open();
    try {
      const { db, dialect } = database;
      const entries = await storeFixtures(db);
      const dogs = entries.find((e) => e.title === 'Running dogs')!;
      assert.deepEqual(await sqlTitles(db, dialect, 'dog', entries), ['Running dogs']);
      // The feed changes the entry: the new words are found, the old ones no longer.
      const changed = { ...dogs, title: 'Sleeping cats', content: '<p>Cats asleep</p>' };
      const result = await ingestEntries(db, {
        feedId: dogs.feedId,
        entries: [newEntryOf(changed, `g${entries.indexOf(dogs)}`)],
        now: FIXTURE_NOW,
      });
      assert.equal(result.updated, 1);
      const after = entries.map((e) => (e.id === dogs.id ? changed : e));
      assert.deepEqual(await sqlTitles(db, dialect, 'dog', after), []);
      assert.deepEqual(await sqlTitles(db, dialect, 'cat', after), ['Sleeping cats']);
      // Purged entries leave the index.
      const table = dialect === 'sqlite' ? 'entries_fts' : 'entry_search';
      const count = async () =>
        Number(
          (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
        );
      assert.equal(await count(), entries.length);
      await purgeEntries(db, { feedId: dogs.feedId, ids: [dogs.id], now: FIXTURE_NOW });
      assert.equal(await count(), entries.length - 1);
      assert.deepEqual(await sqlTitles(db, dialect, 'cat', after), []);
    } finally {
      await database.dispose();
    }
  });
}
