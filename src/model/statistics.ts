// Pure rules of the statistics pages: the user's local days (their first instants cut the
// reception ranges that the database counts), local hours and weekdays from quarter-hour counts
// grouped in UTC (every time zone's offset is a multiple of 15 minutes, so a quarter-hour never
// straddles a local hour), the repartition's window, and FreshRSS's idle periods.

export const QUARTER_MS = 900_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Count of entries in one UTC quarter-hour (`q` = floor(ms / QUARTER_MS)). */
export interface QuarterCount {
  q: number;
  n: number;
}

/** The offset (ms, local minus UTC) of a time zone at any instant, cached per UTC day. */
export interface LocalClock {
  offsetAt(ms: number): number;
  /** Days since 1970-01-01 of the local date at `ms`. */
  localDay(ms: number): number;
}

export function localClock(timeZone: string): LocalClock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const exact = (ms: number): number => {
    const at = Math.floor(ms / 1000) * 1000;
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(at))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    return asUtc - at;
  };
  // A day whose offset is the same at both ends has it all day long (transitions happen once
  // or twice a year): two Intl calls per UTC day instead of one per bucket.
  const days = new Map<number, number | null>();
  const offsetAt = (ms: number): number => {
    const day = Math.floor(ms / DAY_MS);
    let cached = days.get(day);
    if (cached === undefined) {
      const start = exact(day * DAY_MS);
      cached = start === exact(day * DAY_MS + DAY_MS - 1000) ? start : null;
      days.set(day, cached);
    }
    return cached ?? exact(ms);
  };
  return { offsetAt, localDay: (ms) => Math.floor((ms + offsetAt(ms)) / DAY_MS) };
}

/** The UTC instant at which local day `day` (days since 1970-01-01) starts. */
export function startOfLocalDay(clock: LocalClock, day: number): number {
  let guess = day * DAY_MS;
  // Two rounds settle any offset, including one that changes on that day.
  for (let i = 0; i < 2; i++) guess = day * DAY_MS - clock.offsetAt(guess);
  return guess;
}

export interface DayWindow {
  /** First instant counted (start of the oldest local day). */
  fromMs: number;
  /** Local day numbers, oldest first, today last. */
  days: number[];
}

/** The last `count` local days, today included. */
export function lastLocalDays(clock: LocalClock, now: number, count: number): DayWindow {
  const today = clock.localDay(now);
  const days = Array.from({ length: count }, (_, i) => today - count + 1 + i);
  return { fromMs: startOfLocalDay(clock, days[0]!), days };
}

/** The first instant (UTC ms) of each local day of the window. */
export function localDayStarts(clock: LocalClock, window: DayWindow): number[] {
  return window.days.map((d) => startOfLocalDay(clock, d));
}

/**
 * The first local day that the hour and weekday repartition covers: the last 365 days when the
 * user has at most `cap` entries, otherwise as many recent days (of `window`, with `perDay`
 * entries each) as hold at most `cap` entries, today at least. Counting publication times
 * sorts every entry in the window, so this bounds the page's cost at any volume.
 */
export function repartitionStartDay(window: DayWindow, perDay: number[], total: number, cap: number): number {
  const today = window.days[window.days.length - 1]!;
  if (total <= cap) return today - 364;
  let sum = 0;
  let i = window.days.length - 1;
  while (i >= 0 && sum + perDay[i]! <= cap) sum += perDay[i--]!;
  return window.days[Math.min(window.days.length - 1, i + 1)]!;
}

export interface Repartition {
  /** Local hour 0–23. */
  byHour: number[];
  /** Local weekday, 0 = Monday … 6 = Sunday (FreshRSS and ISO order). */
  byWeekday: number[];
}

export function repartitionOf(buckets: QuarterCount[], clock: LocalClock): Repartition {
  const byHour = Array.from({ length: 24 }, () => 0);
  const byWeekday = Array.from({ length: 7 }, () => 0);
  for (const b of buckets) {
    const utc = b.q * QUARTER_MS;
    const local = utc + clock.offsetAt(utc);
    const day = Math.floor(local / DAY_MS);
    byHour[Math.floor((local - day * DAY_MS) / HOUR_MS)]! += b.n;
    // 1970-01-01 was a Thursday (index 3 from Monday).
    byWeekday[(((day + 3) % 7) + 7) % 7]! += b.n;
  }
  return { byHour, byWeekday };
}

/** FreshRSS's idle periods, longest first: a feed is listed under the longest one it exceeds. */
export const IDLE_PERIODS = [
  { key: 'year', days: 365 },
  { key: 'halfYear', days: 182 },
  { key: 'quarter', days: 91 },
  { key: 'month', days: 30 },
  { key: 'week', days: 7 },
] as const;

export type IdlePeriod = (typeof IDLE_PERIODS)[number]['key'] | 'never';

/** The idle period of a feed whose last entry is dated `lastAt` (null: no entry at all); null when active. */
export function idlePeriodOf(lastAt: number | null, now: number): IdlePeriod | null {
  if (lastAt === null) return 'never';
  const idle = now - lastAt;
  for (const p of IDLE_PERIODS) if (idle >= p.days * DAY_MS) return p.key;
  return null;
}
