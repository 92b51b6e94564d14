// Generates the database of `npm run bench:pages` (and bench:load): one user, 20 categories,
// `feeds` feeds and `entries` entries spread over them, received one every few seconds up to now
// (ids are reception microseconds, as the ingest assigns them). SQLite: multi-row INSERTs in large
// transactions straight through better-sqlite3. PostgreSQL (generatePagesDataPostgres): the same
// rows from generate_series in a schema of its own.
import { existsSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase } from '../src/storage/database.ts';
import { benchArticle } from './bench-text.ts';

export interface PagesData {
  file: string;
  userId: number;
  feeds: number;
  entries: number;
  categoryIds: number[];
  feedIds: number[];
}

const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 100_000;

/** Creates (or reuses, when `reuse` and the file exists) the benchmark database at `file`. */
export async function generatePagesData(opts: {
  file: string;
  feeds: number;
  entries: number;
  now: number;
  reuse?: boolean;
  /** 'varied': French and English articles with realistic word frequencies (bench/bench-text.ts). */
  text?: 'lorem' | 'varied';
  /** Time between two entries (default 3 s). */
  stepMs?: number;
}): Promise<PagesData> {
  if (!(opts.reuse && existsSync(opts.file))) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(opts.file + suffix, { force: true });
    const database = await openDatabase('sqlite:' + opts.file);
    await database.close();
    fill(opts);
  }
  const raw = new BetterSqlite3(opts.file, { readonly: true });
  try {
    const userId = (raw.prepare('select id from users order by id limit 1').get() as { id: number }).id;
    const categoryIds = (raw.prepare('select id from categories order by id').all() as { id: number }[]).map(
      (r) => r.id,
    );
    const feedIds = (raw.prepare('select id from feeds order by id').all() as { id: number }[]).map(
      (r) => r.id,
    );
    const entries = (raw.prepare('select count(*) as n from entries').get() as { n: number }).n;
    return { file: opts.file, userId, feeds: feedIds.length, entries, categoryIds, feedIds };
  } finally {
    raw.close();
  }
}

function fill(opts: {
  file: string;
  feeds: number;
  entries: number;
  now: number;
  text?: 'lorem' | 'varied';
  stepMs?: number;
}): void {
  const raw = new BetterSqlite3(opts.file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  try {
    const now = opts.now;
    raw
      .prepare(
        `insert into users (username, password_hash, is_admin, language, timezone, created_at) values ('bench', 'x', 1, 'fr', 'Europe/Paris', ?)`,
      )
      .run(now);
    const userId = 1;
    const categories = 20;
    for (let c = 0; c < categories; c++)
      raw
        .prepare('insert into categories (user_id, name, position) values (?, ?, ?)')
        .run(userId, `Catégorie ${c + 1}`, c);
    const insertFeed = raw.prepare(
      `insert into feeds (url, fetch_key, title, error_count, next_check_at, created_at) values (?, '', ?, 0, ?, ?)`,
    );
    const insertSub = raw.prepare(
      `insert into subscriptions (user_id, feed_id, category_id, priority, read_horizon, unread_count, created_at) values (?, ?, ?, ?, 0, 0, ?)`,
    );
    raw.transaction(() => {
      for (let f = 0; f < opts.feeds; f++) {
        const feedId = Number(
          insertFeed.run(`https://bench.example/feed/${f}`, `Flux ${f + 1}`, now, now).lastInsertRowid,
        );
        // Every 50th feed is important, the rest are in the main stream.
        insertSub.run(userId, feedId, (f % categories) + 1, 1, now);
      }
    })();

    // Entries: one every `step` µs, ending now, spread round-robin over the feeds.
    const step = (opts.stepMs ?? 3000) * 1000; // default 3 s
    const lastId = now * 1000;
    const firstId = lastId - (opts.entries - 1) * step;
    const cols =
      '(id, feed_id, guid_key, guid, url, title, authors, content, summary, published_at, updated_at, date_at, content_hash, language, enclosures, categories)';
    const one = '(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)';
    const many = raw.prepare(
      `insert into entries ${cols} values ${Array(ROWS_PER_INSERT).fill(one).join(',')}`,
    );
    const single = raw.prepare(`insert into entries ${cols} values ${one}`);
    const body = '<p>' + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20) + '</p>';
    const summary = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4);
    const row = (i: number): unknown[] => {
      const id = firstId + i * step;
      const feedId = (i % opts.feeds) + 1;
      const date = Math.floor(id / 1000) - ((i * 7919) % 3_600_000);
      if (opts.text === 'varied') {
        const a = benchArticle(i);
        return [
          id,
          feedId,
          `id:${i}`,
          String(i),
          `https://bench.example/a/${i}`,
          a.title,
          a.authors,
          a.content,
          a.summary,
          date,
          null,
          date,
          String(i),
          a.language,
          '[]',
          a.tags,
        ];
      }
      return [
        id,
        feedId,
        `id:${i}`,
        String(i),
        `https://bench.example/a/${i}`,
        `Article ${i} : titre de test ${(i * 31) % 997}`,
        '[]',
        body,
        summary,
        date,
        null,
        date,
        String(i),
        'fr',
        '[]',
        '[]',
      ];
    };
    for (let start = 0; start < opts.entries; start += ROWS_PER_TRANSACTION) {
      const end = Math.min(opts.entries, start + ROWS_PER_TRANSACTION);
      raw.transaction(() => {
        let i = start;
        for (; i + ROWS_PER_INSERT <= end; i += ROWS_PER_INSERT) {
          const params: unknown[] = [];
          for (let k = 0; k < ROWS_PER_INSERT; k++) params.push(...row(i + k));
          many.run(params);
        }
        for (; i < end; i++) single.run(row(i));
      })();
    }
    raw.prepare('update entry_id_clock set last_id = ?').run(lastId);
    // Everything unread: each subscription's count is its number of entries.
    raw
      .prepare(
        `update subscriptions set unread_count = (select count(*) from entries e where e.feed_id = subscriptions.feed_id)`,
      )
      .run();
    raw.exec('analyze');
  } finally {
    raw.close();
  }
}

const BODY = '<p>' + 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(20) + '</p>';
const SUMMARY = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4);

/**
 * The same data in PostgreSQL, in `schema` (created and migrated; with `reuse`, kept when it
 * already holds `entries` entries). Returns what generatePagesData returns, `file` being the URL.
 */
export async function generatePagesDataPostgres(opts: {
  url: string;
  schema: string;
  feeds: number;
  entries: number;
  now: number;
  reuse?: boolean;
}): Promise<PagesData> {
  let database = await openDatabase(opts.url, { schema: opts.schema });
  try {
    const db = database.db;
    // Entries a bench:load refresh stored (guid `bench-…`) do not count.
    const count = await db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('guid_key', 'not like', 'id:bench-%')
      .executeTakeFirstOrThrow();
    if (!(opts.reuse && Number(count.n) === opts.entries)) {
      await database.close();
      await dropSchema(opts.url, opts.schema);
      database = await openDatabase(opts.url, { schema: opts.schema });
      await fillPostgres(database.db, opts);
    }
    const userId = (
      await database.db.selectFrom('users').select('id').orderBy('id').executeTakeFirstOrThrow()
    ).id;
    const categoryIds = (await database.db.selectFrom('categories').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
    const feedIds = (await database.db.selectFrom('feeds').select('id').orderBy('id').execute()).map(
      (r) => r.id,
    );
    return { file: opts.url, userId, feeds: feedIds.length, entries: opts.entries, categoryIds, feedIds };
  } finally {
    await database.close();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

async function fillPostgres(
  db: Awaited<ReturnType<typeof openDatabase>>['db'],
  opts: { feeds: number; entries: number; now: number },
): Promise<void> {
  const now = opts.now;
  const user = await db
    .insertInto('users')
    .values({
      username: 'bench',
      password_hash: 'x',
      is_admin: 1,
      language: 'fr',
      timezone: 'Europe/Paris',
      created_at: now,
      last_seen_at: null,
      external_id: null,
      api_password_hash: null,
      fever_api_key: null,
      api_password_set_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const categories = 20;
  for (let c = 0; c < categories; c++)
    await db
      .insertInto('categories')
      .values({ user_id: user.id, name: `Catégorie ${c + 1}`, position: c })
      .execute();
  await sql`insert into feeds (url, fetch_key, title, error_count, next_check_at, created_at)
    select 'https://bench.example/feed/' || (n - 1), '', 'Flux ' || n, 0, ${now}, ${now}
    from generate_series(1, ${opts.feeds}) as g(n)`.execute(db);
  await sql`insert into subscriptions (user_id, feed_id, category_id, priority, read_horizon, unread_count, created_at)
    select ${user.id}, f.id, (select c.id from categories c order by c.id offset ((f.id - 1) % ${categories}) limit 1),
      1, 0, 0, ${now}
    from feeds f`.execute(db);
  const step = 3_000_000;
  const lastId = now * 1000;
  const firstId = lastId - (opts.entries - 1) * step;
  const chunk = 100_000;
  for (let from = 0; from < opts.entries; from += chunk) {
    const to = Math.min(opts.entries, from + chunk) - 1;
    await sql`insert into entries (id, feed_id, guid_key, guid, url, title, authors, content, summary,
        published_at, updated_at, date_at, content_hash, language, enclosures, categories)
      select ${firstId}::bigint + i * ${step}::bigint, (i % ${opts.feeds}) + 1, 'id:' || i, i::text,
        'https://bench.example/a/' || i, 'Article ' || i || ' : titre de test ' || ((i * 31) % 997),
        '[]', ${BODY}, ${SUMMARY},
        (${firstId}::bigint + i * ${step}::bigint) / 1000 - ((i * 7919) % 3600000), null,
        (${firstId}::bigint + i * ${step}::bigint) / 1000 - ((i * 7919) % 3600000),
        i::text, 'fr', '[]', '[]'
      from generate_series(${from}::bigint, ${to}::bigint) as g(i)`.execute(db);
  }
  await sql`update entry_id_clock set last_id = ${lastId}`.execute(db);
  await sql`update subscriptions set unread_count = (select count(*) from entries e where e.feed_id = subscriptions.feed_id)`.execute(
    db,
  );
  await sql`analyze`.execute(db);
}
