// Writes the rows of many feeds after a refresh in a few statements rather than one per feed:
// updates with the same columns go together, each column set to a constant or to
// `case id when … then … end`. A 1000-feed refresh where nothing changed writes 10 statements
// instead of 1000 (one round trip each on PostgreSQL).
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { FeedUpdate, Schema } from './schema.ts';

const CHUNK = 100;

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
  for (const [key, group] of groups) {
    const columns = key.split(',');
    for (let i = 0; i < group.length; i += CHUNK) {
      const part = group.slice(i, i + CHUNK);
      const set: Record<string, Value | RawBuilder<unknown>> = {};
      for (const column of columns) {
        const first = part[0]!.update[column]!;
        if (part.every((r) => r.update[column] === first)) {
          set[column] = first;
          continue;
        }
        set[column] = sql`case id ${sql.join(
          part.map((r) => sql`when ${r.id} then ${typed(r.update[column]!)}`),
          sql` `,
        )} end`;
      }
      await db
        .updateTable('feeds')
        .set(set as FeedUpdate)
        .where(
          'id',
          'in',
          part.map((r) => r.id),
        )
        .execute();
    }
  }
}

/** A parameter with its type spelled out: PostgreSQL would take a bare one inside CASE as text. */
function typed(value: Value): RawBuilder<unknown> {
  if (value === null) return sql`null`;
  if (typeof value === 'string') return sql`cast(${value} as text)`;
  return Number.isInteger(value) ? sql`cast(${value} as bigint)` : sql`cast(${value} as double precision)`;
}
