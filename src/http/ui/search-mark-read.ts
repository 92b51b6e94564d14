// POST /search/mark-read — "Mark all as read" on a stream shown with a search marks only the
// matching unread entries received up to what the page showed (FreshRSS does the same), not the
// whole stream. Important feeds stay unread in the main stream and categories, as with the plain
// mark all as read. Marked per entry (exception rows), so the horizon undo does not apply.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { stateFromParam, streamFromParam, streamParam, type StreamCursor } from '../../model/stream.ts';
import { setEntriesRead } from '../../storage/api-entry-states.ts';
import { entryIdAt } from '../../storage/entries.ts';
import { entriesForStream } from '../../storage/streams.ts';
import { streamSearchUrl } from './search-box.tsx';
import { pageSearchFor } from './search-query.ts';

const DAY = 86_400_000;
const BATCH = 1000;

export async function searchMarkRead(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const userId = c.get('user')!.id;
  const form = await c.req.parseBody();
  const stream = streamFromParam(typeof form.s === 'string' ? form.s : undefined);
  let upTo = typeof form.upTo === 'string' && /^[0-9]{1,16}$/.test(form.upTo) ? Number(form.upTo) : null;
  const search = await pageSearchFor(db, userId, form.search);
  if (!stream || upTo === null || !search.node) return c.text('Bad request', 400);
  const now = deps.now();
  if (form.olderThan === 'day') upTo = Math.min(upTo, entryIdAt(now - DAY));
  if (form.olderThan === 'week') upTo = Math.min(upTo, entryIdAt(now - 7 * DAY));
  const keepImportant = stream.kind === 'main' || stream.kind === 'category';
  const ids: number[] = [];
  let cursor: StreamCursor | null = null;
  for (;;) {
    const rows = await entriesForStream(db, {
      userId,
      stream,
      state: 'unread',
      search: search.node,
      maxId: upTo,
      cursor,
      limit: BATCH,
      now,
    });
    for (const r of rows) if (!(keepImportant && r.feedPriority >= 2)) ids.push(r.id);
    const last = rows.at(-1);
    if (rows.length < BATCH || !last) break;
    cursor = { key: last.id, id: last.id };
  }
  const marked = await setEntriesRead(db, { userId, entryIds: ids, read: true, now });
  const state = stateFromParam(typeof form.state === 'string' ? form.state : undefined);
  const back = streamSearchUrl(
    { s: streamParam(stream), state, view: null, sort: null, order: null },
    search.text,
  );
  return c.redirect(`${back}&searchMarked=${marked}`, 303);
}
