// GET / — a stream in one of FreshRSS's three views: normal ("Vue normale": one-line rows that
// expand in place), reading ("Vue lecture": every article open, one after another) and global
// ("Vue globale": one tile per category with its feeds and unread counts). Entries are grouped
// under headers that follow the sort ("Reçu aujourd’hui — …", "Publié hier — …", feed names),
// each with the number of unread entries of its group.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../app-env.ts';
import { receivedDayLabel, type Translator } from '../../i18n/i18n.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { isViewMode, type ReadingSettings, type ViewMode } from '../../model/reading-settings.ts';
import {
  cursorFromParam,
  cursorParam,
  isSortKey,
  stateFromParam,
  stateMask,
  stateParam,
  streamFromParam,
  streamParam,
  STATE_NOT_STARRED,
  STATE_READ,
  STATE_STARRED,
  STATE_UNREAD,
  STATE_UNREAD_OR_STARRED,
  type SortKey,
  type SortOrder,
  type StateFilter,
  type Stream,
} from '../../model/stream.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { maxEntryId } from '../../storage/entries.ts';
import { lastMarkReadBatch } from '../../storage/entry-states.ts';
import { labelIdsOfEntries, labelsForUser, type LabelView } from '../../storage/labels.ts';
import { readingSettingsForUser } from '../../storage/reading-settings.ts';
import {
  entriesForStream,
  sortValueOf,
  starredCount,
  streamHasUnread,
  streamUnreadCountIn,
  streamSearchCount,
  type EntryView,
} from '../../storage/streams.ts';
import { sidebarSubscriptions, type SidebarSubscription } from '../../storage/subscriptions.ts';
import { countUsers } from '../../storage/users.ts';
import type { Category } from '../../storage/schema.ts';
import type { EntryContext } from '../views/entry-parts.tsx';
import { EntryRow } from '../views/entry-row.tsx';
import { CsrfField, Layout } from '../views/layout.tsx';
import { ShortcutHelp } from '../views/shortcut-help.tsx';
import { ReaderArticle } from '../views/reader-article.tsx';
import {
  SEARCH_COUNT_CAP,
  SearchForm,
  SearchSummary,
  streamSearchUrl,
  type StreamParams,
} from './search-box.tsx';
import { pageSearchFor } from './search-query.ts';
import { QueriesMenu } from './queries-menu.tsx';
import { userQueriesForUser } from '../../storage/user-queries.ts';
import { Sidebar } from '../views/sidebar.tsx';

const DAY = 86_400_000;
/** Group counts stop at this many: "1 000+" costs what 1,000 costs. */
const GROUP_COUNT_CAP = 1000;

function positiveInt(value: string | undefined): number | null {
  if (!value || !/^[0-9]{1,16}$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

// One formatter per time zone: building an Intl.DateTimeFormat costs more than using it.
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** UTC offset (ms) of a time zone at an instant. */
function zoneOffset(timeZone: string, ms: number): number {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    zoneFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(ms);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(ms / 1000) * 1000;
}

/** [start, end) of the day holding `ms` in the time zone. */
export function dayBounds(timeZone: string, ms: number): [number, number] {
  const local = ms + zoneOffset(timeZone, ms);
  const midnightLocal = Math.floor(local / DAY) * DAY;
  const start = midnightLocal - zoneOffset(timeZone, midnightLocal - zoneOffset(timeZone, ms));
  const nextLocal = midnightLocal + DAY;
  const end = nextLocal - zoneOffset(timeZone, nextLocal - zoneOffset(timeZone, ms));
  return [start, end];
}

/** The header label of a publication day: "Publié aujourd’hui — 18 novembre 2025". */
function publishedDayLabel(tr: Translator, at: number, now: number): string {
  const key = tr.dayKey(at);
  const label =
    at > now
      ? tr.t('day.publishedFuture')
      : key === tr.dayKey(now)
        ? tr.t('day.publishedToday')
        : key === tr.dayKey(now - DAY)
          ? tr.t('day.publishedYesterday')
          : tr.t('day.published');
  return `${label} — ${tr.day(at)}`;
}

interface Group {
  key: string;
  label: string;
  items: EntryView[];
  unread: number | null;
}

function groupsOf(entries: EntryView[], sort: SortKey, tr: Translator, now: number): Group[] {
  const groups: Group[] = [];
  for (const e of entries) {
    // The key first: the label (several date formats) only for the first entry of a group.
    const key =
      sort === 'received'
        ? `r${tr.dayKey(e.receivedAt)}`
        : sort === 'published'
          ? `p${tr.dayKey(e.dateAt)}`
          : sort === 'feed'
            ? `f${e.feedId}`
            : '';
    const last = groups[groups.length - 1];
    if (last && last.key === key) {
      last.items.push(e);
      continue;
    }
    const label =
      sort === 'received'
        ? receivedDayLabel(tr, e.receivedAt, now)
        : sort === 'published'
          ? publishedDayLabel(tr, e.dateAt, now)
          : sort === 'feed'
            ? e.feedTitle
            : '';
    groups.push({ key, label, items: [e], unread: null });
  }
  return groups;
}

const VIEW_LABEL: Record<ViewMode, MessageKey> = {
  normal: 'view.normal',
  global: 'view.global',
  reader: 'view.reader',
};
const SORT_LABEL: Record<SortKey, MessageKey> = {
  received: 'sort.received',
  published: 'sort.published',
  title: 'sort.title',
  feed: 'sort.feed',
  random: 'sort.random',
};

export interface StreamUrlParts {
  s: string;
  state: StateFilter | null;
  view?: ViewMode | null;
  /** The search (FreshRSS's `search` parameter), kept by every link of the page. */
  search?: string;
}

function streamUrl(p: StreamUrlParts): string {
  let url = `/?s=${p.s}`;
  if (p.state !== null) url += `&state=${stateParam(p.state)}`;
  if (p.view) url += `&view=${p.view}`;
  if (p.search) url += `&search=${encodeURIComponent(p.search)}`;
  return url;
}

/** The state that the adaptive default resolves to, and whether it was chosen by the user. */
async function stateForPage(
  c: Context<AppEnv>,
  settings: ReadingSettings,
  stream: Stream,
): Promise<{ state: StateFilter; explicit: boolean }> {
  const fromUrl = stateFromParam(c.req.query('state'));
  if (fromUrl !== null) return { state: fromUrl, explicit: true };
  switch (settings.defaultState) {
    case 'all':
      return { state: 'all', explicit: false };
    case 'unread':
      return { state: 'unread', explicit: false };
    case 'unread_or_starred':
      return { state: STATE_UNREAD_OR_STARRED, explicit: false };
    case 'adaptive': {
      const db = c.get('deps').database.db;
      const has = await streamHasUnread(db, c.get('user')!.id, stream);
      return { state: has ? 'unread' : 'all', explicit: false };
    }
  }
}

export async function streamPage(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const user = c.get('user');
  const db = deps.database.db;
  if (!user) return c.redirect((await countUsers(db)) === 0 ? '/setup' : '/login');
  const tr = c.get('tr');
  const stream = streamFromParam(c.req.query('s'));
  if (!stream) return c.notFound();
  // Everything the page needs that depends on nothing else, asked at once: on PostgreSQL each
  // query is a round trip, and a page made ten of them one after the other.
  const maxParam = positiveInt(c.req.query('max'));
  const [settings, categories, subscriptions, starred, labels, queries, maxId, undoBatch] = await Promise.all(
    [
      readingSettingsForUser(db, user.id),
      categoriesForUser(db, user.id),
      sidebarSubscriptions(db, user.id),
      starredCount(db, user.id),
      labelsForUser(db, user.id),
      userQueriesForUser(db, user.id),
      maxParam ?? maxEntryId(db),
      c.req.query('marked') === '1' ? lastMarkReadBatch(db, user.id) : null,
    ],
  );
  const viewParam = c.req.query('view');
  const view: ViewMode = isViewMode(viewParam) ? viewParam : settings.view;
  const sortParam = c.req.query('sort');
  const sort: SortKey = isSortKey(sortParam) ? sortParam : settings.sort;
  const orderParam = c.req.query('order');
  const order: SortOrder = orderParam === 'asc' || orderParam === 'desc' ? orderParam : settings.order;

  let name: string;
  let feed: SidebarSubscription | undefined;
  if (stream.kind === 'main') name = tr.t('stream.title.main');
  else if (stream.kind === 'starred') name = tr.t('stream.title.starred');
  else if (stream.kind === 'important') name = tr.t('stream.title.important');
  else if (stream.kind === 'category') {
    const cat = categories.find((x) => x.id === stream.id);
    if (!cat) return c.notFound();
    name = cat.name;
  } else if (stream.kind === 'label') {
    const label = labels.find((x) => x.id === stream.id);
    if (!label) return c.notFound();
    name = label.name;
  } else {
    feed = subscriptions.find((x) => x.feedId === stream.id);
    if (!feed) return c.notFound();
    name = feed.title;
  }

  const s = streamParam(stream);
  const [{ state, explicit }, search] = await Promise.all([
    stateForPage(c, settings, stream),
    pageSearchFor(db, user.id, c.req.query('search'), labels),
  ]);
  const csrf = c.get('csrfToken');
  const now = deps.now();
  const unreadTotal = subscriptions
    .filter((x) => x.priority >= 1 && !x.muted)
    .reduce((n, x) => n + x.unreadCount, 0);
  const undoable = undoBatch !== null;
  const searchMarked =
    positiveInt(c.req.query('searchMarked')) ?? (c.req.query('searchMarked') === '0' ? 0 : null);
  const flash =
    c.req.query('undone') === '1'
      ? tr.t('stream.undone')
      : searchMarked !== null
        ? tr.t('search.markedRead', { n: tr.number(searchMarked) })
        : null;
  // Links keep the state only when the user chose it; otherwise the default applies again.
  const here = streamUrl({
    s,
    state: explicit ? state : null,
    view: isViewMode(viewParam) ? view : null,
    search: search.text,
  });
  const searchParams: StreamParams = {
    s,
    state: explicit ? state : null,
    view: view === 'global' ? 'normal' : isViewMode(viewParam) ? view : null,
    sort: sortParam ? sort : null,
    order: orderParam ? order : null,
  };
  const searchHref = (text: string) => streamSearchUrl(searchParams, text);
  const sidebar = (
    <Sidebar
      tr={tr}
      categories={categories}
      subscriptions={subscriptions}
      starredCount={starred}
      labels={labels}
      current={stream}
      state={explicit ? stateParam(state) : ''}
    />
  );
  const layout = {
    tr,
    title: name,
    csrfToken: csrf,
    user,
    flash,
    unreadTotal,
    sidebar,
    bodyClass: `view-${view} width-${settings.contentWidth} theme-${settings.theme}`,
  };
  const toolbar = (
    <Toolbar
      tr={tr}
      csrf={csrf}
      stream={stream}
      state={state}
      view={view}
      sort={sort}
      order={order}
      maxId={maxId}
      here={here}
      settings={settings}
      feed={feed}
      search={search.node ? search.text : ''}
      searchTools={
        <>
          <SearchForm
            tr={tr}
            params={searchParams}
            text={search.text}
            feeds={subscriptions}
            categories={categories}
          />
          <QueriesMenu
            tr={tr}
            csrf={csrf}
            queries={queries}
            current={{ ...searchParams, view: null, search: search.node ? search.text : '' }}
          />
        </>
      }
    />
  );
  const help = <ShortcutHelp tr={tr} shortcuts={settings.shortcuts} />;
  const undo = undoable && (
    <form method="post" action="/mark-read/undo" class="flash undo" role="status">
      <CsrfField token={csrf} />
      <input type="hidden" name="back" value={here} />
      <span>{tr.t('stream.markedRead')}</span> <button type="submit">{tr.t('stream.undo')}</button>
    </form>
  );

  if (view === 'global') {
    return c.html(
      <Layout {...layout} title={tr.t('view.global')}>
        {toolbar}
        {undo}
        <GlobalView tr={tr} categories={categories} subscriptions={subscriptions} labels={labels} />
        {help}
        <div id="global-panel" class="global-panel" hidden>
          <button type="button" class="close-panel" aria-label={tr.t('global.close')}>
            ×
          </button>
          <div class="panel-body"></div>
        </div>
      </Layout>,
    );
  }

  const perPage = settings.perPage;
  const cursor = cursorFromParam(c.req.query('after'));
  const [rows, searchCount] = await Promise.all([
    entriesForStream(db, {
      userId: user.id,
      stream,
      state,
      sort,
      order,
      cursor,
      maxId,
      limit: perPage + 1,
      search: search.node,
      now,
    }),
    search.node
      ? streamSearchCount(db, {
          userId: user.id,
          stream,
          state,
          search: search.node,
          maxId,
          now,
          cap: SEARCH_COUNT_CAP + 1,
        })
      : null,
  ]);
  const more = rows.length > perPage && sort !== 'random';
  const entries = rows.slice(0, perPage);
  const last = entries[entries.length - 1];
  const pageBase =
    `${streamUrl({ s, state: explicit ? state : null, view: isViewMode(viewParam) ? view : null, search: search.text })}` +
    `${sortParam ? `&sort=${sort}` : ''}${orderParam ? `&order=${order}` : ''}`;
  const nextUrl =
    more && last
      ? `${pageBase}&after=${cursorParam({ key: sortValueOf(last, sort), id: last.id })}&max=${maxId}`
      : null;

  const groups = groupsOf(entries, sort, tr, now);
  // Each group's unread count: maintained per feed, capped range counts per day (none for a
  // search: the count of results says more).
  const [, labelMap] = await Promise.all([
    Promise.all(
      groups.map(async (g) => {
        const first = g.items[0]!;
        if (search.node) return;
        if (sort === 'feed') {
          g.unread = subscriptions.find((x) => x.feedId === first.feedId)?.unreadCount ?? 0;
        } else if (sort === 'received' || sort === 'published') {
          const at = sort === 'received' ? first.receivedAt : first.dateAt;
          const [from, to] = dayBounds(tr.timeZone, at);
          g.unread = await streamUnreadCountIn(db, {
            userId: user.id,
            stream,
            range: { field: sort, from, to },
            maxId,
            cap: GROUP_COUNT_CAP,
          });
        }
      }),
    ),
    labelIdsOfEntries(
      db,
      user.id,
      entries.map((e) => e.id),
    ),
  ]);
  const ctxFor = (e: EntryView): EntryContext => ({
    tr,
    csrfToken: csrf,
    back: here,
    labels,
    entryLabels: labelMap.get(e.id) ?? [],
    shareServices: settings.share,
    searchHref,
  });

  return c.html(
    <Layout {...layout}>
      {toolbar}
      {undo}
      <SearchSummary
        tr={tr}
        search={search}
        count={searchCount}
        clearUrl={streamUrl({ s, state: explicit ? state : null, view: isViewMode(viewParam) ? view : null })}
      />
      <div
        id="stream"
        data-stream={s}
        data-highlight={search.highlights.length ? JSON.stringify(search.highlights) : undefined}
        data-max={String(maxId)}
        data-view={view}
        data-mark-scroll={settings.markOnScroll ? '1' : '0'}
        data-mark-focus={settings.markOnFocus ? '1' : '0'}
        data-mark-open={settings.markOnOpen ? '1' : '0'}
        data-mark-site={settings.markOnSite ? '1' : '0'}
        data-auto-load={settings.autoLoadMore ? '1' : '0'}
        data-poll={String(settings.pollSeconds)}
        data-notify={settings.notify ? '1' : '0'}
        data-shortcuts={JSON.stringify(settings.shortcuts)}
      >
        <div class="entries">
          {groups.map((g) => (
            <>
              {g.label && (
                <h2
                  class="day"
                  data-day={g.key}
                  data-unread={g.unread !== null ? String(g.unread) : undefined}
                  data-unread-label={
                    g.unread
                      ? tr.t('stream.unreadCount', {
                          n:
                            g.unread >= GROUP_COUNT_CAP
                              ? `${tr.number(GROUP_COUNT_CAP)}+`
                              : tr.number(g.unread),
                        })
                      : undefined
                  }
                >
                  {g.label} {sort !== 'feed' && <span class="name">{name}</span>}
                </h2>
              )}
              {g.items.map((e) =>
                view === 'reader' ? (
                  <ReaderArticle entry={e} ctx={ctxFor(e)} />
                ) : (
                  <EntryRow entry={e} ctx={ctxFor(e)} settings={settings} />
                ),
              )}
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
              <MarkAllRead
                tr={tr}
                csrf={csrf}
                stream={stream}
                state={state}
                maxId={maxId}
                confirm={settings.confirmMarkAll}
                search={search.node ? search.text : ''}
                big
              />
            </div>
          )
        )}
      </div>
      {help}
    </Layout>,
  );
}

function Toolbar(props: {
  tr: Translator;
  csrf: string;
  stream: Stream;
  state: StateFilter;
  view: ViewMode;
  sort: SortKey;
  order: SortOrder;
  maxId: number;
  here: string;
  settings: ReadingSettings;
  feed: SidebarSubscription | undefined;
  /** The page's search when it parses ('' otherwise): kept by the links, narrows mark all as read. */
  search: string;
  searchTools: Child;
}) {
  const { tr, csrf, stream, state } = props;
  const s = streamParam(stream);
  const searchQuery = props.search ? `&search=${encodeURIComponent(props.search)}` : '';
  const mask = stateMask(state);
  const toggles: { bit: number; key: MessageKey; cls: string }[] = [
    { bit: STATE_READ, key: 'stream.showRead', cls: 'state-read' },
    { bit: STATE_UNREAD, key: 'stream.showUnread', cls: 'state-unread' },
    { bit: STATE_STARRED, key: 'stream.showStarred', cls: 'state-starred' },
    { bit: STATE_NOT_STARRED, key: 'stream.showNotStarred', cls: 'state-not-starred' },
  ];
  const base = mask & STATE_UNREAD_OR_STARRED ? STATE_UNREAD : mask;
  return (
    <div class="toolbar" role="toolbar" aria-label={tr.t('toolbar.label')}>
      <span class="view-name">{tr.t(VIEW_LABEL[props.view])}</span>
      <form method="post" action="/view" class="inline view-switch">
        <CsrfField token={csrf} />
        <input
          type="hidden"
          name="back"
          value={`/?s=${s}${state === 'all' ? '&state=all' : ''}${searchQuery}`}
        />
        {(['normal', 'global', 'reader'] as const).map((v, i) => (
          <button
            type="submit"
            name="view"
            value={v}
            class={`view-${v}`}
            aria-pressed={props.view === v ? 'true' : 'false'}
            title={`${tr.t(VIEW_LABEL[v])} (${i + 1})`}
          >
            {tr.t(VIEW_LABEL[v])}
          </button>
        ))}
      </form>
      {props.view !== 'global' && (
        <span class="state-toggles">
          {toggles.map((t) => {
            const on = (base & t.bit) !== 0;
            const next = base ^ t.bit;
            return (
              <a
                class={`button ${t.cls}${on ? ' active' : ''}`}
                href={`/?s=${s}&state=${stateParam(next === 0 ? 'all' : next)}${searchQuery}`}
                aria-current={on ? 'true' : undefined}
              >
                {tr.t(t.key)}
              </a>
            );
          })}
          <a
            class={`button state-all${mask === 0 ? ' active' : ''}`}
            href={`/?s=${s}&state=all${searchQuery}`}
            aria-current={mask === 0 ? 'true' : undefined}
          >
            {tr.t('stream.showAll')}
          </a>
        </span>
      )}
      {props.view !== 'global' && (
        <form method="post" action="/view" class="inline sort-form">
          <CsrfField token={csrf} />
          <input type="hidden" name="back" value={props.here} />
          <label>
            <span class="visually-hidden">{tr.t('sort.label')}</span>
            <select name="sort" aria-label={tr.t('sort.label')}>
              {(Object.keys(SORT_LABEL) as SortKey[]).map((k) => (
                <option value={k} selected={props.sort === k}>
                  {tr.t(SORT_LABEL[k])}
                </option>
              ))}
            </select>
          </label>
          <select name="order" aria-label={tr.t('sort.order')}>
            <option value="desc" selected={props.order === 'desc'}>
              {tr.t('sort.desc')}
            </option>
            <option value="asc" selected={props.order === 'asc'}>
              {tr.t('sort.asc')}
            </option>
          </select>
          <button type="submit" class="sort-apply">
            {tr.t('sort.apply')}
          </button>
        </form>
      )}
      {props.searchTools}
      <MarkAllRead
        tr={tr}
        csrf={csrf}
        stream={stream}
        state={state}
        maxId={props.maxId}
        confirm={props.settings.confirmMarkAll}
        search={props.search}
      />
      <form method="post" action="/refresh" class="inline">
        <CsrfField token={csrf} />
        <input type="hidden" name="back" value={props.here} />
        <button type="submit" class="refresh">
          {tr.t('nav.refresh')}
        </button>
      </form>
      {props.feed && <FeedPriorityForm tr={tr} csrf={csrf} feed={props.feed} back={props.here} />}
    </div>
  );
}

function FeedPriorityForm(props: { tr: Translator; csrf: string; feed: SidebarSubscription; back: string }) {
  const { tr, feed } = props;
  const options: [number, MessageKey][] = [
    [2, 'priority.important'],
    [1, 'priority.main'],
    [0, 'priority.category'],
    [-1, 'priority.archived'],
  ];
  return (
    <form method="post" action={`/feeds/${feed.feedId}/priority`} class="inline priority-form">
      <CsrfField token={props.csrf} />
      <input type="hidden" name="back" value={props.back} />
      <select name="priority" aria-label={tr.t('priority.label')}>
        {options.map(([v, k]) => (
          <option value={String(v)} selected={feed.priority === v}>
            {tr.t(k)}
          </option>
        ))}
      </select>
      <label class="inline-check">
        <input type="checkbox" name="muted" value="1" checked={feed.muted} /> {tr.t('priority.muted')}
      </label>
      <button type="submit">{tr.t('priority.save')}</button>
    </form>
  );
}

function MarkAllRead(props: {
  tr: Translator;
  csrf: string;
  stream: Stream;
  state: StateFilter;
  maxId: number;
  confirm: boolean;
  /** With a search, only the matching entries are marked (POST /search/mark-read). */
  search?: string;
  big?: boolean;
}) {
  const { tr } = props;
  const action = props.search ? '/search/mark-read' : '/mark-read';
  const label =
    props.stream.kind === 'category'
      ? tr.t('stream.markCategoryRead')
      : props.stream.kind === 'feed'
        ? tr.t('stream.markFeedRead')
        : tr.t('stream.markAllRead');
  const hidden = (
    <>
      <CsrfField token={props.csrf} />
      <input type="hidden" name="s" value={streamParam(props.stream)} />
      <input type="hidden" name="state" value={stateParam(props.state)} />
      <input type="hidden" name="upTo" value={String(props.maxId)} />
      {props.search && <input type="hidden" name="search" value={props.search} />}
    </>
  );
  const confirmText = props.confirm ? tr.t('stream.confirmMarkAll') : undefined;
  if (props.big) {
    return (
      <form method="post" action={action} class="mark-all big" data-confirm={confirmText}>
        {hidden}
        <button type="submit">✓ {tr.t('stream.markAllRead')}</button>
      </form>
    );
  }
  return (
    <span class="mark-all-group">
      <form method="post" action={action} class="mark-all inline" data-confirm={confirmText}>
        {hidden}
        <button type="submit" title={label}>
          {tr.t('stream.markAllRead')}
        </button>
      </form>
      <details class="menu mark-all-menu">
        <summary aria-label={tr.t('stream.markReadOptions')}>▾</summary>
        <div class="menu-body">
          <form method="post" action={action} class="mark-all" data-confirm={confirmText}>
            {hidden}
            <button type="submit" name="olderThan" value="day" class="link">
              {tr.t('stream.olderThanDay')}
            </button>
            <button type="submit" name="olderThan" value="week" class="link">
              {tr.t('stream.olderThanWeek')}
            </button>
          </form>
        </div>
      </details>
    </span>
  );
}

/** "Vue globale": one tile per category, its feeds with their unread counts. */
function GlobalView(props: {
  tr: Translator;
  categories: Category[];
  subscriptions: SidebarSubscription[];
  labels: LabelView[];
}) {
  const { tr } = props;
  const tiles = props.categories.map((cat) => ({
    id: cat.id,
    name: cat.name,
    subs: props.subscriptions.filter((x) => x.categoryId === cat.id && x.priority >= 0),
  }));
  const loose = props.subscriptions.filter(
    (x) => x.priority >= 0 && (x.categoryId === null || !props.categories.some((c) => c.id === x.categoryId)),
  );
  return (
    <div id="global" class="global-tiles">
      {tiles.map((t) => (
        <section class="tile" data-category={t.id}>
          <h2>
            <a class="global-link" href={`/?s=c${t.id}&view=normal`}>
              {t.name}
            </a>{' '}
            <span class="count">{tr.number(t.subs.reduce((n, x) => n + x.unreadCount, 0))}</span>
          </h2>
          <ul>
            {t.subs.map((x) => (
              <GlobalFeed tr={tr} sub={x} />
            ))}
          </ul>
        </section>
      ))}
      {loose.length > 0 && (
        <section class="tile">
          <h2>{tr.t('nav.uncategorized')}</h2>
          <ul>
            {loose.map((x) => (
              <GlobalFeed tr={tr} sub={x} />
            ))}
          </ul>
        </section>
      )}
      {tiles.length === 0 && loose.length === 0 && <p class="empty">{tr.t('stream.empty')}</p>}
    </div>
  );
}

function GlobalFeed(props: { tr: Translator; sub: SidebarSubscription }) {
  const x = props.sub;
  return (
    <li
      data-feed={x.feedId}
      class={
        `${x.unreadCount === 0 ? 'read' : ''}${x.lastError ? ' error' : ''}${x.muted ? ' muted' : ''}`.trim() ||
        undefined
      }
    >
      <a class="global-link" href={`/?s=f${x.feedId}&view=normal`}>
        <img class="favicon" src={`/feeds/${x.feedId}/icon`} alt="" width="16" height="16" loading="lazy" />
        <span class="name">{x.title}</span>
        {x.unreadCount > 0 && <span class="count">{props.tr.number(x.unreadCount)}</span>}
      </a>
    </li>
  );
}
