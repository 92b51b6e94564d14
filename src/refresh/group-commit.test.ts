// Group commit: what arrives while a transaction is written goes into the next one, within the
// limits; a failing group is retried item by item so that only the bad item fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit } from './group-commit.ts';

test('a lone item is written at once; items that arrive meanwhile share the next transaction', async () => {
  const groups: number[][] = [];
  const write = groupCommit(
    async (items: number[]) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 20));
      return items.map((n) => n * 10);
    },
    { maxItems: 3 },
  );
  const first = write(1);
  const rest = [2, 3, 4, 5, 6].map((n) => write(n));
  assert.deepEqual(await Promise.all([first, ...rest]), [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(groups, [[1], [2, 3, 4], [5, 6]]);
});

test('the weight limit cuts groups; an item heavier than the limit goes alone', async () => {
  const groups: number[][] = [];
  const write = groupCommit(
    async (items: number[]) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    },
    { maxItems: 10, weight: (n) => n, maxWeight: 10 },
  );
  await Promise.all([1, 4, 5, 3, 20, 2].map((n) => write(n)));
  assert.deepEqual(groups, [[1], [4, 5], [3], [20], [2]]);
});

test('when a group fails, each item is tried alone: only the bad one fails', async () => {
  const calls: number[][] = [];
  const write = groupCommit(
    async (items: number[]) => {
      calls.push(items);
      await new Promise((r) => setTimeout(r, 5));
      if (items.includes(13)) throw new Error('thirteen');
      return items.map(String);
    },
    { maxItems: 10 },
  );
  const results = await Promise.allSettled([0, 12, 13, 14].map((n) => write(n)));
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['0', '12', 'thirteen', '14'],
  );
  assert.deepEqual(calls, [[0], [12, 13, 14], [12], [13], [14]]);
});

test('pauseMs leaves a gap between two transactions while more wait', async () => {
  const starts: number[] = [];
  const ends: number[] = [];
  const write = groupCommit(
    async (items: number[]) => {
      starts.push(performance.now());
      await new Promise((r) => setTimeout(r, 5));
      ends.push(performance.now());
      return items;
    },
    { maxItems: 1, pauseMs: 30 },
  );
  await Promise.all([1, 2, 3].map((n) => write(n)));
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - ends[i - 1]! >= 25, `gap ${i}`);
});
