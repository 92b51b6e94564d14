// `npm run bench:refresh`: times `veille refresh --force --json` (the built bundle, as a child
// process) against a loopback feed farm (bench/refresh-farm.ts, in its own child process), on
// SQLite and PostgreSQL:
//   1. first refresh      every feed new: N×K entries stored
//   2. unchanged refresh  every feed answers 304
//   3. 10 % changed       5 new items in 10 % of the feeds
// then page latency: the stream page of `veille serve --no-refresh` on the same database, idle
// and during a refresh that writes as much as a first refresh (K new items in every feed).
//
//   npm run bench:refresh -- [--feeds N] [--items K] [--db sqlite|postgres|both] [--no-pages]
//                            [--concurrency C] [--per-host H] [--markdown] [--node-args ARGS]
//                            [--unchanged-runs R]
//
// Wall time is from spawning the refresh to its exit; CPU (user+sys) and peak RSS are the
// child's own, read by a preload (`--import data:…`) when it exits (worker threads included). The
// farm's CPU is reported separately; "machine CPU" is the busy time of every process on the
// machine during the run (/proc/stat: Veille, the farm and PostgreSQL).
//
// The farm is one host: the bench sets VEILLE_FETCH_PER_HOST (default here 64) and
// VEILLE_FETCH_CONCURRENCY (default here 64), where real feeds are spread over many hosts.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { openDatabase } from '../src/storage/database.ts';
import { createSession } from '../src/storage/sessions.ts';
import { createUser } from '../src/storage/users.ts';
import type { FarmStats } from './refresh-farm.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');

const { values: args } = parseArgs({
  options: {
    feeds: { type: 'string', default: '1000' },
    items: { type: 'string', default: '20' },
    db: { type: 'string', default: 'both' },
    concurrency: { type: 'string', default: '64' },
    'per-host': { type: 'string', default: '64' },
    'no-pages': { type: 'boolean', default: false },
    /** How many times the unchanged refresh runs (CPU varies on a shared machine: take the lowest). */
    'unchanged-runs': { type: 'string', default: '1' },
    markdown: { type: 'boolean', default: false },
    /** Extra Node.js flags for the refresh child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
    'node-args': { type: 'string', default: '' },
  },
});
const nodeArgs = args['node-args']!.split(' ').filter(Boolean);
const feeds = Number(args.feeds);
const items = Number(args.items);
const dbKinds = args.db === 'both' ? ['sqlite', 'postgres'] : [args.db!];
if (!Number.isInteger(feeds) || feeds < 1 || !Number.isInteger(items) || items < 1) {
  console.error('bench:refresh: --feeds and --items must be whole numbers ≥ 1');
  process.exit(2);
}
if (!dbKinds.every((k) => k === 'sqlite' || k === 'postgres')) {
  console.error('bench:refresh: --db is sqlite, postgres or both');
  process.exit(2);
}

// Written by the refresh child when it exits: its own CPU time and peak RSS (all threads), and
// the main thread's CPU time alone (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms).
const USAGE_PROBE =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { readFileSync, writeSync } from 'node:fs';
process.on('exit', () => { const u = process.resourceUsage(); let mainMs = null;
  try { const f = readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8').split(') ')[1].split(' ');
    mainMs = (Number(f[11]) + Number(f[12])) * 10; } catch {}
  writeSync(2, '\\nBENCH_USAGE ' + JSON.stringify({ user: u.userCPUTime, system: u.systemCPUTime, maxRssKb: u.maxRSS, mainMs }) + '\\n'); });`,
  );

interface RunResult {
  label: string;
  wallMs: number;
  cpuMs: number;
  /** The main thread's CPU time (null where /proc is missing). */
  mainCpuMs: number | null;
  rssMb: number;
  machineCpuMs: number;
  farmCpuMs: number;
  summary: {
    feeds: number;
    ok: number;
    notModified: number;
    failed: number;
    newEntries: number;
    updatedEntries: number;
  };
  expectedNew: number;
}

function machineBusyMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
  return (busy * 1000) / 100; // USER_HZ = 100
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolvePort(port));
    });
  });
}

async function startFarm(): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(benchDir, 'refresh-farm.ts'),
      '--feeds',
      String(feeds),
      '--items',
      String(items),
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolveLine, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolveLine);
    child.once('exit', (code) => reject(new Error(`bench:refresh: the farm exited (${code})`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  return { child, origin: `http://127.0.0.1:${port}` };
}

async function farmStats(origin: string): Promise<FarmStats> {
  return (await fetch(`${origin}/_stats`)).json() as Promise<FarmStats>;
}

interface Target {
  name: 'sqlite' | 'postgres';
  env: Record<string, string>;
  url: string;
  schema?: string;
  dispose(): Promise<void>;
}

async function targetFor(kind: string): Promise<Target | null> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'veille-bench-'));
    const url = `sqlite:${join(dir, 'veille.sqlite')}`;
    return {
      name: 'sqlite',
      url,
      env: { VEILLE_DATA_DIR: dir, VEILLE_DATABASE_URL: url },
      async dispose() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.VEILLE_TEST_DATABASE_URL;
  if (!url) {
    console.log('bench:refresh: VEILLE_TEST_DATABASE_URL is not set: PostgreSQL skipped');
    return null;
  }
  const schema = `bench_refresh_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'veille-bench-'));
  const dropSchema = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  await dropSchema();
  return {
    name: 'postgres',
    url,
    schema,
    env: { VEILLE_DATA_DIR: dir, VEILLE_DATABASE_URL: url, VEILLE_DATABASE_SCHEMA: schema },
    async dispose() {
      await dropSchema();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One user, N feeds and N subscriptions, inserted in bulk; returns a session cookie. */
async function populate(target: Target, origin: string): Promise<string> {
  const database = await openDatabase(target.url, target.schema ? { schema: target.schema } : {});
  try {
    const now = Date.now();
    const user = await createUser(database.db, { username: 'bench', passwordHash: 'x', isAdmin: true, now });
    const CHUNK = 500;
    for (let start = 0; start < feeds; start += CHUNK) {
      const rows = [];
      for (let f = start; f < Math.min(feeds, start + CHUNK); f++) {
        rows.push({
          url: `${origin}/feed/${f}.xml`,
          fetch_key: '',
          owner_user_id: null,
          fetch_options: null,
          title: `Feed ${f}`,
          site_url: null,
          error_count: 0,
          next_check_at: 0,
          created_at: now,
        });
      }
      const inserted = await database.db
        .insertInto('feeds')
        .values(rows as never)
        .returning('id')
        .execute();
      await database.db
        .insertInto('subscriptions')
        .values(
          inserted.map((r) => ({
            user_id: user.id,
            feed_id: r.id,
            category_id: null,
            title: null,
            priority: 1,
            read_horizon: 0,
            unread_count: 0,
            created_at: now,
          })),
        )
        .execute();
    }
    const session = await createSession(database.db, {
      userId: user.id,
      now,
      lifetimeMs: 86_400_000,
      userAgent: 'bench',
    });
    return session.token;
  } finally {
    await database.close();
  }
}

function veilleEnv(target: Target, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
    VEILLE_FETCH_CONCURRENCY: args.concurrency,
    VEILLE_FETCH_PER_HOST: args['per-host'],
    VEILLE_LOG_LEVEL: 'warn',
    ...target.env,
    ...extra,
  };
}

async function timedRefresh(
  target: Target,
  origin: string,
  label: string,
  expectedNew: number,
): Promise<RunResult> {
  const farmBefore = await farmStats(origin);
  const machineBefore = machineBusyMs();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', USAGE_PROBE, join(repoDir, 'bin/veille.js'), 'refresh', '--force', '--json'],
    {
      env: veilleEnv(target),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  const wallMs = performance.now() - started;
  const machineCpuMs = machineBusyMs() - machineBefore;
  const farmAfter = await farmStats(origin);
  const usageLine = /BENCH_USAGE (.*)/.exec(stderr)?.[1];
  if (code !== 0 || !usageLine) throw new Error(`bench:refresh: refresh exited with ${code}\n${stderr}`);
  const usage = JSON.parse(usageLine) as {
    user: number;
    system: number;
    maxRssKb: number;
    mainMs: number | null;
  };
  const summaryLine = stdout.trim().split('\n').pop()!;
  return {
    label,
    wallMs,
    cpuMs: (usage.user + usage.system) / 1000,
    mainCpuMs: usage.mainMs,
    rssMb: usage.maxRssKb / 1024,
    machineCpuMs,
    farmCpuMs:
      (farmAfter.cpuUserUs + farmAfter.cpuSystemUs - farmBefore.cpuUserUs - farmBefore.cpuSystemUs) / 1000,
    summary: JSON.parse(summaryLine) as RunResult['summary'],
    expectedNew,
  };
}

async function publish(origin: string, percent: number, count: number): Promise<number> {
  const r = (await (
    await fetch(`${origin}/_publish?percent=${percent}&items=${count}`, { method: 'POST' })
  ).json()) as {
    feeds: number;
  };
  return r.feeds;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function pageTimes(
  url: string,
  cookie: string,
  count: number,
  until?: () => boolean,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count && (until === undefined || !until()); i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const body = await res.text();
    if (res.status !== 200 || !body.includes('data-id='))
      throw new Error(`bench:refresh: stream page answered ${res.status}`);
    times.push(performance.now() - t);
  }
  return times;
}

interface PageResult {
  idle: number[];
  during: number[];
  refreshMs: number;
}

/** Stream page latency idle, then during a refresh writing K new entries in every feed. */
async function measurePages(target: Target, origin: string, token: string): Promise<PageResult> {
  const port = await freePort();
  const server = spawn(process.execPath, [join(repoDir, 'bin/veille.js'), 'serve', '--no-refresh'], {
    env: veilleEnv(target, { PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    await new Promise<void>((resolveReady, reject) => {
      let err = '';
      server.stderr!.on('data', (d: Buffer) => {
        err += d;
        if (err.includes('listening on')) resolveReady();
      });
      server.once('exit', (code) => reject(new Error(`bench:refresh: serve exited (${code})\n${err}`)));
    });
    const url = `http://127.0.0.1:${port}/`;
    const cookie = `veille_session=${token}`;
    await pageTimes(url, cookie, 10); // warm-up
    const idle = await pageTimes(url, cookie, 50);
    await publish(origin, 100, items);
    let done = false;
    const started = performance.now();
    const refresh = timedRefresh(target, origin, 'pages', feeds * items).finally(() => {
      done = true;
    });
    const during = await pageTimes(url, cookie, 50, () => done);
    const result = await refresh;
    return { idle, during, refreshMs: result.wallMs || performance.now() - started };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

function fmt(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${Math.round(ms)} ms`;
}

function printTable(rows: string[][]) {
  if (args.markdown) {
    console.log(`| ${rows[0]!.join(' | ')} |`);
    console.log(`| ${rows[0]!.map(() => '---').join(' | ')} |`);
    for (const r of rows.slice(1)) console.log(`| ${r.join(' | ')} |`);
    return;
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

// ---------------------------------------------------------------------------------------------

const build = spawnSync(process.execPath, [join(repoDir, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const helpStart = performance.now();
spawnSync(process.execPath, [join(repoDir, 'bin/veille.js'), '--help'], { stdio: 'ignore' });
const helpMs = performance.now() - helpStart;

console.log(
  `bench:refresh: ${feeds} feeds × ${items} items; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
    `${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}; VEILLE_FETCH_CONCURRENCY=${args.concurrency} ` +
    `VEILLE_FETCH_PER_HOST=${args['per-host']} (one farm host); \`veille --help\` ${fmt(helpMs)}`,
);
const farmStarted = performance.now();
const farm = await startFarm();
console.log(`bench:refresh: farm ready in ${fmt(performance.now() - farmStarted)} at ${farm.origin}`);

let failures = 0;
const table: string[][] = [
  [
    'db',
    'run',
    'wall',
    'CPU',
    'main CPU',
    'peak RSS',
    'machine CPU',
    'farm CPU',
    'feeds ok/304/failed',
    'new',
    'check',
  ],
];
const pageRows: string[][] = [
  ['db', 'idle p50', 'idle p95', 'during p50', 'during p95', 'pages during', 'p95 ratio'],
];
try {
  for (const kind of dbKinds) {
    const target = await targetFor(kind);
    if (!target) continue;
    try {
      const token = await populate(target, farm.origin);
      const runs: RunResult[] = [];
      runs.push(await timedRefresh(target, farm.origin, 'first', feeds * items));
      const unchangedRuns = Math.max(1, Number(args['unchanged-runs']) || 1);
      for (let i = 0; i < unchangedRuns; i++) {
        runs.push(
          await timedRefresh(target, farm.origin, unchangedRuns > 1 ? `unchanged #${i + 1}` : 'unchanged', 0),
        );
      }
      const changedFeeds = await publish(farm.origin, 10, 5);
      runs.push(await timedRefresh(target, farm.origin, '10 % changed', changedFeeds * 5));
      for (const r of runs) {
        const ok = r.summary.newEntries === r.expectedNew && r.summary.failed === 0;
        if (!ok) failures++;
        table.push([
          target.name,
          r.label,
          fmt(r.wallMs),
          fmt(r.cpuMs),
          r.mainCpuMs === null ? '-' : fmt(r.mainCpuMs),
          `${Math.round(r.rssMb)} MB`,
          fmt(r.machineCpuMs),
          fmt(r.farmCpuMs),
          `${r.summary.ok}/${r.summary.notModified}/${r.summary.failed}`,
          String(r.summary.newEntries),
          ok ? 'ok' : `expected ${r.expectedNew} new`,
        ]);
      }
      if (!args['no-pages']) {
        const pages = await measurePages(target, farm.origin, token);
        const idle95 = percentile(pages.idle, 95);
        const during95 = pages.during.length ? percentile(pages.during, 95) : NaN;
        pageRows.push([
          target.name,
          `${percentile(pages.idle, 50).toFixed(1)} ms`,
          `${idle95.toFixed(1)} ms`,
          pages.during.length ? `${percentile(pages.during, 50).toFixed(1)} ms` : '-',
          pages.during.length ? `${during95.toFixed(1)} ms` : '-',
          `${pages.during.length} in ${fmt(pages.refreshMs)}`,
          `${(during95 / idle95).toFixed(2)}×`,
        ]);
      }
    } finally {
      await target.dispose();
    }
  }
} finally {
  const stats = await farmStats(farm.origin).catch(() => null);
  farm.child.kill('SIGTERM');
  if (stats) console.log(`bench:refresh: farm peak RSS ${Math.round(stats.maxRssKb / 1024)} MB`);
}

printTable(table);
if (pageRows.length > 1) {
  console.log(
    '\nStream page (`veille serve --no-refresh`), idle vs during a refresh storing N×K new entries:',
  );
  printTable(pageRows);
}
if (failures) console.log(`\nbench:refresh: ${failures} run(s) did not store what was expected`);
process.exit(0);
