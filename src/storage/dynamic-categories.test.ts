// Migration 012 on a database that imported FreshRSS's frss:opmlUrl before Veille used it (kept
// verbatim in categories.import_extras by migration 011): the address becomes the category's OPML
// URL, due for a check at once; other kept attributes stay; an unusable address stays kept.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Migrator, type Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase, type Database } from './database.ts';
import { migrateToLatest, migrationsFor } from './migrate.ts';
import { createUser } from './users.ts';

const pgUrl = process.env.VEILLE_TEST_DATABASE_URL;

const kinds = [
  {
    name: 'sqlite',
    skip: false as string | false,
    async open(): Promise<{ database: Database; schema?: string; dispose(): Promise<void> }> {
      const dir = mkdtempSync(join(tmpdir(), 'veille-m012-'));
      const database = await openDatabase(`sqlite:${join(dir, 'db.sqlite')}`, { migrate: false });
      return {
        database,
        async dispose() {
          await database.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: pgUrl ? false : 'VEILLE_TEST_DATABASE_URL is not set: PostgreSQL tests skipped',
    async open(): Promise<{ database: Database; schema?: string; dispose(): Promise<void> }> {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const database = await openDatabase(pgUrl!, { schema, migrate: false });
      return {
        database,
        schema,
        async dispose() {
          await database.close();
          const client = new pg.Client({ connectionString: pgUrl });
          await client.connect();
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await client.end();
        },
      };
    },
  },
];

for (const kind of kinds) {
  describe(`migration 012 (dynamic OPML) on ${kind.name}`, { skip: kind.skip }, () => {
    test('frss:opmlUrl kept from an earlier import becomes the OPML URL of its category', async () => {
      const { database, schema, dispose } = await kind.open();
      try {
        const { db, dialect } = database;
        const before = Object.fromEntries(
          Object.entries(migrationsFor(dialect)).filter(([name]) => name < '012'),
        );
        const partial = await new Migrator({
          db,
          provider: { getMigrations: async () => before },
          allowUnorderedMigrations: true,
          ...(schema ? { migrationTableSchema: schema } : {}),
        }).migrateToLatest();
        assert.equal(partial.error, undefined);
        const user = await createUser(db, { username: 'u', passwordHash: 'x', isAdmin: false, now: 1 });
        const insert = (name: string, extras: string | null) =>
          (db as unknown as Kysely<{ categories: Record<string, unknown> }>)
            .insertInto('categories')
            .values({ user_id: user.id, name, position: 1, import_extras: extras })
            .execute();
        await insert(
          'Dynamic',
          JSON.stringify({ 'frss:opmlUrl': 'https://lists.example/a.opml', 'frss:x': 'y' }),
        );
        await insert('Only', JSON.stringify({ 'frss:opmlUrl': 'https://lists.example/b.opml' }));
        await insert('Unusable', JSON.stringify({ 'frss:opmlUrl': 'ftp://lists.example/c.opml' }));
        await insert('Plain', null);

        await migrateToLatest(db, dialect, schema);
        const rows = await db
          .selectFrom('categories')
          .select(['name', 'opml_url', 'opml_next_check_at', 'import_extras'])
          .orderBy('name')
          .execute();
        assert.deepEqual(rows, [
          {
            name: 'Dynamic',
            opml_url: 'https://lists.example/a.opml',
            opml_next_check_at: 0,
            import_extras: '{"frss:x":"y"}',
          },
          {
            name: 'Only',
            opml_url: 'https://lists.example/b.opml',
            opml_next_check_at: 0,
            import_extras: null,
          },
          { name: 'Plain', opml_url: null, opml_next_check_at: null, import_extras: null },
          {
            name: 'Unusable',
            opml_url: null,
            opml_next_check_at: null,
            import_extras: '{"frss:opmlUrl":"ftp://lists.example/c.opml"}',
          },
        ]);
      } finally {
        await dispose();
      }
    });
  });
}
