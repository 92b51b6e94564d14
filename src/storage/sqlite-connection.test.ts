import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteConnection, STATEMENT_CACHE_SIZE } from './sqlite-connection.ts';

test('prepared statements are reused by SQL text, and a busy one is not handed out twice', async () => {
  const db = await openSqliteConnection(':memory:');
  try {
    db.prepare('create table t (x integer)').run([]);
    const insert = db.prepare('insert into t (x) values (?)');
    assert.equal(db.prepare('insert into t (x) values (?)'), insert);
    for (let i = 1; i <= 3; i++) db.prepare('insert into t (x) values (?)').run([i]);
    // A streamed select still open while the same select runs again gives the right rows to both.
    const select = 'select x from t order by x';
    const outer = db.prepare(select).iterate([]) as IterableIterator<{ x: number }>;
    assert.deepEqual(outer.next().value, { x: 1 });
    assert.deepEqual(db.prepare(select).all([]), [{ x: 1 }, { x: 2 }, { x: 3 }]);
    assert.deepEqual(
      [...outer].map((r) => r.x),
      [2, 3],
    );
    // The cache is bounded: once more statements than it holds were prepared, the first is new.
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 1; i++) db.prepare(`select ${i} as n`).all([]);
    assert.notEqual(db.prepare('insert into t (x) values (?)'), insert);
    assert.deepEqual(db.prepare('select count(*) as n from t').all([]), [{ n: 3 }]);
  } finally {
    db.close();
  }
});
