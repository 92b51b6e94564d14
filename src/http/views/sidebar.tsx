// The sidebar: main stream, important feeds, favourites, labels with unread counts, then
// categories and their feeds with unread counts. Archived feeds (priority -1) are left out;
// muted ones are greyed. With a thousand feeds it stays one <ul> per category, no per-feed menu.
import type { Translator } from '../../i18n/i18n.ts';
import type { Stream } from '../../model/stream.ts';
import type { LabelView } from '../../storage/labels.ts';
import type { Category } from '../../storage/schema.ts';
import type { SubscriptionView } from '../../storage/subscriptions.ts';

export interface SidebarProps {
  tr: Translator;
  categories: Category[];
  subscriptions: SubscriptionView[];
  starredCount: number;
  labels?: LabelView[];
  current: Stream;
  state: string;
}

function Count(props: { n: number; tr: Translator }) {
  return props.n > 0 ? (
    <span class="count">{props.tr.number(props.n)}</span>
  ) : (
    <span class="count empty"></span>
  );
}

export function Sidebar(props: SidebarProps) {
  const { tr, current } = props;
  const q = props.state === 'all' ? '&state=all' : '';
  const isCurrent = (s: Stream) =>
    s.kind === current.kind && (!('id' in s) || ('id' in current && current.id === s.id))
      ? 'current'
      : undefined;
  const mainUnread = props.subscriptions
    .filter((s) => s.priority >= 1 && !s.muted)
    .reduce((n, s) => n + s.unreadCount, 0);
  const important = props.subscriptions.filter((s) => s.priority >= 2);
  const visible = props.subscriptions.filter((s) => s.priority >= 0);
  const groups = props.categories.map((c) => ({
    category: c,
    subs: visible.filter((s) => s.categoryId === c.id),
  }));
  const loose = visible.filter(
    (s) => s.categoryId === null || !props.categories.some((c) => c.id === s.categoryId),
  );
  const feedLink = (s: SubscriptionView) => (
    <li
      class={isCurrent({ kind: 'feed', id: s.feedId })}
      data-feed={s.feedId}
      data-main={s.priority >= 1 && !s.muted ? '1' : '0'}
      data-important={s.priority >= 2 ? '1' : undefined}
    >
      <a
        href={`/?s=f${s.feedId}${q}`}
        title={s.lastError ? tr.t('feeds.lastError', { error: s.lastError }) : undefined}
      >
        <img class="favicon" src={`/feeds/${s.feedId}/icon`} alt="" width="16" height="16" loading="lazy" />
        <span class={`name${s.lastError ? ' error' : ''}${s.muted ? ' muted' : ''}`}>{s.title}</span>
        <Count n={s.unreadCount} tr={tr} />
      </a>
    </li>
  );
  return (
    <nav class="sidebar" aria-label={tr.t('nav.categories')}>
      <a class="button add-feed" href="/subscriptions#add">
        {tr.t('nav.addFeed')}
      </a>
      <ul class="streams">
        <li class={isCurrent({ kind: 'main' })}>
          <a href={`/?s=main${q}`}>
            <span class="name">{tr.t('nav.mainStream')}</span>
            <Count n={mainUnread} tr={tr} />
          </a>
        </li>
        {important.length > 0 && (
          <li class={isCurrent({ kind: 'important' })}>
            <a href={`/?s=important${q}`}>
              <span class="name">{tr.t('nav.important')}</span>
              <Count n={important.reduce((n, s) => n + s.unreadCount, 0)} tr={tr} />
            </a>
          </li>
        )}
        <li class={isCurrent({ kind: 'starred' })}>
          <a href={`/?s=starred${q}`}>
            <span class="name">{tr.t('nav.favorites')}</span>
            <span class="count starred-count">{tr.number(props.starredCount)}</span>
          </a>
        </li>
      </ul>
      {props.labels && (
        <section class="labels">
          <h3>
            <a href="/labels">
              <span class="name">{tr.t('nav.labels')}</span>
            </a>
          </h3>
          <ul class="feeds">
            {props.labels.map((l) => (
              <li class={isCurrent({ kind: 'label', id: l.id })} data-label={l.id}>
                <a href={`/?s=t${l.id}${q}`}>
                  <span class="name">{l.name}</span>
                  <Count n={l.unreadCount} tr={tr} />
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {groups.map(({ category, subs }) => (
        <section class="category" data-category={category.id}>
          <h3 class={isCurrent({ kind: 'category', id: category.id })}>
            <a href={`/?s=c${category.id}${q}`}>
              <span class="name">{category.name}</span>
              <Count n={subs.reduce((n, s) => n + s.unreadCount, 0)} tr={tr} />
            </a>
          </h3>
          <ul class="feeds">{subs.map(feedLink)}</ul>
        </section>
      ))}
      {loose.length > 0 && (
        <section class="category">
          <h3>
            <span class="name">{tr.t('nav.uncategorized')}</span>
          </h3>
          <ul class="feeds">{loose.map(feedLink)}</ul>
        </section>
      )}
    </nav>
  );
}
