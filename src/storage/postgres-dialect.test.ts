// Migrations on PostgreSQL succeed while other schemas of the same database come and go (other
// instances, tests, benchmarks): Kysely's stock introspector failed then with "schema … does
// not exist" (seen in CI, where test files drop their schemas in parallel).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { openDatabase } from './database.ts';

const pgUrl = process.env.VEILLE_TEST_DATABASE_URL;

test(
  'PostgreSQL: opening and migrating while other schemas are created and dropped',
  { skip: pgUrl ? false : 'VEILLE_TEST_DATABASE_URL is not set' },
  async () => {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    const prefix = `churn_${randomBytes(4).toString('hex')}`;
    let stop = false;
    let dropped = 0;
    // Keep schemas with tables appearing and disappearing for as long as the migrations run.
    const churn = (async () => {
      for (let i = 0; !stop; i++) {
        const name = `${prefix}_${i}`;
        await client.query(`CREATE SCHEMA ${name}; CREATE TABLE ${name}.t (id serial primary key, x text)`);
        await client.query(`DROP SCHEMA ${name} CASCADE`);
        dropped++;
      }
    })();
    const opened: Array<{ schema: string; close(): Promise<void> }> = [];
    try {
      for (let i = 0; i < 3; i++) {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const database = await openDatabase(pgUrl!, { schema });
        opened.push({ schema, close: () => database.close() });
        const tables = await database.db.introspection.getTables();
        const names = tables.map((t) => t.name);
        assert.ok(names.includes('entries') && names.includes('feeds'), names.join(', '));
        assert.ok(
          tables.every((t) => t.schema === schema),
          'only the own schema is listed',
        );
        assert.ok(!names.includes('kysely_migration'), 'Kysely’s own tables are left out unless asked');
        const feeds = tables.find((t) => t.name === 'feeds')!;
        assert.equal(feeds.columns.find((c) => c.name === 'id')?.isAutoIncrementing, true);
      }
    } finally {
      stop = true;
      await churn;
      for (const { schema, close } of opened) {
        await close();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      }
      await client.end();
    }
    assert.ok(dropped > 0, 'schemas were dropped while migrating');
  },
);
