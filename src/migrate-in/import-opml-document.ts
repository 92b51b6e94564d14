// An OPML document → the user's subscriptions, without fetching anything (the next refresh
// does). Folders become categories (empty ones too); FreshRSS's settings that Veille supports
// become the feed's fetch options (cURL user agent, cookie, headers, proxy; credentials in the URL)
// and filter actions (frss:filtersActionRead → "mark as read" searches of the feed); everything
// else on the outline is kept verbatim for the next export; a folder's frss:opmlUrl makes it a
// dynamic category (src/refresh/dynamic-opml.ts). A feed already followed keeps its
// category and options; attributes the outline carries replace those kept before.
import type { Kysely } from 'kysely';
import { normalizeFeedUrl } from '../http/ui/feed-add.ts';
import type { OpmlDocument } from '../reader/opml/parse-opml.ts';
import { settingsFromOutline } from '../reader/opml/outline-settings.ts';
import { searchQueryOrError } from '../search/parse-query.ts';
import { ensureCategory } from '../storage/categories.ts';
import { setCategoryOpmlUrl, setOpmlManaged } from '../storage/dynamic-categories.ts';
import { findOrCreateFeed } from '../storage/feeds.ts';
import { filterListsOf, replaceFilterLists, searchLines } from '../storage/filter-actions.ts';
import { setCategoryImportExtras, setSubscriptionImportExtras } from '../storage/import-extras.ts';
import type { Schema } from '../storage/schema.ts';
import { subscribe, subscriptionForFeed } from '../storage/subscriptions.ts';

export interface OpmlImportResult {
  added: number;
  already: number;
  categories: number;
  problems: string[];
}

const FOLDER_STANDARD = new Set(['text', 'title']);
const READ_FILTERS = 'frss:filtersActionRead';
/** FreshRSS's dynamic OPML category: the folder follows the OPML at that address. */
const OPML_URL = 'frss:opmlUrl';

export async function importOpmlDocument(
  db: Kysely<Schema>,
  input: {
    userId: number;
    doc: OpmlDocument;
    fileName: string;
    now: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<OpmlImportResult> {
  const { userId, doc, fileName, now } = input;
  const result: OpmlImportResult = { added: 0, already: 0, categories: 0, problems: [] };
  const categoryIds = new Map<string, number>();
  const categoryId = async (name: string): Promise<number> => {
    let id = categoryIds.get(name);
    if (id === undefined) {
      id = (await ensureCategory(db, userId, name.slice(0, 200))).id;
      categoryIds.set(name, id);
      result.categories++;
    }
    return id;
  };
  // Folders with frss:opmlUrl become dynamic categories, due for a check at once (the next
  // `veille serve` or `veille worker` round checks them); the feeds listed under them are the OPML's.
  const dynamicFolders = new Set<string>();
  for (const folder of doc.folders) {
    const id = await categoryId(folder.name);
    const extras = Object.fromEntries(
      Object.entries(folder.attributes).filter(
        ([name]) => !FOLDER_STANDARD.has(name.toLowerCase()) && name !== 'xmlns:frss',
      ),
    );
    const opmlUrl = extras[OPML_URL]?.trim() ? normalizeFeedUrl(extras[OPML_URL]) : null;
    if (opmlUrl !== null) {
      delete extras[OPML_URL];
      await setCategoryOpmlUrl(db, { userId, categoryId: id, url: opmlUrl, now });
      dynamicFolders.add(folder.name);
    }
    if (Object.keys(extras).length) await setCategoryImportExtras(db, { userId, categoryId: id, extras });
  }

  const unsupported = new Map<string, number>();
  const invalid: string[] = [];
  let done = 0;
  for (const outline of doc.outlines) {
    input.onProgress?.(done++, doc.outlines.length);
    const settings = settingsFromOutline(outline.xmlUrl, outline.attributes);
    const url = normalizeFeedUrl(settings.url);
    if (!url) {
      invalid.push(outline.xmlUrl);
      continue;
    }
    for (const what of settings.unsupported) unsupported.set(what, (unsupported.get(what) ?? 0) + 1);
    const category = outline.category ? await categoryId(outline.category) : null;
    const feed = await findOrCreateFeed(db, {
      url,
      options: settings.options,
      userId,
      title: outline.title?.trim() || new URL(url).hostname,
      siteUrl: outline.htmlUrl,
      now,
    });
    if (await subscriptionForFeed(db, userId, feed.id)) {
      result.already++;
    } else {
      await subscribe(db, { userId, feedId: feed.id, categoryId: category, title: outline.title, now });
      if (outline.category !== null && dynamicFolders.has(outline.category))
        await setOpmlManaged(db, { userId, feedIds: [feed.id], managed: 1 });
      result.added++;
    }
    const extras = { ...settings.extras };
    const filters = extras[READ_FILTERS];
    if (filters !== undefined) {
      delete extras[READ_FILTERS];
      const rejected = await importReadFilters(db, { userId, feedId: feed.id, text: filters, now });
      if (rejected.length) {
        extras[READ_FILTERS] = rejected.join('\n');
        result.problems.push(
          `${fileName}: "${outline.title ?? url}": ${rejected.length} search${rejected.length > 1 ? 'es' : ''} of frss:filtersActionRead not understood, kept for export only: ${rejected.join(' | ')}`,
        );
      }
    }
    if (Object.keys(extras).length)
      await setSubscriptionImportExtras(db, { userId, feedId: feed.id, extras });
  }
  input.onProgress?.(done, doc.outlines.length);
  if (invalid.length) {
    const list =
      invalid
        .slice(0, 5)
        .map((u) => `"${u}"`)
        .join(', ') + (invalid.length > 5 ? '…' : '');
    result.problems.push(`${fileName}: ${invalid.length} outline(s) skipped, not http(s) addresses: ${list}`);
  }
  if (unsupported.size) {
    const list = [...unsupported].map(([what, n]) => `${what} (${n})`).join(', ');
    result.problems.push(`${fileName}: settings Veille does not use, kept for export: ${list}`);
  }
  return result;
}

/**
 * Adds the searches to the feed's "mark as read" filter list (once each). Returns the lines that
 * do not parse as searches.
 */
async function importReadFilters(
  db: Kysely<Schema>,
  input: { userId: number; feedId: number; text: string; now: number },
): Promise<string[]> {
  const scope = { kind: 'feed' as const, id: input.feedId };
  const accepted: string[] = [];
  const rejected: string[] = [];
  for (const line of searchLines(input.text)) {
    if (searchQueryOrError(line).ok) accepted.push(line);
    else rejected.push(line);
  }
  if (accepted.length === 0) return rejected;
  const lists = await filterListsOf(db, input.userId, scope);
  const read = lists.find((l) => l.action.kind === 'read');
  if (read) {
    const fresh = accepted.filter((s) => !read.searches.includes(s));
    if (fresh.length === 0) return rejected;
    read.searches.push(...fresh);
  } else {
    lists.push({ action: { kind: 'read' }, searches: accepted });
  }
  await replaceFilterLists(db, { userId: input.userId, scope, lists, now: input.now });
  return rejected;
}
