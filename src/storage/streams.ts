// Reading a stream: one query joining the user's subscriptions, so a user only ever sees entries
// of feeds they subscribe to. Read state = the exception row if any, else "id <= horizon".
import { sql, type Kysely } from 'kysely';
import type { ParsedEnclosure, ParsedPerson } from '../model/parsed-feed.ts';
import type { StateFilter, Stream } from '../model/stream.ts';
import type { Schema } from './schema.ts';

export interface EntryView {
  id: number;
  feedId: number;
  feedTitle: string;
  feedHasIcon: boolean;
  url: string | null;
  title: string;
  authors: ParsedPerson[];
  content: string;
  summary: string;
  dateAt: number;
  receivedAt: number;
  read: boolean;
  starred: boolean;
  enclosures: ParsedEnclosure[];
  categories: string[];
  language: string | null;
}

export interface StreamQuery {
  userId: number;
  stream: Stream;
  state: StateFilter;
  /** Only entries with an id below this (the "load more" cursor). */
  beforeId?: number | null;
  /** Only entries with an id at or below this (what the page was first shown with). */
  maxId?: number | null;
  limit: number;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export async function entriesForStream(db: Kysely<Schema>, q: StreamQuery): Promise<EntryView[]> {
  let query = db
    .selectFrom('entries as e')
    .innerJoin('subscriptions as s', (j) =>
      j.onRef('s.feed_id', '=', 'e.feed_id').on('s.user_id', '=', q.userId),
    )
    .innerJoin('feeds as f', 'f.id', 'e.feed_id')
    .leftJoin('entry_states as st', (j) =>
      j.onRef('st.entry_id', '=', 'e.id').on('st.user_id', '=', q.userId),
    )
    .select([
      'e.id',
      'e.feed_id',
      'e.url',
      'e.title',
      'e.authors',
      'e.content',
      'e.summary',
      'e.date_at',
      'e.enclosures',
      'e.categories',
      'e.language',
      's.title as sub_title',
      'f.title as feed_title',
      'f.icon_type',
      'st.starred',
      sql<number>`case when st.read_override is not null then st.read_override when e.id <= s.read_horizon then 1 else 0 end`.as(
        'is_read',
      ),
    ]);
  switch (q.stream.kind) {
    case 'main':
      query = query.where('s.priority', '>=', 1);
      break;
    case 'starred':
      query = query.where('st.starred', '=', 1);
      break;
    case 'category':
      query = query.where('s.category_id', '=', q.stream.id);
      break;
    case 'feed':
      query = query.where('s.feed_id', '=', q.stream.id);
      break;
  }
  if (q.state === 'unread') {
    query = query.where((eb) =>
      eb.or([
        eb('st.read_override', '=', 0),
        eb.and([eb('st.read_override', 'is', null), eb('e.id', '>', eb.ref('s.read_horizon'))]),
      ]),
    );
  }
  if (q.beforeId) query = query.where('e.id', '<', q.beforeId);
  if (q.maxId) query = query.where('e.id', '<=', q.maxId);
  const rows = await query.orderBy('e.id', 'desc').limit(q.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    feedId: r.feed_id,
    feedTitle: r.sub_title || r.feed_title,
    feedHasIcon: r.icon_type !== null,
    url: r.url,
    title: r.title,
    authors: parseJson<ParsedPerson[]>(r.authors, []),
    content: r.content,
    summary: r.summary,
    dateAt: r.date_at,
    receivedAt: Math.floor(r.id / 1000),
    read: Number(r.is_read) === 1,
    starred: r.starred === 1,
    enclosures: parseJson<ParsedEnclosure[]>(r.enclosures, []),
    categories: parseJson<string[]>(r.categories, []),
    language: r.language,
  }));
}

/** Number of starred entries of a user (the sidebar's "Favourites (n)"). */
export async function starredCount(db: Kysely<Schema>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('entry_states')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('starred', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
