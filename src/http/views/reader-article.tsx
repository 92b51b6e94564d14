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
import { EntryAuthors, EntryTags } from '../ui/search-links.tsx';
import { FullContentButton } from '../ui/entry-full-content.tsx';

export function ReaderArticle(props: { entry: EntryView; ctx: EntryContext }) {
  const { entry: e, ctx } = props;
  const { tr } = ctx;
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
            <EntryAuthors authors={e.authors} tr={tr} searchHref={ctx.searchHref} />
            <time datetime={new Date(e.dateAt).toISOString()}>{tr.dateTime(e.dateAt)}</time>
          </div>
        </header>
        <EntryText entry={e} />
        <Enclosures entry={e} tr={tr} />
        <EntryTags tags={e.categories} tr={tr} searchHref={ctx.searchHref} />
        <footer class="entry-bottom">
          <LabelsMenu entry={e} ctx={ctx} />
          <ShareMenu entry={e} tr={tr} services={ctx.shareServices} />
          <FullContentButton entry={e} tr={tr} csrfToken={ctx.csrfToken} back={ctx.back} />
        </footer>
      </div>
      <ToggleForms entry={e} csrfToken={ctx.csrfToken} back={ctx.back} />
    </article>
  );
}
