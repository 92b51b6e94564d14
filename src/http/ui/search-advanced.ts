// GET /search/advanced — the advanced-search form without JavaScript: its fields written as the
// grammar (search-terms.ts composeSearch, the same function the client uses to fill the box),
// then a redirect to the stream with that search.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { isViewMode } from '../../model/reading-settings.ts';
import { isSortKey, stateFromParam, streamFromParam, streamParam } from '../../model/stream.ts';
import { streamSearchUrl } from './search-box.tsx';
import { composeSearch } from './search-terms.ts';

export function searchAdvancedRedirect(c: Context<AppEnv>) {
  const q = (name: string) => c.req.query(name) ?? '';
  const stream = streamFromParam(c.req.query('s'));
  if (!stream) return c.notFound();
  const search = composeSearch({
    words: q('words'),
    title: q('title'),
    author: q('author'),
    feed: q('feed'),
    category: q('category'),
    from: q('from'),
    to: q('to'),
  });
  const view = q('view');
  const sort = q('sort');
  const order = q('order');
  const url = streamSearchUrl(
    {
      s: streamParam(stream),
      state: stateFromParam(q('state') || q('current') || undefined),
      view: isViewMode(view) ? view : null,
      sort: isSortKey(sort) ? sort : null,
      order: order === 'asc' || order === 'desc' ? order : null,
    },
    search,
  );
  return c.redirect(url, 303);
}
