// One article of the reading view ("Vue lecture"): every article already open, one after
// another, like a newspaper. Same toggles and data attributes as the normal view's rows.
import type { EntryView } from '../../storage/streams.ts';
import {
  EntryHeading,
  Enclosures,
  EntryText,
  LabelsMenu,
  ShareMenu,
  ToggleButtons,
  ToggleForms,
  type EntryContext,
} from './entry-parts.tsx';

export function ReaderArticle(props: { entry: EntryView; ctx: EntryContext }) {
  const { entry: e, ctx } = props;
  const { tr } = ctx;
  const authors = e.authors.map((a) => a.name ?? a.email).filter(Boolean);
  return (
    <article
      class={`entry reader-entry${e.read ? '' : ' not_read'}${e.starred ? ' favorite' : ''}${e.feedPriority >= 2 ? ' keep_unread' : ''}`}
      id={`entry-${e.id}`}
      data-id={String(e.id)}
      data-feed={String(e.feedId)}
      data-read={e.read ? '1' : '0'}
      tabindex={-1}
      lang={e.language ?? undefined}
    >
      <div class="flux_content">
        <header>
          <div class="topline">
            <ToggleButtons entry={e} tr={tr} />
            <span class="feed-name">{e.feedTitle}</span>
          </div>
          <EntryHeading entry={e} tr={tr} />
          <div class="subtitle">
            {authors.length > 0 && (
              <span class="author">
                {tr.t('entry.by')} {authors.join(', ')}
              </span>
            )}
            <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
          </div>
        </header>
        <EntryText entry={e} />
        <Enclosures entry={e} tr={tr} />
        <footer class="entry-bottom">
          <LabelsMenu entry={e} ctx={ctx} />
          <ShareMenu entry={e} tr={tr} />
        </footer>
      </div>
      <ToggleForms entry={e} csrfToken={ctx.csrfToken} back={ctx.back} />
    </article>
  );
}
