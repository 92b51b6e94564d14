// The sidebar: main stream, important feeds, favourites, labels with unread counts, then
// categories and their feeds with unread counts. Archived feeds (priority -1) are left out;
// muted ones are greyed. With a thousand feeds it stays one <ul> per category, no per-feed menu.
// The whole sidebar is written as one flat string (pieces pushed to an array, joined once),
// escaped as JSX escapes, rather than as JSX nodes or `html` templates: per node, JSX costs a
// call, an object and a string concatenation, and the page's final string is a rope of tens of
// thousands of pieces that the response then flattens. 1,000 feeds: ~0.3 ms instead of ~1.3 ms
// to write, and the page flattens faster (docs/BENCHMARKS.md, "Reading pages").
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Translator } from '../../i18n/i18n.ts';
import type { Stream } from '../../model/stream.ts';
import type { LabelView } from '../../storage/labels.ts';
import type { Category } from '../../storage/schema.ts';
import type { SidebarSubscription } from '../../storage/subscriptions.ts';
import { jsxEscape } from './jsx-escape.ts';

export interface SidebarProps {
  tr: Translator;
  categories: Category[];
  subscriptions: SidebarSubscription[];
  starredCount: number;
  labels?: LabelView[];
  current: Stream;
  state: string;
}

// Counts of 1,000 and more, formatted for a language ("1 000", "1,000"): many feeds share one.
const bigCounts = new WeakMap<Translator, Map<number, string>>();

/** An unread count as the sidebar shows it (below 1,000 every supported language writes plain digits). */
function countText(n: number, tr: Translator): string {
  if (n < 1000) return String(n);
  let known = bigCounts.get(tr);
  if (!known) bigCounts.set(tr, (known = new Map()));
  let text = known.get(n);
  if (text === undefined) {
    text = tr.number(n);
    if (known.size > 10_000) known.clear();
    known.set(n, text);
  }
  return text;
}

function count(n: number, tr: Translator): string {
  return n > 0 ? `<span class="count">${countText(n, tr)}</span>` : '<span class="count empty"></span>';
}

/** The `<li>` of each feed, as JSX would write them (attributes without a value are left out). */
function feedItems(
  out: string[],
  subs: SidebarSubscription[],
  opts: { tr: Translator; currentFeed: number | null; /** Escaped already. */ q: string },
): void {
  const { tr, currentFeed, q } = opts;
  for (const s of subs) {
    const id = s.feedId;
    const title = s.lastError ? ` title="${jsxEscape(tr.t('feeds.lastError', { error: s.lastError }))}"` : '';
    out.push(
      `<li${id === currentFeed ? ' class="current"' : ''} data-feed="${id}" data-main="${s.priority >= 1 && !s.muted ? '1' : '0'}"${s.priority >= 2 ? ' data-important="1"' : ''}><a href="/?s=f${id}${q}"${title}><img class="favicon" src="/feeds/${id}/icon" alt="" width="16" height="16" loading="lazy"/><span class="name${s.lastError ? ' error' : ''}${s.muted ? ' muted' : ''}">${jsxEscape(s.title)}</span>${count(s.unreadCount, tr)}</a></li>`,
    );
  }
}

// What Sidebar wrote for a list of subscriptions (the frozen array sidebarSubscriptions returns
// while the data is unchanged), by everything else it depends on: the same page asked again
// reuses the string. A changed list is a new array, and what was written for the old one goes
// with it.
const written = new WeakMap<readonly SidebarSubscription[], Map<string, string>>();
/** Variants kept per list (streams, states, languages). */
const WRITTEN_MAX = 8;

export function Sidebar(props: SidebarProps): HtmlEscapedString {
  if (!Object.isFrozen(props.subscriptions)) return raw(writeSidebar(props));
  const c = props.current;
  const key = JSON.stringify([
    props.tr.lang,
    props.tr.timeZone,
    c.kind,
    'id' in c ? c.id : null,
    props.state,
    props.starredCount,
    props.categories.map((x) => [x.id, x.name]),
    props.labels?.map((l) => [l.id, l.name, l.unreadCount]) ?? null,
  ]);
  let variants = written.get(props.subscriptions);
  if (!variants) written.set(props.subscriptions, (variants = new Map()));
  let html = variants.get(key);
  if (html === undefined) {
    html = writeSidebar(props);
    if (variants.size >= WRITTEN_MAX) variants.clear();
    variants.set(key, html);
  }
  return raw(html);
}

function writeSidebar(props: SidebarProps): string {
  const { tr, current } = props;
  // The state kept by every link, as an attribute value ('&' written '&amp;').
  const q = props.state === 'all' ? '&amp;state=all' : '';
  const classIfCurrent = (s: Stream) =>
    s.kind === current.kind && (!('id' in s) || ('id' in current && current.id === s.id))
      ? ' class="current"'
      : '';
  let mainUnread = 0;
  let importantUnread = 0;
  let important = 0;
  const byCategory = new Map<number, { subs: SidebarSubscription[]; unread: number }>(
    props.categories.map((c) => [c.id, { subs: [], unread: 0 }]),
  );
  const loose: SidebarSubscription[] = [];
  for (const s of props.subscriptions) {
    if (s.priority >= 1 && !s.muted) mainUnread += s.unreadCount;
    if (s.priority >= 2) {
      important++;
      importantUnread += s.unreadCount;
    }
    if (s.priority < 0) continue;
    const group = s.categoryId === null ? undefined : byCategory.get(s.categoryId);
    if (group) {
      group.subs.push(s);
      group.unread += s.unreadCount;
    } else loose.push(s);
  }
  const items = { tr, currentFeed: current.kind === 'feed' ? current.id : null, q };
  const out: string[] = [
    `<nav class="sidebar" aria-label="${jsxEscape(tr.t('nav.categories'))}">`,
    `<a class="button add-feed" href="/subscriptions#add">${jsxEscape(tr.t('nav.addFeed'))}</a>`,
    `<ul class="streams"><li${classIfCurrent({ kind: 'main' })}><a href="/?s=main${q}"><span class="name">${jsxEscape(tr.t('nav.mainStream'))}</span>${count(mainUnread, tr)}</a></li>`,
  ];
  if (important > 0)
    out.push(
      `<li${classIfCurrent({ kind: 'important' })}><a href="/?s=important${q}"><span class="name">${jsxEscape(tr.t('nav.important'))}</span>${count(importantUnread, tr)}</a></li>`,
    );
  out.push(
    `<li${classIfCurrent({ kind: 'starred' })}><a href="/?s=starred${q}"><span class="name">${jsxEscape(tr.t('nav.favorites'))}</span><span class="count starred-count">${countText(props.starredCount, tr)}</span></a></li></ul>`,
  );
  if (props.labels) {
    out.push(
      `<section class="labels"><h3><a href="/labels"><span class="name">${jsxEscape(tr.t('nav.labels'))}</span></a></h3><ul class="feeds">`,
    );
    for (const l of props.labels)
      out.push(
        `<li${classIfCurrent({ kind: 'label', id: l.id })} data-label="${l.id}"><a href="/?s=t${l.id}${q}"><span class="name">${jsxEscape(l.name)}</span>${count(l.unreadCount, tr)}</a></li>`,
      );
    out.push('</ul></section>');
  }
  for (const category of props.categories) {
    const group = byCategory.get(category.id)!;
    out.push(
      `<section class="category" data-category="${category.id}"><h3${classIfCurrent({ kind: 'category', id: category.id })}><a href="/?s=c${category.id}${q}"><span class="name">${jsxEscape(category.name)}</span>${count(group.unread, tr)}</a></h3><ul class="feeds">`,
    );
    feedItems(out, group.subs, items);
    out.push('</ul></section>');
  }
  if (loose.length > 0) {
    out.push(
      `<section class="category"><h3><span class="name">${jsxEscape(tr.t('nav.uncategorized'))}</span></h3><ul class="feeds">`,
    );
    feedItems(out, loose, items);
    out.push('</ul></section>');
  }
  out.push(
    `<p class="sidebar-links"><a href="/statistics">${jsxEscape(tr.t('nav.statistics'))}</a></p></nav>`,
  );
  return out.join('');
}
