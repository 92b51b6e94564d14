// Writes the rows of many feeds after a refresh in a few statements rather than one per feed:
// updates with the same columns go together, in one UPDATE … FROM a list of rows (SQLite: a JSON
// array read by json_each, one parameter and a text that depends only on the columns, so the
// statement stays prepared; PostgreSQL: a VALUES list). A 1000-feed refresh where nothing changed
// writes one statement instead of 1000 (one round trip each on PostgreSQL).
import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { FeedUpdate, Schema } from './schema.ts';

/** Rows per statement on PostgreSQL (parameters: rows × columns, at most 65,535). */
const PG_CHUNK = 500;

type Value = string | number | null;

/** Applies every `update` to its feed row; the same result as updateFeed called once per row. */
export async function updateFeeds(
  db: Kysely<Schema>,
  rows: readonly { id: number; update: FeedUpdate }[],
): Promise<void> {
  // Rows with the same columns (in the same order) share statements.
  const groups = new Map<string, { id: number; update: Record<string, Value> }[]>();
  for (const row of rows) {
    const update = row.update as Record<string, unknown>;
    const columns = Object.keys(update).filter((c) => update[c] !== undefined);
    if (columns.length === 0) continue;
    // Bytes (icons) are rare: written one row at a time.
    if (columns.some((c) => update[c] instanceof Uint8Array || typeof update[c] === 'boolean')) {
      await db.updateTable('feeds').set(row.update).where('id', '=', row.id).execute();
      continue;
    }
    const key = columns.join(',');
    const group = groups.get(key) ?? [];
    group.push({ id: row.id, update: update as Record<string, Value> });
    groups.set(key, group);
  }
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const [key, group] of groups) {
    const columns = key.split(',');
    for (const column of columns) {
      if (!/^[a-z_]+$/.test(column)) throw new Error(`storage: bad feed column "${column}"`);
    }
    if (!postgres) {
      const text = `update feeds set ${columns.map((c, i) => `"${c}" = k.value ->> ${i + 1}`).join(', ')}
        from json_each(?) as k where feeds.id = k.value ->> 0`;
      const list = group.map((r) => [r.id, ...columns.map((c) => r.update[c] ?? null)]);
      await db.executeQuery(CompiledQuery.raw(text, [JSON.stringify(list)]));
      continue;
    }
    for (let i = 0; i < group.length; i += PG_CHUNK) {
      await updatePostgresPart(db, columns, group.slice(i, i + PG_CHUNK));
    }
  }
}

/** One UPDATE … FROM (VALUES …): columns with one value for every row are set directly. */
async function updatePostgresPart(
  db: Kysely<Schema>,
  columns: readonly string[],
  part: readonly { id: number; update: Record<string, Value> }[],
): Promise<void> {
  const params: Value[] = [];
  const set: string[] = [];
  const varying: string[] = [];
  for (const column of columns) {
    const first = part[0]!.update[column] ?? null;
    if (part.every((r) => (r.update[column] ?? null) === first)) {
      set.push(`"${column}" = ${typed(first, params)}`);
    } else {
      varying.push(column);
      set.push(`"${column}" = k."${column}"`);
    }
  }
  if (varying.length === 0) {
    await db.executeQuery(
      CompiledQuery.raw(
        `update feeds set ${set.join(', ')} where id = any(${typed(
          part.map((r) => r.id),
          params,
        )})`,
        params,
      ),
    );
    return;
  }
  // Each column's type from its first non-null value: VALUES resolves a column's type across rows.
  const tuples = part.map(
    (r) =>
      `(${[typed(r.id, params), ...varying.map((c) => typed(r.update[c] ?? null, params, typeOf(part, c)))].join(', ')})`,
  );
  await db.executeQuery(
    CompiledQuery.raw(
      `update feeds as f set ${set.join(', ')}
       from (values ${tuples.join(', ')}) as k(id, ${varying.map((c) => `"${c}"`).join(', ')})
       where f.id = k.id`,
      params,
    ),
  );
}

function typeOf(part: readonly { update: Record<string, Value> }[], column: string): string {
  for (const r of part) {
    const value = r.update[column];
    if (value !== null && value !== undefined) return pgType(value);
  }
  return 'text';
}

function pgType(value: string | number): string {
  if (typeof value === 'string') return 'text';
  return Number.isInteger(value) ? 'bigint' : 'double precision';
}

/** A parameter with its type spelled out: PostgreSQL would take a bare one inside VALUES as text. */
function typed(value: Value | number[], params: unknown[], type?: string): string {
  // An untyped null takes the column's type (a null of another type may not be assignable).
  if (value === null && type === undefined) return 'null';
  params.push(value);
  if (Array.isArray(value)) return `$${params.length}::bigint[]`;
  return `$${params.length}::${type ?? pgType(value!)}`;
}
