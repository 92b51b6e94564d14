import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RETENTION, effectivePolicy, entriesToPurge, type RetentionPolicy } from './retention.ts';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 21);
const entries = (n: number, everyDays = 1) =>
  Array.from({ length: n }, (_, i) => ({
    id: n - i,
    receivedAt: now - i * everyDays * DAY,
    protected: false,
  }));
const reader = (policy: RetentionPolicy, unread: number[] = []) => ({
  policy,
  isUnread: (id: number) => unread.includes(id),
});

test('keep at most N, at least M, for at most D days', () => {
  const policy = { keepMax: 5, keepMin: 2, keepDays: 3, keepUnread: false };
  // 10 entries, one a day: ids 10 (today) … 1 (9 days ago). Within 3 days: ids 10..7; at most 5.
  assert.deepEqual(entriesToPurge(entries(10), [reader(policy)], now), [6, 5, 4, 3, 2, 1]);
  // Everything older than 3 days, but keep the 2 newest anyway.
  const old = entries(4).map((e) => ({ ...e, receivedAt: e.receivedAt - 30 * DAY }));
  assert.deepEqual(entriesToPurge(old, [reader(policy)], now), [2, 1]);
});

test('starred or labelled entries are never deleted; unread ones when asked', () => {
  const policy = { keepMax: 2, keepMin: 0, keepDays: null, keepUnread: true };
  const list = entries(5).map((e) => ({ ...e, protected: e.id === 1 }));
  assert.deepEqual(entriesToPurge(list, [reader(policy, [2])], now), [3]);
});

test('a shared feed keeps what the most generous subscriber keeps', () => {
  const strict = { keepMax: 1, keepMin: 0, keepDays: null, keepUnread: false };
  const generous = { keepMax: 3, keepMin: 0, keepDays: null, keepUnread: false };
  assert.deepEqual(entriesToPurge(entries(5), [reader(strict), reader(generous)], now), [2, 1]);
  assert.deepEqual(entriesToPurge(entries(5), [reader(strict), reader(strict, [1])], now), [4, 3, 2, 1]);
  assert.deepEqual(entriesToPurge(entries(5), [], now), [], 'nobody subscribes: nothing decided here');
});

test('the most specific policy wins field by field', () => {
  const p = effectivePolicy(
    [{ keepMax: 10 }, { keepMax: 20, keepDays: 7 }, null, { keepUnread: true }],
    DEFAULT_RETENTION,
  );
  assert.deepEqual(p, { keepMax: 10, keepMin: 50, keepDays: 7, keepUnread: true });
});
