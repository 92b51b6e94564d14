// Group commit: items handed in one at a time (by feeds refreshed side by side) are written
// together, one transaction for what arrived while the previous one was being written. A lone
// item is written at once; under load the transactions grow on their own, up to the limits. On
// SQLite, where one writer at a time holds the whole database, this means fewer, shorter write
// locks for the web process to wait behind; on PostgreSQL, fewer commits.

export interface GroupCommitOptions<T> {
  /** Items per transaction at most. */
  maxItems: number;
  /** An item's weight (say, its entries) and the most a transaction holds; default 1 and maxItems. */
  weight?: (item: T) => number;
  maxWeight?: number;
  /**
   * A pause after each transaction when more items wait: other processes that poll for SQLite's
   * write lock (web processes marking articles read) find it free in between. 0: none.
   */
  pauseMs?: number;
}

/**
 * Returns `write(item)`, resolving to what `run` gave for that item. `run` writes several items
 * in one transaction and returns one result per item, in order. When it fails for a group, each
 * item of the group is tried again alone, so one bad item does not fail the others.
 */
export function groupCommit<T, R>(
  run: (items: T[]) => Promise<R[]>,
  options: GroupCommitOptions<T>,
): (item: T) => Promise<R> {
  interface Waiting {
    item: T;
    resolve: (result: R) => void;
    reject: (err: unknown) => void;
  }
  const queue: Waiting[] = [];
  const weightOf = options.weight ?? (() => 1);
  const maxWeight = options.maxWeight ?? options.maxItems;
  let writing = false;

  async function runOne(w: Waiting) {
    try {
      const [result] = await run([w.item]);
      w.resolve(result as R);
    } catch (err) {
      w.reject(err);
    }
  }

  async function drain() {
    writing = true;
    try {
      while (queue.length) {
        const group: Waiting[] = [];
        let weight = 0;
        while (queue.length && group.length < options.maxItems) {
          const next = weightOf(queue[0]!.item);
          if (group.length && weight + next > maxWeight) break;
          group.push(queue.shift()!);
          weight += next;
        }
        if (group.length === 1) await runOne(group[0]!);
        else {
          try {
            const results = await run(group.map((w) => w.item));
            group.forEach((w, i) => w.resolve(results[i] as R));
          } catch {
            for (const w of group) await runOne(w);
          }
        }
        if (queue.length && options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
    } finally {
      writing = false;
    }
  }

  return (item: T) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!writing) void drain();
    });
}
