// One entry of the normal view: a one-line row (<summary>) that expands in place (<details>)
// into the article. Works without JavaScript; the client bundle adds mark-read-on-open, one
// open article at a time, and in-place toggles.
import { raw } from 'hono/html';
import type { Translator } from '../../i18n/i18n.ts';
import type { EntryView } from '../../storage/streams.ts';
import { safeHttpUrl } from './safe-url.ts';

export function EntryRow(props: { entry: EntryView; tr: Translator; csrfToken: string; back: string }) {
  const { entry: e, tr } = props;
  const link = safeHttpUrl(e.url);
  const title = e.title || e.summary.slice(0, 120) || tr.t('entry.untitled');
  const readForm = `read-${e.id}`;
  const starForm = `star-${e.id}`;
  const authors = e.authors.map((a) => a.name ?? a.email).filter(Boolean);
  return (
    <details
      class={`entry${e.read ? '' : ' not_read'}${e.starred ? ' favorite' : ''}`}
      id={`entry-${e.id}`}
      data-id={String(e.id)}
      data-feed={String(e.feedId)}
      data-read={e.read ? '1' : '0'}
    >
      <summary class="row">
        <button
          type="submit"
          form={readForm}
          class="icon toggle-read"
          title={tr.t('entry.toggleRead')}
          aria-label={e.read ? tr.t('entry.markUnread') : tr.t('entry.markRead')}
          aria-pressed={e.read ? 'true' : 'false'}
        >
          {e.read ? '○' : '●'}
        </button>
        <button
          type="submit"
          form={starForm}
          class="icon toggle-star"
          title={tr.t('entry.toggleStar')}
          aria-label={e.starred ? tr.t('entry.unstar') : tr.t('entry.star')}
          aria-pressed={e.starred ? 'true' : 'false'}
        >
          {e.starred ? '★' : '☆'}
        </button>
        <span class="website">
          <img class="favicon" src={`/feeds/${e.feedId}/icon`} alt="" width="16" height="16" loading="lazy" />
          <span class="feed-name">{e.feedTitle}</span>
        </span>
        <span class="title">{title}</span>
        <time class="date" datetime={new Date(e.dateAt).toISOString()}>
          {tr.dateTime(e.dateAt)}
        </time>
      </summary>
      <form id={readForm} method="post" action={`/entries/${e.id}/read`} class="hidden-form">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="read" value={e.read ? '0' : '1'} />
        <input type="hidden" name="back" value={props.back} />
      </form>
      <form id={starForm} method="post" action={`/entries/${e.id}/star`} class="hidden-form">
        <input type="hidden" name="_csrf" value={props.csrfToken} />
        <input type="hidden" name="starred" value={e.starred ? '0' : '1'} />
        <input type="hidden" name="back" value={props.back} />
      </form>
      <article class="flux_content" lang={e.language ?? undefined}>
        <header>
          <h1 class="title">
            {link ? (
              <a href={link} target="_blank" rel="noopener noreferrer" title={tr.t('entry.openOriginal')}>
                {title}
              </a>
            ) : (
              title
            )}
          </h1>
          <div class="subtitle">
            <span class="feed-name">{e.feedTitle}</span>
            {authors.length > 0 && (
              <span class="author">
                {tr.t('entry.by')} {authors.join(', ')}
              </span>
            )}
            <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
          </div>
        </header>
        {/* Sanitized at ingest with an allow-list (src/reader/sanitize): the only raw HTML in a page. */}
        <div class="text">{raw(e.content)}</div>
        {e.enclosures.map((x) => {
          const href = safeHttpUrl(x.url);
          return href ? (
            <p class="enclosure">
              <a href={href} target="_blank" rel="noopener noreferrer">
                {tr.t('entry.enclosure')}
                {x.type ? ` (${x.type})` : ''}
              </a>
            </p>
          ) : null;
        })}
      </article>
    </details>
  );
}
