// One entry of the normal view: a one-line row (<summary>) that expands in place (<details>)
// into the article. The read and favourite toggles sit beside the <summary>, not inside it (no
// button inside another interactive element); the CSS lays them over the row's left end, so it
// still reads as one line: toggles, feed, title, date. Works without JavaScript; the client
// bundle adds mark-read-on-open, one open article at a time, and in-place toggles.
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
import { EntryAuthors, EntryTags } from '../ui/search-links.tsx';
import { FullContentButton } from '../ui/entry-full-content.tsx';
import { safeHttpUrl } from './safe-url.ts';

export function EntryRow(props: { entry: EntryView; ctx: EntryContext; settings: ReadingSettings }) {
  const { entry: e, ctx, settings } = props;
  const { tr } = ctx;
  const title = entryTitle(e, tr);
  const thumb = settings.showThumbnail ? safeHttpUrl(e.thumbnail) : null;
  return (
    <div
      class={`entry flux${e.read ? '' : ' not_read'}${e.starred ? ' favorite' : ''}${e.feedPriority >= 2 ? ' keep_unread' : ''}`}
      id={`entry-${e.id}`}
      data-id={String(e.id)}
      data-feed={String(e.feedId)}
      data-read={e.read ? '1' : '0'}
    >
      <div class="row-toggles">
        <ToggleButtons entry={e} tr={tr} />
      </div>
      <details class="fold">
        <summary class="row">
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
        <article class="flux_content" lang={e.language ?? undefined}>
          <header>
            <EntryHeading entry={e} tr={tr} />
            <div class="subtitle">
              <span class="feed-name">{e.feedTitle}</span>
              <EntryAuthors authors={e.authors} tr={tr} searchHref={ctx.searchHref} />
              <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
            </div>
          </header>
          {/* Sanitized at ingest with an allow-list (src/reader/sanitize): the only raw HTML in a page. */}
          <EntryText entry={e} />
          <Enclosures entry={e} tr={tr} />
          <EntryTags tags={e.categories} tr={tr} searchHref={ctx.searchHref} />
          <footer class="entry-bottom">
            <LabelsMenu entry={e} ctx={ctx} />
            <ShareMenu entry={e} tr={tr} services={ctx.shareServices} />
            <FullContentButton entry={e} tr={tr} csrfToken={ctx.csrfToken} back={ctx.back} />
          </footer>
        </article>
      </details>
      <ToggleForms entry={e} csrfToken={ctx.csrfToken} back={ctx.back} />
    </div>
  );
}
