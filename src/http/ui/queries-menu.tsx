// The user queries menu of the stream toolbar (FreshRSS's bookmark menu, key `u` then 1–9): the
// saved queries, numbered, and a form that saves what the page shows (stream, search, state,
// sort) under a name.
import type { Translator } from '../../i18n/i18n.ts';
import { stateParam, streamParam } from '../../model/stream.ts';
import { QUERY_NAME_MAX, type UserQuery } from '../../storage/user-queries.ts';
import { CsrfField } from '../views/layout.tsx';
import { streamSearchUrl, type StreamParams } from './search-box.tsx';

/** Where a saved query opens: its stream with its search, state and sort. */
export function userQueryUrl(q: UserQuery): string {
  return streamSearchUrl(
    { s: streamParam(q.stream), state: q.state, view: null, sort: q.sort, order: q.order },
    q.search,
  );
}

export function QueriesMenu(props: {
  tr: Translator;
  csrf: string;
  queries: UserQuery[];
  /** What "save the current search" saves (search: '' when the page's search does not parse). */
  current: StreamParams & { search: string };
}) {
  const { tr, current } = props;
  return (
    <details class="menu queries-menu">
      <summary title={`${tr.t('queries.menu')} (u)`}>{tr.t('queries.menu')}</summary>
      <div class="menu-body">
        {props.queries.length === 0 && <p class="muted small">{tr.t('queries.none')}</p>}
        <ul>
          {props.queries.map((q, i) => (
            <li>
              <a href={userQueryUrl(q)} data-query={String(q.id)}>
                {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>} {q.name}
              </a>
            </li>
          ))}
        </ul>
        <form method="post" action="/queries" class="save-query">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="s" value={current.s} />
          <input type="hidden" name="search" value={current.search} />
          <input type="hidden" name="state" value={current.state === null ? '' : stateParam(current.state)} />
          <input type="hidden" name="sort" value={current.sort ?? ''} />
          <input type="hidden" name="order" value={current.order ?? ''} />
          <label>
            {tr.t('queries.name')}{' '}
            <input type="text" name="name" required maxlength={QUERY_NAME_MAX} value={current.search} />
          </label>
          <button type="submit">{tr.t('queries.save')}</button>
        </form>
        <p class="small">
          <a href="/queries">{tr.t('queries.manage')}</a>
        </p>
      </div>
    </details>
  );
}
