// GET /statistics/idle — FreshRSS's "Idle feeds": the user's feeds whose latest article (by
// date) is more than a week old, under the longest period they exceed (more than a year, 6
// months, 3 months, a month, a week) and the feeds with no article at all, oldest first; each
// links to its feed page and has an unsubscribe button.
// POST /statistics/idle/:id/unsubscribe — unsubscribes and shows the page again.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { IDLE_PERIODS, idlePeriodOf, type IdlePeriod } from '../../model/statistics.ts';
import { lastEntryDatePerFeed } from '../../storage/statistics.ts';
import { subscriptionForFeed, subscriptionsForUser, unsubscribe } from '../../storage/subscriptions.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { StatisticsNav } from './statistics-page.tsx';

const ORDER: IdlePeriod[] = [...IDLE_PERIODS.map((p) => p.key), 'never'];

export async function idleFeedsPage(c: Context<AppEnv>, flash: string | null = null) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const user = c.get('user')!;
  const tr = c.get('tr');
  const csrf = c.get('csrfToken');
  const now = deps.now();
  const [subs, last] = await Promise.all([
    subscriptionsForUser(db, user.id),
    lastEntryDatePerFeed(db, user.id),
  ]);
  const lastAt = new Map(last.map((l) => [l.feedId, l.lastAt]));
  const groups = new Map<IdlePeriod, { feedId: number; title: string; lastAt: number | null }[]>();
  for (const s of subs) {
    const at = lastAt.get(s.feedId) ?? null;
    const period = idlePeriodOf(at, now);
    if (!period) continue;
    const list = groups.get(period) ?? [];
    list.push({ feedId: s.feedId, title: s.title, lastAt: at });
    groups.set(period, list);
  }
  for (const list of groups.values()) list.sort((a, b) => (a.lastAt ?? 0) - (b.lastAt ?? 0));
  return c.html(
    <Layout tr={tr} title={tr.t('idle.title')} csrfToken={csrf} user={user} flash={flash}>
      <h1>{tr.t('idle.title')}</h1>
      <StatisticsNav tr={tr} current="idle" />
      <p>{tr.t('idle.intro')}</p>
      {groups.size === 0 && <p class="muted">{tr.t('idle.none')}</p>}
      {ORDER.filter((p) => groups.has(p)).map((period) => (
        <section class="idle-group" data-period={period} aria-labelledby={`idle-${period}`}>
          <h2 id={`idle-${period}`}>{tr.t(`idle.${period}`)}</h2>
          <ul class="idle-feeds">
            {groups.get(period)!.map((f) => (
              <li data-feed={String(f.feedId)}>
                <img
                  class="favicon"
                  src={`/feeds/${f.feedId}/icon`}
                  alt=""
                  width="16"
                  height="16"
                  loading="lazy"
                />
                <a href={`/feeds/${f.feedId}`}>{f.title}</a>
                {f.lastAt !== null && (
                  <span class="muted small"> {tr.t('idle.lastEntry', { date: tr.day(f.lastAt) })}</span>
                )}
                <form
                  method="post"
                  action={`/statistics/idle/${f.feedId}/unsubscribe`}
                  class="inline"
                  data-confirm={tr.t('idle.confirm', { title: f.title })}
                >
                  <CsrfField token={csrf} />
                  <button type="submit" aria-label={`${tr.t('feeds.unsubscribe')}: ${f.title}`}>
                    {tr.t('feeds.unsubscribe')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>,
  );
}

export async function idleFeedUnsubscribe(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const db = c.get('deps').database.db;
  const userId = c.get('user')!.id;
  const feedId = Number(raw);
  const sub = await subscriptionForFeed(db, userId, feedId);
  if (!sub) return c.notFound();
  const title = (await subscriptionsForUser(db, userId)).find((s) => s.feedId === feedId)?.title ?? '';
  await unsubscribe(db, userId, feedId);
  return idleFeedsPage(c, c.get('tr').t('idle.unsubscribed', { title }));
}
