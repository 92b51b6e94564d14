// Feed claims: how refresh processes (`veille worker`, and `veille serve` unless --no-refresh)
// share the due feeds through the database alone. A claim sets `lease_owner` and `lease_until`
// on due, unleased feeds in one statement; on PostgreSQL the candidate rows are locked with
// FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint feeds without waiting for each
// other; on SQLite the single UPDATE runs under the database write lock, which serializes
// claimers sharing the file. A lease that runs out (its process died) makes the feed claimable
// again; the holder renews it while the refresh runs and clears it when done.
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { Feed, Schema } from './schema.ts';

export interface ClaimInput {
  /** Who claims: unique per process (see refresh/worker.ts). */
  owner: string;
  now: number;
  /** Most feeds to claim. */
  limit: number;
  leaseMs: number;
}

function byNextCheck(a: Feed, b: Feed): number {
  return a.next_check_at - b.next_check_at || a.id - b.id;
}

/**
 * Claims up to `limit` feeds that are due (`next_check_at <= now`), have a subscriber, are not
 * gone, and whose lease is free or ran out; they are leased to `owner` until `now + leaseMs`.
 * Returns them soonest-due first. Two claimers never get the same feed while its lease lives.
 */
export async function claimDueFeeds(database: Database, input: ClaimInput): Promise<Feed[]> {
  if (input.limit <= 0) return [];
  const { db, dialect } = database;
  const candidates = db
    .selectFrom('feeds')
    .select('feeds.id')
    .where('feeds.next_check_at', '<=', input.now)
    .where('feeds.gone_at', 'is', null)
    .where((eb) => eb.or([eb('feeds.lease_until', 'is', null), eb('feeds.lease_until', '<', input.now)]))
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('subscriptions')
          .select('subscriptions.id')
          .whereRef('subscriptions.feed_id', '=', 'feeds.id'),
      ),
    )
    .orderBy('feeds.next_check_at')
    .orderBy('feeds.id')
    .limit(input.limit)
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('feeds')
    .set({ lease_owner: input.owner, lease_until: input.now + input.leaseMs })
    .where('id', 'in', candidates)
    // PostgreSQL re-checks this on the latest row version when a concurrent claim committed
    // between our snapshot and our lock: a feed just leased by someone else is left out.
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', input.now)]))
    .returningAll()
    .execute();
  return rows.sort(byNextCheck);
}

/**
 * Claims these feeds whatever their schedule (a user asked for a refresh now), except gone ones
 * and those another process holds a live lease on: those are being refreshed at this moment.
 */
export async function claimFeedsById(
  database: Database,
  input: { owner: string; now: number; ids: number[]; leaseMs: number },
): Promise<Feed[]> {
  if (input.ids.length === 0) return [];
  const { db, dialect } = database;
  const candidates = db
    .selectFrom('feeds')
    .select('feeds.id')
    .where('feeds.id', 'in', input.ids)
    .where('feeds.gone_at', 'is', null)
    .where((eb) => eb.or([eb('feeds.lease_until', 'is', null), eb('feeds.lease_until', '<', input.now)]))
    .$if(dialect === 'postgres', (q) => q.forUpdate().skipLocked());
  const rows = await db
    .updateTable('feeds')
    .set({ lease_owner: input.owner, lease_until: input.now + input.leaseMs })
    .where('id', 'in', candidates)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', input.now)]))
    .returningAll()
    .execute();
  return rows.sort(byNextCheck);
}

/** Extends the leases `owner` still holds on these feeds; returns the ids it still holds. */
export async function renewFeedLeases(
  db: Kysely<Schema>,
  input: { owner: string; now: number; ids: number[]; leaseMs: number },
): Promise<number[]> {
  if (input.ids.length === 0) return [];
  const rows = await db
    .updateTable('feeds')
    .set({ lease_until: input.now + input.leaseMs })
    .where('id', 'in', input.ids)
    .where('lease_owner', '=', input.owner)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Gives a claimed feed back: clears the lease if `owner` still holds it. With `retryAt`, also
 * moves the next check there (after an unexpected failure, so that the feed is not claimed
 * again at once).
 */
export async function releaseFeedLease(
  db: Kysely<Schema>,
  feedId: number,
  owner: string,
  retryAt?: number,
): Promise<boolean> {
  const r = await db
    .updateTable('feeds')
    .set({
      lease_owner: null,
      lease_until: null,
      ...(retryAt === undefined
        ? {}
        : {
            next_check_at: sql<number>`case when next_check_at < ${retryAt} then ${retryAt} else next_check_at end`,
          }),
    })
    .where('id', '=', feedId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** releaseFeedLease for several feeds, in one transaction; one answer per feed, in order. */
export async function releaseFeedLeases(
  db: Kysely<Schema>,
  owner: string,
  feeds: { feedId: number; retryAt?: number }[],
): Promise<boolean[]> {
  return db.transaction().execute(async (trx) => {
    const released: boolean[] = [];
    for (const f of feeds) released.push(await releaseFeedLease(trx, f.feedId, owner, f.retryAt));
    return released;
  });
}
