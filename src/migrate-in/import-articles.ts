// Articles from another reader's export → entries of their feeds, with the user's states. Each
// article goes to its feed: the one the user already follows at that address, or a new
// subscription (nothing is fetched now). Entries are made exactly as a refresh makes them
// (identity key, dates, sanitized content) and stored by the same ingest, so importing twice, or
// refreshing afterwards, finds them instead of adding copies. Then the states: read or unread
// when the export says, stars added, labels put on. New entries in a feed others also follow are
// marked read for them (old articles are not news to them).
import type { Kysely } from 'kysely';
import { normalizeFeedUrl } from '../http/ui/feed-add.ts';
import type { ParsedEntry } from '../model/parsed-feed.ts';
import type { ImportedArticle } from '../reader/migration/imported-article.ts';
import { entriesFromParsed, identityKeyOf } from '../reader/process/entries-from-parsed.ts';
import { ensureCategory } from '../storage/categories.ts';
import { ingestEntries } from '../storage/entries.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import {
  clearTombstones,
  entryIdsByIdentity,
  subscriptionByFeedUrl,
  type EntryIdentity,
} from '../storage/import-lookups.ts';
import {
  applyImportedStates,
  markReadForOtherSubscribers,
  type ImportedEntryState,
} from '../storage/imported-entry-states.ts';
import type { Schema } from '../storage/schema.ts';
import { subscribe } from '../storage/subscriptions.ts';

export interface ArticlesImportResult {
  /** Articles stored or found again (an import run twice counts them both times). */
  articles: number;
  newEntries: number;
  starred: number;
  /** Feeds the user was subscribed to for these articles. */
  subscribed: number;
  problems: string[];
}

/** Entries per ingest transaction. */
const BATCH = 500;

export async function importArticles(
  db: Kysely<Schema>,
  input: {
    userId: number;
    articles: ImportedArticle[];
    fileName: string;
    now: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ArticlesImportResult> {
  const { userId, now } = input;
  const result: ArticlesImportResult = {
    articles: 0,
    newEntries: 0,
    starred: 0,
    subscribed: 0,
    problems: [],
  };
  const byFeed = new Map<string, ImportedArticle[]>();
  const badFeeds = new Set<string>();
  for (const article of input.articles) {
    const url = normalizeFeedUrl(article.feed.url);
    if (!url) {
      badFeeds.add(article.feed.url);
      continue;
    }
    let list = byFeed.get(url);
    if (!list) byFeed.set(url, (list = []));
    list.push(article);
  }
  if (badFeeds.size) {
    result.problems.push(
      `${input.fileName}: articles of ${badFeeds.size} feed(s) without an http(s) address skipped`,
    );
  }
  const total = input.articles.length - [...badFeeds].length;
  let done = 0;
  input.onProgress?.(0, total);
  for (const [url, articles] of byFeed) {
    const feedId = await feedFor(db, { userId, url, article: articles[0]!, now, result });
    for (let i = 0; i < articles.length; i += BATCH) {
      const part = articles.slice(i, i + BATCH);
      await importBatch(db, { userId, feedId, url, articles: part, now, result });
      done += part.length;
      input.onProgress?.(done, total);
    }
  }
  return result;
}

async function feedFor(
  db: Kysely<Schema>,
  input: { userId: number; url: string; article: ImportedArticle; now: number; result: ArticlesImportResult },
): Promise<number> {
  const existing = await subscriptionByFeedUrl(db, input.userId, input.url);
  if (existing) return existing.feedId;
  const { feed: origin } = input.article;
  const feed = await findOrCreateFeed(db, {
    url: input.url,
    options: {},
    userId: input.userId,
    title: origin.title ?? new URL(input.url).hostname,
    siteUrl: origin.siteUrl,
    now: input.now,
  });
  const category = origin.category
    ? await ensureCategory(db, input.userId, origin.category.slice(0, 200))
    : null;
  await subscribe(db, {
    userId: input.userId,
    feedId: feed.id,
    categoryId: category?.id ?? null,
    title: origin.title,
    now: input.now,
  });
  input.result.subscribed++;
  return feed.id;
}

async function importBatch(
  db: Kysely<Schema>,
  input: {
    userId: number;
    feedId: number;
    url: string;
    articles: ImportedArticle[];
    now: number;
    result: ArticlesImportResult;
  },
): Promise<void> {
  const { userId, feedId, now, result } = input;
  // Entries already stored are left as they are (a refresh keeps them up to date) and are not
  // even sanitized again; the others are stored, even if a purge had removed them before: the
  // user wants them back.
  const identities = input.articles.map((a) => identityOf(a.entry));
  const found = await entryIdsByIdentity(db, feedId, identities);
  const fresh = entriesFromParsed(
    {
      format: 'json',
      version: null,
      title: null,
      link: null,
      subtitle: null,
      language: null,
      updated: null,
      image: null,
      hubs: [],
      self: null,
      entries: input.articles.filter((_, i) => found[i] === null).map((a) => a.entry),
    },
    { feedUrl: input.url, now },
  );
  await clearTombstones(db, feedId, [...new Set(fresh.map((e) => e.guidKey))]);
  const ingested = await ingestEntries(db, { feedId, entries: fresh, now });
  result.newEntries += ingested.inserted;
  const ids = fresh.length ? await entryIdsByIdentity(db, feedId, identities) : found;
  // One state per entry: an article listed twice (a favourite also in a feed file) merges.
  const states = new Map<number, ImportedEntryState>();
  input.articles.forEach((article, i) => {
    const entryId = ids[i];
    if (entryId === null || entryId === undefined) return;
    const known = states.get(entryId);
    states.set(entryId, {
      entryId,
      read: article.read ?? known?.read ?? null,
      starred: article.starred || (known?.starred ?? false),
      labels: [...new Set([...(known?.labels ?? []), ...article.labels])],
    });
  });
  result.articles += states.size;
  result.starred += [...states.values()].filter((s) => s.starred).length;
  await applyImportedStates(db, { userId, feedId, states: [...states.values()], now });
  await markReadForOtherSubscribers(db, { userId, feedId, entryIds: ingested.insertedIds, now });
}

/** What identifies the entry a refresh would make of this one (see entriesFromParsed). */
function identityOf(e: ParsedEntry): EntryIdentity {
  return {
    guidKey: identityKeyOf(e),
    url: e.link && /^https?:\/\//i.test(e.link) ? e.link : null,
    title: (e.title ?? '').trim(),
  };
}
