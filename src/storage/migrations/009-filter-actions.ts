// Filter actions (issue 6): a user's lists of searches, one per line, bound to an action (mark
// read, star, add a label) at one scope: a feed the user subscribes to, one of the user's
// categories, or all of the user's feeds ('user'). Saved a whole scope at a time.
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.ts';

export function migration009FilterActions(dialect: Dialect): Migration {
  const pg = dialect === 'postgres';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('filter_actions')
        .addColumn('id', pg ? 'serial' : 'integer', (c) =>
          pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        // 'user' (every feed of the user), 'category' or 'feed'; scope_id is then the category or feed id.
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'integer')
        // 'read', 'star' or 'label' (label_id says which).
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('label_id', 'integer', (c) => c.references('labels.id').onDelete('cascade'))
        // The searches, one per line, as the user typed them (each line parses).
        .addColumn('searches', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('filter_actions_scope')
        .on('filter_actions')
        .columns(['user_id', 'scope', 'scope_id'])
        .execute();
    },
  };
}
