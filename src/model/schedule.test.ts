import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheLifetimeMs, isPushActive, nextCheckAfterError, nextCheckFromRhythm } from './schedule.ts';

const HOUR = 3600_000;
const now = Date.UTC(2026, 10, 21, 12);
const bounds = { now, minMs: 15 * 60_000, maxMs: 24 * HOUR, cacheLifetimeMs: null };

test('a busy feed is checked often, a quiet one rarely, always within the bounds', () => {
  const hourly = Array.from({ length: 168 }, (_, i) => now - i * HOUR);
  const busy = nextCheckFromRhythm({ ...bounds, entryTimes: hourly });
  assert.equal(busy.at - now, HOUR);
  assert.deepEqual(busy.reason, { code: 'rhythm', perWeek: 168 });
  const veryBusy = nextCheckFromRhythm({
    ...bounds,
    entryTimes: Array.from({ length: 5000 }, (_, i) => now - i * 60_000),
  });
  assert.equal(veryBusy.at - now, 15 * 60_000, 'never more often than the minimum');
  const weekly = nextCheckFromRhythm({ ...bounds, entryTimes: [now - 2 * 24 * HOUR] });
  assert.equal(weekly.at - now, 24 * HOUR, 'never less often than the maximum');
  const quiet = nextCheckFromRhythm({ ...bounds, entryTimes: [now - 30 * 24 * HOUR] });
  assert.deepEqual(quiet, { at: now + 24 * HOUR, reason: { code: 'quiet' } });
});

test("the server's cache lifetime delays the next check, up to the maximum", () => {
  const hourly = Array.from({ length: 168 }, (_, i) => now - i * HOUR);
  const cached = nextCheckFromRhythm({ ...bounds, entryTimes: hourly, cacheLifetimeMs: 3 * HOUR });
  assert.deepEqual(cached, { at: now + 3 * HOUR, reason: { code: 'cache', seconds: 10800 } });
  const tooLong = nextCheckFromRhythm({ ...bounds, entryTimes: hourly, cacheLifetimeMs: 365 * 24 * HOUR });
  assert.equal(tooLong.at - now, 24 * HOUR);
  assert.equal(cacheLifetimeMs({ 'cache-control': 'public, max-age=600' }, now), 600_000);
  assert.equal(cacheLifetimeMs({ 'cache-control': 'no-cache, max-age=600' }, now), null);
  assert.equal(
    cacheLifetimeMs({ expires: 'Sat, 21 Nov 2026 14:00:00 GMT', date: 'Sat, 21 Nov 2026 12:00:00 GMT' }, now),
    2 * HOUR,
  );
  assert.equal(cacheLifetimeMs({ expires: '0' }, now), null);
});

test('errors back off exponentially with jitter, capped at a day; Retry-After wins when later', () => {
  const at = (n: number, r = 0) =>
    nextCheckAfterError({ now, minMs: HOUR, errorCount: n, retryAfterS: null, random: () => r }).at - now;
  assert.equal(at(1), 15 * 60_000);
  assert.equal(at(2), 30 * 60_000);
  assert.equal(at(3), 60 * 60_000);
  assert.equal(at(30), 24 * HOUR);
  assert.equal(at(1, 1), 18 * 60_000, 'up to 20 % jitter');
  const retry = nextCheckAfterError({ now, minMs: HOUR, errorCount: 1, retryAfterS: 7200, random: () => 0 });
  assert.deepEqual(retry, { at: now + 2 * HOUR, reason: { code: 'retry-after', seconds: 7200 } });
});

test('while WebSub pushes arrive, polling slows down to the longest interval', () => {
  const hourly = Array.from({ length: 168 }, (_, i) => now - i * HOUR);
  assert.deepEqual(nextCheckFromRhythm({ ...bounds, entryTimes: hourly, pushActive: true }), {
    at: now + 24 * HOUR,
    reason: { code: 'push' },
  });
  assert.equal(isPushActive({ websub_lease_until: now + HOUR, websub_last_push_at: now - HOUR }, now), true);
  assert.equal(
    isPushActive({ websub_lease_until: now - 1, websub_last_push_at: now - HOUR }, now),
    false,
    'lease over',
  );
  assert.equal(
    isPushActive({ websub_lease_until: now + HOUR, websub_last_push_at: null }, now),
    false,
    'never pushed',
  );
});
