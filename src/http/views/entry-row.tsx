// One entry of the normal view: a one-line row (<summary>) that expands in place (<details>)
// into the article. Works without JavaScript; the client bundle adds mark-read-on-open, one
// open article at a time, and in-place toggles.
import type { ReadingSettings } from '../../model/reading-settings.ts';
import type { EntryView } from '../../storage/streams.ts';
import {
  EntryHeading,
  Enclosures,
  EntryText,
  entryTitle,
  LabelsMenu,
  ShareMenu,
  ToggleButtons,
  ToggleForms,
  type EntryContext,
} from './entry-parts.tsx';
import { safeHttpUrl } from './safe-url.ts';

export function EntryRow(props: { entry: EntryView; ctx: EntryContext; settings: ReadingSettings }) {
  const { entry: e, ctx, settings } = props;
  const { tr } = ctx;
  const title = entryTitle(e, tr);
  const authors = e.authors.map((a) => a.name ?? a.email).filter(Boolean);
  const thumb = settings.showThumbnail ? safeHttpUrl(e.thumbnail) : null;
  return (
    <details
      class={`entry${e.read ? '' : ' not_read'}${e.starred ? ' favorite' : ''}${e.feedPriority >= 2 ? ' keep_unread' : ''}`}
      id={`entry-${e.id}`}
      data-id={String(e.id)}
      data-feed={String(e.feedId)}
      data-read={e.read ? '1' : '0'}
    >
      <summary class="row">
        <ToggleButtons entry={e} tr={tr} />
        {settings.showFeedName && (
          <span class="website">
            <img
              class="favicon"
              src={`/feeds/${e.feedId}/icon`}
              alt=""
              width="16"
              height="16"
              loading="lazy"
            />
            <span class="feed-name">{e.feedTitle}</span>
          </span>
        )}
        {thumb && <img class="thumbnail" src={thumb} alt="" loading="lazy" width="60" height="40" />}
        <span class="title">{title}</span>
        {settings.showSummary && e.summary && <span class="summary">{e.summary.slice(0, 200)}</span>}
        <time class="date" datetime={new Date(e.dateAt).toISOString()}>
          {tr.dateTime(e.dateAt)}
        </time>
      </summary>
      <ToggleForms entry={e} csrfToken={ctx.csrfToken} back={ctx.back} />
      <article class="flux_content" lang={e.language ?? undefined}>
        <header>
          <EntryHeading entry={e} tr={tr} />
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
        <EntryText entry={e} />
        <Enclosures entry={e} tr={tr} />
        <footer class="entry-bottom">
          <LabelsMenu entry={e} ctx={ctx} />
          <ShareMenu entry={e} tr={tr} />
        </footer>
      </article>
    </details>
  );
}
