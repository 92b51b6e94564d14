import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  QUARTER_MS,
  idlePeriodOf,
  lastLocalDays,
  localClock,
  localDayStarts,
  repartitionOf,
  repartitionStartDay,
  startOfLocalDay,
} from './statistics.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const q = (ms: number) => Math.floor(ms / QUARTER_MS);

test('local offsets follow daylight saving time (Paris) and half-hour zones (Kolkata)', () => {
  const paris = localClock('Europe/Paris');
  assert.equal(paris.offsetAt(Date.UTC(2026, 0, 15, 12)), HOUR);
  assert.equal(paris.offsetAt(Date.UTC(2026, 6, 15, 12)), 2 * HOUR);
  // 29 March 2026: clocks go forward at 01:00 UTC.
  assert.equal(paris.offsetAt(Date.UTC(2026, 2, 29, 0, 59)), HOUR);
  assert.equal(paris.offsetAt(Date.UTC(2026, 2, 29, 1, 0)), 2 * HOUR);
  assert.equal(localClock('Asia/Kolkata').offsetAt(Date.UTC(2026, 0, 1)), 5.5 * HOUR);
  // 23:30 UTC on 31 December is already 1 January in Paris.
  assert.equal(paris.localDay(Date.UTC(2025, 11, 31, 23, 30)), Date.UTC(2026, 0, 1) / DAY);
  assert.equal(startOfLocalDay(paris, Date.UTC(2026, 6, 15) / DAY), Date.UTC(2026, 6, 14, 22));
});

test('the last 30 local days and their first instants, in the user’s time zone', () => {
  const clock = localClock('Europe/Paris');
  const now = Date.UTC(2026, 10, 21, 12);
  const window = lastLocalDays(clock, now, 30);
  assert.equal(window.days.length, 30);
  assert.equal(window.days[29], Date.UTC(2026, 10, 21) / DAY);
  // 23 October is still summer time (UTC+2, until 25 October); 21 November is UTC+1.
  assert.equal(window.fromMs, Date.UTC(2026, 9, 22, 22), '23 October 00:00 in Paris');
  const starts = localDayStarts(clock, window);
  assert.equal(starts[0], Date.UTC(2026, 9, 22, 22));
  assert.equal(starts[3], Date.UTC(2026, 9, 25, 23), '26 October: back to UTC+1');
  assert.equal(starts[29], Date.UTC(2026, 10, 20, 23));
});

test('the repartition covers 12 months, or the recent days that hold at most the cap', () => {
  const window = { fromMs: 0, days: Array.from({ length: 30 }, (_, i) => 1000 + i) };
  const perDay = window.days.map(() => 10);
  assert.equal(repartitionStartDay(window, perDay, 5000, 5000), 1029 - 364);
  assert.equal(repartitionStartDay(window, perDay, 5001, 35), 1027, 'three days of 10');
  assert.equal(repartitionStartDay(window, perDay, 5001, 300), 1000, 'the whole window');
  assert.equal(repartitionStartDay(window, perDay, 5001, 5), 1029, 'today at least');
});

test('repartition by local hour and weekday (Monday first)', () => {
  const clock = localClock('Europe/Paris');
  // Saturday 21 November 2026, 12:00 UTC = 13:00 in Paris.
  const r = repartitionOf(
    [
      { q: q(Date.UTC(2026, 10, 21, 12)), n: 3 },
      { q: q(Date.UTC(2026, 10, 22, 23, 30)), n: 1 }, // Monday 00:30 in Paris
    ],
    clock,
  );
  assert.equal(r.byHour[13], 3);
  assert.equal(r.byHour[0], 1);
  assert.equal(r.byWeekday[5], 3, 'Saturday');
  assert.equal(r.byWeekday[0], 1, 'Monday');
});

test('idle periods: the longest one exceeded, never for feeds without entries', () => {
  const now = Date.UTC(2026, 10, 21);
  assert.equal(idlePeriodOf(null, now), 'never');
  assert.equal(idlePeriodOf(now - 2 * DAY, now), null);
  assert.equal(idlePeriodOf(now - 8 * DAY, now), 'week');
  assert.equal(idlePeriodOf(now - 40 * DAY, now), 'month');
  assert.equal(idlePeriodOf(now - 100 * DAY, now), 'quarter');
  assert.equal(idlePeriodOf(now - 200 * DAY, now), 'halfYear');
  assert.equal(idlePeriodOf(now - 400 * DAY, now), 'year');
});
