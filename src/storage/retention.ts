// Applies the retention policy (src/model/retention.ts) to stored entries: per feed, over all its
// subscribers, leaving tombstones so deleted entries do not come back at the next refresh.
import type { Kysely } from 'kysely';
import {
  DEFAULT_RETENTION,
  effectivePolicy,
  entriesToPurge,
  type PartialPolicy,
  type RetentionPolicy,
} from '../model/retention.ts';
import { purgeEntries } from './entries.ts';
import type { RetentionPoliciesTable, Schema } from './schema.ts';

export type RetentionScope = RetentionPoliciesTable['scope'];

function partialOf(row: Omit<RetentionPoliciesTable, 'id'> | undefined): PartialPolicy | null {
  if (!row) return null;
  return {
    keepMax: row.keep_max,
    keepMin: row.keep_min,
    keepDays: row.keep_days,
    keepUnread: row.keep_unread === null ? null : row.keep_unread === 1,
  };
}

/** Sets (or, with every field null, clears) the policy of a scope. */
export async function setRetentionPolicy(
  db: Kysely<Schema>,
  input: { scope: RetentionScope; userId: number | null; scopeId: number | null; policy: PartialPolicy },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    let del = trx.deleteFrom('retention_policies').where('scope', '=', input.scope);
    del =
      input.scopeId === null ? del.where('scope_id', 'is', null) : del.where('scope_id', '=', input.scopeId);
    del = input.userId === null ? del.where('user_id', 'is', null) : del.where('user_id', '=', input.userId);
    await del.execute();
    const p = input.policy;
    if ([p.keepMax, p.keepMin, p.keepDays, p.keepUnread].every((v) => v === null || v === undefined)) return;
    await trx
      .insertInto('retention_policies')
      .values({
        scope: input.scope,
        user_id: input.userId,
        scope_id: input.scopeId,
        keep_max: p.keepMax ?? null,
        keep_min: p.keepMin ?? null,
        keep_days: p.keepDays ?? null,
        keep_unread: p.keepUnread === undefined || p.keepUnread === null ? null : p.keepUnread ? 1 : 0,
      })
      .execute();
  });
}

/** The policy set on exactly this scope (not inherited), or null. */
export async function retentionPolicyOf(
  db: Kysely<Schema>,
  input: { scope: RetentionScope; userId: number | null; scopeId: number | null },
): Promise<PartialPolicy | null> {
  let q = db.selectFrom('retention_policies').selectAll().where('scope', '=', input.scope);
  q = input.scopeId === null ? q.where('scope_id', 'is', null) : q.where('scope_id', '=', input.scopeId);
  q = input.userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', input.userId);
  return partialOf(await q.executeTakeFirst());
}

/** Deletes what no subscriber's policy keeps in one feed. Returns how many entries went. */
export async function purgeFeed(db: Kysely<Schema>, input: { feedId: number; now: number }): Promise<number> {
  const subs = await db
    .selectFrom('subscriptions')
    .select(['user_id', 'category_id', 'read_horizon'])
    .where('feed_id', '=', input.feedId)
    .execute();
  if (!subs.length) return 0;
  const policies = await db.selectFrom('retention_policies').selectAll().execute();
  const find = (scope: RetentionScope, userId: number | null, scopeId: number | null) =>
    policies.find((p) => p.scope === scope && p.user_id === userId && p.scope_id === scopeId);
  const instance = effectivePolicy([partialOf(find('global', null, null))], DEFAULT_RETENTION);

  const entries = await db
    .selectFrom('entries')
    .select('id')
    .where('feed_id', '=', input.feedId)
    .orderBy('id', 'desc')
    .execute();
  const protectedIds = new Set<number>();
  const starred = await db
    .selectFrom('entry_states')
    .select('entry_id')
    .where('feed_id', '=', input.feedId)
    .where('starred', '=', 1)
    .execute();
  for (const r of starred) protectedIds.add(r.entry_id);
  const labelled = await db
    .selectFrom('entry_labels')
    .innerJoin('entries', 'entries.id', 'entry_labels.entry_id')
    .select('entry_labels.entry_id')
    .where('entries.feed_id', '=', input.feedId)
    .execute();
  for (const r of labelled) protectedIds.add(r.entry_id);

  const subscribers = await Promise.all(
    subs.map(async (s) => {
      const policy: RetentionPolicy = effectivePolicy(
        [
          partialOf(find('feed', s.user_id, input.feedId)),
          s.category_id === null ? null : partialOf(find('category', s.user_id, s.category_id)),
          partialOf(find('user', s.user_id, null)),
        ],
        instance,
      );
      const overrides = new Map<number, number>();
      if (policy.keepUnread) {
        const rows = await db
          .selectFrom('entry_states')
          .select(['entry_id', 'read_override'])
          .where('user_id', '=', s.user_id)
          .where('feed_id', '=', input.feedId)
          .where('read_override', 'is not', null)
          .execute();
        for (const r of rows) overrides.set(r.entry_id, r.read_override!);
      }
      return {
        policy,
        isUnread: (id: number) => {
          const o = overrides.get(id);
          return o !== undefined ? o === 0 : id > s.read_horizon;
        },
      };
    }),
  );
  const ids = entriesToPurge(
    entries.map((e) => ({
      id: e.id,
      receivedAt: Math.floor(e.id / 1000),
      protected: protectedIds.has(e.id),
    })),
    subscribers,
    input.now,
  );
  await purgeEntries(db, { feedId: input.feedId, ids, now: input.now });
  return ids.length;
}

/** Purges every feed; returns the number of entries deleted. */
export async function purgeAllFeeds(
  db: Kysely<Schema>,
  now: number,
): Promise<{ feeds: number; deleted: number }> {
  const feeds = await db.selectFrom('feeds').select('id').execute();
  let deleted = 0;
  for (const f of feeds) deleted += await purgeFeed(db, { feedId: f.id, now });
  return { feeds: feeds.length, deleted };
}
