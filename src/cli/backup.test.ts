import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { configFromEnv } from '../config/config.ts';
import { openDatabase } from '../storage/database.ts';
import { createUser } from '../storage/users.ts';
import { backupCommand, migrateToPostgresCommand, restoreCommand } from './backup.ts';

const dir = mkdtempSync(join(tmpdir(), 'veille-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = configFromEnv({ VEILLE_DATA_DIR: dir, VEILLE_LOG_LEVEL: 'silent' });
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const log = console.log;
  console.log = () => {};
  try {
    return await fn();
  } finally {
    console.log = log;
  }
};

async function usernames(url: string, schema?: string) {
  const db = await openDatabase(url, schema ? { schema } : {});
  try {
    return (await db.db.selectFrom('users').select('username').orderBy('id').execute()).map(
      (r) => r.username,
    );
  } finally {
    await db.close();
  }
}

test('backup while the database is open, then restore it over later changes', async () => {
  const live = await openDatabase(config.databaseUrl);
  await createUser(live.db, { username: 'before', passwordHash: 'x', isAdmin: true, now: 1 });
  const file = join(dir, 'backup.sqlite');
  assert.equal(await quiet(() => backupCommand(config, file)), 0);
  await createUser(live.db, { username: 'after', passwordHash: 'x', isAdmin: false, now: 2 });
  await live.close();
  await assert.rejects(() => backupCommand(config, file), /exists already/);
  assert.deepEqual(await usernames(config.databaseUrl), ['before', 'after']);
  assert.equal(await quiet(() => restoreCommand(config, file)), 0);
  assert.deepEqual(await usernames(config.databaseUrl), ['before']);
});

test('restore refuses a file that is not a Veille backup, leaving the database alone', async () => {
  const bogus = join(dir, 'bogus.sqlite');
  const other = await openDatabase(`sqlite:${bogus}`, { migrate: false });
  await other.close();
  await assert.rejects(() => restoreCommand(config, bogus), /not a Veille backup/);
  assert.deepEqual(await usernames(config.databaseUrl), ['before']);
});

const pgUrl = process.env.VEILLE_TEST_DATABASE_URL;
test(
  'migrate-to-postgres copies every table with its ids, and new rows get fresh ids',
  { skip: pgUrl ? false : 'VEILLE_TEST_DATABASE_URL is not set: PostgreSQL tests skipped' },
  async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const pgConfig = { ...config, databaseSchema: schema };
    try {
      const source = await openDatabase(config.databaseUrl);
      await createUser(source.db, { username: 'third', passwordHash: 'y', isAdmin: false, now: 3 });
      await source.db.insertInto('categories').values({ user_id: 1, name: 'Cat', position: 0 }).execute();
      await source.close();
      assert.equal(await quiet(() => migrateToPostgresCommand(pgConfig, pgUrl)), 0);
      assert.deepEqual(await usernames(pgUrl!, schema), ['before', 'third']);
      const target = await openDatabase(pgUrl!, { schema });
      const ids = await target.db.selectFrom('users').select('id').orderBy('id').execute();
      const fresh = await createUser(target.db, {
        username: 'new',
        passwordHash: 'z',
        isAdmin: false,
        now: 4,
      });
      assert.ok(fresh.id > ids.at(-1)!.id, 'the sequence was moved past the copied ids');
      await target.close();
      await assert.rejects(() => migrateToPostgresCommand(pgConfig, pgUrl), /not empty/);
    } finally {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  },
);
