// GET /shared/query/:token (HTML), /shared/query/:token.rss, .atom and .opml — a user query
// published by its secret token (FreshRSS's shared user queries): no session needed, read-only,
// the owner's entries as the query selects them (stream, search, state, sort; the newest 50, or
// ?nb= up to 200). The page is a plain document without script, under the same CSP as every
// page; content is the sanitized HTML Veille stores. An unknown or revoked token, or a disabled
// owner, answers 404.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { AppEnv } from '../app-env.ts';
import { exportOpml, type OpmlExportFeed } from '../../reader/opml/export-opml.ts';
import { entriesForStream, type EntryView } from '../../storage/streams.ts';
import { sharedQueryFeeds, userQueryByShareToken, type UserQuery } from '../../storage/user-queries.ts';
import { userById } from '../../storage/users.ts';
import { EntryText, Enclosures, EntryTitleLink } from '../views/entry-parts.tsx';
import { publicBase } from './queries-page.tsx';
import { pageSearchFor } from './search-query.ts';
import { sharedQueryAtom, sharedQueryRss } from './shared-query-feed.ts';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 200;

const TYPES = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
} as const;

export async function sharedQuery(c: Context<AppEnv>) {
  const m = /^([A-Za-z0-9_-]+)(?:\.(rss|atom|opml))?$/.exec(c.req.param('file') ?? '');
  if (!m) return c.notFound();
  const token = m[1]!;
  const format = (m[2] ?? 'html') as 'html' | keyof typeof TYPES;
  const db = c.get('deps').database.db;
  const query = await userQueryByShareToken(db, token);
  const owner = query ? await userById(db, query.userId) : undefined;
  if (!query || !owner || owner.disabled) return c.notFound();
  const base = publicBase(c);
  const pageUrl = `${base}/shared/query/${token}`;
  const headers = {
    // Revalidated at each use: a revoked link must stop working at once, cached copies too.
    'cache-control': 'private, no-cache',
    // A secret link: not for search engines, and not sent on as a referrer.
    'x-robots-tag': 'noindex, nofollow',
    'referrer-policy': 'no-referrer',
  };

  if (format === 'opml') {
    if (query.stream.kind === 'starred' || query.stream.kind === 'label') return c.notFound();
    const feeds = await sharedQueryFeeds(db, owner.id, query.stream);
    const outline = (f: (typeof feeds)[number]): OpmlExportFeed => ({
      title: f.title,
      xmlUrl: f.feedUrl,
      htmlUrl: f.siteUrl,
    });
    const categories = [...new Set(feeds.map((f) => f.category).filter((x): x is string => x !== null))];
    const body = exportOpml({
      title: query.name,
      categories: categories.map((name) => ({
        name,
        feeds: feeds.filter((f) => f.category === name).map(outline),
      })),
      uncategorized: feeds.filter((f) => f.category === null).map(outline),
    });
    return c.body(body, 200, { ...headers, 'content-type': TYPES.opml });
  }

  const nb = Number(c.req.query('nb'));
  const limit = Number.isInteger(nb) && nb > 0 ? Math.min(nb, MAX_COUNT) : DEFAULT_COUNT;
  const entries = await sharedEntries(c, query, limit);
  const updated = entries.reduce((t, e) => Math.max(t, e.receivedAt), 0) || c.get('deps').now();
  if (format === 'rss' || format === 'atom') {
    const input = { title: query.name, pageUrl, selfUrl: `${pageUrl}.${format}`, updated, entries };
    const body = format === 'rss' ? sharedQueryRss(input) : sharedQueryAtom(input);
    return c.body(body, 200, { ...headers, 'content-type': TYPES[format] });
  }
  const tr = c.get('tr');
  return c.html(
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={tr.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <meta name="robots" content="noindex, nofollow" />
          <title>{`${query.name} · Veille`}</title>
          <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/style.css" />
          <link rel="alternate" type="application/rss+xml" title={query.name} href={`${pageUrl}.rss`} />
          <link rel="alternate" type="application/atom+xml" title={query.name} href={`${pageUrl}.atom`} />
        </head>
        <body class="shared-query">
          <main id="main">
            <p class="muted small">{tr.t('queries.sharedNotice')}</p>
            <h1>{query.name}</h1>
            <p class="small">
              <a href={`${pageUrl}.rss`}>RSS</a> · <a href={`${pageUrl}.atom`}>Atom</a>
            </p>
            {entries.length === 0 && <p>{tr.t('stream.empty')}</p>}
            {entries.map((e) => (
              <SharedEntry entry={e} c={c} />
            ))}
          </main>
        </body>
      </html>
    </>,
    200,
    headers,
  );
}

async function sharedEntries(c: Context<AppEnv>, query: UserQuery, limit: number): Promise<EntryView[]> {
  const db = c.get('deps').database.db;
  const search = await pageSearchFor(db, query.userId, query.search);
  if (search.error) return [];
  return entriesForStream(db, {
    userId: query.userId,
    stream: query.stream,
    state: query.state ?? 'all',
    sort: query.sort === 'random' ? 'received' : (query.sort ?? 'received'),
    order: query.order ?? 'desc',
    search: search.node,
    now: c.get('deps').now(),
    limit,
  });
}

function SharedEntry(props: { entry: EntryView; c: Context<AppEnv> }) {
  const { entry: e } = props;
  const tr = props.c.get('tr');
  const authors = e.authors.map((a) => a.name ?? '').filter(Boolean);
  return (
    <article class="shared-entry" id={`entry-${e.id}`} lang={e.language ?? undefined}>
      <header>
        <h2>
          <EntryTitleLink entry={e} tr={tr} />
        </h2>
        <p class="meta muted small">
          {e.feedTitle}
          {authors.length > 0 && ` · ${tr.t('entry.by')} ${authors.join(', ')}`} ·{' '}
          <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
        </p>
      </header>
      <EntryText entry={e} />
      <Enclosures entry={e} tr={tr} />
    </article>
  );
}
