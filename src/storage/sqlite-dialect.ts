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
//   a growing pause (1 ms to 20 ms) on the event loop, for up to BUSY_WAIT_MS.
// - several connections per process (a small pool, opened as needed): a request that waits for
//   the write lock, or a transaction in progress, holds one connection, and the other requests
//   of the same process go on reading on the others (WAL readers never wait for the writer).
//   With Kysely's single connection and its mutex, every page of a web process queued behind
//   one "mark as read" waiting for a worker's commit (bench:load: p95 ≈ 240 ms at 50 req/s).
//   Within one process, two writers still take turns: the second one's BEGIN IMMEDIATE finds
//   the lock taken and waits on the event loop like any other.
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
      pause = Math.min(pause * 2, 20);
    }
  }
}

/** The one connection, with its statements retried while another process holds the lock. */
class WaitingConnection implements DatabaseConnection {
  /** Inside a transaction the write lock is held already: a busy error there is not a wait. */
  inTransaction = false;
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return this.inner.executeQuery<R>(query);
    return whileBusy(() => this.inner.executeQuery<R>(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** One connection of the pool: Kysely's driver for it, held for good, and whether it is lent. */
interface Slot {
  driver: SqliteDriver;
  connection: WaitingConnection;
  lent: boolean;
}

export interface PoolOptions {
  /** The first connection, opened by the caller (migrations run on it). */
  database: SqliteDatabase;
  /** Opens one more connection to the same file; null for a database that cannot be shared (:memory:). */
  open: (() => Promise<SqliteDatabase>) | null;
  /** Connections at most (the first included). */
  size: number;
}

/** Connections lent to one query or transaction at a time; more opened while all are lent. */
class PooledSqliteDriver implements Driver {
  readonly #slots: Slot[] = [];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  #opening = 0;
  constructor(readonly options: PoolOptions) {}

  async init(): Promise<void> {
    this.#slots.push(await slotOf(this.options.database));
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const free = this.#slots.find((slot) => !slot.lent);
    if (free) {
      free.lent = true;
      return free.connection;
    }
    const { open, size } = this.options;
    if (open && this.#slots.length + this.#opening < size) {
      this.#opening++;
      try {
        const slot = await slotOf(await open());
        slot.lent = true;
        this.#slots.push(slot);
        return slot.connection;
      } finally {
        this.#opening--;
      }
    }
    return new Promise((resolve) => this.#waiting.push((slot) => resolve(slot.connection)));
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    const slot = this.#slotOf(c);
    const next = this.#waiting.shift();
    if (next) next(slot);
    else slot.lent = false;
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    void settings; // SQLite transactions are serializable; there is nothing to set.
    const connection = c as WaitingConnection;
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    connection.inTransaction = true;
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await this.#slotOf(c).driver.commitTransaction((c as WaitingConnection).inner);
    (c as WaitingConnection).inTransaction = false;
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    try {
      await this.#slotOf(c).driver.rollbackTransaction((c as WaitingConnection).inner);
    } finally {
      (c as WaitingConnection).inTransaction = false;
    }
  }

  savepoint: Driver['savepoint'] = (c, name, compile) =>
    this.#slotOf(c).driver.savepoint(innerOf(c), name, compile);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (c, name, compile) =>
    this.#slotOf(c).driver.rollbackToSavepoint(innerOf(c), name, compile);
  releaseSavepoint: Driver['releaseSavepoint'] = (c, name, compile) =>
    this.#slotOf(c).driver.releaseSavepoint(innerOf(c), name, compile);

  async destroy(): Promise<void> {
    const slots = this.#slots.splice(0);
    for (const slot of slots) await slot.driver.destroy();
  }

  #slotOf(c: DatabaseConnection): Slot {
    const slot = this.#slots.find((s) => s.connection === c);
    if (!slot) throw new Error('storage: a connection that is not of this pool');
    return slot;
  }
}

function innerOf(c: DatabaseConnection): DatabaseConnection {
  return c instanceof WaitingConnection ? c.inner : c;
}

/** Kysely's driver over one connection; its own mutex is taken once and kept: the pool lends it. */
async function slotOf(database: SqliteDatabase): Promise<Slot> {
  const driver = new SqliteDriver({ database });
  await driver.init();
  const inner = await driver.acquireConnection();
  return { driver, connection: new WaitingConnection(inner), lent: false };
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
