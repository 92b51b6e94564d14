// Kysely's SQLite dialect, with two changes for several processes sharing one file (`veille
// serve --no-refresh` and `veille worker`):
// - a transaction takes the write lock when it begins (BEGIN IMMEDIATE). Every transaction here
//   reads then writes; begun DEFERRED, its first write fails at once with SQLITE_BUSY when another
//   process committed since its first read (WAL cannot upgrade a stale snapshot), whatever the
//   busy timeout;
// - waiting for another process's write lock is asynchronous. The driver is synchronous: with a
//   busy timeout, SQLite would sleep in the calling thread, and the whole web process would stop
//   while a worker's ingest holds the lock. The connection's busy timeout is 0 instead
//   (sqlite-connection.ts), and a statement that finds the database locked is tried again after
//   a growing pause (1 ms to BUSY_PAUSE_MAX_MS) on the event loop, for up to BUSY_WAIT_MS. SQLite
//   queues nobody: a short pause finds the lock free between two of another process's
//   transactions (the refresh loop leaves it free a moment between two: src/refresh/worker.ts).
// - several connections per process (a small pool, opened as needed), lent for as long as they
//   are needed, no longer: a transaction keeps one from BEGIN to COMMIT, a stream until it ends,
//   and a single statement runs on any connection not kept (the driver is synchronous: the
//   statement is done before anything else runs). Reads never wait behind a write (WAL readers
//   do not wait for the writer), and waiting writers hold nothing but their place in line: the
//   transactions of one process take the write lock in turn, first come first served, through
//   one gate (only one of them could hold SQLite's lock anyway). With Kysely's single connection
//   and its mutex, every page of a web process queued behind one "mark as read" waiting for a
//   worker's commit (bench:load: p95 ≈ 240 ms at 50 req/s); with connections lent per request,
//   behind three of them.
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type SqliteDatabase,
  type TransactionSettings,
} from 'kysely';

/** How long a statement waits for another process's lock before failing (the old busy timeout). */
export const BUSY_WAIT_MS = 10_000;
/** The longest pause between two tries (a try costs microseconds). */
export const BUSY_PAUSE_MAX_MS = 4;

export function isBusyError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) ||
    /database is locked|database table is locked/i.test(err.message)
  );
}

/** Runs `attempt` until it does not fail with SQLITE_BUSY, pausing on the event loop between tries. */
export async function whileBusy<T>(attempt: () => Promise<T>, waitMs = BUSY_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  let pause = 1;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusyError(err) || Date.now() + pause > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, BUSY_PAUSE_MAX_MS);
    }
  }
}

/** One SQLite connection of the pool: Kysely's driver for it, held for good. */
interface Slot {
  driver: SqliteDriver;
  inner: DatabaseConnection;
  /** Taken by a transaction or a stream until it ends; free slots serve single statements. */
  bound: boolean;
}

/**
 * A connection as Kysely sees it. It holds an SQLite connection only while it needs one for
 * longer than a statement: from BEGIN to COMMIT, or for a stream. A single statement runs on any
 * connection not taken (the driver is synchronous: it is done before anything else runs), so
 * reads never wait behind a write waiting for the lock.
 */
class LazyConnection implements DatabaseConnection {
  slot: Slot | null = null;
  constructor(readonly pool: PooledSqliteDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Inside a transaction the write lock is held already: a busy error there is not a wait.
    if (this.slot) return this.slot.inner.executeQuery<R>(query);
    return whileBusy(async () => (await this.pool.freeSlot()).inner.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (this.slot) {
      yield* this.slot.inner.streamQuery<R>(query, chunkSize);
      return;
    }
    const slot = await this.pool.bindSlot();
    try {
      yield* slot.inner.streamQuery<R>(query, chunkSize);
    } finally {
      this.pool.unbind(slot);
    }
  }
}

/** First come, first served: the transactions of this process take the write lock in turn. */
class WriteGate {
  #held = false;
  readonly #queue: (() => void)[] = [];

  /** Resolves when it is this caller's turn; fails after `waitMs` (a transaction inside one?). */
  async enter(waitMs: number): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#queue.splice(this.#queue.indexOf(turn), 1);
        reject(new Error('storage: database is locked (waited for this process’s other transactions)'));
      }, waitMs);
      this.#queue.push(turn);
    });
  }

  leave(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}

export interface PoolOptions {
  /** The first connection, opened by the caller (migrations run on it). */
  database: SqliteDatabase;
  /** Opens one more connection to the same file; null for a database that cannot be shared (:memory:). */
  open: (() => Promise<SqliteDatabase>) | null;
  /** Connections at most (the first included). */
  size: number;
}

/**
 * The process's SQLite connections. Transactions go one at a time through the write gate (only
 * one can hold SQLite's write lock anyway), each on a connection of its own until it ends; single
 * statements use whichever connection no transaction or stream has taken.
 */
class PooledSqliteDriver implements Driver {
  readonly #slots: Slot[] = [];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  readonly #gate = new WriteGate();
  #opening = 0;
  constructor(readonly options: PoolOptions) {}

  async init(): Promise<void> {
    this.#slots.push(await slotOf(this.options.database));
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LazyConnection(this);
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    // A connection is let go of when its transaction or stream ends; nothing is held here.
    void c;
  }

  /** A connection for one statement: any one not taken, else the first one given back. */
  async freeSlot(): Promise<Slot> {
    return this.#slots.find((slot) => !slot.bound) ?? this.#newOrNextSlot();
  }

  /** A connection taken until unbind(). */
  async bindSlot(): Promise<Slot> {
    const slot = await this.freeSlot();
    slot.bound = true;
    return slot;
  }

  unbind(slot: Slot): void {
    slot.bound = false;
    const next = this.#waiting.shift();
    if (next) next(slot);
  }

  async #newOrNextSlot(): Promise<Slot> {
    const { open, size } = this.options;
    if (open && this.#slots.length + this.#opening < size) {
      this.#opening++;
      try {
        const slot = await slotOf(await open());
        this.#slots.push(slot);
        return slot;
      } finally {
        this.#opening--;
      }
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    void settings; // SQLite transactions are serializable; there is nothing to set.
    const connection = c as LazyConnection;
    const deadline = Date.now() + BUSY_WAIT_MS;
    await this.#gate.enter(BUSY_WAIT_MS);
    let slot: Slot | null = null;
    try {
      slot = await this.bindSlot();
      const bound = slot;
      // Another process may hold the lock: wait for it on the event loop.
      await whileBusy(
        () => bound.inner.executeQuery(CompiledQuery.raw('begin immediate')),
        Math.max(0, deadline - Date.now()),
      );
      connection.slot = slot;
    } catch (err) {
      if (slot) this.unbind(slot);
      this.#gate.leave();
      throw err;
    }
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const connection = c as LazyConnection;
    const slot = this.#boundSlotOf(connection);
    // When COMMIT fails, Kysely rolls back: the transaction ends there.
    await slot.driver.commitTransaction(slot.inner);
    this.#endTransaction(connection, slot);
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const connection = c as LazyConnection;
    const slot = this.#boundSlotOf(connection);
    try {
      await slot.driver.rollbackTransaction(slot.inner);
    } finally {
      this.#endTransaction(connection, slot);
    }
  }

  #endTransaction(connection: LazyConnection, slot: Slot): void {
    connection.slot = null;
    this.unbind(slot);
    this.#gate.leave();
  }

  #boundSlotOf(c: LazyConnection): Slot {
    if (!c.slot) throw new Error('storage: no transaction on this connection');
    return c.slot;
  }

  savepoint: Driver['savepoint'] = (c, name, compile) => {
    const slot = this.#boundSlotOf(c as LazyConnection);
    return slot.driver.savepoint(slot.inner, name, compile);
  };
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (c, name, compile) => {
    const slot = this.#boundSlotOf(c as LazyConnection);
    return slot.driver.rollbackToSavepoint(slot.inner, name, compile);
  };
  releaseSavepoint: Driver['releaseSavepoint'] = (c, name, compile) => {
    const slot = this.#boundSlotOf(c as LazyConnection);
    return slot.driver.releaseSavepoint(slot.inner, name, compile);
  };

  async destroy(): Promise<void> {
    const slots = this.#slots.splice(0);
    for (const slot of slots) await slot.driver.destroy();
  }
}

/** Kysely's driver over one connection; its own mutex is taken once and kept: the pool lends it. */
async function slotOf(database: SqliteDatabase): Promise<Slot> {
  const driver = new SqliteDriver({ database });
  await driver.init();
  const inner = await driver.acquireConnection();
  return { driver, inner, bound: false };
}

/** Kysely's SQLite dialect with the pool above. */
export class PooledSqliteDialect extends SqliteDialect {
  readonly #pool: PoolOptions;
  constructor(pool: PoolOptions) {
    super({ database: pool.database });
    this.#pool = pool;
  }

  override createDriver(): Driver {
    return new PooledSqliteDriver(this.#pool);
  }
}
