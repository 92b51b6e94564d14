// Compaction of the SQLite full-text index after a purge. Deleting a row from an FTS5 table only
// appends delete markers: the deleted documents' terms stay in the index's segments until a
// merge that reaches the oldest segment folds them away, and the automatic merges of later
// ingests then rewrite that garbage inside the refresh's write transactions. This merges the
// whole index into one segment in small steps instead ('merge' commands of a few pages, each in
// a transaction of its own, a pause between two so that other writers get the lock):
// - a negative 'merge' puts every segment on one level and starts merging them all, reaching
//   the oldest (a positive one merges only levels of `usermerge` segments or more, which may
//   never touch it);
// - positive 'merge' commands continue that merge, even when new segments arrive meanwhile;
// - a command that changed nothing (sqlite3_total_changes() moved by less than 2) means done.
// A call that stops on its time or step bound leaves the merge under way in the index: the next
// call first continues it, then merges what came since. Each complete call rewrites the whole
// index (its live part; the garbage is only read), which is why it runs after purges only.
// PostgreSQL needs none of this: a GIN index drops deleted rows' entries when autovacuum
// vacuums the table.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../storage/is-postgres.ts';
import type { Schema } from '../storage/schema.ts';

export interface CompactOptions {
  /**
   * Leaf pages (of about 4 KB) written per step. A step also reads the deleted entries among
   * them, so its time grows with the share of garbage (docs/DECISIONS.md: ~4 ms at 80 %, ~25 ms
   * at 97 %). A step always ends at a term boundary: a very common term is merged whole.
   */
  stepPages?: number;
  /** Pause between two steps, with the write lock free (other processes poll every ≤ 4 ms). */
  pauseMs?: number;
  /** No step starts after this long; the next call continues the merge. */
  maxMs?: number;
  /** At most this many steps that merged something; the next call continues the merge. */
  maxSteps?: number;
}

export interface CompactResult {
  /** Steps that merged something. */
  steps: number;
  /** Wall time of the call, pauses included. */
  ms: number;
  /** Time the steps held the write lock (BEGIN to COMMIT), all together, and the longest one. */
  lockedMs: number;
  longestStepMs: number;
  /** False when a bound stopped the call before a step found nothing left (the next continues). */
  done: boolean;
}

/** Measured: steps of 4–7 ms at 80 % garbage, 23–40 ms at 97 % (docs/DECISIONS.md). */
export const COMPACT_STEP_PAGES = 16;
/** Twice the longest poll pause of another process waiting for the lock (sqlite-dialect.ts). */
export const COMPACT_PAUSE_MS = 8;
/** A bound for the maintenance loop; a complete merge of a 70 MB index took ~1 s of steps. */
export const COMPACT_MAX_MS = 60_000;

/**
 * Merges the SQLite full-text index into one segment, dropping deleted entries' terms, in steps
 * of `stepPages` pages each in its own transaction. Does nothing on PostgreSQL. Never call it
 * inside a transaction.
 */
export async function compactSearchIndex(
  db: Kysely<Schema>,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const stepPages = Math.max(1, Math.floor(options.stepPages ?? COMPACT_STEP_PAGES));
  const pauseMs = options.pauseMs ?? COMPACT_PAUSE_MS;
  const maxMs = options.maxMs ?? COMPACT_MAX_MS;
  const maxSteps = options.maxSteps ?? Infinity;
  const started = performance.now();
  const result: CompactResult = { steps: 0, ms: 0, lockedMs: 0, longestStepMs: 0, done: true };
  if (isPostgres(db)) return result;

  let lastWorked = false;
  const step = async (pages: number): Promise<boolean | 'stop'> => {
    if (result.steps >= maxSteps || performance.now() - started >= maxMs) return 'stop';
    // After a step that merged something (one that merged nothing held the lock for microseconds).
    if (lastWorked && pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const { worked, heldMs } = await mergeStep(db, pages);
    result.lockedMs += heldMs;
    result.longestStepMs = Math.max(result.longestStepMs, heldMs);
    if (worked) result.steps++;
    lastWorked = worked;
    return worked;
  };

  // 1. Finish a merge left under way by an earlier call (a negative 'merge' would restart it
  //    over every segment when new ones came since). 2. Start one over all segments, finish it.
  let outcome = await step(stepPages);
  while (outcome === true) outcome = await step(stepPages);
  if (outcome === false) {
    outcome = await step(-stepPages);
    while (outcome === true) outcome = await step(stepPages);
  }
  result.done = outcome === false;
  result.ms = Math.round(performance.now() - started);
  result.lockedMs = Math.round(result.lockedMs);
  result.longestStepMs = Math.round(result.longestStepMs);
  return result;
}

/**
 * One 'merge' command of `pages` pages in its own transaction: whether it merged something, and
 * how long the write lock was held (from BEGIN IMMEDIATE's success to COMMIT).
 */
async function mergeStep(db: Kysely<Schema>, pages: number): Promise<{ worked: boolean; heldMs: number }> {
  let locked = 0;
  const worked = await db.transaction().execute(async (trx) => {
    locked = performance.now();
    // total_changes() is per connection: the transaction keeps one for all three statements.
    const before = await totalChanges(trx);
    await sql`insert into entries_fts (entries_fts, rank) values ('merge', ${pages})`.execute(trx);
    return (await totalChanges(trx)) - before >= 2;
  });
  return { worked, heldMs: performance.now() - locked };
}

async function totalChanges(db: Kysely<Schema>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select total_changes() as n`.execute(db);
  return Number(rows[0]!.n);
}
