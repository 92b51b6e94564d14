// Lookups an import needs: the user's subscription to a feed address (whatever its fetch
// options), and the ids of stored entries from their identity, by the rules of ingestEntries
// (same identity key, else same link and same title in the feed).
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

const CHUNK = 200;

export async function subscriptionByFeedUrl(
  db: Kysely<Schema>,
  userId: number,
  url: string,
): Promise<{ feedId: number; subscriptionId: number } | undefined> {
  const row = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(['s.id', 's.feed_id'])
    .where('s.user_id', '=', userId)
    .where('f.url', '=', url)
    .orderBy('s.id')
    .executeTakeFirst();
  return row ? { feedId: row.feed_id, subscriptionId: row.id } : undefined;
}

export interface EntryIdentity {
  guidKey: string;
  url: string | null;
  title: string;
}

/** The stored id of each identity (same order), or null when the feed has no such entry. */
export async function entryIdsByIdentity(
  db: Kysely<Schema>,
  feedId: number,
  identities: EntryIdentity[],
): Promise<(number | null)[]> {
  const byKey = new Map<string, number>();
  for (let i = 0; i < identities.length; i += CHUNK) {
    const keys = [...new Set(identities.slice(i, i + CHUNK).map((x) => x.guidKey))];
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'guid_key'])
      .where('feed_id', '=', feedId)
      .where('guid_key', 'in', keys)
      .execute();
    for (const r of rows) byKey.set(r.guid_key, r.id);
  }
  const missing = identities.filter((x) => !byKey.has(x.guidKey) && x.url !== null);
  const byLink = new Map<string, number>();
  for (let i = 0; i < missing.length; i += CHUNK) {
    const urls = [...new Set(missing.slice(i, i + CHUNK).map((x) => x.url!))];
    const rows = await db
      .selectFrom('entries')
      .select(['id', 'url', 'title'])
      .where('feed_id', '=', feedId)
      .where('url', 'in', urls)
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const key = `${r.url}\u0000${r.title}`;
      if (!byLink.has(key)) byLink.set(key, r.id);
    }
  }
  return identities.map((x) => byKey.get(x.guidKey) ?? byLink.get(`${x.url}\u0000${x.title}`) ?? null);
}

/** Forgets that these entries of a feed were purged, so that an import may bring them back. */
export async function clearTombstones(db: Kysely<Schema>, feedId: number, guidKeys: string[]): Promise<void> {
  for (let i = 0; i < guidKeys.length; i += CHUNK) {
    await db
      .deleteFrom('entry_tombstones')
      .where('feed_id', '=', feedId)
      .where('guid_key', 'in', guidKeys.slice(i, i + CHUNK))
      .execute();
  }
}
