// Anonymous read-only reading: when an administrator chose a user (instance setting
// `anonymous_user_id`), a visitor without a session sees that user's streams at / — the main and
// important streams, a category or a feed — as plain pages with no form at all. The visitor never
// becomes that user: the request keeps `user = null`, so every route that changes something still
// answers "log in first" (and the CSRF check refuses any POST without the visitor's own token).
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.ts';
import {
  cursorFromParam,
  cursorParam,
  streamFromParam,
  streamParam,
  type Stream,
} from '../../model/stream.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { instanceSettings } from '../../storage/instance-settings.ts';
import { entriesForStream, sortValueOf } from '../../storage/streams.ts';
import { subscriptionsForUser } from '../../storage/subscriptions.ts';
import { userById } from '../../storage/users.ts';
import type { User } from '../../storage/schema.ts';
import { Enclosures, EntryText, EntryTitleLink } from '../views/entry-parts.tsx';
import { Layout } from '../views/layout.tsx';

const PER_PAGE = 30;

/** The user whose streams visitors may read, or undefined when the instance does not offer it. */
export async function anonymousReadUser(c: Context<AppEnv>): Promise<User | undefined> {
  const db = c.get('deps').database.db;
  const { anonymousUserId } = await instanceSettings(db);
  if (anonymousUserId === null) return undefined;
  const user = await userById(db, anonymousUserId);
  return user && !user.disabled ? user : undefined;
}

/** Before a page that needs a user: visitors without a session get the read-only page when enabled. */
export function anonymousReading(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get('user') || c.req.method !== 'GET') return next();
    const reader = await anonymousReadUser(c);
    if (!reader) return next();
    return anonymousStreamPage(c, reader);
  };
}

function readableStream(param: string | undefined): Stream | null {
  const stream = streamFromParam(param);
  // Favourites and labels are the user's own marks, not part of the shared reading.
  if (!stream || stream.kind === 'starred' || stream.kind === 'label') return null;
  return stream;
}

export async function anonymousStreamPage(c: Context<AppEnv>, reader: User) {
  const db = c.get('deps').database.db;
  const tr = c.get('tr');
  const stream = readableStream(c.req.query('s'));
  if (!stream) return c.notFound();
  const [categories, subscriptions] = await Promise.all([
    categoriesForUser(db, reader.id),
    subscriptionsForUser(db, reader.id),
  ]);
  const visible = subscriptions.filter((s) => !s.muted && s.priority >= 0);
  if (stream.kind === 'feed' && !visible.some((s) => s.feedId === stream.id)) return c.notFound();
  if (stream.kind === 'category' && !categories.some((x) => x.id === stream.id)) return c.notFound();
  const rows = await entriesForStream(db, {
    userId: reader.id,
    stream,
    state: 'all',
    cursor: cursorFromParam(c.req.query('after')),
    limit: PER_PAGE + 1,
  });
  const entries = rows.slice(0, PER_PAGE);
  const last = entries[entries.length - 1];
  const s = streamParam(stream);
  const next =
    rows.length > PER_PAGE && last
      ? `/?s=${s}&after=${cursorParam({ key: sortValueOf(last, 'received'), id: last.id })}`
      : null;
  const title =
    stream.kind === 'feed'
      ? (visible.find((x) => x.feedId === stream.id)?.title ?? '')
      : stream.kind === 'category'
        ? (categories.find((x) => x.id === stream.id)?.name ?? '')
        : stream.kind === 'important'
          ? tr.t('anonymous.important')
          : tr.t('nav.mainStream');
  const sidebar = (
    <nav class="sidebar anonymous-sidebar" aria-label={tr.t('nav.categories')}>
      <ul>
        <li>
          <a href="/?s=main">{tr.t('nav.mainStream')}</a>
        </li>
        <li>
          <a href="/?s=important">{tr.t('anonymous.important')}</a>
        </li>
        {categories.map((cat) => (
          <li>
            <a href={`/?s=c${cat.id}`}>{cat.name}</a>
            <ul>
              {visible
                .filter((x) => x.categoryId === cat.id)
                .map((x) => (
                  <li>
                    <a href={`/?s=f${x.feedId}`}>{x.title}</a>
                  </li>
                ))}
            </ul>
          </li>
        ))}
        {visible
          .filter((x) => x.categoryId === null)
          .map((x) => (
            <li>
              <a href={`/?s=f${x.feedId}`}>{x.title}</a>
            </li>
          ))}
      </ul>
    </nav>
  );
  return c.html(
    <Layout
      tr={tr}
      title={title}
      csrfToken={c.get('csrfToken')}
      user={null}
      sidebar={sidebar}
      bodyClass="anonymous"
    >
      <p class="flash anonymous-notice" role="status">
        {tr.t('anonymous.notice', { user: reader.username })} <a href="/login">{tr.t('anonymous.login')}</a>
      </p>
      <h1>{title}</h1>
      {entries.length === 0 && <p>{tr.t('anonymous.empty')}</p>}
      {entries.map((e) => (
        <article class="entry reader-article" id={`entry-${e.id}`} lang={e.language ?? undefined}>
          <header>
            <h2>
              <EntryTitleLink entry={e} tr={tr} />
            </h2>
            <p class="meta">
              {e.feedTitle} · <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
            </p>
          </header>
          <EntryText entry={e} />
          <Enclosures entry={e} tr={tr} />
        </article>
      ))}
      {next && (
        <p>
          <a href={next} rel="next">
            {tr.t('anonymous.more')}
          </a>
        </p>
      )}
    </Layout>,
  );
}
