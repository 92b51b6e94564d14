// "Fetch full article" on an opened article: POST /entries/:id/full-content (CSRF token in the
// form) fetches the entry's page as the refresh would (src/reader/full-content: guarded fetcher,
// extraction, sanitizer). The article is stored in place of the entry's content only where that
// changes nothing for anyone else: the feed row asks for full content in "replace" mode (every
// subscriber of that row chose it), or the row is this user's own. Otherwise it is shown to this
// user only. JSON { id, html, stored } for the client bundle (client/full-content.ts swaps the
// article's text); without JavaScript, a redirect back (stored) or a page with the article.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import type { EntryView } from '../../storage/streams.ts';
import { entryForFullContent, storeEntryContent } from '../../storage/full-content.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { safeHttpUrl } from '../views/safe-url.ts';
import { backUrl } from './back-url.ts';

/** The button, in an opened article's footer (entries without an http(s) link have none). */
export function FullContentButton(props: {
  entry: Pick<EntryView, 'id' | 'url'>;
  tr: Translator;
  csrfToken: string;
  back: string;
}) {
  if (!safeHttpUrl(props.entry.url)) return null;
  return (
    <form method="post" action={`/entries/${props.entry.id}/full-content`} class="full-content-form">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="back" value={props.back} />
      <button type="submit" class="link fetch-full">
        {props.tr.t('entry.fetchFull')}
      </button>
    </form>
  );
}

export async function entryFullContent(c: Context<AppEnv>) {
  const raw_ = c.req.param('id') ?? '';
  const wantsJson = (c.req.header('accept') ?? '').includes('application/json');
  const deps = c.get('deps');
  const user = c.get('user')!;
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const entry = /^[0-9]{1,16}$/.test(raw_)
    ? await entryForFullContent(deps.database.db, user.id, Number(raw_))
    : undefined;
  const link = entry ? safeHttpUrl(entry.url) : null;
  if (!entry || !link) return wantsJson ? c.json({ error: 'not found' }, 404) : c.notFound();

  const { fetchFullContent } = await import('../../reader/full-content/fetch-full-content.ts');
  const result = await fetchFullContent(deps.fetcher, {
    url: link,
    feedUrl: entry.feedUrl,
    options: entry.options,
    rules: { selector: entry.options.contentSelector ?? '', remove: entry.options.contentRemove ?? '' },
  });
  const page = (body: unknown, status: 200 | 502) =>
    c.html(
      <Layout
        tr={tr}
        title={tr.t('entry.fullTitle', { title: entry.title })}
        csrfToken={c.get('csrfToken')}
        user={user}
      >
        <article class="full-article">
          <h1>
            <a href={link} target="_blank" rel="noopener noreferrer">
              {entry.title || link}
            </a>
          </h1>
          {body}
          <p>
            <a href={backUrl(form.back)}>{tr.t('entry.back')}</a>
          </p>
        </article>
      </Layout>,
      status,
    );
  if (result.kind === 'error') {
    deps.log.info('full content: on-demand fetch failed', { entryId: entry.id, code: result.code });
    const message = tr.t('entry.fullFailed', { error: result.message });
    return wantsJson ? c.json({ id: entry.id, error: message }) : page(<p class="error">{message}</p>, 502);
  }
  const store =
    !entry.options.contentAction && (entry.options.fullContent === true || entry.feedOwner === user.id);
  if (store) await storeEntryContent(deps.database.db, entry.id, result.html);
  if (wantsJson) return c.json({ id: entry.id, html: result.html, stored: store });
  if (store) return c.redirect(backUrl(form.back), 303);
  return page(
    <>
      <p class="muted small">{tr.t('entry.fullNotStored')}</p>
      {/* Sanitized by fetchFullContent with the entry sanitizer. */}
      <div class="text">{raw(result.html)}</div>
    </>,
    200,
  );
}
