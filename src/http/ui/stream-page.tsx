// GET / — the normal view of a stream ("Vue normale"): entries newest-received first, grouped
// under day headers followed by the stream's name, as in FreshRSS.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { receivedDayLabel } from '../../i18n/i18n.ts';
import { streamFromParam, streamParam, type StateFilter, type Stream } from '../../model/stream.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { maxEntryId } from '../../storage/entries.ts';
import { lastMarkReadBatch } from '../../storage/entry-states.ts';
import { entriesForStream, starredCount, type EntryView } from '../../storage/streams.ts';
import { subscriptionsForUser } from '../../storage/subscriptions.ts';
import { countUsers } from '../../storage/users.ts';
import { EntryRow } from '../views/entry-row.tsx';
import { CsrfField, Layout } from '../views/layout.tsx';
import { Sidebar } from '../views/sidebar.tsx';

const PAGE_SIZE = 30;

function positiveInt(value: string | undefined): number | null {
  if (!value || !/^[0-9]{1,16}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export async function streamPage(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const user = c.get('user');
  const db = deps.database.db;
  if (!user) return c.redirect((await countUsers(db)) === 0 ? '/setup' : '/login');
  const tr = c.get('tr');
  const stream = streamFromParam(c.req.query('s'));
  if (!stream) return c.notFound();
  const state: StateFilter = c.req.query('state') === 'all' ? 'all' : 'unread';
  const [categories, subscriptions, starred] = await Promise.all([
    categoriesForUser(db, user.id),
    subscriptionsForUser(db, user.id),
    starredCount(db, user.id),
  ]);

  let name: string;
  if (stream.kind === 'main') name = tr.t('stream.title.main');
  else if (stream.kind === 'starred') name = tr.t('stream.title.starred');
  else if (stream.kind === 'category') {
    const cat = categories.find((x) => x.id === stream.id);
    if (!cat) return c.notFound();
    name = cat.name;
  } else {
    const sub = subscriptions.find((x) => x.feedId === stream.id);
    if (!sub) return c.notFound();
    name = sub.title;
  }

  const maxId = positiveInt(c.req.query('max')) ?? (await maxEntryId(db));
  const beforeId = positiveInt(c.req.query('after'));
  const rows = await entriesForStream(db, {
    userId: user.id,
    stream,
    state,
    beforeId,
    maxId,
    limit: PAGE_SIZE + 1,
  });
  const more = rows.length > PAGE_SIZE;
  const entries = rows.slice(0, PAGE_SIZE);
  const s = streamParam(stream);
  const here = `/?s=${s}${state === 'all' ? '&state=all' : ''}`;
  const nextUrl = more ? `${here}&after=${entries[entries.length - 1]!.id}&max=${maxId}` : null;
  const unreadTotal = subscriptions.filter((x) => x.priority >= 1).reduce((n, x) => n + x.unreadCount, 0);
  const undoable = c.req.query('marked') === '1' && (await lastMarkReadBatch(db, user.id)) !== null;
  const flash = c.req.query('undone') === '1' ? tr.t('stream.undone') : null;
  const csrf = c.get('csrfToken');
  const now = deps.now();

  return c.html(
    <Layout
      tr={tr}
      title={name}
      csrfToken={csrf}
      user={user}
      flash={flash}
      unreadTotal={unreadTotal}
      sidebar={
        <Sidebar
          tr={tr}
          categories={categories}
          subscriptions={subscriptions}
          starredCount={starred}
          current={stream}
          state={state}
        />
      }
    >
      <div class="toolbar" role="toolbar">
        <span class="view-name">{tr.t('view.normal')}</span>
        <a
          class={state === 'unread' ? 'button active' : 'button'}
          href={`/?s=${s}`}
          aria-pressed={state === 'unread' ? 'true' : 'false'}
        >
          {tr.t('stream.showUnread')}
        </a>
        <a
          class={state === 'all' ? 'button active' : 'button'}
          href={`/?s=${s}&state=all`}
          aria-pressed={state === 'all' ? 'true' : 'false'}
        >
          {tr.t('stream.showAll')}
        </a>
        <MarkAllRead tr={tr} csrf={csrf} stream={stream} state={state} maxId={maxId} />
        <form method="post" action="/refresh" class="inline">
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={here} />
          <button type="submit">{tr.t('nav.refresh')}</button>
        </form>
      </div>
      {undoable && (
        <form method="post" action="/mark-read/undo" class="flash undo" role="status">
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={here} />
          <span>{tr.t('stream.markedRead')}</span> <button type="submit">{tr.t('stream.undo')}</button>
        </form>
      )}
      <div id="stream" data-stream={s} data-max={String(maxId)}>
        <div class="entries">
          {groupByDay(entries, (e) => tr.dayKey(e.receivedAt)).map(({ key, items }) => (
            <>
              <h2 class="day" data-day={key}>
                {receivedDayLabel(tr, items[0]!.receivedAt, now)} <span class="name">{name}</span>
              </h2>
              {items.map((e) => (
                <EntryRow entry={e} tr={tr} csrfToken={csrf} back={here} />
              ))}
            </>
          ))}
        </div>
        {entries.length === 0 && <p class="empty">{tr.t('stream.empty')}</p>}
        {nextUrl ? (
          <a class="button load-more" href={nextUrl}>
            {tr.t('stream.loadMore')}
          </a>
        ) : (
          entries.length > 0 && (
            <div class="stream-footer">
              <p>{tr.t('stream.end')}</p>
              <MarkAllRead tr={tr} csrf={csrf} stream={stream} state={state} maxId={maxId} big />
            </div>
          )
        )}
      </div>
    </Layout>,
  );
}

function MarkAllRead(props: {
  tr: AppEnv['Variables']['tr'];
  csrf: string;
  stream: Stream;
  state: StateFilter;
  maxId: number;
  big?: boolean;
}) {
  return (
    <form method="post" action="/mark-read" class={props.big ? 'mark-all big' : 'mark-all inline'}>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="s" value={streamParam(props.stream)} />
      <input type="hidden" name="state" value={props.state} />
      <input type="hidden" name="upTo" value={String(props.maxId)} />
      <button type="submit">{props.tr.t('stream.markAllRead')}</button>
    </form>
  );
}

function groupByDay(entries: EntryView[], keyOf: (e: EntryView) => string) {
  const groups: { key: string; items: EntryView[] }[] = [];
  for (const e of entries) {
    const key = keyOf(e);
    const last = groups[groups.length - 1];
    if (last && last.key === key) last.items.push(e);
    else groups.push({ key, items: [e] });
  }
  return groups;
}
