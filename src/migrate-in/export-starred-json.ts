// A user's favourite and labelled articles as FreshRSS's starred_DATE.json (Google Reader JSON
// with FreshRSS's additions), written page by page through `write`: memory stays one page.
import type { Kysely } from 'kysely';
import {
  GREADER_JSON_SEPARATOR,
  GREADER_JSON_TAIL,
  greaderItemJson,
  greaderJsonHead,
} from '../reader/migration/write-greader-json.ts';
import { starredOrLabelledEntries, type EntryForExport } from '../storage/export-rows.ts';
import type { Schema } from '../storage/schema.ts';

const PAGE = 500;

/** The GUID FreshRSS would hold for the entry: the publisher's, else its link, else our key. */
export function exportedGuid(e: Pick<EntryForExport, 'guidKey' | 'guid'>): string {
  if (e.guid) return e.guid;
  const m = /^(?:id|link):(.*)$/s.exec(e.guidKey);
  return m ? m[1]! : e.guidKey;
}

/** Returns the number of articles written. */
export async function writeStarredJson(
  db: Kysely<Schema>,
  user: { id: number; username: string },
  write: (chunk: string) => void | Promise<void>,
): Promise<number> {
  await write(greaderJsonHead({ username: user.username, title: 'List of favourite articles' }));
  let afterId = -1;
  let count = 0;
  for (;;) {
    const { entries: page, lastId } = await starredOrLabelledEntries(db, {
      userId: user.id,
      afterId,
      limit: PAGE,
    });
    if (lastId === null) break;
    afterId = lastId;
    if (page.length === 0) continue;
    const text = page
      .map((e) =>
        greaderItemJson({
          entryId: e.id,
          feedId: e.feedId,
          guid: exportedGuid(e),
          url: e.url,
          title: e.title,
          content: e.content,
          authors: e.authors,
          dateAt: e.dateAt,
          enclosures: e.enclosures,
          categories: e.categories,
          read: e.read,
          starred: e.starred,
          labels: e.labels,
          feed: e.feed,
        }),
      )
      .join(GREADER_JSON_SEPARATOR);
    await write((count > 0 ? GREADER_JSON_SEPARATOR : '') + text);
    count += page.length;
  }
  await write(GREADER_JSON_TAIL);
  return count;
}

/** The whole file as one string (for the ZIP and for tests). */
export async function starredJsonForUser(
  db: Kysely<Schema>,
  user: { id: number; username: string },
): Promise<string> {
  const chunks: string[] = [];
  await writeStarredJson(db, user, (chunk) => {
    chunks.push(chunk);
  });
  return chunks.join('');
}
