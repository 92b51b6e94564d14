// GET /statistics — FreshRSS's main statistics for the user's own subscriptions: totals (feeds,
// articles, unread, favourites), new articles per day over the last 30 days (by reception, in
// the user's time zone), articles per category, articles by hour of day and day of week (by
// publication date, last 12 months) and the ten most active feeds of the last 30 days.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { LANGUAGES, type Translator } from '../../i18n/i18n.ts';
import {
  lastLocalDays,
  localClock,
  localDayStarts,
  repartitionOf,
  repartitionStartDay,
  startOfLocalDay,
} from '../../model/statistics.ts';
import { categoriesForUser } from '../../storage/categories.ts';
import { entryIdAt } from '../../storage/entries.ts';
import { datedPerQuarter, receivedCountsPerFeed, starredEntryCount } from '../../storage/statistics.ts';
import { subscriptionsForUser } from '../../storage/subscriptions.ts';
import { Layout } from '../views/layout.tsx';
import { BarChart, type Bar } from './statistics-charts.tsx';

const DAY_MS = 86_400_000;
const TOP_FEEDS = 10;
/** At most this many entries go into the hour and weekday repartition (see repartitionStartDay). */
const REPARTITION_CAP = 100_000;

/** The two statistics pages link to each other. */
export function StatisticsNav(props: { tr: Translator; current: 'main' | 'idle' }) {
  const { tr } = props;
  return (
    <nav class="tabs" aria-label={tr.t('nav.statistics')}>
      <a href="/statistics" aria-current={props.current === 'main' ? 'page' : undefined}>
        {tr.t('stats.title')}
      </a>
      <a href="/statistics/idle" aria-current={props.current === 'idle' ? 'page' : undefined}>
        {tr.t('stats.idleLink')}
      </a>
    </nav>
  );
}

export async function statisticsPage(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const user = c.get('user')!;
  const tr = c.get('tr');
  const now = deps.now();
  const clock = localClock(tr.timeZone);
  const month = lastLocalDays(clock, now, 30);

  // One pass over the reception index: per feed, before the 30 days and on each of them.
  const [subs, categories, buckets, starred] = await Promise.all([
    subscriptionsForUser(db, user.id),
    categoriesForUser(db, user.id),
    receivedCountsPerFeed(db, user.id, localDayStarts(clock, month).map(entryIdAt)),
    starredEntryCount(db, user.id),
  ]);
  const countOf = new Map<number, number>();
  const monthCountOf = new Map<number, number>();
  const perDay = month.days.map(() => 0);
  for (const b of buckets) {
    countOf.set(b.feedId, (countOf.get(b.feedId) ?? 0) + b.entries);
    if (b.bucket === 0) continue;
    monthCountOf.set(b.feedId, (monthCountOf.get(b.feedId) ?? 0) + b.entries);
    perDay[b.bucket - 1]! += b.entries;
  }
  const totalEntries = [...countOf.values()].reduce((n, x) => n + x, 0);
  const repartitionStart = startOfLocalDay(
    clock,
    repartitionStartDay(month, perDay, totalEntries, REPARTITION_CAP),
  );
  const dated = await datedPerQuarter(db, user.id, repartitionStart);
  const since = { since: tr.day(repartitionStart) };

  const locale = LANGUAGES[tr.lang].locale;
  const utcDay = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
  const shortDay = utcDay({ day: 'numeric', month: 'short' });
  const longDay = utcDay({ day: 'numeric', month: 'long', year: 'numeric' });
  const weekdayLong = utcDay({ weekday: 'long' });
  const weekdayShort = utcDay({ weekday: 'short' });

  const unread = subs.reduce((n, s) => n + s.unreadCount, 0);

  // Per day: a local day number d is rendered from the UTC date d (noon avoids any edge).
  const dayBars: Bar[] = month.days.map((d, i) => {
    const at = d * DAY_MS + DAY_MS / 2;
    return { label: longDay.format(at), tick: i % 5 === 4 ? shortDay.format(at) : '', value: perDay[i]! };
  });

  const { byHour, byWeekday } = repartitionOf(dated, clock);
  const hourBars: Bar[] = byHour.map((n, h) => {
    const hh = String(h).padStart(2, '0');
    return { label: `${hh}:00–${hh}:59`, tick: h % 3 === 0 ? hh : '', value: n };
  });
  // 1970-01-05 was a Monday.
  const weekdayBars: Bar[] = byWeekday.map((n, i) => {
    const at = Date.UTC(1970, 0, 5 + i, 12);
    return { label: weekdayLong.format(at), tick: weekdayShort.format(at), value: n };
  });

  const rows = [
    ...categories.map((cat) => ({ name: cat.name, href: `/?s=c${cat.id}`, id: cat.id as number | null })),
    { name: tr.t('nav.uncategorized'), href: undefined, id: null },
  ].map((cat) => {
    const inCat = subs.filter((s) =>
      cat.id === null
        ? s.categoryId === null || !categories.some((x) => x.id === s.categoryId)
        : s.categoryId === cat.id,
    );
    return {
      ...cat,
      feeds: inCat.length,
      entries: inCat.reduce((n, s) => n + (countOf.get(s.feedId) ?? 0), 0),
      unread: inCat.reduce((n, s) => n + s.unreadCount, 0),
    };
  });
  const categoryRows = rows.filter((r) => r.feeds > 0 || r.id !== null);

  const titleOf = new Map(subs.map((s) => [s.feedId, s.title]));
  const monthTotal = perDay.reduce((n, x) => n + x, 0);
  const top = [...monthCountOf]
    .map(([feedId, entries]) => ({ feedId, entries }))
    .filter((f) => f.entries > 0)
    .sort(
      (a, b) =>
        b.entries - a.entries || (titleOf.get(a.feedId) ?? '').localeCompare(titleOf.get(b.feedId) ?? ''),
    )
    .slice(0, TOP_FEEDS);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });

  return c.html(
    <Layout tr={tr} title={tr.t('stats.title')} csrfToken={c.get('csrfToken')} user={user}>
      <h1>{tr.t('stats.title')}</h1>
      <StatisticsNav tr={tr} current="main" />
      <section aria-labelledby="stats-totals">
        <h2 id="stats-totals">{tr.t('stats.totals')}</h2>
        <dl class="stat-totals">
          <div data-stat="feeds">
            <dt>{tr.t('stats.feeds')}</dt>
            <dd>{tr.number(subs.length)}</dd>
          </div>
          <div data-stat="entries">
            <dt>{tr.t('stats.entries')}</dt>
            <dd>{tr.number(totalEntries)}</dd>
          </div>
          <div data-stat="unread">
            <dt>{tr.t('stats.unread')}</dt>
            <dd>{tr.number(unread)}</dd>
          </div>
          <div data-stat="starred">
            <dt>{tr.t('stats.starred')}</dt>
            <dd>{tr.number(starred)}</dd>
          </div>
        </dl>
      </section>
      <section aria-labelledby="stats-per-day">
        <h2 id="stats-per-day">{tr.t('stats.perDay')}</h2>
        <BarChart
          id="chart-per-day"
          tr={tr}
          title={tr.t('stats.perDay')}
          bars={dayBars}
          columns={[tr.t('stats.day'), tr.t('stats.entries')]}
        />
      </section>
      <section aria-labelledby="stats-per-category">
        <h2 id="stats-per-category">{tr.t('stats.perCategory')}</h2>
        <BarChart
          id="chart-per-category"
          tr={tr}
          title={tr.t('stats.perCategory')}
          horizontal
          table={false}
          bars={categoryRows.map((r) => ({ label: r.name, value: r.entries, href: r.href }))}
          columns={[tr.t('stats.category'), tr.t('stats.entries')]}
        />
        <table class="stats-table" id="stats-categories">
          <thead>
            <tr>
              <th scope="col">{tr.t('stats.category')}</th>
              <th scope="col" class="num">
                {tr.t('stats.feeds')}
              </th>
              <th scope="col" class="num">
                {tr.t('stats.entries')}
              </th>
              <th scope="col" class="num">
                {tr.t('stats.unread')}
              </th>
            </tr>
          </thead>
          <tbody>
            {categoryRows.map((r) => (
              <tr data-category={r.id === null ? '' : String(r.id)}>
                <th scope="row">{r.href ? <a href={r.href}>{r.name}</a> : r.name}</th>
                <td class="num">{tr.number(r.feeds)}</td>
                <td class="num">{tr.number(r.entries)}</td>
                <td class="num">{tr.number(r.unread)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="stats-top">
        <h2 id="stats-top">{tr.t('stats.top')}</h2>
        {top.length === 0 ? (
          <p class="muted">{tr.t('stats.noEntries')}</p>
        ) : (
          <table class="stats-table" id="stats-top-feeds">
            <thead>
              <tr>
                <th scope="col">{tr.t('stats.feed')}</th>
                <th scope="col" class="num">
                  {tr.t('stats.entries')}
                </th>
                <th scope="col" class="num">
                  {tr.t('stats.percent')}
                </th>
              </tr>
            </thead>
            <tbody>
              {top.map((f) => (
                <tr data-feed={String(f.feedId)}>
                  <th scope="row">
                    <a href={`/?s=f${f.feedId}`}>{titleOf.get(f.feedId) ?? String(f.feedId)}</a>
                  </th>
                  <td class="num">{tr.number(f.entries)}</td>
                  <td class="num">{percent.format(monthTotal ? f.entries / monthTotal : 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="stats-by-hour">
        <h2 id="stats-by-hour">{tr.t('stats.byHour', since)}</h2>
        <BarChart
          id="chart-by-hour"
          tr={tr}
          title={tr.t('stats.byHour', since)}
          bars={hourBars}
          columns={[tr.t('stats.hour'), tr.t('stats.entries')]}
        />
      </section>
      <section aria-labelledby="stats-by-weekday">
        <h2 id="stats-by-weekday">{tr.t('stats.byWeekday', since)}</h2>
        <BarChart
          id="chart-by-weekday"
          tr={tr}
          title={tr.t('stats.byWeekday', since)}
          bars={weekdayBars}
          columns={[tr.t('stats.weekday'), tr.t('stats.entries')]}
        />
      </section>
    </Layout>,
  );
}
