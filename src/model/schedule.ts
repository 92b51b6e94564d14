// When to check a feed next: from its own publishing rhythm, within the global or per-feed
// bounds, never before the server's Cache-Control/Expires allows, later after errors.
// Pure functions: the refresh stores the result and its reason on the feed.

export type ScheduleReason =
  | { code: 'rhythm'; perWeek: number }
  | { code: 'quiet' }
  | { code: 'cache'; seconds: number }
  | { code: 'error'; errors: number }
  | { code: 'retry-after'; seconds: number }
  | { code: 'gone' }
  | { code: 'push' };

export interface NextCheck {
  at: number;
  reason: ScheduleReason;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

export interface RhythmInput {
  now: number;
  minMs: number;
  maxMs: number;
  /** Publication times of the feed's latest entries (any order). */
  entryTimes: number[];
  /** Freshness lifetime the server gave (Cache-Control max-age or Expires), in ms; null if none. */
  cacheLifetimeMs: number | null;
  /** WebSub pushes arrive: polling is only a safety net, at the longest interval. */
  pushActive?: boolean;
}

/** Next check after a successful fetch. */
export function nextCheckFromRhythm(input: RhythmInput): NextCheck {
  const { now, minMs } = input;
  const maxMs = Math.max(input.maxMs, minMs);
  if (input.pushActive) return { at: now + maxMs, reason: { code: 'push' } };
  const lastWeek = input.entryTimes.filter((t) => t > now - WEEK && t <= now).length;
  let interval: number;
  let reason: ScheduleReason;
  if (lastWeek > 0) {
    // The average gap between entries of the last week: check about as often as it publishes.
    interval = WEEK / lastWeek;
    reason = { code: 'rhythm', perWeek: lastWeek };
  } else {
    interval = maxMs;
    reason = { code: 'quiet' };
  }
  interval = Math.min(maxMs, Math.max(minMs, interval));
  if (input.cacheLifetimeMs !== null && input.cacheLifetimeMs > interval) {
    interval = Math.min(maxMs, input.cacheLifetimeMs);
    reason = { code: 'cache', seconds: Math.round(input.cacheLifetimeMs / 1000) };
  }
  return { at: now + Math.round(interval), reason };
}

/** Next check after `errorCount` consecutive errors: exponential back-off with jitter, capped at a day. */
export function nextCheckAfterError(input: {
  now: number;
  minMs: number;
  errorCount: number;
  retryAfterS: number | null;
  random?: () => number;
}): NextCheck {
  const random = input.random ?? Math.random;
  const base = Math.min(DAY, Math.max(5 * 60_000, input.minMs / 4) * 2 ** Math.min(input.errorCount - 1, 10));
  const backoff = base + base * 0.2 * random();
  const retryAfter = input.retryAfterS ? input.retryAfterS * 1000 : 0;
  if (retryAfter > backoff) {
    return {
      at: input.now + Math.min(retryAfter, 7 * DAY),
      reason: { code: 'retry-after', seconds: input.retryAfterS! },
    };
  }
  return { at: input.now + Math.round(backoff), reason: { code: 'error', errors: input.errorCount } };
}

/** Freshness lifetime from Cache-Control max-age (or s-maxage), else Expires − Date; null when absent. */
export function cacheLifetimeMs(headers: Record<string, string>, now: number): number | null {
  const cc = headers['cache-control'] ?? '';
  if (/\b(no-store|no-cache)\b/i.test(cc)) return null;
  const m = /\b(?:s-maxage|max-age)\s*=\s*"?(\d{1,10})"?/i.exec(cc);
  if (m) return Number(m[1]) * 1000;
  const expires = headers['expires'];
  if (expires) {
    const at = Date.parse(expires);
    if (Number.isNaN(at)) return null;
    const date = headers['date'] ? Date.parse(headers['date']) : NaN;
    const lifetime = at - (Number.isNaN(date) ? now : date);
    return lifetime > 0 ? lifetime : null;
  }
  return null;
}

/** A WebSub lease is live and the hub pushed within a week. */
export function isPushActive(
  feed: { websub_lease_until: number | null; websub_last_push_at: number | null },
  now: number,
): boolean {
  return (feed.websub_lease_until ?? 0) > now && (feed.websub_last_push_at ?? 0) > now - 7 * DAY;
}
