// Brute-force protection for password checks: failed attempts are counted per client address
// and per account name in a sliding window; once either reaches the limit, further attempts are
// refused (429) before any password is verified. The counters live in this process's memory:
// right for one `veille serve` process; several web processes behind a load balancer each count
// on their own (documented in docs/DECISIONS.md).

export interface LoginRateLimiter {
  /** Seconds to wait when an attempt for this address or account must be refused now, else 0. */
  retryAfterSeconds(keys: { ip: string | null; account: string }, now: number): number;
  /** Counts one failed attempt against the address and the account. */
  recordFailure(keys: { ip: string | null; account: string }, now: number): void;
  /** Forgets the account's failures after a successful login (the address keeps its own). */
  recordSuccess(keys: { ip: string | null; account: string }): void;
}

export interface LoginRateLimitOptions {
  /** Failed attempts allowed in the window; the next one is refused unverified. */
  maxFailures: number;
  windowMs: number;
  /** Bound on remembered keys, so that a flood of distinct names cannot exhaust memory. */
  maxKeys?: number;
}

export function createLoginRateLimiter(options: LoginRateLimitOptions): LoginRateLimiter {
  const maxKeys = options.maxKeys ?? 50_000;
  // key → failure times (ms), oldest first. A Map iterates in insertion order: the first keys
  // are the least recently failed ones, dropped first when the bound is reached.
  const failures = new Map<string, number[]>();

  const keysOf = (k: { ip: string | null; account: string }) => {
    const out = [`account:${k.account.toLowerCase()}`];
    if (k.ip) out.push(`ip:${k.ip}`);
    return out;
  };

  function recent(key: string, now: number): number[] {
    const times = failures.get(key);
    if (!times) return [];
    while (times.length && times[0]! <= now - options.windowMs) times.shift();
    if (!times.length) failures.delete(key);
    return times;
  }

  return {
    retryAfterSeconds(keys, now) {
      let wait = 0;
      for (const key of keysOf(keys)) {
        const times = recent(key, now);
        if (times.length >= options.maxFailures) {
          const oldestRelevant = times[times.length - options.maxFailures]!;
          wait = Math.max(wait, Math.ceil((oldestRelevant + options.windowMs - now) / 1000));
        }
      }
      return wait;
    },
    recordFailure(keys, now) {
      for (const key of keysOf(keys)) {
        const times = recent(key, now);
        times.push(now);
        // Keep only what can matter, and move the key to the end (most recent).
        failures.delete(key);
        failures.set(key, times.slice(-options.maxFailures));
      }
      while (failures.size > maxKeys) {
        const oldest = failures.keys().next().value;
        if (oldest === undefined) break;
        failures.delete(oldest);
      }
    },
    recordSuccess(keys) {
      failures.delete(keysOf(keys)[0]!);
    },
  };
}
