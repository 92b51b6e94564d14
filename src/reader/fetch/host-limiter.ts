// A small per-key semaphore: at most `limit` holders per key (the fetcher keys by URL host), the
// others wait in arrival order. Waiting ends when the fetch's deadline expires.
import type { Deadline } from './exchange.ts';

export interface HostLimiter {
  /** Resolves with a release function once a slot for `key` is free; rejects with the deadline's reason. */
  acquire(key: string, deadline?: Deadline): Promise<() => void>;
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
    acquire(key, deadline) {
      if (deadline?.expired) return Promise.reject(deadline.reason);
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
        let unsubscribe = () => {};
        const grant = () => {
          unsubscribe();
          resolve(releaserFor(key));
        };
        waitingSlot.waiting.push(grant);
        if (deadline) {
          unsubscribe = deadline.onExpire(() => {
            const i = waitingSlot.waiting.indexOf(grant);
            if (i !== -1) waitingSlot.waiting.splice(i, 1);
            reject(deadline.reason);
          });
        }
      });
    },
  };
}
