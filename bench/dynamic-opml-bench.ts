// Dynamic OPML categories: how long one check of a category takes against a loopback server
// whose OPML lists N feeds (default 1,000, the most a category follows), on a fresh SQLite file
// (or PostgreSQL with --postgres URL): the first check (N subscriptions made), a check of the same
// list (nothing to do), a 304 Not Modified, and a check where 10 % of the list changed (N/10
// unsubscribed, N/10 subscribed). Prints wall and process CPU time per step.
//
//   node --import tsx bench/dynamic-opml-bench.ts [--feeds N] [--postgres URL]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createLogger } from '../src/lib/logger.ts';
import { createFetcher } from '../src/reader/fetch/create-fetcher.ts';
import { checkDynamicCategoryNow, checkDueDynamicCategories } from '../src/refresh/dynamic-opml.ts';
import { ensureCategory } from '../src/storage/categories.ts';
import { openDatabase } from '../src/storage/database.ts';
import { dynamicCategoryStatus, setCategoryOpmlUrl } from '../src/storage/dynamic-categories.ts';
import { categoryById } from '../src/storage/categories.ts';
import { createUser } from '../src/storage/users.ts';

const { values: args } = parseArgs({
  options: { feeds: { type: 'string', default: '1000' }, postgres: { type: 'string' } },
});
const n = Number(args.feeds);

let first = 0;
let etag = '"v1"';
const opml = () => {
  const lines: string[] = [];
  for (let i = first; i < first + n; i++)
    lines.push(`<outline type="rss" text="Feed ${i}" xmlUrl="https://feeds.example/${i}.xml"/>`);
  return `<?xml version="1.0"?><opml version="2.0"><body>${lines.join('\n')}</body></opml>`;
};
const server = createServer((req, res) => {
  if (req.headers['if-none-match'] === etag) return res.writeHead(304).end();
  res.writeHead(200, { 'content-type': 'text/x-opml', etag }).end(opml());
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/list.opml`;

const dir = mkdtempSync(join(tmpdir(), 'veille-dynamic-opml-bench-'));
const schema = args.postgres ? `bench_${randomBytes(4).toString('hex')}` : undefined;
const database = args.postgres
  ? await openDatabase(args.postgres, { schema: schema! })
  : await openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
const fetcher = createFetcher({
  allowNetworks: ['127.0.0.0/8'],
  userAgent: 'Veille bench',
  connectTimeoutMs: 5000,
  headersTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBodyBytes: 16 * 1024 * 1024,
  maxRedirects: 3,
  perHostLimit: 4,
});
let now = Date.UTC(2026, 10, 22);
const deps = { db: database.db, fetcher, log: createLogger('silent'), now: () => now };
const user = await createUser(database.db, { username: 'bench', passwordHash: 'x', isAdmin: false, now });
const category = await ensureCategory(database.db, user.id, 'Planet');
await setCategoryOpmlUrl(database.db, { userId: user.id, categoryId: category.id, url, now });

async function step(name: string, run: () => Promise<unknown>) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const status = dynamicCategoryStatus((await categoryById(database.db, user.id, category.id))!);
  console.log(
    `${name.padEnd(34)} wall ${wall.toFixed(0).padStart(6)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms  ${JSON.stringify(status?.error ?? status?.result)}`,
  );
}

console.log(`dynamic OPML check, ${n} feeds, ${args.postgres ? 'PostgreSQL' : 'SQLite'}`);
await step('first check (all subscribed)', () =>
  checkDynamicCategoryNow(deps, { userId: user.id, categoryId: category.id }),
);
await step('same list again (full body)', () =>
  checkDynamicCategoryNow(deps, { userId: user.id, categoryId: category.id }),
);
now += 43_200_000;
await step('scheduled, 304 Not Modified', () => checkDueDynamicCategories(deps));
first = Math.round(n / 10);
etag = '"v2"';
await step('10 % of the list changed', () =>
  checkDynamicCategoryNow(deps, { userId: user.id, categoryId: category.id }),
);

await fetcher.close();
await database.close();
server.close();
rmSync(dir, { recursive: true, force: true });
if (args.postgres && schema) {
  const client = new pg.Client({ connectionString: args.postgres });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
