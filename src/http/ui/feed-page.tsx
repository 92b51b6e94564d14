// GET /feeds/:id — a subscribed feed's page: address, last check and its result, next check and why.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import type { ScheduleReason } from '../../model/schedule.ts';
import { feedById } from '../../storage/feeds.ts';
import type { Feed } from '../../storage/schema.ts';
import { subscriptionForFeed } from '../../storage/subscriptions.ts';
import { Layout } from '../views/layout.tsx';
import { RetentionForm } from '../views/retention-form.tsx';
import { retentionPolicyOf } from '../../storage/retention.ts';
import { safeHttpUrl } from '../views/safe-url.ts';

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
  return c.html(
    <Layout
      tr={tr}
      title={tr.t('feed.title', { title })}
      csrfToken={c.get('csrfToken')}
      user={user}
      flash={
        notice === 'saved' ? tr.t('retention.saved') : notice === 'invalid' ? tr.t('retention.invalid') : null
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
      <RetentionForm
        tr={tr}
        csrf={c.get('csrfToken')}
        scope="feed"
        scopeId={feed.id}
        policy={policy}
        back={`/feeds/${feed.id}`}
      />
    </Layout>,
  );
}
