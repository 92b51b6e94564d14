// `npm run bench:statistics`: the statistics pages on 1,000,000 entries over 1,000 feeds, one
// user. SQLite: the database of `npm run bench:pages` (bench/pages-data.ts; 1M entries received
// one every 3 s, so ~865,000 fall in the last 30 days: the per-day grouping's worst case).
// PostgreSQL (--postgres URL): the same shape, generated with generate_series in a fresh schema
// (small bodies: only index entries are read). Prints, per query and for the whole pages
// (in-process app.request: session, SQL, JSX), p50 / p95 over R runs, and the process CPU time.
//
//   npm run bench:statistics -- [--entries N] [--feeds F] [--runs R] [--reuse] [--postgres URL]
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { configFromEnv } from '../src/config/config.ts';
import type { AppDeps } from '../src/http/app-env.ts';
import { createServer } from '../src/http/server.tsx';
import { createLogger } from '../src/lib/logger.ts';
import type { Fetcher } from '../src/reader/fetch/create-fetcher.ts';
import { openDatabase, type Database } from '../src/storage/database.ts';
import { entryIdAt } from '../src/storage/entries.ts';
import { createSession } from '../src/storage/sessions.ts';
import { lastLocalDays, localClock, localDayStarts } from '../src/model/statistics.ts';
import {
  datedPerQuarter,
  lastEntryDatePerFeed,
  receivedCountsPerFeed,
  starredEntryCount,
} from '../src/storage/statistics.ts';
import { createUser } from '../src/storage/users.ts';
import { generatePagesData } from './pages-data.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '20' },
    reuse: { type: 'boolean', default: false },
    postgres: { type: 'string' },
    /** PostgreSQL: keep the generated schema (its name is printed) to look at query plans. */
    keep: { type: 'boolean', default: false },
  },
});
const entries = Number(args.entries);
const feeds = Number(args.feeds);
const runs = Number(args.runs);
const DAY = 86_400_000;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** The bench:pages shape in PostgreSQL, in one INSERT … SELECT per table. */
async function fillPostgres(
  url: string,
): Promise<{ database: Database; userId: number; dispose(): Promise<void> }> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase(url, { schema });
  const dispose = async () => {
    await database.close();
    if (args.keep) return out(`kept schema ${schema}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  try {
    return { database, userId: await fillPostgresSchema(database), dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function fillPostgresSchema(database: Database): Promise<number> {
  const db = database.db;
  const now = Date.now();
  const userId = (
    await createUser(db, { username: 'bench', passwordHash: 'x', isAdmin: true, language: 'fr', now })
  ).id;
  await db.updateTable('users').set({ timezone: 'Europe/Paris' }).where('id', '=', userId).execute();
  await sql`insert into categories (user_id, name, position)
    select ${userId}, 'Catégorie ' || c, c from generate_series(1, 20) c`.execute(db);
  await sql`insert into feeds (url, fetch_key, title, error_count, next_check_at, created_at)
    select 'https://bench.example/feed/' || f, '', 'Flux ' || f, 0, ${now}, ${now} from generate_series(1, ${feeds}) f`.execute(
    db,
  );
  await sql`insert into subscriptions (user_id, feed_id, category_id, priority, read_horizon, unread_count, created_at)
    select ${userId}, f.id, (select min(id) from categories) + (f.id % 20), 1, 0, 0, ${now} from feeds f`.execute(
    db,
  );
  const lastId = entryIdAt(now);
  const step = 3_000_000;
  await sql`insert into entries (id, feed_id, guid_key, guid, url, title, authors, content, summary, published_at,
      updated_at, date_at, content_hash, language, enclosures, categories)
    select ${lastId} - (${entries} - 1 - i) * ${step}::bigint, (select min(id) from feeds) + (i % ${feeds}),
      'id:' || i, i::text, null, 'Article ' || i, '[]', '<p>x</p>', 'x',
      (${lastId} - (${entries} - 1 - i) * ${step}::bigint) / 1000 - (i * 7919) % 3600000, null,
      (${lastId} - (${entries} - 1 - i) * ${step}::bigint) / 1000 - (i * 7919) % 3600000, i::text, 'fr', '[]', '[]'
    from generate_series(0::bigint, ${entries} - 1) i`.execute(db);
  await sql`update entry_id_clock set last_id = ${lastId}`.execute(db);
  await sql`update subscriptions s set unread_count = (select count(*) from entries e where e.feed_id = s.feed_id)`.execute(
    db,
  );
  await sql`analyze`.execute(db);
  return userId;
}

const t0 = performance.now();
let database: Database;
let userId: number;
let dispose = async () => {};
if (args.postgres) {
  const filled = await fillPostgres(args.postgres);
  ({ database, userId } = filled);
  dispose = filled.dispose;
} else {
  const file = join(tmpdir(), `veille-bench-pages-${entries}-${feeds}.sqlite`);
  const data = await generatePagesData({ file, feeds, entries, now: Date.now(), reuse: args.reuse });
  database = await openDatabase('sqlite:' + file);
  userId = data.userId;
}
const db = database.db;
out(
  `data: ${database.dialect}, ${entries} entries, ${feeds} feeds, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

async function measure(label: string, run: () => Promise<unknown>): Promise<void> {
  await run();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  out(
    `| ${label} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${((cpu.user + cpu.system) / 1000 / runs).toFixed(1)} |`,
  );
}

const now = Date.now();
const clock = localClock('Europe/Paris');
const dayBounds = localDayStarts(clock, lastLocalDays(clock, now, 30)).map(entryIdAt);
const config = configFromEnv({ VEILLE_DATA_DIR: tmpdir(), VEILLE_LOG_LEVEL: 'silent' });
const deps: AppDeps = {
  database,
  config,
  fetcher: { close: async () => {} } as unknown as Fetcher,
  log: createLogger('silent'),
  now: () => Date.now(),
  setupCode: { value: null },
  refreshFeedIds: async () => ({}) as never,
};
const app = createServer(deps);
const { token } = await createSession(db, { userId, now, lifetimeMs: DAY, userAgent: 'bench' });
const page = (path: string) => async () => {
  const res = await app.request(path, {
    headers: { cookie: `veille_session=${token}`, accept: 'text/html' },
  });
  await res.text();
  if (res.status !== 200) throw new Error(`bench: ${path} answered ${res.status}`);
};

out(
  `runs: ${runs}; load average before: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
out('| Query or page | p50 (ms) | p95 (ms) | CPU per run (ms) |');
out('| --- | --: | --: | --: |');
await measure('entries per feed: before, and on each of the last 30 days (one pass)', () =>
  receivedCountsPerFeed(db, userId, dayBounds),
);
for (const days of [1, 3, 30])
  await measure(`entries dated per quarter-hour, last ${days} day(s)`, () =>
    datedPerQuarter(db, userId, now - days * DAY),
  );
await measure('favourites', () => starredEntryCount(db, userId));
await measure('latest entry date per feed (idle feeds)', () => lastEntryDatePerFeed(db, userId));
await measure('GET /statistics (whole page)', page('/statistics'));
await measure('GET /statistics/idle (whole page)', page('/statistics/idle'));
out(
  `load average after: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
await dispose();
if (!args.postgres) await database.close();
