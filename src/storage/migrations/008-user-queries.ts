// User queries (issue 6): a user's saved searches, FreshRSS's "Filtres utilisateurs": a name,
// the stream, the search, the state filter and the sort, in the user's order; each may carry a
// secret token that publishes it read-only (HTML, RSS, Atom, OPML) to whoever has the link.
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

export function migration008UserQueries(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('user_queries')
        .addColumn('id', pg ? 'serial' : 'integer', (c) =>
          pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        // The stream as in URLs: main, important, starred, c12, f34, t5.
        .addColumn('stream', 'text', (c) => c.notNull())
        .addColumn('search', 'text', (c) => c.notNull().defaultTo(''))
        // The state and sort as in URLs; null: the user's defaults when the query is opened.
        .addColumn('state', 'text')
        .addColumn('sort', 'text')
        .addColumn('sort_order', 'text')
        .addColumn('share_token', 'text', (c) => c.unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('user_queries_user')
        .on('user_queries')
        .columns(['user_id', 'position'])
        .execute();
    },
  };
}
