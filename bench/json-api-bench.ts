// The JSON API (/api/v1) over a large account, in-process (app.request, whole body read), on
// SQLite (and PostgreSQL when VEILLE_BENCH_DATABASE_URL is set): entry pages of 100 and 500
// (first page, and deep in the stream through a cursor: keyset, so the same cost), bulk PUT of
// 1,000 ids, counters, /me with an already verified API password and the first (Argon2) check.
// p50/p95 wall time, and CPU time per request.
//
//   node --import tsx bench/json-api-bench.ts [--entries 200000] [--feeds 20] [--unread 50000] [--runs 30]
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { fetcherFor } from '../src/cli/app-context.ts';
import { configFromEnv } from '../src/config/config.ts';
import type { AppDeps } from '../src/http/app-env.ts';
import { createServer } from '../src/http/server.tsx';
import { createLogger } from '../src/lib/logger.ts';
import { hashPassword } from '../src/lib/passwords.ts';
import { setApiPassword } from '../src/storage/api-passwords.ts';
import { openDatabase } from '../src/storage/database.ts';
import { recountUnread } from '../src/storage/entries.ts';
import { createUser } from '../src/storage/users.ts';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '200000' },
    feeds: { type: 'string', default: '20' },
    unread: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '30' },
  },
});
const ENTRIES = Number(args.entries);
const FEEDS = Number(args.feeds);
const UNREAD = Number(args.unread);
const RUNS = Number(args.runs);
const BASE_ID = 1_700_000_000_000_000;
const PASSWORD = 'bench-api-password';

async function bench(url: string, label: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'veille-json-bench-'));
  const config = configFromEnv({
    VEILLE_DATA_DIR: dir,
    VEILLE_LOG_LEVEL: 'silent',
    VEILLE_DATABASE_URL: url === 'sqlite' ? `sqlite:${join(dir, 'bench.sqlite')}` : url,
  });
  const schema = url.startsWith('postgres') ? `bench_json_${process.pid}` : undefined;
  const database = await openDatabase(config.databaseUrl, schema ? { schema } : {});
  const fetcher = fetcherFor(config);
  try {
    const db = database.db;
    const now = Date.now();
    const user = await createUser(db, {
      username: 'bench',
      passwordHash: await hashPassword('x'),
      isAdmin: true,
      now,
    });
    await setApiPassword(db, {
      userId: user.id,
      passwordHash: await hashPassword(PASSWORD),
      feverApiKey: createHash('md5').update(`bench:${PASSWORD}`).digest('hex'),
      now,
    });
    for (let i = 1; i <= FEEDS; i++) {
      await sql`insert into feeds (url, fetch_key, title, site_url, error_count, next_check_at, created_at, last_checked_at)
        values (${`http://127.0.0.1:9/f${i}.xml`}, '', ${`Feed ${i}`}, null, 0, ${now + 86_400_000}, ${now}, ${now})`.execute(
        db,
      );
      await sql`insert into subscriptions (user_id, feed_id, priority, read_horizon, unread_count, created_at)
        values (${user.id}, ${i}, 1, ${BASE_ID + ENTRIES - UNREAD}, 0, ${now})`.execute(db);
    }
    const content = `<p>${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}</p>`;
    const insert = (from: number, to: number, seq: 'generate' | 'cte') => sql`
      insert into entries (id, feed_id, guid_key, guid, url, title, authors, content, summary,
        published_at, updated_at, date_at, content_hash, language, enclosures, categories, thumbnail)
      ${seq === 'cte' ? sql`with recursive seq(n) as (select ${from} union all select n + 1 from seq where n < ${to})` : sql``}
      select cast(${BASE_ID} as bigint) + n, 1 + (n % ${FEEDS}), 'id:' || n, 'g' || n, 'http://127.0.0.1:9/e/' || n,
        'Entry ' || n, '[{"name":"Ann"}]', ${content}, 'Lorem ipsum', cast(${now} as bigint) - n, null, cast(${now} as bigint) - n,
        'h' || n, 'en', '[]', '[]', null
      ${seq === 'cte' ? sql`from seq` : sql`from generate_series(${from}::int, ${to}::int) as g(n)`}`;
    for (let from = 1; from <= ENTRIES; from += 100_000) {
      const to = Math.min(ENTRIES, from + 99_999);
      await insert(from, to, database.dialect === 'postgres' ? 'generate' : 'cte').execute(db);
    }
    await db
      .updateTable('entry_id_clock')
      .set({ last_id: BASE_ID + ENTRIES })
      .where('id', '=', 1)
      .execute();
    for (const s of await db.selectFrom('subscriptions').select('id').execute())
      await recountUnread(db, s.id);
    await sql`analyze`.execute(db);

    const deps: AppDeps = {
      database,
      config,
      fetcher,
      log: createLogger('silent'),
      now: () => Date.now(),
      setupCode: { value: null },
      refreshFeedIds: async () => ({
        feeds: 0,
        ok: 0,
        notModified: 0,
        failed: 0,
        newEntries: 0,
        updatedEntries: 0,
        ms: 0,
      }),
    };
    const app = createServer(deps);
    const call = async (method: string, path: string, body?: unknown, auth = `Bearer ${PASSWORD}`) => {
      const res = await app.request(`http://localhost/api/v1${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text;
    };
    await call('GET', '/me'); // verifies the password once (Argon2)
    // A cursor deep in the stream: the 100,001st newest entry.
    const deep = JSON.parse(await call('GET', '/entries?limit=500')) as { next_cursor: string };
    let cursor = deep.next_cursor;
    for (let i = 0; i < Math.min(199, Math.floor(ENTRIES / 500) - 2); i++)
      cursor = (
        JSON.parse(await call('GET', `/entries?limit=500&cursor=${cursor}`)) as { next_cursor: string }
      ).next_cursor;
    const ids = Array.from({ length: 1000 }, (_, i) => BASE_ID + ENTRIES - i);

    const scenarios: [string, () => Promise<unknown>][] = [
      ['GET /entries limit=100 (first page)', () => call('GET', '/entries?limit=100')],
      ['GET /entries limit=100 status=unread', () => call('GET', '/entries?limit=100&status=unread')],
      [
        'GET /entries limit=100, cursor 100,000 deep',
        () => call('GET', `/entries?limit=100&cursor=${cursor}`),
      ],
      ['GET /entries limit=500', () => call('GET', '/entries?limit=500')],
      ['GET /entries?feed_id=1 limit=100', () => call('GET', '/entries?feed_id=1&limit=100')],
      [
        'PUT /entries 1,000 ids (read, then unread)',
        async () => {
          await call('PUT', '/entries', { entry_ids: ids, status: 'read' });
          await call('PUT', '/entries', { entry_ids: ids, status: 'unread' });
        },
      ],
      ['GET /counters', () => call('GET', '/counters')],
      ['GET /me (password verified before)', () => call('GET', '/me')],
    ];
    const lines = [
      `${label}: ${ENTRIES} entries, ${FEEDS} feeds, ${UNREAD} unread; loadavg before ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    ];
    lines.push('| scenario | p50 ms | p95 ms | CPU ms/request |', '| --- | ---: | ---: | ---: |');
    for (const [name, run] of scenarios) {
      await run();
      const times: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await run();
        times.push(performance.now() - t);
      }
      const cpu = process.cpuUsage(cpu0);
      times.sort((a, b) => a - b);
      const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
      lines.push(
        `| ${name} | ${p(0.5)} | ${p(0.95)} | ${((cpu.user + cpu.system) / 1000 / RUNS).toFixed(1)} |`,
      );
    }
    // The first check of a password costs one Argon2 verification (Basic names the user).
    const first: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = createServer(deps);
      const t = performance.now();
      const res = await fresh.request('http://localhost/api/v1/me', {
        headers: { authorization: `Basic ${Buffer.from(`bench:${PASSWORD}`).toString('base64')}` },
      });
      await res.text();
      first.push(performance.now() - t);
    }
    first.sort((a, b) => a - b);
    lines.push(
      `| GET /me, first check of the password (Argon2), median of 5 | ${first[2]!.toFixed(1)} | – | – |`,
    );
    lines.push(
      `loadavg after ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(lines.join('\n'));
  } finally {
    await fetcher.close();
    if (schema) await sql.raw(`drop schema ${schema} cascade`).execute(database.db);
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await bench('sqlite', 'SQLite');
if (process.env.VEILLE_BENCH_DATABASE_URL) await bench(process.env.VEILLE_BENCH_DATABASE_URL, 'PostgreSQL');
