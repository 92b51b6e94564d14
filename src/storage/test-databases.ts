// Test support: the same storage tests run on SQLite (a temporary file) and on PostgreSQL (a
// fresh schema in VEILLE_TEST_DATABASE_URL; skipped with a message when it is unset).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from './database.ts';

export interface TestDatabaseKind {
  name: 'sqlite' | 'postgres';
  /** A reason to skip, or false. */
  skip: string | false;
  open(): Promise<Database & { url: string; schema?: string; dispose(): Promise<void> }>;
}

export function testDatabaseKinds(): TestDatabaseKind[] {
  const pgUrl = process.env.VEILLE_TEST_DATABASE_URL;
  return [
    {
      name: 'sqlite',
      skip: false,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'veille-test-'));
        const url = `sqlite:${join(dir, 'test.sqlite')}`;
        const database = await openDatabase(url);
        return {
          ...database,
          url,
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
      async open() {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const database = await openDatabase(pgUrl!, { schema });
        return {
          ...database,
          url: pgUrl!,
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
}
