// Compaction of the SQLite full-text index (compact-index.ts) on entries stored and purged
// through the real ingest path: searches find the same entries before and after, the FTS5
// shadow table shrinks, and a call stopped by its bounds is continued by the next one.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createLogger } from '../lib/logger.ts';
import type { NewEntry } from '../model/new-entry.ts';
import { purgeOnce } from '../refresh/maintenance.ts';
import { openDatabase, type Database } from '../storage/database.ts';
import { ingestEntries, purgeEntries } from '../storage/entries.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import { setRetentionPolicy } from '../storage/retention.ts';
import type { Schema } from '../storage/schema.ts';
import { subscribe } from '../storage/subscriptions.ts';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import { createUser } from '../storage/users.ts';
import { compactSearchIndex } from './compact-index.ts';
import { resolveSearchNode } from './evaluate-query.ts';
import { parseSearchQuery } from './parse-query.ts';
import { searchCondition } from './query-to-sql.ts';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const FEEDS = 4;
const PER_FEED = 600;
const BATCH = 100;

/** Letters for a number: unique words the tokenizer keeps whole. */
function letters(n: number): string {
  let s = '';
  do {
    s += String.fromCharCode(97 + (n % 26));
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/** Entry `i`'s own word. */
const own = (i: number) => `qq${letters(i)}`;

/**
 * Entry `i` (0-based over all feeds): filler words, its own word, and words set by `i`: copper
 * (i % 3 = 0), "silver lantern" (i % 7 = 0), lantern and silver apart (i % 7 = 3), falcon in
 * the title (i % 4 = 0).
 */
function entryOf(i: number): NewEntry {
  let seed = i * 7919 + 17;
  const filler: string[] = [];
  for (let k = 0; k < 80; k++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    filler.push(`zz${letters(seed % 3000)}`);
  }
  const words = [...filler.slice(0, 40), own(i)];
  if (i % 3 === 0) words.push('copper');
  if (i % 7 === 0) words.push('silver lantern');
  if (i % 7 === 3) words.push('lantern', ...filler.slice(40, 45), 'silver');
  words.push(...filler.slice(45));
  return {
    guidKey: `e${i}`,
    guid: `e${i}`,
    url: `https://example.org/${i}`,
    title: `Story ${i}${i % 4 === 0 ? ' falcon' : ''}`,
    authors: [],
    content: `<p>${words.join(' ')}</p>`,
    summary: '',
    publishedAt: null,
    updatedAt: null,
    dateAt: NOW,
    contentHash: `h${i}`,
    language: null,
    enclosures: [],
    categories: [],
    thumbnail: null,
  };
}

const QUERIES: [string, (i: number) => boolean][] = [
  ['copper', (i) => i % 3 === 0],
  ['"silver lantern"', (i) => i % 7 === 0],
  ['lantern', (i) => i % 7 === 0 || i % 7 === 3],
  ['intitle:falcon', (i) => i % 4 === 0],
  ['copper -lantern', (i) => i % 3 === 0 && i % 7 !== 0 && i % 7 !== 3],
  [own(7), (i) => i === 7],
  [own(10), (i) => i === 10],
];

interface Built {
  userId: number;
  feedIds: number[];
  /** Entry id of each `i`. */
  ids: number[];
}

async function build(db: Kysely<Schema>): Promise<Built> {
  const userId = (await createUser(db, { username: 'u', passwordHash: 'x', isAdmin: false, now: NOW })).id;
  const feedIds: number[] = [];
  for (let f = 0; f < FEEDS; f++) {
    const feed = await findOrCreateFeed(db, {
      url: `https://f${f}.example/feed`,
      options: {},
      userId,
      title: `F${f}`,
      now: NOW,
    });
    await subscribe(db, { userId, feedId: feed.id, categoryId: null, now: NOW });
    feedIds.push(feed.id);
  }
  const ids: number[] = [];
  // Feeds take turns, a batch each: the index gets a segment per ingest, as from a refresh.
  for (let start = 0; start < PER_FEED; start += BATCH) {
    for (let f = 0; f < FEEDS; f++) {
      const is = Array.from({ length: BATCH }, (_, k) => (start + k) * FEEDS + f);
      const result = await ingestEntries(db, {
        feedId: feedIds[f]!,
        entries: is.map(entryOf),
        now: NOW + (start * FEEDS + f) * 1000,
      });
      assert.equal(result.inserted, BATCH);
      is.forEach((i, k) => (ids[i] = result.insertedIds[k]!));
    }
  }
  return { userId, feedIds, ids };
}

/** Deletes every entry but one in five (i % 5 = 0 stay), a transaction per feed. */
async function deleteMost(db: Kysely<Schema>, built: Built): Promise<void> {
  for (let f = 0; f < FEEDS; f++) {
    const ids: number[] = [];
    for (let i = f; i < FEEDS * PER_FEED; i += FEEDS) if (i % 5 !== 0) ids.push(built.ids[i]!);
    await purgeEntries(db, { feedId: built.feedIds[f]!, ids, now: NOW });
  }
}

async function search(db: Kysely<Schema>, userId: number, query: string): Promise<number[]> {
  const node = resolveSearchNode(parseSearchQuery(query)!, { labels: [], savedQuery: () => null });
  const where = searchCondition(node, { dialect: 'sqlite', userId, nowMs: NOW });
  const { rows } = await sql<{ id: number }>`select e.id from entries e where ${where} order by e.id`.execute(
    db,
  );
  return rows.map((r) => Number(r.id));
}

async function searchAll(db: Kysely<Schema>, userId: number): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [query] of QUERIES) out[query] = await search(db, userId, query);
  return out;
}

/** What each query must find among the entries that stay. */
function expected(built: Built): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [query, matches] of QUERIES) {
    const ids: number[] = [];
    built.ids.forEach((id, i) => {
      if (i % 5 === 0 && matches(i)) ids.push(id);
    });
    out[query] = ids.sort((a, b) => a - b);
  }
  return out;
}

async function dataRows(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from entries_fts_data`.execute(db);
  return Number(rows[0]!.n);
}

/** True when a full merge finds nothing to do: the index is one segment. */
async function isOneSegment(db: Kysely<Schema>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changes = async () =>
      Number((await sql<{ n: number }>`select total_changes() as n`.execute(trx)).rows[0]!.n);
    const before = await changes();
    await sql`insert into entries_fts (entries_fts, rank) values ('merge', -1000)`.execute(trx);
    return (await changes()) - before < 2;
  });
}

const sqlite = testDatabaseKinds().find((k) => k.name === 'sqlite')!;

describe('search index compaction on sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'veille-compact-'));
  const template = join(dir, 'template.sqlite');
  let built: Built;
  const opened: Database[] = [];

  /** A database of its own with the built entries (a copy of the template). */
  async function openCopy(name: string): Promise<Database> {
    const file = join(dir, `${name}.sqlite`);
    copyFileSync(template, file);
    const database = await openDatabase(`sqlite:${file}`);
    opened.push(database);
    return database;
  }

  before(async () => {
    const database = await sqlite.open();
    try {
      built = await build(database.db);
      await sql`vacuum into ${template}`.execute(database.db);
    } finally {
      await database.dispose();
    }
  });

  after(async () => {
    for (const database of opened) await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('searches find the same entries after compaction, and the index shrinks', async () => {
    const { db } = await openCopy('same');
    const full = await dataRows(db);
    await deleteMost(db, built);
    const want = expected(built);
    const beforeCompaction = await searchAll(db, built.userId);
    assert.deepEqual(beforeCompaction, want);
    assert.ok(want['copper']!.length > 100 && want[own(10)]!.length === 1 && want[own(7)]!.length === 0);
    const garbage = await dataRows(db);

    const result = await compactSearchIndex(db, { pauseMs: 0 });
    assert.equal(result.done, true);
    assert.ok(result.steps > 1, `${result.steps} steps`);
    assert.deepEqual(await searchAll(db, built.userId), want);
    const compact = await dataRows(db);
    // A fifth of the entries stay: the index is about a fifth of the full one (deleted rows
    // left it as large as before, delete markers added).
    assert.ok(garbage >= full, `${garbage} rows after the deletions, ${full} before`);
    assert.ok(compact < full / 3, `${compact} rows compacted, ${full} with every entry`);
    assert.ok(await isOneSegment(db));

    const again = await compactSearchIndex(db, { pauseMs: 0 });
    assert.deepEqual([again.steps, again.done], [0, true], 'nothing left to do');
  });

  test('a call stopped by its bounds is continued by the next one', async () => {
    const oneGo = (await openCopy('one-go')).db;
    const inSteps = (await openCopy('in-steps')).db;
    for (const db of [oneGo, inSteps]) await deleteMost(db, built);
    assert.equal((await compactSearchIndex(oneGo, { pauseMs: 0 })).done, true);

    const first = await compactSearchIndex(inSteps, { stepPages: 4, maxSteps: 2, pauseMs: 0 });
    assert.deepEqual([first.steps, first.done], [2, false]);
    const partly = await dataRows(inSteps);
    // A refresh stores entries meanwhile: a new segment beside the merge under way.
    const feedId = built.feedIds[0]!;
    await ingestEntries(inSteps, { feedId, entries: [entryOf(100_001)], now: NOW + 3_600_000 });
    const byTime = await compactSearchIndex(inSteps, { maxMs: 0, pauseMs: 0 });
    assert.deepEqual([byTime.steps, byTime.done], [0, false], 'maxMs 0: no step');
    const rest = await compactSearchIndex(inSteps, { stepPages: 4, pauseMs: 0 });
    assert.equal(rest.done, true);
    assert.ok(rest.steps >= 1);

    const want = expected(built);
    assert.deepEqual(await searchAll(inSteps, built.userId), want);
    assert.equal((await search(inSteps, built.userId, own(100_001))).length, 1);
    const compact = await dataRows(inSteps);
    const reference = await dataRows(oneGo);
    assert.ok(compact < partly, `${compact} rows at the end, ${partly} after the first call`);
    // The same index but for the entry added and a half-filled page at most where each step
    // ended (each step flushes its last page).
    assert.ok(compact <= reference + rest.steps, `${compact} rows in steps, ${reference} in one go`);
    assert.ok(await isOneSegment(inSteps));
  });

  test('a purge that deletes entries compacts the index and logs it', async () => {
    const database = await openCopy('purge');
    const { db } = database;
    const full = await dataRows(db);
    await setRetentionPolicy(db, {
      scope: 'global',
      userId: null,
      scopeId: null,
      policy: { keepMax: PER_FEED / 5, keepMin: 0, keepDays: 3650 },
    });
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    const deleted = await purgeOnce({ database, log, now: () => NOW + 86_400_000 });
    assert.equal(deleted, (FEEDS * PER_FEED * 4) / 5);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const compacted = logged.find((l) => l.msg === 'search: index compacted');
    assert.ok(compacted, lines.join(''));
    assert.equal(compacted.done, true);
    assert.ok(Number(compacted.steps) > 1);
    assert.ok((await dataRows(db)) < full / 3);
    // The newest entries stay, the oldest went.
    const last = FEEDS * PER_FEED - 1;
    assert.deepEqual(await search(db, built.userId, own(last)), [built.ids[last]]);
    assert.deepEqual(await search(db, built.userId, own(0)), []);
  });
});

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres')!;

test(
  'nothing to compact on PostgreSQL (autovacuum cleans the GIN index)',
  { skip: postgres.skip },
  async () => {
    const database = await postgres.open();
    try {
      const result = await compactSearchIndex(database.db);
      assert.deepEqual([result.steps, result.done], [0, true]);
    } finally {
      await database.dispose();
    }
  },
);
