// `npm run bench:search`: searches over a generated database of 1,000,000 entries (French and
// English articles with realistic word frequencies, bench/bench-text.ts, over ~2 years) through
// the code the stream page runs for a search: parse → resolve → entriesForStream (the first page,
// 31 rows) and streamSearchCount (the result count, capped at 1,001). Each search: one warm-up,
// then --runs runs; p50 / p95 of page + count, and of each part.
//
//   npm run bench:search -- [--db sqlite|pg] [--entries N] [--feeds F] [--runs R] [--fresh] [--markdown]
//
// The databases are generated once and kept (keyed by size): SQLite in
// /tmp/veille-bench-search-<entries>-<feeds>.sqlite, PostgreSQL in the schema
// bench_search_<entries>_<feeds> of VEILLE_BENCH_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), copied from the SQLite file. The search index is
// filled with the rows an ingest writes (searchIndexValues, writeSearchIndexValues), in
// transactions of 10,000 entries: one transaction of a million grows a WAL of gigabytes that
// every page read then searches (SQLite), and takes hours. SQLite: FTS5's merging is off while
// it fills (see sqliteData). A run stopped while indexing goes on where it stopped.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { entryMatchesSearch, resolveSearchNode } from '../src/search/evaluate-query.ts';
import { parseSearchQuery } from '../src/search/parse-query.ts';
import { searchIndexValues, writeSearchIndexValues } from '../src/search/search-index.ts';
import { openDatabase, type Database } from '../src/storage/database.ts';
import { entriesForStream, streamSearchCount } from '../src/storage/streams.ts';
import { tailWord } from './bench-text.ts';
import { generatePagesData } from './pages-data.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '20' },
    fresh: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const entries = Number(args.entries);
const feeds = Number(args.feeds);
const runs = Math.max(1, Number(args.runs));
const kind = args.db === 'pg' || args.db === 'postgres' ? 'postgres' : 'sqlite';
const file = join(tmpdir(), `veille-bench-search-${entries}-${feeds}.sqlite`);
const indexedMarker = `${file}.indexed`;
const generatedMarker = `${file}.generated`;
const pgUrl = process.env.VEILLE_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgSchema = `bench_search_${entries}_${feeds}`;
/** One entry a minute: a million entries span about two years. */
const STEP_MS = 60_000;
const PAGE_ROWS = 31;
const COUNT_CAP = 1001;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timedStep<T>(label: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  out(
    `${label}: ${((performance.now() - start) / 1000).toFixed(1)} s (CPU ${((used.user + used.system) / 1e6).toFixed(1)} s)`,
  );
  return result;
}

/**
 * Fills the search index of every entry, 10,000 entries per transaction, after the entries
 * already indexed (a run stopped while indexing goes on where it stopped: the index is written in
 * id order, one transaction per batch). Prints the rate every 100,000 entries.
 */
async function indexInBatches(database: Database): Promise<void> {
  const postgres = database.dialect === 'postgres';
  const done = postgres
    ? null
    : (await sql<{ last: number | null }>`select max(rowid) as last from entries_fts`.execute(database.db))
        .rows[0]?.last;
  let after = done ?? -1;
  if (done !== null && done !== undefined) out(`data: index resumed after entry ${done}`);
  let indexed = 0;
  let start = performance.now();
  let cpu = process.cpuUsage();
  for (;;) {
    const rows = await database.db
      .selectFrom('entries')
      .select(['id', 'title', 'content', 'url', 'authors', 'categories', 'language'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(10_000)
      .execute();
    if (rows.length === 0) return;
    const values = rows.map((row) => ({ id: row.id, values: searchIndexValues(row, postgres) }));
    await database.db.transaction().execute((trx) => writeSearchIndexValues(trx, values, false));
    after = rows.at(-1)!.id;
    indexed += rows.length;
    if (indexed % 100_000 === 0) {
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      out(
        `  ${indexed} entries indexed: ${(100_000 / seconds).toFixed(0)} entries/s ` +
          `(${(((used.user + used.system) / 1e6 / 100_000) * 1e6).toFixed(0)} µs CPU each; load ${loadavg()[0]!.toFixed(1)})`,
      );
      start = performance.now();
      cpu = process.cpuUsage();
    }
  }
}

/**
 * The SQLite database, generated once; its search index filled once when `index` (PostgreSQL
 * copies the entries only).
 */
async function sqliteData(index: boolean): Promise<void> {
  if (args.fresh) for (const f of [file, indexedMarker, generatedMarker]) rmSync(f, { force: true });
  const indexed = existsSync(indexedMarker);
  // The entries are kept once generated, also when indexing stopped half-way.
  const reuse = indexed || (existsSync(generatedMarker) && existsSync(file));
  const data = await timedStep(reuse ? 'data (cached)' : 'data: entries generated', () =>
    generatePagesData({ file, feeds, entries, now: Date.now(), reuse, text: 'varied', stepMs: STEP_MS }),
  );
  if (data.entries !== entries) throw new Error(`bench: ${file} has ${data.entries} entries`);
  if (!reuse) writeFileSync(generatedMarker, new Date().toISOString());
  if (indexed || !index) return;
  const database = await openDatabase('sqlite:' + file);
  try {
    // A bulk load: FTS5's merging (automerge, and crisismerge at 16 segments of a level) is off
    // while the batches go in (each leaves a segment): merging as it goes rewrote ever larger
    // segments inside the batches' transactions (CPU per entry grew from 140 to 990 µs over
    // 600,000 entries). Both settings are then back at their defaults (4 and 16), as for the
    // ingest, and the index is searched as the batches left it (an 'optimize' of the million
    // had not ended after 10 minutes). A 512 MB page cache keeps the pages being written in memory.
    await sql`pragma cache_size = -512000`.execute(database.db);
    await sql`insert into entries_fts (entries_fts, rank) values ('automerge', 0)`.execute(database.db);
    await sql`insert into entries_fts (entries_fts, rank) values ('crisismerge', 1000)`.execute(database.db);
    await timedStep('data: search index filled (SQLite)', () => indexInBatches(database));
    await sql`insert into entries_fts (entries_fts, rank) values ('automerge', 4)`.execute(database.db);
    await sql`insert into entries_fts (entries_fts, rank) values ('crisismerge', 16)`.execute(database.db);
    await sql`pragma wal_checkpoint(truncate)`.execute(database.db);
    await sql`analyze`.execute(database.db);
  } finally {
    await database.close();
  }
  writeFileSync(indexedMarker, new Date().toISOString());
}

/** The PostgreSQL schema, copied from the SQLite file and indexed once. */
async function postgresData(): Promise<void> {
  let copiedBefore: boolean;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    if (args.fresh) await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    const ready = await client.query(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'bench_ready'`,
      [pgSchema],
    );
    if (ready.rowCount) {
      out(`data (cached): schema ${pgSchema}`);
      return;
    }
    // The entries may have been copied by an earlier run that stopped while indexing.
    const copied = await client.query(
      `select 1 from information_schema.tables where table_schema = $1 and table_name = 'bench_copied'`,
      [pgSchema],
    );
    if (!copied.rowCount) await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    else out(`data (cached): entries in ${pgSchema}`);
    copiedBefore = copied.rowCount !== 0;
  } finally {
    await client.end();
  }
  const database = await openDatabase(pgUrl, { schema: pgSchema });
  const raw = new BetterSqlite3(file, { readonly: true });
  const copy = new pg.Client({ connectionString: pgUrl, options: `-c search_path=${pgSchema}` });
  await copy.connect();
  try {
    if (!copiedBefore)
      await timedStep('data: copied to PostgreSQL', async () => {
        await copy.query('begin');
        for (const table of ['users', 'categories', 'feeds', 'subscriptions', 'entries', 'entry_id_clock']) {
          if (table === 'entry_id_clock') await copy.query('delete from entry_id_clock');
          const iterator = raw.prepare(`select * from ${table} order by rowid`).iterate() as IterableIterator<
            Record<string, unknown>
          >;
          let batch: Record<string, unknown>[] = [];
          const flush = async () => {
            if (batch.length === 0) return;
            const columns = Object.keys(batch[0]!);
            const params: unknown[] = [];
            const tuples = batch.map((row) => {
              const marks = columns.map((c) => {
                params.push(row[c]);
                return `$${params.length}`;
              });
              return `(${marks.join(', ')})`;
            });
            await copy.query(
              `insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values ${tuples.join(', ')}`,
              params,
            );
            batch = [];
          };
          for (const row of iterator) {
            batch.push(row);
            if (batch.length === 1000) await flush();
          }
          await flush();
          if (table !== 'entries' && table !== 'entry_id_clock')
            await copy.query(
              `select setval(pg_get_serial_sequence('${table}', 'id'), (select coalesce(max(id), 1) from ${table}))`,
            );
        }
        await copy.query('create table bench_copied (at text)');
        await copy.query('commit');
      });
    // Statistics before indexing: without them the foreign key checks of entry_search plan a
    // sequential scan of entries (quadratic over a million rows).
    await timedStep('data: analyze', () => copy.query('analyze'));
    await copy.query('truncate entry_search');
    await copy.query('drop index if exists entry_search_tsv');
    // The GIN index (dropped above) is built once at the end (what CREATE INDEX on a filled
    // table does), not row by row: the same index, far faster to make.
    await timedStep('data: search index filled (PostgreSQL)', () => indexInBatches(database));
    await timedStep('data: GIN index built', async () => {
      await copy.query(`set maintenance_work_mem = '512MB'`);
      await copy.query('create index entry_search_tsv on entry_search using gin (tsv)');
    });
    await timedStep('data: vacuum analyze', () => copy.query('vacuum analyze'));
    await copy.query('create table bench_ready (at text)');
  } finally {
    raw.close();
    await copy.end();
    await database.close();
  }
}

interface Scenario {
  name: string;
  query: string;
  target: number | null;
}

const SCENARIOS: Scenario[] = [
  // An invented word of rank 300,000: in about 15 articles of a million.
  { name: 'rare word', query: tailWord(300_000), target: 50 },
  { name: 'common word', query: 'version', target: 100 },
  { name: 'phrase', query: '"open source software"', target: 50 },
  { name: 'no match', query: 'zzyzxq', target: 50 },
  { name: 'intitle: + date:P1M', query: 'intitle:sécurité date:P1M', target: 50 },
  { name: 'regex', query: 'intitle:/version \\d+\\.1\\d/i', target: null },
];

interface Result {
  scenario: Scenario;
  count: number;
  rows: number;
  p50: number;
  p95: number;
  pageP95: number;
  countP95: number;
  cpuMsPerRun: number;
}

async function measure(database: Database, userId: number, scenario: Scenario): Promise<Result> {
  const db = database.db;
  const labels = await db.selectFrom('labels').select(['id', 'name']).where('user_id', '=', userId).execute();
  const run = async () => {
    const now = Date.now();
    const node = resolveSearchNode(parseSearchQuery(scenario.query)!, { labels, savedQuery: () => null });
    const t0 = performance.now();
    const rows = await entriesForStream(db, {
      userId,
      stream: { kind: 'main' },
      state: 'all',
      search: node,
      now,
      limit: PAGE_ROWS,
    });
    const t1 = performance.now();
    const count = await streamSearchCount(db, {
      userId,
      stream: { kind: 'main' },
      state: 'all',
      search: node,
      now,
      cap: COUNT_CAP,
    });
    const t2 = performance.now();
    return { rows, count, page: t1 - t0, counting: t2 - t1, total: t2 - t0 };
  };
  const first = await run();
  // The first page must be what the search means (the bench measures correct answers only).
  const node = resolveSearchNode(parseSearchQuery(scenario.query)!, { labels, savedQuery: () => null });
  for (const r of first.rows) {
    const ok = entryMatchesSearch(
      node,
      {
        id: r.id,
        feedId: r.feedId,
        categoryId: null,
        title: r.title,
        content: r.content,
        url: r.url,
        authors: r.authors.map((a) => a.name ?? ''),
        tags: r.categories,
        labelIds: [],
        language: r.language,
        publishedAt: r.dateAt,
        modifiedAt: null,
        userChangedAt: null,
      },
      Date.now(),
    );
    if (!ok) throw new Error(`bench: "${scenario.query}" returned entry ${r.id} that does not match`);
  }
  const totals: number[] = [];
  const pages: number[] = [];
  const counts: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const r = await run();
    totals.push(r.total);
    pages.push(r.page);
    counts.push(r.counting);
  }
  const used = process.cpuUsage(cpu);
  for (const list of [totals, pages, counts]) list.sort((a, b) => a - b);
  return {
    scenario,
    count: first.count,
    rows: first.rows.length,
    p50: percentile(totals, 50),
    p95: percentile(totals, 95),
    pageP95: percentile(pages, 95),
    countP95: percentile(counts, 95),
    cpuMsPerRun: (used.user + used.system) / 1000 / runs,
  };
}

out(`bench:search — ${kind}, ${entries} entries, ${feeds} feeds, ${runs} runs; ${cpus().length} CPUs`);
await sqliteData(kind === 'sqlite');
if (kind === 'postgres') await postgresData();
const database =
  kind === 'postgres'
    ? await openDatabase(pgUrl, { schema: pgSchema })
    : await openDatabase('sqlite:' + file);
try {
  const user = await database.db.selectFrom('users').select('id').orderBy('id').executeTakeFirstOrThrow();
  const results: Result[] = [];
  const chosen = args.only ? SCENARIOS.filter((s) => s.name.includes(args.only!)) : SCENARIOS;
  for (const scenario of chosen) {
    const r = await measure(database, user.id, scenario);
    results.push(r);
    if (!args.markdown)
      out(
        `${scenario.name.padEnd(20)} ${scenario.query.padEnd(32)} results ${String(r.count === COUNT_CAP ? '1,000+' : r.count).padStart(6)}  ` +
          `p50 ${r.p50.toFixed(1).padStart(7)} ms  p95 ${r.p95.toFixed(1).padStart(7)} ms  ` +
          `(page p95 ${r.pageP95.toFixed(1)}, count p95 ${r.countP95.toFixed(1)}; CPU ${r.cpuMsPerRun.toFixed(1)} ms/run)` +
          (scenario.target === null
            ? ''
            : r.p95 <= scenario.target
              ? '  ok'
              : `  MISSED (target ${scenario.target})`),
      );
  }
  if (args.markdown) {
    out(
      `| Search | Query | Results | p50 (ms) | p95 (ms) | page p95 | count p95 | CPU ms/run | Target p95 |`,
    );
    out('| --- | --- | --: | --: | --: | --: | --: | --: | --: |');
    for (const r of results)
      out(
        `| ${r.scenario.name} | \`${r.scenario.query}\` | ${r.count === COUNT_CAP ? '1,000+' : r.count} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.pageP95.toFixed(1)} | ${r.countP95.toFixed(1)} | ${r.cpuMsPerRun.toFixed(1)} | ${r.scenario.target === null ? '—' : `≤ ${r.scenario.target}`} |`,
      );
  }
  out(
    `load average: ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await database.close();
}
