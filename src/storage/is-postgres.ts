// Which database a Kysely instance talks to, for the few queries written per dialect.
import { PostgresAdapter } from 'kysely';

/** True on PostgreSQL, false on SQLite (any Kysely instance or transaction). */
export function isPostgres(db: { getExecutor(): { readonly adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
