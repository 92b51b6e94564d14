// "Mark all as read" for app streams, up to an entry id (Google Reader `ts`, Fever `before`):
// built on markStreamsRead (horizon moves, O(subscriptions)) for feeds and folders — a reading
// list or a folder is one transaction and one undo batch, whatever the number of its folders —
// and on setEntriesRead for the few entries of an item label or of favourites.
import type { AppDeps } from '../app-env.ts';
import { apiSubscriptionScopes, type ApiStream } from '../../storage/api-items.ts';
import { unreadLabelledEntryIds } from '../../storage/api-labels.ts';
import { setEntriesRead } from '../../storage/api-entry-states.ts';
import { markStreamRead, markStreamsRead, type HorizonStream } from '../../storage/entry-states.ts';

export async function markApiStreamRead(
  deps: AppDeps,
  input: { userId: number; stream: ApiStream; upToId: number },
): Promise<void> {
  const database = deps.database;
  const { userId, stream, upToId } = input;
  const now = deps.now();
  /** The web streams of a folder: its categories, and each feed without a category. */
  const folderStreams = async (categoryIds: number[], uncategorized: boolean): Promise<HorizonStream[]> => {
    const streams: HorizonStream[] = categoryIds.map((id) => ({ kind: 'category', id }));
    if (uncategorized) {
      const subs = await apiSubscriptionScopes(database.db, userId);
      for (const s of subs) if (s.categoryId === null) streams.push({ kind: 'feed', id: s.feedId });
    }
    return streams;
  };
  switch (stream.kind) {
    case 'feed':
      await markStreamRead(database, { userId, stream: { kind: 'feed', id: stream.feedId }, upToId, now });
      return;
    case 'starred':
      await markStreamRead(database, { userId, stream: { kind: 'starred' }, upToId, now });
      return;
    case 'read':
      return;
    case 'all': {
      // Every subscription apps see. When they are all in the main stream (the usual case),
      // that is the main stream; otherwise every folder, in one batch.
      const subs = await apiSubscriptionScopes(database.db, userId);
      if (subs.every((s) => s.priority >= 1)) {
        await markStreamRead(database, { userId, stream: { kind: 'main' }, upToId, now });
        return;
      }
      const categoryIds = [...new Set(subs.flatMap((s) => (s.categoryId === null ? [] : [s.categoryId])))];
      const streams = await folderStreams(
        categoryIds,
        subs.some((s) => s.categoryId === null),
      );
      await markStreamsRead(database, { userId, streams, upToId, now });
      return;
    }
    case 'label': {
      const streams = await folderStreams(stream.categoryIds, stream.uncategorized);
      await markStreamsRead(database, { userId, streams, upToId, now });
      if (stream.labelId !== null) {
        const ids = await unreadLabelledEntryIds(database.db, { userId, labelId: stream.labelId, upToId });
        await setEntriesRead(database.db, { userId, entryIds: ids, read: true, now });
      }
      return;
    }
  }
}

/**
 * Entry id bound for a time sent by a client: microseconds (≥ 10^14), milliseconds (≥ 10^11) or
 * seconds; entries received at or before it are marked. Missing or zero: everything received so
 * far (markStreamRead clamps the bound to the newest entry id).
 */
export function entryIdBound(value: string | null | undefined): number {
  const n = value && /^[0-9]{1,20}$/.test(value.trim()) ? Number(value.trim()) : 0;
  if (!n) return Number.MAX_SAFE_INTEGER;
  const us = n >= 1e14 ? n : n >= 1e11 ? n * 1000 : n * 1e6;
  return Math.min(us, Number.MAX_SAFE_INTEGER);
}
