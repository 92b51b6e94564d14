// Clickable authors and tags of an entry, as in FreshRSS: an author links to an author:"Name"
// search, a feed-provided tag to a #tag search, both within the stream being read.
import type { Translator } from '../../i18n/i18n.ts';
import type { ParsedPerson } from '../../model/parsed-feed.ts';
import { authorSearch, tagSearch } from './search-terms.ts';

/** Builds the URL of a search in the current stream (the page's own parameters kept). */
export type SearchHref = (search: string) => string;

/** "By: Alice, Bob" with each named author linked to their search. */
export function EntryAuthors(props: { authors: ParsedPerson[]; tr: Translator; searchHref?: SearchHref }) {
  const { tr } = props;
  const people = props.authors.filter((a) => a.name || a.email);
  if (people.length === 0) return null;
  return (
    <span class="author">
      {tr.t('entry.by')}{' '}
      {people.map((a, i) => (
        <>
          {i > 0 && ', '}
          {a.name && props.searchHref ? (
            <a
              class="author-link"
              href={props.searchHref(authorSearch(a.name))}
              title={tr.t('search.byAuthor', { name: a.name })}
            >
              {a.name}
            </a>
          ) : (
            (a.name ?? a.email)
          )}
        </>
      ))}
    </span>
  );
}

/** The feed's tags of an entry, each linked to its #tag search. */
export function EntryTags(props: { tags: string[]; tr: Translator; searchHref?: SearchHref }) {
  const tags = props.tags.map((t) => t.trim()).filter(Boolean);
  if (tags.length === 0 || !props.searchHref) return null;
  const href = props.searchHref;
  return (
    <p class="tags">
      <span class="tags-label">{props.tr.t('entry.tags')}</span>{' '}
      {tags.map((tag) => (
        <>
          <a class="tag-link" href={href(tagSearch(tag))} title={props.tr.t('search.withTag', { tag })}>
            #{tag}
          </a>{' '}
        </>
      ))}
    </p>
  );
}
