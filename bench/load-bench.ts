// `npm run bench:load`: concurrent simulated readers against a generated database
// (bench/pages-data.ts: 1,000,000 entries over 1,000 feeds by default) on SQLite, over real HTTP
// (127.0.0.1), while a refresh of every feed runs in a loop against a loopback feed server.
// Each reader loops: a stream page (main, a category or a feed, page 1 or 2), opens an entry of
// it (the feed page of that entry's feed stream), marks an entry read (POST with its CSRF token).
// Reports throughput, p50/p95/p99 per kind of request, and errors (non-2xx/3xx or failures).
//
//   npm run bench:load -- [--readers 100] [--seconds 60] [--entries N] [--feeds F] [--reuse]
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { Agent, request } from 'undici';
import { fetcherFor } from '../src/cli/app-context.ts';
import { configFromEnv } from '../src/config/config.ts';
import type { AppDeps } from '../src/http/app-env.ts';
import { createServer } from '../src/http/server.tsx';
import { createLogger } from '../src/lib/logger.ts';
import { refreshFeeds } from '../src/refresh/refresh-feeds.ts';
import { openDatabase } from '../src/storage/database.ts';
import { createSession } from '../src/storage/sessions.ts';
import { generatePagesData } from './pages-data.ts';

const { values: args } = parseArgs({
  options: {
    readers: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '60' },
    entries: { type: 'string', default: '1000000' },
    feeds: { type: 'string', default: '1000' },
    file: { type: 'string' },
    reuse: { type: 'boolean', default: false },
  },
});
const readers = Number(args.readers);
const seconds = Number(args.seconds);
const entries = Number(args.entries);
const feeds = Number(args.feeds);
const file = args.file ?? join(tmpdir(), `veille-bench-pages-${entries}-${feeds}.sqlite`);
const out = (line: string) => process.stdout.write(line + '\n');
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const data = await generatePagesData({ file, feeds, entries, now: Date.now(), reuse: args.reuse });
out(`data: ${data.entries} entries, ${data.feeds} feeds (${file})`);

// A loopback feed server: every feed has 20 items, two of them new at each request.
let round = 0;
const farm = createHttpServer((req, res) => {
  const n = Number(/\/f(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
  const items = Array.from({ length: 20 }, (_, i) => {
    const k = round * 2 + i;
    return `<item><title>Feed ${n} item ${k}</title><guid>f${n}-${k}</guid><link>http://example.org/${n}/${k}</link><description>Body ${k}</description></item>`;
  }).join('');
  res
    .writeHead(200, { 'content-type': 'application/rss+xml' })
    .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${n}</title>${items}</channel></rss>`);
});
await new Promise<void>((r) => farm.listen(0, '127.0.0.1', r));
const farmBase = `http://127.0.0.1:${(farm.address() as AddressInfo).port}`;

const database = await openDatabase('sqlite:' + file);
const db = database.db;
for (const id of data.feedIds)
  await db
    .updateTable('feeds')
    .set({ url: `${farmBase}/f${id}` })
    .where('id', '=', id)
    .execute();
const config = configFromEnv({
  VEILLE_DATA_DIR: tmpdir(),
  VEILLE_LOG_LEVEL: 'silent',
  VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
  VEILLE_FETCH_PER_HOST: '32',
});
const fetcher = fetcherFor(config);
const log = createLogger('silent');
const refreshDeps = {
  db,
  fetcher,
  log,
  now: () => Date.now(),
  minIntervalMs: 60_000,
  maxIntervalMs: 3_600_000,
};
const deps: AppDeps = {
  database,
  config,
  fetcher,
  log,
  now: () => Date.now(),
  setupCode: { value: null },
  refreshFeedIds: async () => ({}) as never,
};
const app = createServer(deps);
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const sessions = await Promise.all(
  Array.from({ length: readers }, () =>
    createSession(db, { userId: data.userId, now: Date.now(), lifetimeMs: 86_400_000, userAgent: 'bench' }),
  ),
);
const agent = new Agent({ connections: readers, keepAliveTimeout: 30_000 });
const samples: Record<string, number[]> = { stream: [], open: [], mark: [] };
let errors = 0;
let firstError = '';
const deadline = Date.now() + seconds * 1000;

async function timed(kind: string, path: string, cookie: string, body?: string): Promise<string> {
  const start = performance.now();
  try {
    const res = await request(base + path, {
      dispatcher: agent,
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        cookie,
        accept: 'text/html',
        ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded', origin: base }),
      },
      body,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      errors++;
      firstError ||= `${path}: HTTP ${res.statusCode}`;
    }
    samples[kind]!.push(performance.now() - start);
    return text;
  } catch (err) {
    errors++;
    firstError ||= `${path}: ${(err as Error).message}`;
    return '';
  }
}

async function reader(i: number): Promise<void> {
  const { token, csrfToken } = sessions[i]!;
  const cookie = `veille_session=${token}`;
  let n = i;
  while (Date.now() < deadline) {
    n++;
    const streams = [
      'main',
      `c${data.categoryIds[n % data.categoryIds.length]}`,
      `f${data.feedIds[n % data.feedIds.length]}`,
    ];
    const page = await timed('stream', `/?s=${streams[n % 3]}&state=all`, cookie);
    const ids = [...page.matchAll(/id="entry-(\d+)"/g)].map((m) => m[1]!);
    const next = /href="(\/\?[^"]*after=[^"]+)"/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    if (next && n % 4 === 0) await timed('stream', next, cookie);
    await timed('open', `/feeds/${data.feedIds[(n * 7) % data.feedIds.length]}`, cookie);
    const id = ids[n % Math.max(1, ids.length)];
    if (id) await timed('mark', `/entries/${id}/read`, cookie, `_csrf=${encodeURIComponent(csrfToken)}`);
  }
}

let refreshes = 0;
async function refreshLoop(): Promise<void> {
  while (Date.now() < deadline) {
    round++;
    const all = await db.selectFrom('feeds').selectAll().execute();
    await refreshFeeds(refreshDeps, all, config.fetchConcurrency);
    refreshes++;
  }
}

out(`load: ${readers} readers for ${seconds} s, refresh of ${data.feeds} feeds in a loop`);
const started = performance.now();
await Promise.all([refreshLoop(), ...Array.from({ length: readers }, (_, i) => reader(i))]);
const elapsed = (performance.now() - started) / 1000;
const all = Object.values(samples)
  .flat()
  .sort((a, b) => a - b);
out(
  `requests: ${all.length} in ${elapsed.toFixed(1)} s = ${(all.length / elapsed).toFixed(0)} req/s; errors: ${errors}${firstError ? ` (first: ${firstError})` : ''}; full refreshes: ${refreshes}`,
);
out('| requests | count | p50 ms | p95 ms | p99 ms |');
out('| --- | ---: | ---: | ---: | ---: |');
for (const [kind, list] of [...Object.entries(samples), ['all', all] as const]) {
  const sorted = [...list].sort((a, b) => a - b);
  out(
    `| ${kind} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} |`,
  );
}
await agent.close();
await new Promise((r) => server.close(r));
await new Promise((r) => farm.close(r));
await fetcher.close();
await database.close();
