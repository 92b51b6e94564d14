// `npm run bench:api`: the app APIs over a large account, in-process (app.request, whole body
// read), on SQLite (and PostgreSQL when VEILLE_BENCH_DATABASE_URL is set):
//   stream/contents n=100 and n=1000, stream/items/ids of 10,000 and 100,000 unread ids,
//   Fever unread_item_ids (100,000), edit-tag of 1,000 ids, mark-all-as-read of 1,000,000 entries.
// p50/p95 latency (wall clock and the process's CPU time: on a shared machine the wall clock also
// counts waiting for a core) and peak extra RSS (sampled every 2 ms, above the RSS before the
// request).
//
//   npm run bench:api -- [--entries 1000000] [--feeds 1000] [--unread 100000] [--runs 20] [--markdown]
//                        [--reuse] [--only <regular expression on scenario names>]
// --reuse keeps the generated database (SQLite: /tmp/veille-api-bench/<entries>-<feeds>.sqlite;
// PostgreSQL: schema bench_api_<entries>_<feeds>) and uses it again on the next run instead of
// building it (a minute or more); --only runs the matching scenarios alone (for profiling).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { fetcherFor } from '../src/cli/app-context.ts';
import { configFromEnv } from '../src/config/config.ts';
import type { AppDeps } from '../src/http/app-env.ts';
import { createServer } from '../src/http/server.tsx';
import { createLogger } from '../src/lib/logger.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { setApiPassword } from '../src/storage/api-passwords.ts';
import { openDatabase, type Database } from '../src/storage/database.ts';
import { recountUnread } from '../src/storage/entries.ts';
import { createUser, userByName } from '../src/storage/users.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    unread: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    markdown: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const REUSE = args.reuse;
const ONLY = args.only ? new RegExp(args.only) : null;
const ENTRIES = Number(args.entries);
const FEEDS = Number(args.feeds);
const UNREAD = Number(args.unread);
const RUNS = Number(args.runs);
const BASE_ID = 1_700_000_000_000_000;

async function populate(database: Database, userId: number): Promise<void> {
  const db = database.db;
  const now = Date.now();
  for (let i = 1; i <= FEEDS; i++) {
    const feed = await db
      .insertInto('feeds')
      .values({
        url: `http://127.0.0.1:9/feed-${i}.xml`,
        fetch_key: '',
        owner_user_id: null,
        fetch_options: null,
        title: `Feed ${i}`,
        site_url: `http://127.0.0.1:9/${i}/`,
        description: null,
        language: null,
        icon_type: null,
        icon_data: null,
        icon_checked_at: null,
        etag: null,
        last_modified: null,
        body_hash: null,
        last_checked_at: now,
        last_status: null,
        last_error: null,
        last_error_code: null,
        error_count: 0,
        next_check_at: now + 86_400_000,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('subscriptions')
      .values({
        user_id: userId,
        feed_id: feed.id,
        category_id: null,
        title: null,
        priority: 1,
        read_horizon: 0,
        unread_count: 0,
        created_at: now,
      })
      .execute();
  }
  // Entries n = 1..ENTRIES, round-robin over the feeds, ids increasing with n.
  const content = '<p>' + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8) + '</p>';
  const step = 100_000;
  for (let from = 1; from <= ENTRIES; from += step) {
    const to = Math.min(ENTRIES, from + step - 1);
    await sql`
      insert into entries (id, feed_id, guid_key, guid, url, title, authors, content, summary,
        published_at, updated_at, date_at, content_hash, language, enclosures, categories, thumbnail)
      select ${BASE_ID}::bigint + n, 1 + (n % ${FEEDS}), 'id:' || n, 'g' || n, 'http://127.0.0.1:9/e/' || n,
        'Entry ' || n, '[{"name":"Ann"}]', ${content}, 'Lorem ipsum', ${now}::bigint - n, null, ${now}::bigint - n,
        'h' || n, 'en', '[]', '[]', null
      from generate_series(${from}::int, ${to}::int) as g(n)`
      .execute(db)
      .catch(async (err: unknown) => {
        if (database.dialect === 'postgres') throw err;
        // SQLite has no generate_series without the extension: a recursive CTE instead.
        await sql`
          insert into entries (id, feed_id, guid_key, guid, url, title, authors, content, summary,
            published_at, updated_at, date_at, content_hash, language, enclosures, categories, thumbnail)
          with recursive seq(n) as (select ${from} union all select n + 1 from seq where n < ${to})
          select ${BASE_ID} + n, 1 + (n % ${FEEDS}), 'id:' || n, 'g' || n, 'http://127.0.0.1:9/e/' || n,
            'Entry ' || n, '[{"name":"Ann"}]', ${content}, 'Lorem ipsum', ${now} - n, null, ${now} - n,
            'h' || n, 'en', '[]', '[]', null
          from seq`.execute(db);
      });
  }
  await db
    .updateTable('entry_id_clock')
    .set({ last_id: BASE_ID + ENTRIES })
    .where('id', '=', 1)
    .execute();
  if (database.dialect === 'sqlite') await sql`analyze`.execute(db);
  else await sql`analyze`.execute(db);
}

/** Horizon at BASE_ID + ENTRIES - UNREAD: the newest UNREAD entries are unread. */
async function resetState(database: Database, horizon: number): Promise<void> {
  const db = database.db;
  await db.deleteFrom('entry_states').execute();
  await db.deleteFrom('read_horizon_log').execute();
  await db.updateTable('subscriptions').set({ read_horizon: horizon }).execute();
  const subs = await db.selectFrom('subscriptions').select('id').execute();
  for (const s of subs) await recountUnread(db, s.id);
  // Each reset rewrites every subscription row twice: without a vacuum (autovacuum may be off on
  // a test server, and is not this fast anyway) PostgreSQL's subscriptions table bloats run after
  // run (69,000 dead rows for 1,000 live ones seen), and the mark-all's UPDATE then scans it all.
  if (database.dialect === 'postgres')
    await sql`vacuum (analyze) subscriptions, entry_states, read_horizon_log`.execute(db);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  name: string;
  p50: number;
  p95: number;
  cpu50: number;
  cpu95: number;
  peakMb: number;
  bytes: number;
}

async function measure(
  name: string,
  runs: number,
  prepare: (() => Promise<void>) | null,
  run: () => Promise<number>,
): Promise<Row | null> {
  if (ONLY !== null && !ONLY.test(name)) return null;
  const times: number[] = [];
  const cpus: number[] = [];
  let peak = 0;
  let bytes = 0;
  await run(); // warm-up
  for (let i = 0; i < runs; i++) {
    if (prepare) await prepare();
    global.gc?.();
    const base = process.memoryUsage().rss;
    let top = base;
    const timer = setInterval(() => {
      top = Math.max(top, process.memoryUsage().rss);
    }, 2);
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    bytes = await run();
    times.push(performance.now() - start);
    const cpu = process.cpuUsage(cpu0);
    cpus.push((cpu.user + cpu.system) / 1000);
    clearInterval(timer);
    top = Math.max(top, process.memoryUsage().rss);
    peak = Math.max(peak, top - base);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    cpu50: percentile(cpus, 50),
    cpu95: percentile(cpus, 95),
    peakMb: peak / 1048576,
    bytes,
  };
}

async function benchDatabase(url: string, label: string): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-api-bench-'));
  const config = configFromEnv({
    VEILLE_DATA_DIR: dir,
    VEILLE_LOG_LEVEL: 'silent',
    VEILLE_DATABASE_URL: url,
  });
  const schema = REUSE ? `bench_api_${ENTRIES}_${FEEDS}` : `bench_api_${process.pid}`;
  const database = await openDatabase(config.databaseUrl, url.startsWith('postgres') ? { schema } : {});
  const fetcher = fetcherFor(config);
  try {
    const t0 = performance.now();
    let user = REUSE ? await userByName(database.db, 'bench') : undefined;
    const reused = user !== undefined;
    if (reused) {
      // populate() sets the clock last: anything else is a build that was interrupted.
      const clock = await database.db
        .selectFrom('entry_id_clock')
        .select('last_id')
        .where('id', '=', 1)
        .executeTakeFirst();
      if (Number(clock?.last_id) !== BASE_ID + ENTRIES)
        throw new Error(`${label}: the kept database is incomplete; delete it (${url}) and run again`);
    }
    if (!user) {
      user = await createUser(database.db, {
        username: 'bench',
        passwordHash: await hashPassword('bench-login'),
        isAdmin: true,
        now: Date.now(),
      });
      await setApiPassword(database.db, {
        userId: user.id,
        passwordHash: await hashPassword('bench-api-password'),
        feverApiKey: createHash('md5').update('bench:bench-api-password').digest('hex'),
        now: Date.now(),
      });
      await populate(database, user.id);
    }
    const horizon = BASE_ID + ENTRIES - UNREAD;
    await resetState(database, horizon);
    process.stderr.write(
      `${label}: ${ENTRIES} entries in ${FEEDS} feeds ${reused ? 'reused' : 'built'}, ready in ${Math.round(performance.now() - t0)} ms\n`,
    );

    const deps: AppDeps = {
      database,
      config,
      fetcher,
      log: createLogger('silent'),
      now: () => Date.now(),
      setupCode: { value: null },
      refreshFeedIds: async () => ({}) as never,
    };
    const app = createServer(deps);
    const login = await app.request('http://localhost/accounts/ClientLogin', {
      method: 'POST',
      body: new URLSearchParams({ Email: 'bench', Passwd: 'bench-api-password' }),
    });
    const token = (await login.text()).split('\n')[2]!.slice(5);
    const headers = { authorization: `GoogleLogin auth=${token}` };
    const get = async (path: string) => {
      const res = await app.request(`http://localhost/reader/api/0/${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };
    const post = async (path: string, body: string, base = 'http://localhost/reader/api/0/') => {
      const res = await app.request(`${base}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };
    const RL = 'user/-/state/com.google/reading-list';
    const READ = 'user/-/state/com.google/read';
    const rows: (Row | null)[] = [];
    rows.push(await measure('stream/contents n=100', RUNS, null, () => get(`stream/contents?n=100`)));
    rows.push(
      await measure('stream/contents n=1000', Math.max(5, RUNS / 4), null, () =>
        get(`stream/contents?n=1000`),
      ),
    );
    rows.push(
      await measure('stream/items/ids n=10,000 (unread)', RUNS, null, () =>
        get(`stream/items/ids?s=${RL}&xt=${READ}&n=10000`),
      ),
    );
    rows.push(
      await measure(`stream/items/ids n=100,000 (${UNREAD} unread)`, Math.max(5, RUNS / 4), null, () =>
        get(`stream/items/ids?s=${RL}&xt=${READ}&n=100000`),
      ),
    );
    const key = createHash('md5').update('bench:bench-api-password').digest('hex');
    rows.push(
      await measure(`Fever unread_item_ids (${UNREAD})`, Math.max(5, RUNS / 4), null, () =>
        post('', `api_key=${key}`, 'http://localhost/api/fever.php?api&unread_item_ids'),
      ),
    );
    const ids = Array.from({ length: 1000 }, (_, i) => BASE_ID + ENTRIES - i * 7);
    const idsBody = ids.map((i) => `i=${i}`).join('&');
    let add = true;
    rows.push(
      await measure('edit-tag 1,000 ids (read/unread)', Math.max(5, RUNS / 2), null, () => {
        const body = `${idsBody}&${add ? 'a' : 'r'}=${READ}`;
        add = !add;
        return post('edit-tag', body);
      }),
    );
    rows.push(
      await measure(
        `mark-all-as-read of ${ENTRIES.toLocaleString('en')} unread`,
        Math.max(5, RUNS / 2),
        () => resetState(database, 0),
        () => post('mark-all-as-read', `s=${RL}`),
      ),
    );
    return rows.filter((r) => r !== null).map((r) => ({ ...r, name: `${label}: ${r.name}` }));
  } finally {
    await fetcher.close();
    if (database.dialect === 'postgres' && !REUSE)
      await sql`drop schema if exists ${sql.raw(schema)} cascade`.execute(database.db);
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadAverage = () => {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
};
const load0 = loadAverage();
const results: Row[] = [];
const sqliteFile = REUSE
  ? join(tmpdir(), 'veille-api-bench', `${ENTRIES}-${FEEDS}.sqlite`)
  : join(mkdtempSync(join(tmpdir(), 'veille-api-db-')), 'bench.sqlite');
if (REUSE && existsSync(sqliteFile)) process.stderr.write(`reusing ${sqliteFile}\n`);
try {
  results.push(...(await benchDatabase(`sqlite:${sqliteFile}`, 'SQLite')));
} finally {
  if (!REUSE) rmSync(dirname(sqliteFile), { recursive: true, force: true });
}
const pgUrl = process.env.VEILLE_BENCH_DATABASE_URL;
if (pgUrl) results.push(...(await benchDatabase(pgUrl, 'PostgreSQL')));

const lines = [
  `${ENTRIES} entries in ${FEEDS} feeds, ${UNREAD} unread; load average ${load0} at the start, ${loadAverage()} at the end (${cpus().length} CPUs)`,
  '',
  '| scenario | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | peak extra RSS MB | body |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.cpu50.toFixed(1)} | ${r.cpu95.toFixed(1)} | ${r.peakMb.toFixed(1)} | ${(r.bytes / 1024).toFixed(0)} KiB |`,
  ),
];
process.stdout.write(lines.join('\n') + '\n');
