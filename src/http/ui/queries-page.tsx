// GET /queries — the user's saved queries (FreshRSS's "Filtres utilisateurs"), in order: open,
// edit the name and search, move up or down (S:n follows this order), delete, and share by a
// secret link (HTML, RSS, Atom, OPML) or revoke it; plus a form to create one.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { stateParam, type StateFilter, type Stream } from '../../model/stream.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { labelsForUser } from '../../storage/labels.ts';
import { subscriptionsForUser } from '../../storage/subscriptions.ts';
import { QUERY_NAME_MAX, userQueriesForUser, type UserQuery } from '../../storage/user-queries.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { userQueryUrl } from './queries-menu.tsx';
import { SEARCH_MAX_LENGTH } from './search-query.ts';

const DONE: Record<string, MessageKey> = {
  updated: 'queries.updated',
  deleted: 'queries.deleted',
  shared: 'queries.shared',
  unshared: 'queries.unshared',
};

interface StreamNames {
  categories: { id: number; name: string }[];
  feeds: { feedId: number; title: string }[];
  labels: { id: number; name: string }[];
}

function streamName(tr: Translator, stream: Stream, names: StreamNames): string {
  switch (stream.kind) {
    case 'main':
      return tr.t('stream.title.main');
    case 'important':
      return tr.t('stream.title.important');
    case 'starred':
      return tr.t('stream.title.starred');
    case 'category':
      return names.categories.find((x) => x.id === stream.id)?.name ?? `c${stream.id}`;
    case 'feed':
      return names.feeds.find((x) => x.feedId === stream.id)?.title ?? `f${stream.id}`;
    case 'label':
      return names.labels.find((x) => x.id === stream.id)?.name ?? `t${stream.id}`;
  }
}

function stateName(tr: Translator, state: StateFilter | null): string {
  if (state === null) return tr.t('queries.default');
  const p = stateParam(state);
  if (p === 'all') return tr.t('search.stateAll');
  if (p === 'unread') return tr.t('search.stateUnread');
  if (p === '1') return tr.t('search.stateRead');
  if (p === '4') return tr.t('search.stateStarred');
  if (p === '16') return tr.t('search.stateUnreadOrStarred');
  return p;
}

/** The absolute base of shared links: VEILLE_BASE_URL, else the address this request came to. */
export function publicBase(c: Context<AppEnv>): string {
  const configured = c.get('deps').config.baseUrl;
  return (configured ?? new URL(c.req.url).origin).replace(/\/+$/, '');
}

export async function queriesPage(
  c: Context<AppEnv>,
  message: { text: string; error: boolean } | null = null,
) {
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const db = c.get('deps').database.db;
  const [queries, categories, subscriptions, labels] = await Promise.all([
    userQueriesForUser(db, user.id),
    categoriesForUser(db, user.id),
    subscriptionsForUser(db, user.id),
    labelsForUser(db, user.id),
  ]);
  const names: StreamNames = { categories, feeds: subscriptions, labels };
  let flash: string | null = message && !message.error ? message.text : null;
  const saved = c.req.query('saved');
  const done = c.req.query('done');
  if (!flash && saved) {
    const q = queries.find((x) => String(x.id) === saved);
    if (q) flash = tr.t('queries.saved', { name: q.name });
  }
  if (!flash && done && DONE[done]) flash = tr.t(DONE[done]);
  const base = publicBase(c);
  return c.html(
    <Layout tr={tr} title={tr.t('queries.title')} csrfToken={csrf} user={user} flash={flash}>
      <h1>{tr.t('queries.title')}</h1>
      {message?.error && (
        <p class="error" role="alert">
          {message.text}
        </p>
      )}
      {queries.length === 0 && <p>{tr.t('queries.none')}</p>}
      <ol class="query-list">
        {queries.map((q, i) => (
          <QueryItem
            tr={tr}
            csrf={csrf}
            query={q}
            first={i === 0}
            last={i === queries.length - 1}
            streamLabel={streamName(tr, q.stream, names)}
            base={base}
          />
        ))}
      </ol>
      <h2>{tr.t('queries.save')}</h2>
      <form method="post" action="/queries" class="inline-form create-query">
        <CsrfField token={csrf} />
        <label>
          {tr.t('queries.name')} <input type="text" name="name" required maxlength={QUERY_NAME_MAX} />
        </label>
        <label>
          {tr.t('queries.search')} <input type="text" name="search" maxlength={SEARCH_MAX_LENGTH} />
        </label>
        <label>
          {tr.t('queries.stream')}{' '}
          <select name="s">
            <option value="main">{tr.t('stream.title.main')}</option>
            <option value="important">{tr.t('stream.title.important')}</option>
            <option value="starred">{tr.t('stream.title.starred')}</option>
            {categories.map((x) => (
              <option value={`c${x.id}`}>{x.name}</option>
            ))}
            {subscriptions.map((x) => (
              <option value={`f${x.feedId}`}>{x.title}</option>
            ))}
            {labels.map((x) => (
              <option value={`t${x.id}`}>{x.name}</option>
            ))}
          </select>
        </label>
        <label>
          {tr.t('queries.state')}{' '}
          <select name="state">
            <option value="">{tr.t('queries.default')}</option>
            <option value="all">{tr.t('search.stateAll')}</option>
            <option value="unread">{tr.t('search.stateUnread')}</option>
            <option value="1">{tr.t('search.stateRead')}</option>
            <option value="4">{tr.t('search.stateStarred')}</option>
          </select>
        </label>
        <button type="submit">{tr.t('queries.save')}</button>
      </form>
    </Layout>,
  );
}

function QueryItem(props: {
  tr: Translator;
  csrf: string;
  query: UserQuery;
  first: boolean;
  last: boolean;
  streamLabel: string;
  base: string;
}) {
  const { tr, csrf, query: q } = props;
  const shared = q.shareToken ? `${props.base}/shared/query/${q.shareToken}` : null;
  return (
    <li class="query" id={`query-${q.id}`} data-query={String(q.id)}>
      <p>
        <a class="query-open" href={userQueryUrl(q)}>
          {q.name}
        </a>{' '}
        <span class="muted small">
          {tr.t('queries.stream')} {props.streamLabel} · {tr.t('queries.state')} {stateName(tr, q.state)}
          {q.sort && (
            <>
              {' '}
              · {tr.t('queries.sort')} {q.sort}
              {q.order ? ` ${q.order}` : ''}
            </>
          )}
        </span>
      </p>
      <form method="post" action={`/queries/${q.id}`} class="query-edit">
        <CsrfField token={csrf} />
        <label>
          {tr.t('queries.name')}{' '}
          <input
            type="text"
            name="name"
            value={q.name}
            required
            maxlength={QUERY_NAME_MAX}
            aria-label={`${tr.t('queries.editNamed', { name: q.name })}: ${tr.t('queries.name')}`}
          />
        </label>
        <label>
          {tr.t('queries.search')}{' '}
          <input
            type="text"
            name="search"
            value={q.search}
            maxlength={SEARCH_MAX_LENGTH}
            aria-label={`${tr.t('queries.editNamed', { name: q.name })}: ${tr.t('queries.search')}`}
          />
        </label>
        <button type="submit">{tr.t('queries.update')}</button>
      </form>
      <div class="query-actions">
        <form method="post" action={`/queries/${q.id}/move`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" name="direction" value="up" disabled={props.first} class="query-up">
            {tr.t('queries.up')}
          </button>{' '}
          <button type="submit" name="direction" value="down" disabled={props.last} class="query-down">
            {tr.t('queries.down')}
          </button>
        </form>
        <form method="post" action={`/queries/${q.id}/${shared ? 'unshare' : 'share'}`} class="inline">
          <CsrfField token={csrf} />
          <button type="submit" class={shared ? 'query-unshare' : 'query-share'}>
            {tr.t(shared ? 'queries.unshare' : 'queries.share')}
          </button>
        </form>
        <form method="post" action={`/queries/${q.id}/delete`} class="inline">
          <CsrfField token={csrf} />
          <button
            type="submit"
            class="query-delete"
            aria-label={tr.t('queries.deleteNamed', { name: q.name })}
          >
            {tr.t('queries.delete')}
          </button>
        </form>
      </div>
      {shared ? (
        <p class="share-links small">
          {tr.t('queries.sharedLinks')} <a href={shared}>HTML</a> · <a href={`${shared}.rss`}>RSS</a> ·{' '}
          <a href={`${shared}.atom`}>Atom</a>
          {q.stream.kind !== 'starred' && q.stream.kind !== 'label' && (
            <>
              {' '}
              · <a href={`${shared}.opml`}>OPML</a>
            </>
          )}
        </p>
      ) : (
        <p class="muted small">{tr.t('queries.notShared')}</p>
      )}
    </li>
  );
}
