// `npm run bench:pages`: server time of the reading pages on a generated database of 1,000,000
// entries over 1,000 feeds (bench/pages-data.ts), first with everything unread, then with 5,000
// unread: main stream, a category, a feed, favourites (the first page, and page 2 through the
// keyset cursor), 50 requests each, p50 / p95; then "mark all as read" of the main stream and
// its undo.
//
//   npm run bench:pages -- [--entries N] [--feeds F] [--runs R] [--file PATH] [--reuse] [--markdown]
//
// "Server time" is the whole request handled in-process by the Hono app (session lookup, SQL,
// JSX rendering), from app.request() to the complete body: no socket, no browser. SQLite.
// Each request is timed by the wall clock and by the process's CPU time (user + system): on a
// shared machine the wall clock also counts waiting for a core, the CPU time does not. Mark all
// read and its undo are repeated (`--marks`, default 5): each run marks, the last one stays for
// the 5,000-unread pages, the others are undone.
import { readFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnv } from '../src/config/config.ts';
import type { AppDeps } from '../src/http/app-env.ts';
import { createServer } from '../src/http/server.tsx';
import { createLogger } from '../src/lib/logger.ts';
import type { Fetcher } from '../src/reader/fetch/create-fetcher.ts';
import { openDatabase } from '../src/storage/database.ts';
import { markStreamRead, undoLastMarkRead } from '../src/storage/entry-states.ts';
import { createSession } from '../src/storage/sessions.ts';
import { generatePagesData } from './pages-data.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '50' },
    file: { type: 'string' },
    reuse: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    marks: { type: 'string', default: '5' },
  },
});

const entries = Number(args.entries);
const feeds = Number(args.feeds);
const runs = Number(args.runs);
const marks = Math.max(1, Number(args.marks));
const file = args.file ?? join(tmpdir(), `veille-bench-pages-${entries}-${feeds}.sqlite`);

function out(line: string): void {
  process.stdout.write(line + '\n');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const t0 = performance.now();
const data = await generatePagesData({ file, feeds, entries, now: Date.now(), reuse: args.reuse });
out(
  `data: ${data.entries} entries, ${data.feeds} feeds, ${((performance.now() - t0) / 1000).toFixed(1)} s (${file})`,
);

const database = await openDatabase('sqlite:' + file);
const db = database.db;
// A known starting point, whatever a previous run left: everything unread, 200 favourites.
await db.updateTable('subscriptions').set({ read_horizon: 0, priority: 1, muted: 0 }).execute();
await db.deleteFrom('entry_states').execute();
await db.deleteFrom('read_horizon_log').execute();
const starredIds = await db
  .selectFrom('entries')
  .select(['id', 'feed_id'])
  .orderBy('id', 'desc')
  .limit(200)
  .execute();
const now = Date.now();
for (const e of starredIds)
  await db
    .insertInto('entry_states')
    .values({
      user_id: data.userId,
      entry_id: e.id,
      feed_id: e.feed_id,
      read_override: null,
      starred: 1,
      changed_at: now,
    })
    .execute();
for (const sub of await db.selectFrom('subscriptions').select(['id', 'feed_id']).execute()) {
  const row = await db
    .selectFrom('entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('feed_id', '=', sub.feed_id)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('subscriptions')
    .set({ unread_count: Number(row.n) })
    .where('id', '=', sub.id)
    .execute();
}

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
const { token } = await createSession(db, {
  userId: data.userId,
  now: Date.now(),
  lifetimeMs: 86_400_000,
  userAgent: 'bench',
});
const cookie = `veille_session=${token}`;

async function timed(path: string): Promise<{ ms: number; cpu: number; body: string }> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const res = await app.request(path, { headers: { cookie, accept: 'text/html' } });
  const body = await res.text();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  if (res.status !== 200) throw new Error(`bench: ${path} answered ${res.status}`);
  return { ms, cpu: (cpu.user + cpu.system) / 1000, body };
}

interface Row {
  scenario: string;
  page: string;
  rows: number;
  p50: number;
  p95: number;
  cpu50: number;
  cpu95: number;
}
const results: Row[] = [];

async function series(path: string): Promise<Omit<Row, 'scenario' | 'page' | 'rows'>> {
  const times: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await timed(path);
    times.push(t.ms);
    cpus.push(t.cpu);
  }
  times.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    cpu50: percentile(cpus, 50),
    cpu95: percentile(cpus, 95),
  };
}

async function measure(scenario: string, label: string, path: string): Promise<void> {
  // Warm-up, and the "load more" link of the first page for page 2.
  const first = await timed(path);
  const rows = (first.body.match(/class="entry[ "]/g) ?? []).length;
  const next = /class="button load-more" href="([^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
  results.push({ scenario, page: label, rows, ...(await series(path)) });
  if (next) results.push({ scenario, page: `${label}, page 2`, rows, ...(await series(next)) });
}

async function measureAll(scenario: string): Promise<void> {
  const state = '&state=unread';
  await measure(scenario, 'main stream', `/?s=main${state}`);
  await measure(scenario, 'a category', `/?s=c${data.categoryIds[3]}${state}`);
  await measure(scenario, 'a feed', `/?s=f${data.feedIds[7]}${state}`);
  await measure(scenario, 'favourites', `/?s=starred&state=all`);
  await measure(scenario, 'main stream, by publication date', `/?s=main${state}&sort=published`);
}

const load0 = loadAverage();
await measureAll('all unread');

// Mark all read up to the 5,001st newest entry: 5,000 stay unread. Repeated with its undo.
const bound = await db
  .selectFrom('entries')
  .select('id')
  .orderBy('id', 'desc')
  .offset(5000)
  .limit(1)
  .executeTakeFirstOrThrow();
interface Timing {
  ms: number;
  cpu: number;
  n: number;
}
async function timedAction(action: () => Promise<number>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const n = await action();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpu: (cpu.user + cpu.system) / 1000, n };
}
const markTimes: Timing[] = [];
const undoTimes: Timing[] = [];
const mark = () =>
  timedAction(
    async () =>
      (
        await markStreamRead(database, {
          userId: data.userId,
          stream: { kind: 'main' },
          upToId: bound.id,
          now: Date.now(),
        })
      ).subscriptions,
  );
const undo = () =>
  timedAction(async () => (await undoLastMarkRead(db, { userId: data.userId, now: Date.now() })).undone);
for (let i = 0; i < marks; i++) {
  markTimes.push(await mark());
  if (i < marks - 1) undoTimes.push(await undo());
}
const unreadLeft = await db
  .selectFrom('subscriptions')
  .select((eb) => eb.fn.sum<number>('unread_count').as('n'))
  .executeTakeFirstOrThrow();

await measureAll('5,000 unread');
undoTimes.push(await undo());
const load1 = loadAverage();

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}
const fmt = (n: number) => n.toFixed(1);
const median = (list: Timing[], key: 'ms' | 'cpu') =>
  percentile(
    list.map((t) => t[key]).sort((a, b) => a - b),
    50,
  );
const worst = (list: Timing[], key: 'ms' | 'cpu') => Math.max(...list.map((t) => t[key]));
out(`load average: ${load0} at the start, ${load1} at the end (${cpus().length} CPUs)`);
if (args.markdown) {
  out('| Scenario | Page | Rows | p50 (ms) | p95 (ms) | CPU p50 (ms) | CPU p95 (ms) |');
  out('| --- | --- | --: | --: | --: | --: | --: |');
  for (const r of results)
    out(
      `| ${r.scenario} | ${r.page} | ${r.rows} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.cpu50)} | ${fmt(r.cpu95)} |`,
    );
  out('');
  out(
    `| Action (${marks} runs) | Subscriptions | median (ms) | worst (ms) | CPU median (ms) | CPU worst (ms) |`,
  );
  out('| --- | --: | --: | --: | --: | --: |');
  for (const [label, list] of [
    ['mark all as read (main stream, 995,000 entries)', markTimes],
    ['undo', undoTimes],
  ] as const)
    out(
      `| ${label} | ${list[0]!.n} | ${fmt(median(list, 'ms'))} | ${fmt(worst(list, 'ms'))} | ${fmt(median(list, 'cpu'))} | ${fmt(worst(list, 'cpu'))} |`,
    );
} else {
  for (const r of results)
    out(
      `${r.scenario.padEnd(14)} ${r.page.padEnd(40)} rows ${String(r.rows).padStart(3)}  p50 ${fmt(r.p50).padStart(7)} ms  p95 ${fmt(r.p95).padStart(7)} ms  CPU p50 ${fmt(r.cpu50).padStart(6)} ms  p95 ${fmt(r.cpu95).padStart(6)} ms`,
    );
  for (const [label, list] of [
    ['mark all as read', markTimes],
    ['undo', undoTimes],
  ] as const)
    out(
      `${label}: ${list[0]!.n} subscriptions, median ${fmt(median(list, 'ms'))} ms (worst ${fmt(worst(list, 'ms'))}), CPU median ${fmt(median(list, 'cpu'))} ms (worst ${fmt(worst(list, 'cpu'))}), ${list.length} runs`,
    );
  out(`unread after mark all as read: ${Number(unreadLeft.n)}`);
}
await database.close();
