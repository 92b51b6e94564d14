// `npm run bench:load`: simulated readers against a generated database (bench/pages-data.ts:
// 1,000,000 entries over 1,000 feeds by default), over real HTTP on 127.0.0.1, while a refresh
// runs — deployed as an operator would: `veille serve --no-refresh` web process(es) and one
// `veille worker` process sharing the database (SQLite file, or PostgreSQL with --db postgres and
// VEILLE_BENCH_DATABASE_URL; README "Scale out"), the feeds served by bench/refresh-farm.ts.
//
//   npm run bench:load -- [--db sqlite|postgres] [--readers 100] [--seconds 60] [--think 1000-3000]
//     [--closed-seconds 20] [--web 1] [--refresh worker|serve|none] [--entries N] [--feeds F]
//     [--file PATH] [--reuse] [--node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]
//
// --refresh worker (default): the web processes run `serve --no-refresh` and one `veille worker`
// refreshes; serve: the web processes run plain `veille serve`, whose own loop refreshes (the
// single-process SQLite deployment); none: no refresh. --node-args go to the web processes.
//
// Each reader is a person at a browser: it opens a stream page (the main stream, a category or a
// feed, in turn), sometimes the next page ("load more"), opens an article (the POST that marks it
// read, as the client sends it when an article is opened), now and then marks a feed read (POST,
// then the page it redirects to), and polls /unread-counts every 120 s as an open tab does. It
// pauses between actions for a random think time, uniform in --think (ms; default 1–3 s: reading
// a list, opening an article, scrolling). The offered load is therefore about readers / mean think
// time requests per second; it is printed with what was served. A second phase runs the same
// readers without any pause (closed loop, --closed-seconds) for the capacity figure.
//
// Meanwhile every feed is made due again as soon as the previous round is refreshed (two new
// items per feed and round), so the worker refreshes without pause. Reported per phase: requests
// and requests/s, p50/p95/p99 per kind, errors, CPU seconds of each process (/proc), the machine's
// load average; at the end every maintained unread count is compared with a recount.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Agent, request } from 'undici';
import { openDatabase, type Database } from '../src/storage/database.ts';
import { computeUnread } from '../src/storage/entries.ts';
import { createSession } from '../src/storage/sessions.ts';
import { generatePagesData, generatePagesDataPostgres, type PagesData } from './pages-data.ts';

const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    readers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    think: { type: 'string', default: '1000-3000' },
    'closed-seconds': { type: 'string', default: '20' },
    web: { type: 'string', default: '1' },
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    file: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    refresh: { type: 'string', default: 'worker' },
    'node-args': { type: 'string', default: '' },
  },
});
const readers = Number(args.readers);
const seconds = Number(args.seconds);
const closedSeconds = Number(args['closed-seconds']);
const [thinkMin, thinkMax] = args.think.split('-').map(Number) as [number, number];
const webCount = Math.max(1, Number(args.web));
const entries = Number(args.entries);
const feeds = Number(args.feeds);
const refreshMode = args.refresh;
if (!['worker', 'serve', 'none'].includes(refreshMode)) throw new Error('bench: --refresh worker|serve|none');
const refresh = refreshMode !== 'none';
const nodeArgs = args['node-args'].split(' ').filter(Boolean);
const postgres = args.db === 'postgres';
const pgUrl = process.env.VEILLE_BENCH_DATABASE_URL;
if (postgres && !pgUrl) throw new Error('bench: --db postgres needs VEILLE_BENCH_DATABASE_URL');
const schema = `bench_load_${entries}_${feeds}`;
const file = args.file ?? join(tmpdir(), `veille-bench-pages-${entries}-${feeds}.sqlite`);
const out = (line: string) => process.stdout.write(line + '\n');
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const t0 = performance.now();
const data: PagesData = postgres
  ? await generatePagesDataPostgres({
      url: pgUrl!,
      schema,
      feeds,
      entries,
      now: Date.now(),
      reuse: args.reuse,
    })
  : await generatePagesData({ file, feeds, entries, now: Date.now(), reuse: args.reuse });
out(
  `data: ${data.entries} entries, ${data.feeds} feeds on ${postgres ? `PostgreSQL (schema ${schema})` : `SQLite (${file})`}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// --- child processes ------------------------------------------------------------------------

const children: ChildProcess[] = [];
function stopChildren(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('exit', stopChildren);

/** Starts a process and resolves with the first stdout/stderr line matching `ready`. */
function start(
  label: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let done = false;
    const onLine = (line: string) => {
      const m = ready.exec(line);
      if (m && !done) {
        done = true;
        resolve(m);
      } else if (/error|fail/i.test(line)) process.stderr.write(`[${label}] ${line}\n`);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => {
      if (!done) reject(new Error(`bench: ${label} exited (${code}) before it was ready`));
    });
  });
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds of the postgres server processes, per pid (backends come and go: a phase counts the
 * growth of those alive at both ends). On a shared server this includes other sessions' work.
 */
function postgresCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) out.set(Number(pid), cpuSecondsOf(Number(pid)));
    } catch {
      // the process ended
    }
  }
  return out;
}

function postgresGrowth(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) {
    const start = before.get(pid);
    if (start !== undefined) total += seconds - start;
  }
  return total;
}

const farmMatch = await start(
  'farm',
  ['--import', 'tsx', 'bench/refresh-farm.ts', '--feeds', String(data.feeds), '--items', '20'],
  {},
  /\{"port":(\d+)\}/,
);
const farmBase = `http://127.0.0.1:${farmMatch[1]}`;

const database: Database = postgres
  ? await openDatabase(pgUrl!, { schema })
  : await openDatabase('sqlite:' + file);
const db = database.db;

// A known starting point: the generated entries only (those a previous run's refreshes stored
// go), everything unread, no exceptions, every feed pointed at the farm and not due yet (the
// refresh loop below makes them due). Retention keeps everything: the worker's periodic purge
// would otherwise cut the generated feeds down to the default 200 entries each.
await db.deleteFrom('entries').where('guid_key', 'like', 'id:bench-%').execute();
// Deleting from an FTS5 index leaves the deleted documents' terms in it until a merge reaches
// the oldest segment: after a few runs the index was 97 % such leftovers (98 MB for 2,980 live
// documents) and every merge during the next refresh rewrote them (0.3–0.9 s per write lock).
// Each run starts from a compact index.
if (!postgres) await sql`insert into entries_fts(entries_fts) values ('optimize')`.execute(db);
await db.deleteFrom('entry_tombstones').execute();
await db.deleteFrom('entry_states').execute();
await db.deleteFrom('read_horizon_log').execute();
await db.deleteFrom('sessions').execute();
await sql`update subscriptions set read_horizon = 0, priority = 1, muted = 0,
  unread_count = (select count(*) from entries e where e.feed_id = subscriptions.feed_id)`.execute(db);
for (const [i, id] of data.feedIds.entries())
  await db
    .updateTable('feeds')
    .set({
      url: `${farmBase}/feed/${i}.xml`,
      etag: null,
      last_modified: null,
      body_hash: null,
      error_count: 0,
      last_error: null,
      next_check_at: Date.now() + 86_400_000,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .execute();

await db.deleteFrom('retention_policies').where('scope', '=', 'global').execute();
await db
  .insertInto('retention_policies')
  .values({
    user_id: null,
    scope: 'global',
    scope_id: null,
    keep_max: null,
    keep_min: 1_000_000_000,
    keep_days: null,
    keep_unread: null,
  })
  .execute();

const dataDir = mkdtempSync(join(tmpdir(), 'veille-bench-load-'));
const veilleEnv: NodeJS.ProcessEnv = {
  VEILLE_DATA_DIR: dataDir,
  VEILLE_DATABASE_URL: postgres ? pgUrl : `sqlite:${file}`,
  ...(postgres ? { VEILLE_DATABASE_SCHEMA: schema } : {}),
  VEILLE_LOG_LEVEL: 'warn',
  VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
  VEILLE_FETCH_PER_HOST: '32',
  VEILLE_FETCH_CONCURRENCY: '32',
  VEILLE_REFRESH_POLL: '1',
  VEILLE_REFRESH_INTERVAL: '1',
  HOST: '127.0.0.1',
  PORT: '0',
};
const webs: { base: string; pid: number }[] = [];
for (let i = 0; i < webCount; i++) {
  const m = await start(
    `web ${i + 1}`,
    [...nodeArgs, 'bin/veille.js', 'serve', ...(refreshMode === 'serve' ? [] : ['--no-refresh'])],
    veilleEnv,
    /listening on (http:\/\/[^\s]+)/,
  );
  webs.push({ base: m[1]!.replace(/\/$/, ''), pid: children.at(-1)!.pid! });
}
let workerPid: number | null = null;
if (refreshMode === 'worker') {
  await start('worker', ['bin/veille.js', 'worker'], veilleEnv, /Veille worker/);
  workerPid = children.at(-1)!.pid!;
}
out(
  `processes: ${webCount} × \`veille serve${refreshMode === 'serve' ? '' : ' --no-refresh'}\`${refreshMode === 'worker' ? ', 1 × `veille worker`' : ''}, feed farm; ${readers} readers, think time ${thinkMin}–${thinkMax} ms`,
);

// --- the readers ------------------------------------------------------------------------------

const sessions = await Promise.all(
  Array.from({ length: readers }, () =>
    createSession(db, { userId: data.userId, now: Date.now(), lifetimeMs: 86_400_000, userAgent: 'bench' }),
  ),
);
// Idle connections are closed by the client before the server's 5 s keep-alive timeout, and a
// request whose reused connection was closed under it is sent again once, as browsers do.
const agent = new Agent({ connections: readers, keepAliveTimeout: 2_000, keepAliveMaxTimeout: 2_000 });

type Kind = 'stream' | 'open' | 'mark-feed' | 'poll';
interface Phase {
  name: string;
  think: boolean;
  samples: Record<Kind, number[]>;
  errors: number;
  firstError: string;
}

async function timed(
  phase: Phase,
  kind: Kind,
  url: string,
  cookie: string,
  form?: Record<string, string>,
  accept = 'text/html',
  retry = true,
): Promise<{ status: number; text: string; location: string | null }> {
  const started = performance.now();
  try {
    const res = await request(url, {
      dispatcher: agent,
      method: form ? 'POST' : 'GET',
      headers: {
        cookie,
        accept,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const text = await res.body.text();
    phase.samples[kind].push(performance.now() - started);
    if (res.statusCode >= 400) {
      phase.errors++;
      phase.firstError ||= `${kind} ${url}: HTTP ${res.statusCode}`;
    }
    const location = res.headers.location;
    return { status: res.statusCode, text, location: typeof location === 'string' ? location : null };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (retry && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'))
      return timed(phase, kind, url, cookie, form, accept, false);
    phase.errors++;
    phase.firstError ||= `${kind} ${url}: ${(err as Error).message}`;
    return { status: 0, text: '', location: null };
  }
}

async function reader(phase: Phase, i: number, deadline: number): Promise<void> {
  const { token, csrfToken } = sessions[i]!;
  const cookie = `veille_session=${token}`;
  const base = webs[i % webs.length]!.base;
  const think = () =>
    phase.think && Date.now() < deadline ? sleep(thinkMin + Math.random() * (thinkMax - thinkMin)) : null;
  // An open tab polls the counts every 120 s, from a random moment on.
  let nextPoll = Date.now() + Math.random() * 120_000;
  // Readers do not all start at the same instant.
  if (phase.think) await sleep(Math.random() * thinkMax);
  let n = i;
  while (Date.now() < deadline) {
    n++;
    const stream = [
      'main',
      `c${data.categoryIds[n % data.categoryIds.length]}`,
      `f${data.feedIds[(n * 7) % data.feedIds.length]}`,
    ][n % 3]!;
    const page = await timed(phase, 'stream', `${base}/?s=${stream}`, cookie);
    await think();
    if (Date.now() >= deadline) break;
    const ids = [...page.text.matchAll(/id="entry-(\d+)"/g)].map((m) => m[1]!);
    const next = /class="button load-more" href="([^"]+)"/.exec(page.text)?.[1]?.replaceAll('&amp;', '&');
    if (next && n % 4 === 0) {
      await timed(phase, 'stream', base + next, cookie);
      await think();
    }
    const id = ids[n % Math.max(1, ids.length)];
    if (id) {
      await timed(
        phase,
        'open',
        `${base}/entries/${id}/read`,
        cookie,
        { _csrf: csrfToken, read: '1' },
        'application/json',
      );
      await think();
    }
    if (n % 10 === 0 && stream.startsWith('f')) {
      const max = /data-max="(\d+)"/.exec(page.text)?.[1];
      if (max) {
        const marked = await timed(phase, 'mark-feed', `${base}/mark-read`, cookie, {
          _csrf: csrfToken,
          s: stream,
          upTo: max,
        });
        if (marked.location) await timed(phase, 'stream', base + marked.location, cookie);
        await think();
      }
    }
    if (Date.now() >= nextPoll) {
      nextPoll += 120_000;
      await timed(phase, 'poll', `${base}/unread-counts`, cookie, undefined, 'application/json');
    }
  }
}

// --- the refresh ------------------------------------------------------------------------------

let refreshRounds = 0;
let stopRefresh = false;
/** Makes every feed due with two new items, waits until the worker has refreshed them all, again. */
async function refreshLoop(): Promise<void> {
  while (!stopRefresh) {
    await request(`${farmBase}/_publish?percent=100&items=2`, { method: 'POST' }).then((r) => r.body.text());
    await db.updateTable('feeds').set({ next_check_at: 0 }).execute();
    for (;;) {
      await sleep(500);
      if (stopRefresh) return;
      const due = await db
        .selectFrom('feeds')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('next_check_at', '<=', Date.now())
        .executeTakeFirstOrThrow();
      if (Number(due.n) === 0) break;
    }
    refreshRounds++;
  }
}

// --- phases -----------------------------------------------------------------------------------

interface Cpu {
  webs: number;
  worker: number;
  postgres: Map<number, number>;
  bench: number;
}
function cpuNow(): Cpu {
  const bench = process.cpuUsage();
  return {
    webs: webs.reduce((s, w) => s + cpuSecondsOf(w.pid), 0),
    worker: workerPid === null ? 0 : cpuSecondsOf(workerPid),
    postgres: postgres ? postgresCpuSeconds() : new Map(),
    bench: (bench.user + bench.system) / 1e6,
  };
}

async function runPhase(name: string, think: boolean, secs: number): Promise<void> {
  if (secs <= 0) return;
  const phase: Phase = {
    name,
    think,
    samples: { stream: [], open: [], 'mark-feed': [], poll: [] },
    errors: 0,
    firstError: '',
  };
  const maxBefore = await maxEntry();
  const roundsBefore = refreshRounds;
  const cpu0 = cpuNow();
  const load0 = loadAverage();
  const started = performance.now();
  const deadline = Date.now() + secs * 1000;
  await Promise.all(Array.from({ length: readers }, (_, i) => reader(phase, i, deadline)));
  const elapsed = (performance.now() - started) / 1000;
  const cpu1 = cpuNow();
  const stored = await entriesSince(maxBefore);
  const all = Object.values(phase.samples)
    .flat()
    .sort((a, b) => a - b);
  out('');
  out(`### ${name}`);
  out('');
  const meanThink = (thinkMin + thinkMax) / 2000;
  out(
    `${all.length} requests in ${elapsed.toFixed(1)} s = ${(all.length / elapsed).toFixed(1)} req/s` +
      (think
        ? ` (offered: at most ${(readers / meanThink).toFixed(0)} req/s, one per reader per mean think time)`
        : '') +
      `; errors: ${phase.errors}${phase.firstError ? ` (first: ${phase.firstError})` : ''}; ` +
      `refresh rounds completed: ${refreshRounds - roundsBefore}, entries stored: ${stored}`,
  );
  out(
    `CPU seconds: web ${(cpu1.webs - cpu0.webs).toFixed(1)}, worker ${(cpu1.worker - cpu0.worker).toFixed(1)}` +
      (postgres
        ? `, postgres server (every session on it, other users' too) ${postgresGrowth(cpu0.postgres, cpu1.postgres).toFixed(1)}`
        : '') +
      `, bench (readers + farm client) ${(cpu1.bench - cpu0.bench).toFixed(1)}; load average ${load0} → ${loadAverage()} (${cpus().length} CPUs)`,
  );
  // What the latencies cannot show on a shared machine: the web processes' own cost.
  const webMs = ((cpu1.webs - cpu0.webs) * 1000) / Math.max(1, all.length);
  out(
    `web CPU per request: ${webMs.toFixed(1)} ms (one core would serve about ${(1000 / webMs).toFixed(0)} such requests/s); ` +
      `web processes' share of a core during the phase: ${(((cpu1.webs - cpu0.webs) / elapsed) * 100).toFixed(0)} %`,
  );
  out('');
  out('| requests | count | p50 ms | p95 ms | p99 ms |');
  out('| --- | ---: | ---: | ---: | ---: |');
  for (const [kind, list] of [...Object.entries(phase.samples), ['all', all] as const]) {
    const sorted = [...list].sort((a, b) => a - b);
    if (!sorted.length) continue;
    out(
      `| ${kind} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`,
    );
  }
}

async function maxEntry(): Promise<number> {
  const row = await db.selectFrom('entry_id_clock').select('last_id').executeTakeFirstOrThrow();
  return Number(row.last_id);
}

async function entriesSince(id: number): Promise<number> {
  const row = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', '>', id)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const refreshing = refresh ? refreshLoop() : Promise.resolve();
await runPhase(`${readers} readers with think time, ${seconds} s`, true, seconds);
await runPhase(
  `${readers} readers without think time (closed loop: capacity), ${closedSeconds} s`,
  false,
  closedSeconds,
);
stopRefresh = true;
await refreshing;

// Correctness, once every process has stopped: each maintained count equals its recount.
await agent.close();
stopChildren();
await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
let mismatches = 0;
const subs = await db
  .selectFrom('subscriptions')
  .select(['feed_id', 'read_horizon', 'unread_count'])
  .where('user_id', '=', data.userId)
  .execute();
for (const s of subs)
  if (s.unread_count !== (await computeUnread(db, data.userId, s.feed_id, s.read_horizon))) mismatches++;
out('');
out(`unread counts compared with a recount: ${subs.length - mismatches} exact, ${mismatches} different`);
await database.close();
rmSync(dataDir, { recursive: true, force: true });
