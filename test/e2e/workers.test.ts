// Scale-out on PostgreSQL, with real processes: one `veille serve --no-refresh` and three
// `veille worker` share a fresh schema and refresh 500 feeds served by a slow loopback farm. One
// worker is SIGKILLed while it holds leases. Then: every feed is refreshed once in the cycle (a
// feed the killed worker was fetching may be fetched a second time, by whoever takes it over when
// its lease runs out), every feed has exactly its entries, and entry ids are unique.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/storage/database.ts';
import { subscribe } from '../../src/storage/subscriptions.ts';
import { createUser } from '../../src/storage/users.ts';

const PG_URL = process.env.VEILLE_TEST_DATABASE_URL;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = `${ROOT}dist/main.js`;
const FEEDS = 500;
const ITEMS = 5;
const WORKERS = 3;
const CONCURRENCY = 4;
const RESPONSE_DELAY_MS = 40;
const KILL_AFTER_REQUESTS = 100;
const LEASE_SECONDS = 3;
// A deadline for a stuck cycle, not a speed check: ~45 s alone on 2 busy cores, so it leaves room.
const DONE_WITHIN_MS = 180_000;

interface Child {
  name: string;
  proc: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

interface Farm {
  origin: string;
  /** Every /feed/N request: feed number and the User-Agent (each process has its own). */
  requests: { feed: number; agent: string }[];
  /** /feed/N requests received and not answered yet, by User-Agent. */
  inFlight: Map<string, number>;
  /** Called when a /feed/N request arrives, before it is answered. */
  onRequest: (agent: string) => void;
  close(): Promise<void>;
}

function guidOf(feed: number, item: number): string {
  return `urn:veille-test:feed-${feed}:item-${item}`;
}

function rss(feed: number, origin: string): string {
  const items = Array.from(
    { length: ITEMS },
    (_, i) =>
      `<item><guid isPermaLink="false">${guidOf(feed, i)}</guid><title>Feed ${feed} item ${i}</title>` +
      `<link>${origin}/article/${feed}/${i}</link><pubDate>${new Date(Date.UTC(2026, 0, 1, 0, i)).toUTCString()}</pubDate>` +
      `<description>Body ${feed}/${i}</description></item>`,
  ).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed ${feed}</title>` +
    `<link>${origin}/site/${feed}</link><description>Farm feed</description>${items}</channel></rss>`
  );
}

async function startFarm(): Promise<Farm> {
  const farm: Farm = {
    origin: '',
    requests: [],
    inFlight: new Map(),
    onRequest: () => {},
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const match = /^\/feed\/(\d+)$/.exec(req.url ?? '');
    if (!match) {
      // Site pages and favicons (the refresh looks for an icon): nothing here.
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const feed = Number(match[1]);
    const agent = req.headers['user-agent'] ?? '';
    farm.requests.push({ feed, agent });
    farm.inFlight.set(agent, (farm.inFlight.get(agent) ?? 0) + 1);
    farm.onRequest(agent);
    setTimeout(() => {
      farm.inFlight.set(agent, (farm.inFlight.get(agent) ?? 1) - 1);
      if (!res.destroyed)
        res
          .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' })
          .end(rss(feed, farm.origin));
    }, RESPONSE_DELAY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  farm.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  farm.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return farm;
}

function spawnVeille(name: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [`${ROOT}bin/veille.js`, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { name, proc, output, exited };
}

function isRunning(child: Child): boolean {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`workers test: timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('veille worker ×3 + serve --no-refresh on PostgreSQL', () => {
  const skip = !PG_URL
    ? 'VEILLE_TEST_DATABASE_URL is not set: the multi-worker test needs PostgreSQL, skipped'
    : false;
  let farm: Farm | undefined;
  let database: Database | undefined;
  const schema = `t_workers_${randomBytes(5).toString('hex')}`;
  const children: Child[] = [];
  const killChildren = () => {
    for (const c of children) if (isRunning(c)) c.proc.kill('SIGKILL');
  };

  before(async () => {
    if (skip) return;
    process.once('exit', killChildren); // even if the test process dies, leave no process behind
    if (!existsSync(BUNDLE)) {
      throw new Error('workers test: dist/main.js is missing: run `node scripts/build.mjs` (npm test does)');
    }
    farm = await startFarm();
    database = await openDatabase(PG_URL!, { schema });
  });

  after(async () => {
    killChildren();
    await Promise.all(children.map((c) => c.exited));
    process.off('exit', killChildren);
    await farm?.close();
    await database?.close();
    if (PG_URL) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  test(
    'a killed worker’s feeds are taken over; each feed is fetched once, no entry lost or duplicated',
    { skip, timeout: 300_000 },
    async () => {
      const db = database!.db;
      const started = Date.now();
      // One user subscribed to 500 feeds of the farm, all due now.
      const user = await createUser(db, {
        username: 'reader',
        passwordHash: 'x',
        isAdmin: false,
        now: started,
      });
      const feedRows = await db
        .insertInto('feeds')
        .values(
          Array.from({ length: FEEDS }, (_, n) => ({
            url: `${farm!.origin}/feed/${n}`,
            fetch_key: '',
            owner_user_id: null,
            fetch_options: null,
            title: `Feed ${n}`,
            site_url: null,
            description: null,
            language: null,
            icon_type: null,
            icon_data: null,
            icon_checked_at: null,
            etag: null,
            last_modified: null,
            body_hash: null,
            last_checked_at: null,
            last_status: null,
            last_error: null,
            last_error_code: null,
            error_count: 0,
            next_check_at: 0,
            created_at: started,
          })),
        )
        .returning(['id', 'url'])
        .execute();
      const feedNumberOf = new Map(feedRows.map((r) => [r.id, Number(r.url.split('/').pop())]));
      for (let i = 0; i < feedRows.length; i += 50) {
        await Promise.all(
          feedRows
            .slice(i, i + 50)
            .map((f) => subscribe(db, { userId: user.id, feedId: f.id, categoryId: null, now: started })),
        );
      }

      const env = (agent: string) => ({
        VEILLE_DATABASE_URL: PG_URL!,
        VEILLE_DATABASE_SCHEMA: schema,
        VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.0/8',
        VEILLE_FETCH_PER_HOST: '16',
        VEILLE_FETCH_TIMEOUT: '2',
        VEILLE_REFRESH_LEASE: String(LEASE_SECONDS),
        VEILLE_REFRESH_POLL: '0.2',
        VEILLE_USER_AGENT: agent,
        VEILLE_LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: '0',
      });

      const web = spawnVeille('web', ['serve', '--no-refresh'], env('veille-test-web'));
      children.push(web);
      const port = await waitFor('the web process to listen', 10_000, () => {
        assert.ok(isRunning(web), `web process exited:\n${web.output.join('')}`);
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(web.output.join(''));
        return m ? Number(m[1]) : undefined;
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);

      // Kill worker 0 when the farm has served ~100 feeds and it has a request in flight
      // (so it holds the lease of a feed it has not stored yet).
      const victimAgent = 'veille-test-worker-0';
      let killedAt = 0;
      let orphaned: Promise<number[]> | undefined;
      const workers = Array.from({ length: WORKERS }, (_, k) => {
        const child = spawnVeille(
          `worker-${k}`,
          ['worker', '--concurrency', String(CONCURRENCY)],
          env(`veille-test-worker-${k}`),
        );
        children.push(child);
        return child;
      });
      const victim = workers[0]!;
      farm!.onRequest = (agent) => {
        if (killedAt || agent !== victimAgent || farm!.requests.length < KILL_AFTER_REQUESTS) return;
        victim.proc.kill('SIGKILL');
        killedAt = Date.now();
        // Feeds leased by the dead worker and not refreshed yet: someone else must take them over.
        // Read once the process is gone and PostgreSQL has finished what it had sent: a COMMIT
        // already on the wire when the signal landed still counts (its feed is done, not orphaned),
        // and reading at once could see that feed as unfinished. 300 ms is well inside the lease.
        orphaned = victim.exited
          .then(() => new Promise((r) => setTimeout(r, 300)))
          .then(() =>
            db
              .selectFrom('feeds')
              .select('id')
              .where('lease_owner', 'like', `%:${victim.proc.pid}:%`)
              .where('last_checked_at', 'is', null)
              .execute(),
          )
          .then((rows) => rows.map((r) => r.id));
      };

      const waitedFrom = Date.now();
      try {
        await waitFor(`all ${FEEDS} feeds to be checked`, DONE_WITHIN_MS, async () => {
          const row = await db
            .selectFrom('feeds')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('last_checked_at', 'is', null)
            .executeTakeFirstOrThrow();
          return Number(row.n) === 0 ? true : undefined;
        });
      } catch (err) {
        const left = await db
          .selectFrom('feeds')
          .select(['id', 'lease_owner', 'lease_until'])
          .where('last_checked_at', 'is', null)
          .limit(10)
          .execute();
        throw new Error(
          `${(err as Error).message}; killed: ${Boolean(killedAt)}; some left: ${JSON.stringify(left)}\n` +
            workers.map((w) => `--- ${w.name}\n${w.output.join('').slice(-2000)}`).join('\n'),
          { cause: err },
        );
      }
      const refreshMs = Date.now() - waitedFrom;
      assert.ok(
        killedAt,
        'the victim worker was never killed (it fetched nothing after the first 100 requests?)',
      );
      assert.equal(await victim.exited, null, 'the victim died of SIGKILL');
      const takenOver = await orphaned!;
      assert.ok(takenOver.length > 0, 'the killed worker held no lease on an unfinished feed');
      assert.ok(
        takenOver.length <= CONCURRENCY,
        `the killed worker held ${takenOver.length} unfinished feeds, more than its concurrency`,
      );

      // A few more poll intervals: nothing is due any more, so nothing more is fetched.
      const fetchedBeforePause = farm!.requests.length;
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(
        farm!.requests.length,
        fetchedBeforePause,
        'feeds were fetched again within the same cycle',
      );

      // Fetches per feed: once, except feeds the killed worker was fetching (then once more).
      const byFeed = new Map<number, string[]>();
      for (const r of farm!.requests) byFeed.set(r.feed, [...(byFeed.get(r.feed) ?? []), r.agent]);
      assert.equal(byFeed.size, FEEDS, 'some feed was never fetched');
      const twice: number[] = [];
      for (const [feed, agents] of byFeed) {
        if (agents.length === 1) continue;
        assert.equal(agents.length, 2, `feed ${feed} fetched ${agents.length} times: ${agents.join(', ')}`);
        assert.equal(agents[0], victimAgent, `feed ${feed} fetched twice, first by ${agents[0]}`);
        assert.notEqual(agents[1], victimAgent);
        twice.push(feed);
      }
      assert.ok(
        twice.length <= CONCURRENCY,
        `${twice.length} feeds fetched twice, more than the killed worker's concurrency`,
      );
      for (const id of takenOver) {
        const agents = byFeed.get(feedNumberOf.get(id)!)!;
        assert.notEqual(agents.at(-1), victimAgent, `feed ${id} was not taken over by a live worker`);
      }
      const agents = new Set(farm!.requests.map((r) => r.agent));
      assert.ok(!agents.has('veille-test-web'), 'the web process (--no-refresh) fetched feeds');
      for (const w of workers.slice(1))
        assert.ok(agents.has(`veille-test-${w.name}`), `${w.name} fetched nothing`);

      // Entries: exactly each feed's 5 GUIDs, no duplicate, ids unique; unread counts agree.
      const entries = await db.selectFrom('entries').select(['id', 'feed_id', 'guid']).execute();
      assert.equal(
        new Set(entries.map((e) => e.id)).size,
        entries.length,
        'an entry id was handed out twice',
      );
      const guidsByFeed = new Map<number, string[]>();
      for (const e of entries)
        guidsByFeed.set(e.feed_id, [...(guidsByFeed.get(e.feed_id) ?? []), e.guid ?? '']);
      for (const [id, n] of feedNumberOf) {
        const expected = Array.from({ length: ITEMS }, (_, i) => guidOf(n, i));
        assert.deepEqual((guidsByFeed.get(id) ?? []).sort(), expected, `entries of feed ${n}`);
      }
      assert.equal(entries.length, FEEDS * ITEMS);
      const counts = await db
        .selectFrom('subscriptions')
        .select(['feed_id', 'unread_count'])
        .where('user_id', '=', user.id)
        .execute();
      for (const c of counts) assert.equal(c.unread_count, ITEMS, `unread count of feed ${c.feed_id}`);
      const leased = await db
        .selectFrom('feeds')
        .select(sql<number>`count(*)`.as('n'))
        .where('lease_owner', 'not like', `%:${victim.proc.pid}:%`)
        .where('lease_owner', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.equal(Number(leased.n), 0, 'live workers left leases behind');

      // The web still answers; the live workers and the web stop cleanly on SIGTERM.
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      for (const c of [web, ...workers.slice(1)]) c.proc.kill('SIGTERM');
      for (const c of [web, ...workers.slice(1)]) assert.equal(await c.exited, 0, `${c.name} exit code`);

      console.log(
        `workers test: ${FEEDS} feeds refreshed in ${refreshMs} ms by ${WORKERS} workers; worker-0 killed after ` +
          `${KILL_AFTER_REQUESTS} fetches holding ${takenOver.length} unfinished feeds; ${twice.length} fetched twice; ` +
          `total ${Date.now() - started} ms`,
      );
    },
  );
});
