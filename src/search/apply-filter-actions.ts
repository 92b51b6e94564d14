// Filter actions (FreshRSS's "filteractions"): on each new entry, each subscriber's searches for
// the feed, its category and all feeds are evaluated in process — every search parsed and
// resolved once per batch, the entry's search document built once for all of them — and what
// they decide (read, star, labels) is written in a few multi-row statements inside the ingest
// transaction, keeping unread counts exact. Important feeds (priority 2) are never marked read.
// The same evaluation re-applies a feed's or a category's filters to its stored entries.
import type { Kysely } from 'kysely';
import {
  feedEntriesWithState,
  labelsOfUsers,
  subscriberFiltersOfFeeds,
  subscriptionsInScope,
  writeFilterOutcomes,
  type FilterOutcome,
  type FilterRule,
  type FilterScope,
  type FilterWriteCounts,
} from '../storage/filter-actions.ts';
import type { Schema } from '../storage/schema.ts';
import { searchContextForUser } from '../storage/user-queries.ts';
import { entryMatchesSearch, resolveSearchNode, type SearchContext } from './evaluate-query.ts';
import { searchQueryOrError, type SearchNode } from './parse-query.ts';
import { searchDocumentOf, type SearchableEntry, type SearchDocument } from './search-document.ts';
import { authorNamesOfJson, stringListOfJson } from './search-index.ts';
import { isPostgres } from '../storage/is-postgres.ts';

/** The columns of a stored entry the filters read (an inserted row of the ingest has them all). */
export interface FilterableEntryRow {
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
}

/** A search line that does not parse: its 1-based line number and the parser's message. */
export interface FilterLineError {
  line: number;
  search: string;
  message: string;
}

/** Checks a textarea of searches (one per line): its searches, or every line's error. */
export function checkFilterLines(text: string): { searches: string[]; errors: FilterLineError[] } {
  const searches: string[] = [];
  const errors: FilterLineError[] = [];
  text.split(/\r?\n|\r/).forEach((raw, i) => {
    const search = raw.trim();
    if (!search) return;
    const parsed = searchQueryOrError(search);
    if (parsed.ok) searches.push(search);
    else errors.push({ line: i + 1, search, message: parsed.error.message });
  });
  return { searches, errors };
}

/** A rule ready to run: its resolved searches (a line matches → the action applies). */
interface CompiledRule {
  rule: FilterRule;
  nodes: SearchNode[];
}

function usesSavedQueries(node: SearchNode): boolean {
  if (node.kind === 'saved-query') return true;
  if (node.kind === 'and' || node.kind === 'or') return node.children.some(usesSavedQueries);
  return node.kind === 'not' && usesSavedQueries(node.child);
}

/**
 * Parses and resolves each rule once: label names against the user's labels, `search:` and `S:`
 * against the user's saved queries (read only for users whose filters use them). A line that
 * no longer parses is skipped.
 */
async function compileRules(
  db: Kysely<Schema>,
  rules: readonly FilterRule[],
  labels: Map<number, { id: number; name: string }[]>,
): Promise<Map<number, CompiledRule>> {
  const parsed = new Map<number, SearchNode[]>();
  const savedFor = new Set<number>();
  for (const rule of rules) {
    if (parsed.has(rule.id)) continue;
    const nodes: SearchNode[] = [];
    for (const line of rule.searches) {
      const result = searchQueryOrError(line);
      if (!result.ok || !result.node) continue;
      nodes.push(result.node);
      if (usesSavedQueries(result.node)) savedFor.add(rule.userId);
    }
    parsed.set(rule.id, nodes);
  }
  const contexts = new Map<number, SearchContext>();
  for (const userId of savedFor)
    contexts.set(userId, await searchContextForUser(db, userId, labels.get(userId) ?? []));
  const compiled = new Map<number, CompiledRule>();
  for (const rule of rules) {
    if (compiled.has(rule.id)) continue;
    const context = contexts.get(rule.userId) ?? {
      labels: labels.get(rule.userId) ?? [],
      savedQuery: () => null,
    };
    compiled.set(rule.id, {
      rule,
      nodes: parsed.get(rule.id)!.map((node) => resolveSearchNode(node, context)),
    });
  }
  return compiled;
}

/** An entry as the evaluator sees it, with its search document built on first use. */
class Candidate {
  private document: SearchDocument | null = null;
  readonly base: Omit<SearchableEntry, 'categoryId'>;
  constructor(row: FilterableEntryRow, state: { labelIds: number[]; changedAt: number | null }) {
    this.base = {
      id: row.id,
      feedId: row.feed_id,
      title: row.title,
      content: row.content,
      url: row.url,
      authors: authorNamesOfJson(row.authors),
      tags: stringListOfJson(row.categories),
      labelIds: state.labelIds,
      language: row.language,
      publishedAt: row.date_at,
      modifiedAt: row.updated_at,
      userChangedAt: state.changedAt,
    };
  }
  matches(node: SearchNode, categoryId: number | null, nowMs: number): boolean {
    this.document ??= searchDocumentOf(this.base);
    return entryMatchesSearch(node, { ...this.base, categoryId }, nowMs, this.document);
  }
}

/** What a subscription's rules decide for one entry. */
function decide(
  rules: readonly CompiledRule[],
  candidate: Candidate,
  sub: { categoryId: number | null; priority: number },
  nowMs: number,
): { markRead: boolean; star: boolean; addLabels: number[] } {
  let markRead = false;
  let star = false;
  const addLabels: number[] = [];
  for (const { rule, nodes } of rules) {
    const action = rule.action;
    // Skip work whose outcome is known already.
    if (action.kind === 'read' && (markRead || sub.priority >= 2)) continue;
    if (action.kind === 'star' && star) continue;
    if (action.kind === 'label' && addLabels.includes(action.labelId)) continue;
    if (!nodes.some((node) => candidate.matches(node, sub.categoryId, nowMs))) continue;
    if (action.kind === 'read') markRead = true;
    else if (action.kind === 'star') star = true;
    else addLabels.push(action.labelId);
  }
  return { markRead, star, addLabels };
}

/**
 * The ingest hook: applies every subscriber's filters to the entries just inserted, inside the
 * ingest transaction `trx`. One query finds the subscriptions with filters (none: done); one more
 * loads their users' labels; the writes are a few multi-row statements.
 */
export async function applyFilterActionsOnIngest(
  trx: Kysely<Schema>,
  inserted: readonly FilterableEntryRow[],
  nowMs: number,
): Promise<FilterWriteCounts> {
  const none: FilterWriteCounts = { read: 0, starred: 0, labelled: 0 };
  if (inserted.length === 0) return none;
  const subscribers = await subscriberFiltersOfFeeds(trx, [...new Set(inserted.map((e) => e.feed_id))]);
  if (subscribers.length === 0) return none;
  const labels = await labelsOfUsers(
    trx,
    subscribers.map((s) => s.userId),
  );
  const compiled = await compileRules(
    trx,
    subscribers.flatMap((s) => s.rules),
    labels,
  );
  const byFeed = new Map<number, typeof subscribers>();
  for (const s of subscribers) byFeed.set(s.feedId, [...(byFeed.get(s.feedId) ?? []), s]);
  const outcomes: FilterOutcome[] = [];
  for (const row of inserted) {
    const subs = byFeed.get(row.feed_id);
    if (!subs) continue;
    // A new entry has no labels and no user state yet.
    const candidate = new Candidate(row, { labelIds: [], changedAt: null });
    for (const sub of subs) {
      const d = decide(
        sub.rules.map((r) => compiled.get(r.id)!),
        candidate,
        sub,
        nowMs,
      );
      if (!d.markRead && !d.star && d.addLabels.length === 0) continue;
      outcomes.push({
        subscriptionId: sub.subscriptionId,
        userId: sub.userId,
        feedId: sub.feedId,
        entryId: row.id,
        horizonRead: row.id <= sub.readHorizon,
        readOverride: null,
        starred: false,
        labelIds: [],
        ...d,
      });
    }
  }
  return writeFilterOutcomes(trx, outcomes, nowMs);
}

const PAGE = 500;

/**
 * "Apply the filters to existing entries": every filter that applies to the feeds of `scope`
 * (a feed, or the feeds of a category) — theirs, their category's and the user's global ones —
 * run over their stored entries with the user's current state and labels, in one transaction.
 */
export async function applyFilterActionsToExisting(
  db: Kysely<Schema>,
  input: { userId: number; scope: Exclude<FilterScope, { kind: 'user' }>; now: number },
): Promise<FilterWriteCounts> {
  return db.transaction().execute(async (trx) => {
    const total: FilterWriteCounts = { read: 0, starred: 0, labelled: 0 };
    const subs = await subscriptionsInScope(trx, {
      userId: input.userId,
      scope: input.scope,
      lock: isPostgres(db),
    });
    if (subs.length === 0) return total;
    const withFilters = await subscriberFiltersOfFeeds(
      trx,
      subs.map((s) => s.feedId),
      { userId: input.userId },
    );
    if (withFilters.length === 0) return total;
    const labels = await labelsOfUsers(trx, [input.userId]);
    const compiled = await compileRules(
      trx,
      withFilters.flatMap((s) => s.rules),
      labels,
    );
    for (const sub of withFilters) {
      const rules = sub.rules.map((r) => compiled.get(r.id)!);
      let afterId = -1;
      for (;;) {
        const page = await feedEntriesWithState(trx, {
          userId: input.userId,
          feedId: sub.feedId,
          afterId,
          limit: PAGE,
        });
        if (page.length === 0) break;
        afterId = page.at(-1)!.id;
        const outcomes: FilterOutcome[] = [];
        for (const entry of page) {
          const candidate = new Candidate(entry, { labelIds: entry.labelIds, changedAt: entry.changedAt });
          const d = decide(rules, candidate, sub, input.now);
          if (!d.markRead && !d.star && d.addLabels.length === 0) continue;
          outcomes.push({
            subscriptionId: sub.subscriptionId,
            userId: input.userId,
            feedId: sub.feedId,
            entryId: entry.id,
            horizonRead: entry.id <= sub.readHorizon,
            readOverride: entry.readOverride,
            starred: entry.starred,
            labelIds: entry.labelIds,
            ...d,
          });
        }
        const counts = await writeFilterOutcomes(trx, outcomes, input.now);
        total.read += counts.read;
        total.starred += counts.starred;
        total.labelled += counts.labelled;
      }
    }
    return total;
  });
}
