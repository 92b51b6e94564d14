// GET /feeds/:id — a subscribed feed's page: address, last check and its result, next check and why.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import type { ScheduleReason } from '../../model/schedule.ts';
import { feedById, updateFeed } from '../../storage/feeds.ts';
import type { Feed } from '../../storage/schema.ts';
import { subscriptionForFeed } from '../../storage/subscriptions.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { RetentionForm } from '../views/retention-form.tsx';
import { retentionPolicyOf } from '../../storage/retention.ts';
import { safeHttpUrl } from '../views/safe-url.ts';
import { FilterForm, loadFilterForm } from './filter-form.tsx';
import { filterNotice } from './filter-pages.tsx';
import { contentNotice, FeedContentForm } from './feed-content-settings.tsx';

export function scheduleReasonText(tr: Translator, json: string | null): string {
  if (!json) return tr.t('feed.reason.new');
  let reason: ScheduleReason;
  try {
    reason = JSON.parse(json) as ScheduleReason;
  } catch {
    return '';
  }
  switch (reason.code) {
    case 'rhythm':
      return tr.t('feed.reason.rhythm', { n: tr.number(reason.perWeek) });
    case 'quiet':
      return tr.t('feed.reason.quiet');
    case 'cache':
      return tr.t('feed.reason.cache', { s: tr.number(reason.seconds) });
    case 'error':
      return tr.t('feed.reason.error', { n: tr.number(reason.errors) });
    case 'retry-after':
      return tr.t('feed.reason.retryAfter', { s: tr.number(reason.seconds) });
    case 'gone':
      return tr.t('feed.reason.gone');
    case 'push':
      return tr.t('feed.reason.push');
  }
}

export function lastResultText(tr: Translator, feed: Feed): string {
  if (feed.gone_at) return tr.t('feed.result.gone', { error: feed.last_error ?? '' });
  switch (feed.last_status) {
    case 'new':
      return tr.t('feed.result.new', {
        new: feed.last_new_entries ?? 0,
        updated: feed.last_updated_entries ?? 0,
      });
    case 'not-modified':
      return tr.t('feed.result.notModified');
    case 'unchanged':
      return tr.t('feed.result.unchanged');
    case 'error':
      return tr.t('feed.result.error', { error: feed.last_error ?? '' });
    default:
      return tr.t('feed.never');
  }
}

export async function feedPage(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const deps = c.get('deps');
  const user = c.get('user')!;
  const sub = await subscriptionForFeed(deps.database.db, user.id, Number(raw));
  const feed = sub ? await feedById(deps.database.db, sub.feed_id) : undefined;
  if (!sub || !feed) return c.notFound();
  const tr = c.get('tr');
  const title = sub.title || feed.title;
  const site = safeHttpUrl(feed.site_url);
  const now = deps.now();
  const policy = await retentionPolicyOf(deps.database.db, {
    scope: 'feed',
    userId: user.id,
    scopeId: feed.id,
  });
  const notice = c.req.query('retention');
  const filters = await loadFilterForm(deps.database.db, user.id, { kind: 'feed', id: feed.id });
  return c.html(
    <Layout
      tr={tr}
      title={tr.t('feed.title', { title })}
      csrfToken={c.get('csrfToken')}
      user={user}
      flash={
        notice === 'saved'
          ? tr.t('retention.saved')
          : notice === 'invalid'
            ? tr.t('retention.invalid')
            : (contentNotice(c) ?? filterNotice(c))
      }
    >
      <h1>{tr.t('feed.title', { title })}</h1>
      <dl class="feed-status">
        <dt>{tr.t('feed.url')}</dt>
        <dd class="url">{safeHttpUrl(feed.url) ?? feed.url}</dd>
        {site && (
          <>
            <dt>{tr.t('feed.site')}</dt>
            <dd>
              <a href={site} target="_blank" rel="noopener noreferrer">
                {site}
              </a>
            </dd>
          </>
        )}
        <dt>{tr.t('feed.lastCheck')}</dt>
        <dd class="last-check">
          {feed.last_checked_at ? tr.dateTime(feed.last_checked_at) : tr.t('feed.never')}
        </dd>
        <dt>{tr.t('feed.result')}</dt>
        <dd class={feed.last_status === 'error' ? 'result error' : 'result'}>
          {lastResultText(tr, feed)}
          {feed.error_count > 1 && ` (${tr.t('feed.errors', { n: feed.error_count })})`}
        </dd>
        <dt>{tr.t('feed.nextCheck')}</dt>
        <dd class="next-check">
          {feed.gone_at
            ? '—'
            : feed.next_check_at <= now
              ? tr.t('feed.due')
              : tr.dateTime(feed.next_check_at)}
        </dd>
        <dt>{tr.t('feed.why')}</dt>
        <dd class="why">{scheduleReasonText(tr, feed.next_check_reason)}</dd>
      </dl>
      <p>
        <a href={`/?s=f${feed.id}`}>{title}</a>
      </p>
      <form method="post" action={`/feeds/${feed.id}/schedule`} class="stack schedule">
        <h2>{tr.t('feed.schedule')}</h2>
        <p class="muted small">{tr.t('feed.scheduleIntro')}</p>
        <CsrfField token={c.get('csrfToken')} />
        <label>
          {tr.t('feed.minInterval')}
          <input
            type="number"
            name="min"
            min="1"
            inputmode="numeric"
            value={feed.min_interval_s ? String(feed.min_interval_s / 60) : ''}
            placeholder={tr.t('retention.inherit')}
          />
        </label>
        <label>
          {tr.t('feed.maxInterval')}
          <input
            type="number"
            name="max"
            min="1"
            inputmode="numeric"
            value={feed.max_interval_s ? String(feed.max_interval_s / 60) : ''}
            placeholder={tr.t('retention.inherit')}
          />
        </label>
        <button type="submit">{tr.t('settings.save')}</button>
      </form>
      <FeedContentForm tr={tr} csrf={c.get('csrfToken')} feed={feed} />
      <RetentionForm
        tr={tr}
        csrf={c.get('csrfToken')}
        scope="feed"
        scopeId={feed.id}
        policy={policy}
        back={`/feeds/${feed.id}`}
      />
      <FilterForm tr={tr} csrf={c.get('csrfToken')} data={filters} back={`/feeds/${feed.id}`} />
    </Layout>,
  );
}

/** POST /feeds/:id/schedule — the feed's own interval bounds, in minutes (empty: the instance's). */
export async function feedScheduleSave(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const deps = c.get('deps');
  const sub = await subscriptionForFeed(deps.database.db, c.get('user')!.id, Number(raw));
  if (!sub) return c.notFound();
  const form = await c.req.parseBody();
  const minutes = (v: unknown) =>
    typeof v === 'string' && /^[0-9]{1,6}$/.test(v.trim()) && Number(v) > 0 ? Number(v) * 60 : null;
  const min = minutes(form.min);
  const max = minutes(form.max);
  await updateFeed(deps.database.db, sub.feed_id, {
    min_interval_s: min,
    max_interval_s: max !== null && min !== null && max < min ? min : max,
  });
  return c.redirect(`/feeds/${sub.feed_id}`, 303);
}
