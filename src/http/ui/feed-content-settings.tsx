// The feed page's "Article content" form (full content, CSS selectors, content action) and its
// action, POST /feeds/:id/content. The settings are the user's: they are fetch options, so a
// change gives the user a feed row of their own when others follow the feed differently
// (src/storage/full-content.ts changeFeedOptionsForUser; docs/DECISIONS.md).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import type { FetchOptions } from '../../model/fetch-result.ts';
import { feedById, fetchOptionsOf } from '../../storage/feeds.ts';
import { changeFeedOptionsForUser, fullContentLogOf } from '../../storage/full-content.ts';
import type { Feed } from '../../storage/schema.ts';
import { subscriptionForFeed } from '../../storage/subscriptions.ts';
import { CsrfField, Layout } from '../views/layout.tsx';

export interface ContentSettings {
  fullContent: boolean;
  selector: string;
  remove: string;
  action: 'replace' | 'prepend' | 'append';
}

const MAX_SELECTOR = 1000;

export function contentSettingsOf(options: FetchOptions): ContentSettings {
  return {
    fullContent: options.fullContent === true,
    selector: options.contentSelector ?? '',
    remove: options.contentRemove ?? '',
    action: options.contentAction ?? 'replace',
  };
}

/** The feed's options with these content settings (empty ones left out, so defaults share a row). */
export function withContentSettings(options: FetchOptions, settings: ContentSettings): FetchOptions {
  const next: FetchOptions = { ...options };
  delete next.fullContent;
  delete next.contentSelector;
  delete next.contentRemove;
  delete next.contentAction;
  if (settings.fullContent) next.fullContent = true;
  if (settings.fullContent && settings.selector) next.contentSelector = settings.selector;
  if (settings.remove) next.contentRemove = settings.remove;
  if (settings.fullContent && settings.action !== 'replace') next.contentAction = settings.action;
  return next;
}

/** The form's fields → settings, or the message saying which selector cannot be used. */
export async function contentSettingsFromForm(
  form: Record<string, unknown>,
  tr: Translator,
): Promise<{ settings: ContentSettings; error: string | null }> {
  // linkedom is loaded when a selector is checked, not when the server starts.
  const { cssSelectorProblem } = await import('../../reader/full-content/extract-article.ts');
  const text = (name: string) =>
    typeof form[name] === 'string' ? (form[name] as string).replace(/\s+/g, ' ').trim() : '';
  const action = text('content_action');
  const settings: ContentSettings = {
    fullContent: form.full_content === '1',
    selector: text('content_selector').slice(0, MAX_SELECTOR),
    remove: text('content_remove').slice(0, MAX_SELECTOR),
    action: action === 'prepend' || action === 'append' ? action : 'replace',
  };
  for (const selector of [settings.selector, settings.remove]) {
    const problem = cssSelectorProblem(selector);
    if (problem) return { settings, error: tr.t('content.invalidSelector', { error: problem }) };
  }
  return { settings, error: null };
}

export function FeedContentForm(props: {
  tr: Translator;
  csrf: string;
  feed: Feed;
  settings?: ContentSettings;
}) {
  const { tr, feed } = props;
  const s = props.settings ?? contentSettingsOf(fetchOptionsOf(feed));
  const log = fullContentLogOf(feed);
  return (
    <form method="post" action={`/feeds/${feed.id}/content`} class="stack content-settings">
      <h2>{tr.t('content.title')}</h2>
      <p class="muted small">{tr.t('content.intro')}</p>
      <CsrfField token={props.csrf} />
      <label class="check">
        <input type="checkbox" name="full_content" value="1" checked={s.fullContent} />{' '}
        {tr.t('content.fullContent')}
      </label>
      <label>
        {tr.t('content.selector')}
        <input type="text" name="content_selector" value={s.selector} maxlength={MAX_SELECTOR} />
        <span class="muted small">{tr.t('content.selectorHint')}</span>
      </label>
      <label>
        {tr.t('content.action')}
        <select name="content_action">
          {(['replace', 'prepend', 'append'] as const).map((a) => (
            <option value={a} selected={s.action === a}>
              {tr.t(`content.action.${a}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tr.t('content.remove')}
        <input type="text" name="content_remove" value={s.remove} maxlength={MAX_SELECTOR} />
        <span class="muted small">{tr.t('content.removeHint')}</span>
      </label>
      {log && (
        <p class={`small full-content-log${log.failed ? ' error' : ''}`}>
          {tr.t('content.last', {
            date: tr.dateTime(log.at),
            fetched: tr.number(log.fetched),
            failed: tr.number(log.failed),
          })}
          {log.error && (
            <>
              <br />
              {tr.t('content.lastError', { error: log.url ? `${log.error} (${log.url})` : log.error })}
            </>
          )}
        </p>
      )}
      <button type="submit">{tr.t('settings.save')}</button>
    </form>
  );
}

/** The feed page's notice after a save (?content=saved|moved). */
export function contentNotice(c: Context<AppEnv>): string | null {
  const notice = c.req.query('content');
  const tr = c.get('tr');
  if (notice === 'saved') return tr.t('content.saved');
  if (notice === 'moved') return tr.t('content.moved');
  return null;
}

/** POST /feeds/:id/content */
export async function feedContentSave(c: Context<AppEnv>) {
  const raw = c.req.param('id') ?? '';
  if (!/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const deps = c.get('deps');
  const user = c.get('user')!;
  const tr = c.get('tr');
  const sub = await subscriptionForFeed(deps.database.db, user.id, Number(raw));
  const feed = sub ? await feedById(deps.database.db, sub.feed_id) : undefined;
  if (!sub || !feed) return c.notFound();
  const form = await c.req.parseBody();
  const { settings, error } = await contentSettingsFromForm(form, tr);
  const again = (message: string) =>
    c.html(
      <Layout
        tr={tr}
        title={tr.t('content.title')}
        csrfToken={c.get('csrfToken')}
        user={user}
        flash={message}
      >
        <h1>{tr.t('feed.title', { title: sub.title || feed.title })}</h1>
        <FeedContentForm tr={tr} csrf={c.get('csrfToken')} feed={feed} settings={settings} />
        <p>
          <a href={`/feeds/${feed.id}`}>{tr.t('entry.back')}</a>
        </p>
      </Layout>,
      400,
    );
  if (error) return again(error);
  const change = await changeFeedOptionsForUser(deps.database.db, {
    userId: user.id,
    feedId: feed.id,
    options: withContentSettings(fetchOptionsOf(feed), settings),
    now: deps.now(),
  });
  switch (change.kind) {
    case 'not-found':
      return c.notFound();
    case 'would-lose':
      return again(tr.t('content.wouldLose'));
    case 'moved':
      return c.redirect(`/feeds/${change.feedId}?content=moved`, 303);
    default:
      return c.redirect(`/feeds/${change.feedId}?content=saved`, 303);
  }
}
