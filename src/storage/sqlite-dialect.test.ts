// Two connections on one SQLite file, as a web process and a `veille worker` have: a transaction
// holds the write lock from its first statement, and waiting for the other connection's lock
// leaves the event loop free (the other side can finish and let go), within the same process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase, type Database } from './database.ts';
import { usesNodeSqlite } from './sqlite-connection.ts';

/** The other process's connection, through the same driver Veille uses on this Node.js. */
interface RawConnection {
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  exec(sql: string): void;
  close(): void;
}

async function openRaw(path: string): Promise<RawConnection> {
  if (usesNodeSqlite()) {
    const { DatabaseSync } = (await import('node:sqlite' as string)) as {
      DatabaseSync: new (path: string, options: { timeout: number }) => RawConnection;
    };
    return new DatabaseSync(path, { timeout: 0 });
  }
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  return new BetterSqlite3(path, { timeout: 0 }) as unknown as RawConnection;
}

let dir: string;
let database: Database;
let other: RawConnection;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veille-sqlite-dialect-'));
  database = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
  other = await openRaw(join(dir, 'db.sqlite'));
});
after(async () => {
  other.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

function setting(key: string): string | undefined {
  return (
    other.prepare('select value from instance_settings where key = ?').get(key) as
      { value: string } | undefined
  )?.value;
}

test('a transaction holds the write lock from its start: a read then a write cannot go stale', async () => {
  const db = database.db;
  await db.insertInto('instance_settings').values({ key: 'a', value: '1' }).execute();
  let otherWrite: unknown = null;
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('instance_settings')
      .select('value')
      .where('key', '=', 'a')
      .executeTakeFirstOrThrow();
    // Another process tries to write between our read and our write: it has to wait for us
    // (begun DEFERRED, it would succeed and our write below would fail with SQLITE_BUSY).
    try {
      other.prepare("insert into instance_settings (key, value) values ('b', 'other')").run();
    } catch (err) {
      otherWrite = err;
    }
    await trx
      .updateTable('instance_settings')
      .set({ value: String(Number(row.value) + 1) })
      .where('key', '=', 'a')
      .execute();
  });
  // better-sqlite3: code SQLITE_BUSY; node:sqlite: errcode 5 (SQLITE_BUSY), "database is locked".
  const busy = otherWrite as { code?: string; errcode?: number } | null;
  assert.ok(
    /^SQLITE_BUSY/.test(String(busy?.code)) || (busy?.errcode ?? 0) % 256 === 5,
    `the other connection was refused with SQLITE_BUSY: ${String(otherWrite)}`,
  );
  assert.equal(setting('a'), '2');
  assert.equal(setting('b'), undefined);
});

test('waiting for another connection to let go of the lock does not stop the event loop', async () => {
  const db = database.db;
  other.exec('begin immediate');
  other.prepare("insert into instance_settings (key, value) values ('c', 'held')").run();
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  // The other side finishes 200 ms from now: only possible if this process keeps running.
  const release = setTimeout(() => other.exec('commit'), 200);
  try {
    const started = Date.now();
    await db.insertInto('instance_settings').values({ key: 'd', value: 'waited' }).execute();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('instance_settings').set({ value: 'after' }).where('key', '=', 'c').execute();
    });
    assert.ok(Date.now() - started >= 150, 'the write waited for the lock');
    assert.ok(ticks >= 5, `timers ran while waiting (${ticks})`);
  } finally {
    clearInterval(ticker);
    clearTimeout(release);
  }
  assert.equal(setting('c'), 'after');
  assert.equal(setting('d'), 'waited');
});

test('a write waiting for the lock does not hold up the reads of the same process', async () => {
  const db = database.db;
  await db.insertInto('instance_settings').values({ key: 'r', value: 'before' }).execute();
  other.exec('begin immediate');
  other.prepare("update instance_settings set value = 'other' where key = 'r'").run();
  let committed = false;
  const release = setTimeout(() => {
    committed = true;
    other.exec('commit');
  }, 300);
  try {
    // A web request marking an entry read while a worker commits...
    const write = db.transaction().execute(async (trx) => {
      await trx.updateTable('instance_settings').set({ value: 'mine' }).where('key', '=', 'r').execute();
    });
    // ...and the pages other readers ask for meanwhile: answered from the last commit, at once.
    const read = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('key', '=', 'r')
      .executeTakeFirstOrThrow();
    assert.equal(read.value, 'before');
    assert.equal(committed, false, 'the read was answered while the other writer still held the lock');
    await write;
  } finally {
    clearTimeout(release);
  }
  assert.equal(setting('r'), 'mine');
});

test('however many writes wait for the lock, reads are answered at once', async () => {
  const db = database.db;
  await db.insertInto('instance_settings').values({ key: 'many', value: '0' }).execute();
  other.exec('begin immediate');
  other.prepare("update instance_settings set value = 'other' where key = 'many'").run();
  const release = setTimeout(() => other.exec('commit'), 300);
  try {
    // More waiting writers than the pool has connections (a busy web process during a refresh).
    const writes = Array.from({ length: 8 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('instance_settings')
          .select('value')
          .where('key', '=', 'many')
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('instance_settings')
          .set({ value: `${row.value}+${i}` })
          .where('key', '=', 'many')
          .execute();
      }),
    );
    const started = Date.now();
    const read = await db
      .selectFrom('instance_settings')
      .select('value')
      .where('key', '=', 'many')
      .executeTakeFirstOrThrow();
    assert.equal(read.value, '0', 'the read sees the last commit');
    assert.ok(
      Date.now() - started < 150,
      `the read did not wait for the writers (${Date.now() - started} ms)`,
    );
    await Promise.all(writes);
  } finally {
    clearTimeout(release);
  }
  // Each transaction read what the one before it wrote, in the order they were asked for.
  assert.equal(setting('many'), 'other+0+1+2+3+4+5+6+7');
});

test('a failing transaction lets the next one in', async () => {
  const db = database.db;
  const failing = db.transaction().execute(async (trx) => {
    await trx.insertInto('instance_settings').values({ key: 'fail', value: 'x' }).execute();
    throw new Error('no');
  });
  const next = db.transaction().execute(async (trx) => {
    await trx.insertInto('instance_settings').values({ key: 'next', value: 'y' }).execute();
  });
  await assert.rejects(failing, /no/);
  await next;
  assert.equal(setting('fail'), undefined);
  assert.equal(setting('next'), 'y');
});
