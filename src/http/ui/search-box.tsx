// The search in the stream page's toolbar: the box (a GET form on the stream, key `a` focuses
// it), the advanced-search form that writes the grammar (client/search-advanced.ts fills the box
// as fields change; without JavaScript GET /search/advanced composes it), and the line under the
// toolbar with the number of results, or the parser's message pointing at the error.
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Translator } from '../../i18n/i18n.ts';
import type { MessageKey } from '../../i18n/en.ts';
import {
  stateParam,
  STATE_READ,
  STATE_STARRED,
  STATE_UNREAD_OR_STARRED,
  type StateFilter,
} from '../../model/stream.ts';
import type { PageSearch } from './search-query.ts';
import { SEARCH_MAX_LENGTH } from './search-query.ts';
import { jsxEscape } from '../views/jsx-escape.ts';

/** Counts stop here: "1,000+ results". */
export const SEARCH_COUNT_CAP = 1000;

/** What a stream URL keeps besides the search: stream, explicit state, view, sort, order. */
export interface StreamParams {
  s: string;
  state: StateFilter | null;
  view: string | null;
  sort: string | null;
  order: string | null;
}

/** The URL of the stream with these parameters and a search ('' for none). */
export function streamSearchUrl(p: StreamParams, search: string): string {
  let url = `/?s=${p.s}`;
  if (p.state !== null) url += `&state=${stateParam(p.state)}`;
  if (p.view) url += `&view=${p.view}`;
  if (p.sort) url += `&sort=${p.sort}`;
  if (p.order) url += `&order=${p.order}`;
  if (search) url += `&search=${encodeURIComponent(search)}`;
  return url;
}

function HiddenParams(props: { p: StreamParams; state?: boolean }) {
  const { p } = props;
  return (
    <>
      <input type="hidden" name="s" value={p.s} />
      {props.state !== false && p.state !== null && (
        <input type="hidden" name="state" value={stateParam(p.state)} />
      )}
      {p.view && <input type="hidden" name="view" value={p.view} />}
      {p.sort && <input type="hidden" name="sort" value={p.sort} />}
      {p.order && <input type="hidden" name="order" value={p.order} />}
    </>
  );
}

/**
 * The feed `<option>`s as one string (a user with 1,000 feeds has 1,000 of them on every stream
 * page: as JSX nodes they cost about 0.4 ms), written as JSX would write them; once per list
 * when the list is frozen.
 */
function feedOptions(feeds: readonly { feedId: number; title: string }[]): HtmlEscapedString {
  let options = writtenOptions.get(feeds);
  if (options === undefined) {
    options = feeds.map((f) => `<option value="${f.feedId}">${jsxEscape(f.title)}</option>`).join('');
    // A frozen list (the stream page's subscriptions while unchanged) is written once.
    if (Object.isFrozen(feeds)) writtenOptions.set(feeds, options);
  }
  return raw(options);
}

const writtenOptions = new WeakMap<readonly { feedId: number; title: string }[], string>();

export function SearchForm(props: {
  tr: Translator;
  params: StreamParams;
  text: string;
  feeds: { feedId: number; title: string }[];
  categories: { id: number; name: string }[];
}) {
  const { tr, params } = props;
  const states: [string, MessageKey][] = [
    ['', 'search.stateDefault'],
    ['all', 'search.stateAll'],
    ['unread', 'search.stateUnread'],
    [String(STATE_READ), 'search.stateRead'],
    [String(STATE_STARRED), 'search.stateStarred'],
    [String(STATE_UNREAD_OR_STARRED), 'search.stateUnreadOrStarred'],
  ];
  return (
    <div class="search-tools">
      <form class="search-form" role="search" method="get" action="/">
        <HiddenParams p={params} />
        <input
          type="search"
          name="search"
          value={props.text}
          maxlength={SEARCH_MAX_LENGTH}
          placeholder={tr.t('search.placeholder')}
          aria-label={tr.t('search.label')}
          title={`${tr.t('search.label')} (a)`}
          autocomplete="off"
          spellcheck={false}
        />
        <button type="submit" class="search-submit">
          {tr.t('search.submit')}
        </button>
      </form>
      <details class="advanced-search">
        <summary>{tr.t('search.advanced')}</summary>
        <form class="advanced-search-form" method="get" action="/search/advanced">
          <HiddenParams p={params} state={false} />
          {params.state !== null && <input type="hidden" name="current" value={stateParam(params.state)} />}
          <label>
            {tr.t('search.words')} <input type="text" name="words" data-field="words" />
          </label>
          <label>
            {tr.t('search.inTitle')} <input type="text" name="title" data-field="title" />
          </label>
          <label>
            {tr.t('search.author')} <input type="text" name="author" data-field="author" />
          </label>
          <label>
            {tr.t('search.feed')}{' '}
            <select name="feed" data-field="feed">
              <option value="">{tr.t('search.anyOption')}</option>
              {feedOptions(props.feeds)}
            </select>
          </label>
          <label>
            {tr.t('search.category')}{' '}
            <select name="category" data-field="category">
              <option value="">{tr.t('search.anyOption')}</option>
              {props.categories.map((x) => (
                <option value={String(x.id)}>{x.name}</option>
              ))}
            </select>
          </label>
          <label>
            {tr.t('search.from')} <input type="date" name="from" data-field="from" />
          </label>
          <label>
            {tr.t('search.to')} <input type="date" name="to" data-field="to" />
          </label>
          <label>
            {tr.t('search.state')}{' '}
            <select name="state" class="advanced-state">
              {states.map(([value, key]) => (
                <option value={value}>{tr.t(key)}</option>
              ))}
            </select>
          </label>
          <button type="submit">{tr.t('search.submit')}</button>
        </form>
      </details>
    </div>
  );
}

/** "12 results", "1,000+ results", "No results". */
export function resultCountText(tr: Translator, n: number): string {
  if (n === 0) return tr.t('search.noResults');
  if (n === 1) return tr.t('search.oneResult');
  if (n > SEARCH_COUNT_CAP) return tr.t('search.results', { n: `${tr.number(SEARCH_COUNT_CAP)}+` });
  return tr.t('search.results', { n: tr.number(n) });
}

/** Under the toolbar: the count of a search, or the syntax error with a mark at its position. */
export function SearchSummary(props: {
  tr: Translator;
  search: PageSearch;
  count: number | null;
  clearUrl: string;
}) {
  const { tr, search } = props;
  if (search.error) {
    const at = Math.min(search.error.position, search.text.length);
    return (
      <div class="search-error" role="alert">
        <p>
          {tr.t('search.error')} <span class="search-error-message">{search.error.message}</span>
        </p>
        <pre class="search-error-query">
          <code>
            {search.text.slice(0, at)}
            <mark class="search-error-at">{search.text.slice(at, at + 1) || ' '}</mark>
            {search.text.slice(at + 1)}
          </code>
        </pre>
        <p>
          {tr.t('search.errorStream')} <a href={props.clearUrl}>{tr.t('search.clear')}</a>
        </p>
      </div>
    );
  }
  if (!search.node) return null;
  return (
    <p class="search-summary" role="status">
      {props.count !== null && <strong class="search-count">{resultCountText(tr, props.count)}</strong>}{' '}
      <q class="search-text">{search.text}</q> <a href={props.clearUrl}>{tr.t('search.clear')}</a>
    </p>
  );
}
