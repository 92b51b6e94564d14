// veille backup FILE / veille restore FILE (SQLite), veille migrate-to-postgres URL.
//
// Backup: `VACUUM INTO` writes a consistent, compacted copy while the server keeps running (a
// read transaction: writers are not blocked under WAL). PostgreSQL is backed up with its own
// tools (`pg_dump -Fc`, `pg_restore`): see the README.
// Restore: the file is checked (a SQLite database with Veille's tables), migrated to the current
// schema, then replaces the database file. Stop `veille serve` and workers first.
// migrate-to-postgres: copies every table, ids included, into an empty PostgreSQL database
// (migrated first), then moves each serial sequence past the largest id.
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import { reindexAllEntries } from '../search/search-index.ts';
import { openDatabase } from '../storage/database.ts';
import { openConfiguredDatabase } from './app-context.ts';
import { CliError } from './user-for-command.ts';

function sqliteFile(config: Config): string | null {
  const url = config.databaseUrl;
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return null;
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
}

export async function backupCommand(config: Config, file: string | undefined): Promise<number> {
  if (!file) throw new CliError('backup: name the backup file: `veille backup FILE`');
  if (!sqliteFile(config))
    throw new CliError('backup: on PostgreSQL use `pg_dump -Fc` (see the README, "Backup")');
  if (existsSync(file)) throw new CliError(`backup: ${file} exists already; choose a new file`);
  const database = await openConfiguredDatabase(config);
  try {
    const started = Date.now();
    await sql`VACUUM INTO ${file}`.execute(database.db);
    console.log(`Backed up to ${file} (${statSync(file).size} bytes) in ${Date.now() - started} ms.`);
    return 0;
  } finally {
    await database.close();
  }
}

export async function restoreCommand(config: Config, file: string | undefined): Promise<number> {
  if (!file) throw new CliError('restore: name the backup file: `veille restore FILE`');
  const target = sqliteFile(config);
  if (!target) throw new CliError('restore: on PostgreSQL use `pg_restore` (see the README, "Backup")');
  if (!existsSync(file)) throw new CliError(`restore: ${file} does not exist`);
  // Check and migrate a copy, so that a bad file never replaces the database.
  const staged = `${target}.restoring`;
  rmSync(staged, { force: true });
  copyFileSync(file, staged);
  try {
    const check = await openDatabase(`sqlite:${staged}`, { migrate: false }).catch(() => null);
    if (!check) throw new CliError(`restore: ${file} is not a SQLite database`);
    try {
      await check.db.selectFrom('users').select('id').limit(1).execute();
    } catch {
      throw new CliError(`restore: ${file} is not a Veille backup (no users table)`);
    } finally {
      await check.close();
    }
    const migrated = await openDatabase(`sqlite:${staged}`);
    await migrated.close();
    for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
    copyFileSync(staged, target);
    console.log(`Restored ${file} into ${target}.`);
    return 0;
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(staged + suffix, { force: true });
  }
}

// Parents before children, so that foreign keys hold at every insert.
const TABLE_ORDER = [
  'users',
  'sessions',
  'instance_settings',
  'categories',
  'feeds',
  'subscriptions',
  'entries',
  'entry_tombstones',
  'entry_states',
  'labels',
  'entry_labels',
  'read_horizon_log',
  'entry_id_clock',
  'retention_policies',
];

export async function migrateToPostgresCommand(config: Config, url: string | undefined): Promise<number> {
  if (!url || !/^postgres(ql)?:\/\//.test(url))
    throw new CliError(
      'migrate-to-postgres: give the PostgreSQL URL: `veille migrate-to-postgres postgres://…`',
    );
  if (!sqliteFile(config)) throw new CliError('migrate-to-postgres: the configured database is not SQLite');
  const source = await openConfiguredDatabase(config);
  const target = await openDatabase(url, config.databaseSchema ? { schema: config.databaseSchema } : {});
  try {
    const users = await target.db.selectFrom('users').select('id').limit(1).execute();
    if (users.length) throw new CliError('migrate-to-postgres: the PostgreSQL database is not empty');
    // Tables added by later migrations are copied too, after the known ones.
    const names = (
      await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'
        AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' AND name NOT LIKE 'entries_fts%'`.execute(
        source.db,
      )
    ).rows.map((r) => r.name);
    const tables = [
      ...TABLE_ORDER.filter((t) => names.includes(t)),
      ...names.filter((t) => !TABLE_ORDER.includes(t)),
    ];
    const started = Date.now();
    const counts: Record<string, number> = {};
    await target.db.transaction().execute(async (trx) => {
      await sql`SET CONSTRAINTS ALL DEFERRED`.execute(trx);
      // entry_id_clock has its row from the migration; the copy replaces it.
      await sql`DELETE FROM entry_id_clock`.execute(trx);
      for (const table of tables) {
        counts[table] = 0;
        const columns = (
          await sql<{
            name: string;
            type: string;
          }>`SELECT name, type FROM pragma_table_info(${table})`.execute(source.db)
        ).rows;
        const blobColumns = columns.filter((c) => /blob/i.test(c.type)).map((c) => c.name);
        const batch = Math.max(1, Math.floor(30_000 / Math.max(1, columns.length)));
        for (let offset = 0; ; offset += batch) {
          const rows = (
            await sql<
              Record<string, unknown>
            >`SELECT * FROM ${sql.table(table)} ORDER BY rowid LIMIT ${batch} OFFSET ${offset}`.execute(
              source.db,
            )
          ).rows;
          if (!rows.length) break;
          for (const row of rows)
            for (const c of blobColumns)
              if (row[c] instanceof Uint8Array) row[c] = Buffer.from(row[c] as Uint8Array);
          await trx
            .insertInto(table as never)
            .values(rows as never)
            .execute();
          counts[table] += rows.length;
        }
        if (columns.some((c) => c.name === 'id' && /int/i.test(c.type))) {
          await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), GREATEST((SELECT max(id) FROM ${sql.table(table)}), 1))`
            .execute(trx)
            .catch(() => undefined);
        }
      }
    });
    // The full-text index is SQLite's FTS5 there and a tsvector table here: built anew.
    await reindexAllEntries(target.db);
    console.log(
      `Copied ${Object.entries(counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(
          ', ',
        )} in ${Date.now() - started} ms. Set VEILLE_DATABASE_URL=${url.replace(/\/\/[^@]*@/, '//…@')} to use it.`,
    );
    return 0;
  } finally {
    await target.close();
    await source.close();
  }
}
