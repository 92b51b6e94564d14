// Generates the database of `npm run bench:pages`: one user, 20 categories, `feeds` feeds and
// `entries` entries spread over them, received one every few seconds up to now (ids are
// reception microseconds, as the ingest assigns them). Bulk-inserted with multi-row INSERTs in
// large transactions straight through better-sqlite3: 1M entries take seconds, not minutes.
import { existsSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../src/storage/database.ts';

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

function fill(opts: { file: string; feeds: number; entries: number; now: number }): void {
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
    const step = 3_000_000; // 3 s
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
