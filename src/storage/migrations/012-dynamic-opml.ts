// Dynamic OPML categories (FreshRSS's `opml_url`): a category may follow a remote OPML, whose
// feeds it subscribes to and unsubscribes from when checked (src/refresh/dynamic-opml.ts).
// Categories get the URL, the schedule (next check, lease), the validators of the last answer and
// what the last check found or why it failed; subscriptions get `opml_managed`: 1 when the
// category's OPML subscribed it, 2 when it left the OPML but was kept (muted) because the user
// starred or labelled some of its articles, 0 for the user's own subscriptions.
// Categories imported before this migration kept FreshRSS's frss:opmlUrl verbatim in
// `import_extras` (migration 011): it becomes their OPML URL, due for a check at once.
import type { Kysely, Migration } from 'kysely';

export const migration012DynamicOpml: Migration = {
  async up(db: Kysely<unknown>) {
    // One column per statement: SQLite adds one at a time.
    for (const [name, type] of COLUMNS) {
      await db.schema.alterTable('categories').addColumn(name, type).execute();
    }
    await db.schema
      .alterTable('subscriptions')
      .addColumn('opml_managed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('categories_opml_next_check')
      .on('categories')
      .column('opml_next_check_at')
      .execute();

    const typed = db as unknown as Kysely<{
      categories: {
        id: number;
        import_extras: string | null;
        opml_url: string | null;
        opml_next_check_at: number | null;
      };
    }>;
    const rows = await typed
      .selectFrom('categories')
      .select(['id', 'import_extras'])
      .where('import_extras', 'like', '%opmlUrl%')
      .execute();
    for (const row of rows) {
      let extras: Record<string, unknown>;
      try {
        extras = JSON.parse(row.import_extras ?? '') as Record<string, unknown>;
      } catch {
        continue;
      }
      const url = extras['frss:opmlUrl'];
      if (typeof url !== 'string' || !isHttpUrl(url)) continue;
      delete extras['frss:opmlUrl'];
      await typed
        .updateTable('categories')
        .set({
          opml_url: url.trim(),
          opml_next_check_at: 0,
          import_extras: Object.keys(extras).length ? JSON.stringify(extras) : null,
        })
        .where('id', '=', row.id)
        .execute();
    }
  },
};

const COLUMNS: [string, 'text' | 'bigint'][] = [
  ['opml_url', 'text'],
  ['opml_next_check_at', 'bigint'],
  ['opml_lease_until', 'bigint'],
  ['opml_checked_at', 'bigint'],
  ['opml_error', 'text'],
  ['opml_result', 'text'],
  ['opml_etag', 'text'],
  ['opml_last_modified', 'text'],
];

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
