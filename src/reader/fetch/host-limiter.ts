// A small per-key semaphore: at most `limit` holders per key (the fetcher keys by URL host), the
// others wait in arrival order. Waiting can be abandoned through an AbortSignal.

export interface HostLimiter {
  /** Resolves with a release function once a slot for `key` is free; rejects with signal.reason on abort. */
  acquire(key: string, signal?: AbortSignal): Promise<() => void>;
}

export function createHostLimiter(limit: number): HostLimiter {
  const max = Math.max(1, Math.floor(limit));
  const slots = new Map<string, { active: number; waiting: (() => void)[] }>();

  function releaseOne(key: string) {
    const slot = slots.get(key);
    if (!slot) return;
    const next = slot.waiting.shift();
    if (next) {
      next(); // the slot passes straight to the next waiter
      return;
    }
    slot.active--;
    if (slot.active === 0) slots.delete(key);
  }

  function releaserFor(key: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseOne(key);
    };
  }

  return {
    acquire(key, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      let slot = slots.get(key);
      if (!slot) {
        slot = { active: 0, waiting: [] };
        slots.set(key, slot);
      }
      if (slot.active < max) {
        slot.active++;
        return Promise.resolve(releaserFor(key));
      }
      const waitingSlot = slot;
      return new Promise((resolve, reject) => {
        const onAbort = () => {
          const i = waitingSlot.waiting.indexOf(grant);
          if (i !== -1) waitingSlot.waiting.splice(i, 1);
          reject(signal?.reason);
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(releaserFor(key));
        };
        waitingSlot.waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
