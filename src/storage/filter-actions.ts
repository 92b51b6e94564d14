// A user's filter actions: lists of searches (one per line, FreshRSS's grammar) bound to an
// action — mark read, star, add a label — for one feed, one category or all of the user's feeds.
// A scope's lists are read and replaced together, so a save is never half done. Evaluation lives
// in src/search/apply-filter-actions.ts.
import { sql, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';

/** Where filters apply: all of a user's feeds, one category, or one feed (by feed id). */
export type FilterScope = { kind: 'user' } | { kind: 'category'; id: number } | { kind: 'feed'; id: number };

export type FilterAction = { kind: 'read' } | { kind: 'star' } | { kind: 'label'; labelId: number };

export interface FilterList {
  action: FilterAction;
  /** Non-empty searches, one per line as typed. */
  searches: string[];
}

/** A stored list with who it belongs to, as the ingest needs it. */
export interface FilterRule extends FilterList {
  id: number;
  userId: number;
}

/** A subscription of a feed whose user has filters that apply to it, with those filters. */
export interface SubscriberFilters {
  subscriptionId: number;
  userId: number;
  feedId: number;
  categoryId: number | null;
  priority: number;
  readHorizon: number;
  rules: FilterRule[];
}

const CHUNK = 500;

function scopeColumns(scope: FilterScope): { scope: 'user' | 'category' | 'feed'; scope_id: number | null } {
  return scope.kind === 'user'
    ? { scope: 'user', scope_id: null }
    : { scope: scope.kind, scope_id: scope.id };
}

function actionOf(row: { action: string; label_id: number | null }): FilterAction | null {
  if (row.action === 'read') return { kind: 'read' };
  if (row.action === 'star') return { kind: 'star' };
  if (row.action === 'label' && row.label_id !== null) return { kind: 'label', labelId: row.label_id };
  return null;
}

/** Splits a textarea into its searches: one per line, blank lines dropped. */
export function searchLines(text: string): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The lists saved for a scope, in their saved order. */
export async function filterListsOf(
  db: Kysely<Schema>,
  userId: number,
  scope: FilterScope,
): Promise<FilterList[]> {
  const { scope: kind, scope_id } = scopeColumns(scope);
  let q = db
    .selectFrom('filter_actions')
    .select(['action', 'label_id', 'searches'])
    .where('user_id', '=', userId)
    .where('scope', '=', kind);
  q = scope_id === null ? q.where('scope_id', 'is', null) : q.where('scope_id', '=', scope_id);
  const rows = await q.orderBy('position').orderBy('id').execute();
  const out: FilterList[] = [];
  for (const r of rows) {
    const action = actionOf(r);
    if (action) out.push({ action, searches: searchLines(r.searches) });
  }
  return out;
}

/**
 * Replaces every list of a scope, in one transaction. The caller has checked that each search
 * parses; lists without searches are dropped, and so are labels that are not the user's.
 */
export async function replaceFilterLists(
  db: Kysely<Schema>,
  input: { userId: number; scope: FilterScope; lists: FilterList[]; now: number },
): Promise<void> {
  const { scope, scope_id } = scopeColumns(input.scope);
  await db.transaction().execute(async (trx) => {
    const ownLabels = new Set(
      (await trx.selectFrom('labels').select('id').where('user_id', '=', input.userId).execute()).map(
        (r) => r.id,
      ),
    );
    let del = trx.deleteFrom('filter_actions').where('user_id', '=', input.userId).where('scope', '=', scope);
    del = scope_id === null ? del.where('scope_id', 'is', null) : del.where('scope_id', '=', scope_id);
    await del.execute();
    const rows = input.lists
      .filter((l) => l.searches.length > 0)
      .filter((l) => l.action.kind !== 'label' || ownLabels.has(l.action.labelId))
      .map((l, position) => ({
        user_id: input.userId,
        scope,
        scope_id,
        action: l.action.kind,
        label_id: l.action.kind === 'label' ? l.action.labelId : null,
        searches: l.searches.join('\n'),
        position,
        updated_at: input.now,
      }));
    if (rows.length) await trx.insertInto('filter_actions').values(rows).execute();
  });
}

/**
 * For each subscription of these feeds whose user has filters for it (the feed's own, its
 * category's, the user's global ones), those filters. One query per 500 feeds; subscriptions
 * without any filter are not returned.
 */
export async function subscriberFiltersOfFeeds(
  db: Kysely<Schema>,
  feedIds: readonly number[],
  options: { userId?: number } = {},
): Promise<SubscriberFilters[]> {
  const bySubscription = new Map<number, SubscriberFilters>();
  const unique = [...new Set(feedIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const part = unique.slice(i, i + CHUNK);
    let q = db
      .selectFrom('subscriptions as s')
      .innerJoin('filter_actions as fa', (j) =>
        j.onRef('fa.user_id', '=', 's.user_id').on(
          sql<boolean>`(fa.scope = 'user' or (fa.scope = 'feed' and fa.scope_id = s.feed_id)
              or (fa.scope = 'category' and fa.scope_id = s.category_id))`,
        ),
      )
      .select([
        's.id as subscription_id',
        's.user_id',
        's.feed_id',
        's.category_id',
        's.priority',
        's.read_horizon',
        'fa.id',
        'fa.action',
        'fa.label_id',
        'fa.searches',
      ])
      .where('s.feed_id', 'in', part);
    if (options.userId !== undefined) q = q.where('s.user_id', '=', options.userId);
    const rows = await q.orderBy('s.id').orderBy('fa.id').execute();
    for (const r of rows) {
      const action = actionOf(r);
      if (!action) continue;
      let sub = bySubscription.get(r.subscription_id);
      if (!sub) {
        sub = {
          subscriptionId: r.subscription_id,
          userId: r.user_id,
          feedId: r.feed_id,
          categoryId: r.category_id,
          priority: r.priority,
          readHorizon: Number(r.read_horizon),
          rules: [],
        };
        bySubscription.set(r.subscription_id, sub);
      }
      sub.rules.push({ id: r.id, userId: r.user_id, action, searches: searchLines(r.searches) });
    }
  }
  return [...bySubscription.values()];
}

/** The labels of these users (what `label:` names resolve against). */
export async function labelsOfUsers(
  db: Kysely<Schema>,
  userIds: readonly number[],
): Promise<Map<number, { id: number; name: string }[]>> {
  const out = new Map<number, { id: number; name: string }[]>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom('labels')
      .select(['id', 'name', 'user_id'])
      .where('user_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), { id: r.id, name: r.name }]);
  }
  return out;
}

/** What filters decided for one entry of one subscription, with the state it had before. */
export interface FilterOutcome {
  subscriptionId: number;
  userId: number;
  feedId: number;
  entryId: number;
  /** Read by the horizon alone (entry id <= read_horizon). */
  horizonRead: boolean;
  /** The entry's current exception (entry_states.read_override), null when none. */
  readOverride: number | null;
  starred: boolean;
  /** Label ids the entry already has for this user. */
  labelIds: readonly number[];
  markRead: boolean;
  star: boolean;
  addLabels: readonly number[];
}

export interface FilterWriteCounts {
  read: number;
  starred: number;
  labelled: number;
}

/**
 * Writes what filters decided, in the caller's transaction, in a few multi-row statements: the
 * state exceptions (upserted, or deleted where they now equal the horizon), the labels, and one
 * UPDATE of the unread counts by the number of entries each subscription had unread and now read.
 */
export async function writeFilterOutcomes(
  db: Kysely<Schema>,
  outcomes: readonly FilterOutcome[],
  now: number,
): Promise<FilterWriteCounts> {
  const counts: FilterWriteCounts = { read: 0, starred: 0, labelled: 0 };
  const upserts: {
    user_id: number;
    entry_id: number;
    feed_id: number;
    read_override: number | null;
    starred: number;
    changed_at: number;
  }[] = [];
  const deletes: { userId: number; entryId: number }[] = [];
  const labels: { label_id: number; entry_id: number; user_id: number }[] = [];
  const newlyRead = new Map<number, number>();
  for (const o of outcomes) {
    const wasRead = o.readOverride !== null ? o.readOverride === 1 : o.horizonRead;
    let override = o.readOverride;
    let changed = false;
    if (o.markRead && !wasRead) {
      override = o.horizonRead ? null : 1;
      newlyRead.set(o.subscriptionId, (newlyRead.get(o.subscriptionId) ?? 0) + 1);
      counts.read++;
      changed = true;
    }
    const starred = o.starred || o.star;
    if (starred !== o.starred) {
      counts.starred++;
      changed = true;
    }
    if (changed) {
      if (override === null && !starred) deletes.push({ userId: o.userId, entryId: o.entryId });
      else
        upserts.push({
          user_id: o.userId,
          entry_id: o.entryId,
          feed_id: o.feedId,
          read_override: override,
          starred: starred ? 1 : 0,
          changed_at: now,
        });
    }
    const had = new Set(o.labelIds);
    for (const labelId of new Set(o.addLabels)) {
      if (had.has(labelId)) continue;
      labels.push({ label_id: labelId, entry_id: o.entryId, user_id: o.userId });
      counts.labelled++;
    }
  }
  for (let i = 0; i < upserts.length; i += CHUNK) {
    await db
      .insertInto('entry_states')
      .values(upserts.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(['user_id', 'entry_id']).doUpdateSet((eb) => ({
          read_override: eb.ref('excluded.read_override'),
          starred: eb.ref('excluded.starred'),
          changed_at: eb.ref('excluded.changed_at'),
        })),
      )
      .execute();
  }
  const deletesByUser = new Map<number, number[]>();
  for (const d of deletes) deletesByUser.set(d.userId, [...(deletesByUser.get(d.userId) ?? []), d.entryId]);
  for (const [userId, entryIds] of deletesByUser)
    for (let i = 0; i < entryIds.length; i += CHUNK)
      await db
        .deleteFrom('entry_states')
        .where('user_id', '=', userId)
        .where('entry_id', 'in', entryIds.slice(i, i + CHUNK))
        .execute();
  for (let i = 0; i < labels.length; i += CHUNK) {
    await db
      .insertInto('entry_labels')
      .values(labels.slice(i, i + CHUNK))
      .onConflict((oc) => oc.columns(['label_id', 'entry_id']).doNothing())
      .execute();
  }
  const decrements = [...newlyRead];
  for (let i = 0; i < decrements.length; i += CHUNK) {
    const part = decrements.slice(i, i + CHUNK);
    const by = sql<number>`case id ${sql.join(
      part.map(([id, n]) => sql`when ${id} then ${n}`),
      sql` `,
    )} else 0 end`;
    await db
      .updateTable('subscriptions')
      .set((eb) => ({ unread_count: eb('unread_count', '-', by) }))
      .where(
        'id',
        'in',
        part.map(([id]) => id),
      )
      .execute();
  }
  return counts;
}

/** A stored entry with one user's state on it, for re-applying filters to existing entries. */
export interface EntryWithState {
  id: number;
  feed_id: number;
  title: string;
  content: string;
  url: string | null;
  authors: string;
  categories: string;
  language: string | null;
  date_at: number;
  updated_at: number | null;
  readOverride: number | null;
  starred: boolean;
  changedAt: number | null;
  labelIds: number[];
}

/** A page of a feed's entries (ids above `afterId`, ascending) with the user's state and labels. */
export async function feedEntriesWithState(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; afterId: number; limit: number },
): Promise<EntryWithState[]> {
  const rows = await db
    .selectFrom('entries as e')
    .leftJoin('entry_states as st', (j) =>
      j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', input.userId),
    )
    .select([
      'e.id',
      'e.feed_id',
      'e.title',
      'e.content',
      'e.url',
      'e.authors',
      'e.categories',
      'e.language',
      'e.date_at',
      'e.updated_at',
      'st.read_override',
      'st.starred',
      'st.changed_at',
    ])
    .where('e.feed_id', '=', input.feedId)
    .where('e.id', '>', input.afterId)
    .orderBy('e.id')
    .limit(input.limit)
    .execute();
  const labels = new Map<number, number[]>();
  if (rows.length) {
    const labelRows = await db
      .selectFrom('entry_labels')
      .select(['entry_id', 'label_id'])
      .where('user_id', '=', input.userId)
      .where(
        'entry_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    for (const r of labelRows) labels.set(r.entry_id, [...(labels.get(r.entry_id) ?? []), r.label_id]);
  }
  return rows.map((r) => ({
    id: r.id,
    feed_id: r.feed_id,
    title: r.title,
    content: r.content,
    url: r.url,
    authors: r.authors,
    categories: r.categories,
    language: r.language,
    date_at: r.date_at,
    updated_at: r.updated_at,
    readOverride: r.read_override,
    starred: r.starred === 1,
    changedAt: r.changed_at,
    labelIds: labels.get(r.id) ?? [],
  }));
}

/**
 * A user's subscriptions in a scope (one feed, or the feeds of a category), locked on PostgreSQL
 * (FOR UPDATE) so that a concurrent ingest or mark-as-read waits for the caller's transaction.
 */
export async function subscriptionsInScope(
  db: Kysely<Schema>,
  input: { userId: number; scope: FilterScope; lock: boolean },
): Promise<
  { id: number; feedId: number; categoryId: number | null; priority: number; readHorizon: number }[]
> {
  let q = db
    .selectFrom('subscriptions')
    .select(['id', 'feed_id', 'category_id', 'priority', 'read_horizon'])
    .where('user_id', '=', input.userId)
    .orderBy('id');
  if (input.scope.kind === 'feed') q = q.where('feed_id', '=', input.scope.id);
  if (input.scope.kind === 'category') q = q.where('category_id', '=', input.scope.id);
  const rows = input.lock ? await q.forUpdate().execute() : await q.execute();
  return rows.map((r) => ({
    id: r.id,
    feedId: r.feed_id,
    categoryId: r.category_id,
    priority: r.priority,
    readHorizon: Number(r.read_horizon),
  }));
}
