// Google Reader stream ids → what Veille reads. `user/<anything>/` means the current user.
import type { Kysely } from 'kysely';
import type { ApiStateFilter, ApiStream } from '../../../storage/api-items.ts';
import { labelByName } from '../../../storage/api-labels.ts';
import type { Schema } from '../../../storage/schema.ts';
import type { ApiFolders } from '../api-folders.ts';

export type ParsedStreamId =
  | { kind: 'stream'; stream: ApiStream; include: ApiStateFilter[] }
  /** A well-formed id naming nothing (a label or feed the user does not have). */
  | { kind: 'unknown' }
  | { kind: 'invalid' };

const STATE = /^user\/[^/]*\/state\/com\.google\/(.+)$/;
const LABEL = /^user\/[^/]*\/label\/(.+)$/s;

/** State names of `xt`/`it` values; null for states without a filter meaning. */
export function stateFilterOf(id: string): ApiStateFilter | null {
  const m = STATE.exec(id.trim());
  if (!m) return null;
  if (m[1] === 'read') return 'read';
  if (m[1] === 'starred') return 'starred';
  if (m[1] === 'unread' || m[1] === 'kept-unread') return 'unread';
  return null;
}

/** The folder or item-label name of `user/-/label/<name>`, or null. */
export function labelNameOf(id: string): string | null {
  const m = LABEL.exec(id.trim());
  return m ? m[1]! : null;
}

/** `feed/feed/12` (Reeder) → `12`; `feed/https://…` → the URL. */
export function feedRefOf(id: string): string | null {
  let s = id.trim();
  if (!s.startsWith('feed/')) return null;
  while (s.startsWith('feed/')) s = s.slice(5);
  return s || null;
}

export async function feedIdOfRef(db: Kysely<Schema>, userId: number, ref: string): Promise<number | null> {
  if (/^[0-9]{1,10}$/.test(ref)) {
    const row = await db
      .selectFrom('subscriptions')
      .select('feed_id')
      .where('user_id', '=', userId)
      .where('feed_id', '=', Number(ref))
      .executeTakeFirst();
    return row ? row.feed_id : null;
  }
  const row = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select('s.feed_id')
    .where('s.user_id', '=', userId)
    .where('f.url', '=', ref)
    .executeTakeFirst();
  return row ? row.feed_id : null;
}

export async function parseStreamId(
  db: Kysely<Schema>,
  userId: number,
  /** Read only for a label: the folder of that name, if any. */
  folders: () => Promise<ApiFolders>,
  id: string,
): Promise<ParsedStreamId> {
  const text = id.trim();
  const state = STATE.exec(text);
  if (state) {
    switch (state[1]) {
      case 'reading-list':
        return { kind: 'stream', stream: { kind: 'all' }, include: [] };
      case 'starred':
        return { kind: 'stream', stream: { kind: 'starred' }, include: [] };
      case 'read':
        return { kind: 'stream', stream: { kind: 'read' }, include: [] };
      case 'kept-unread':
      case 'unread':
        return { kind: 'stream', stream: { kind: 'all' }, include: ['unread'] };
      default:
        return { kind: 'unknown' };
    }
  }
  const name = labelNameOf(text);
  if (name !== null) {
    const [folderList, label] = await Promise.all([folders(), labelByName(db, userId, name)]);
    const folder = folderList.byName(name);
    if (!folder && !label) return { kind: 'unknown' };
    return {
      kind: 'stream',
      stream: {
        kind: 'label',
        categoryIds: folder?.categoryIds ?? [],
        uncategorized: folder?.uncategorized ?? false,
        labelId: label?.id ?? null,
      },
      include: [],
    };
  }
  const ref = feedRefOf(text);
  if (ref !== null) {
    const feedId = await feedIdOfRef(db, userId, ref);
    return feedId === null
      ? { kind: 'unknown' }
      : { kind: 'stream', stream: { kind: 'feed', feedId }, include: [] };
  }
  return { kind: 'invalid' };
}
