// Filter actions pages and actions:
//   GET  /settings/filters          the user's global filters (every feed)
//   GET  /categories/:id/filters    a category's filters
//   GET  /feeds/:id/filters         a feed's filters (also a section of the feed's page)
//   POST /filters                   saves every list of a scope; a search that does not parse
//                                   shows the form again with the parser's message, nothing saved
//   POST /filters/apply             re-applies the filters of a feed or category to its entries
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { applyFilterActionsToExisting, checkFilterLines } from '../../search/apply-filter-actions.ts';
import { categoryById } from '../../storage/categories.ts';
import { feedById } from '../../storage/feeds.ts';
import { replaceFilterLists, type FilterList, type FilterScope } from '../../storage/filter-actions.ts';
import { subscriptionForFeed } from '../../storage/subscriptions.ts';
import { Layout } from '../views/layout.tsx';
import { backUrl } from './back-url.ts';
import { FilterForm, loadFilterForm, type FilterFormData } from './filter-form.tsx';

/** The scope a form or URL names, when it is the user's; null otherwise. */
async function ownedScope(
  c: Context<AppEnv>,
  kind: unknown,
  rawId: unknown,
): Promise<{ scope: FilterScope; title: string } | null> {
  const db = c.get('deps').database.db;
  const user = c.get('user')!;
  const tr = c.get('tr');
  if (kind === 'user') return { scope: { kind: 'user' }, title: tr.t('filters.scope.user') };
  if (typeof rawId !== 'string' || !/^[0-9]{1,10}$/.test(rawId)) return null;
  const id = Number(rawId);
  if (kind === 'category') {
    const category = await categoryById(db, user.id, id);
    return category
      ? { scope: { kind: 'category', id }, title: tr.t('filters.scope.category', { name: category.name }) }
      : null;
  }
  if (kind === 'feed') {
    const sub = await subscriptionForFeed(db, user.id, id);
    const feed = sub ? await feedById(db, id) : undefined;
    return sub && feed
      ? { scope: { kind: 'feed', id }, title: tr.t('filters.scope.feed', { title: sub.title || feed.title }) }
      : null;
  }
  return null;
}

function scopeHome(scope: FilterScope): string {
  if (scope.kind === 'feed') return `/feeds/${scope.id}`;
  if (scope.kind === 'category') return `/categories/${scope.id}/filters`;
  return '/settings/filters';
}

function withNotice(url: string, notice: string): string {
  const [path, hash] = url.split('#');
  return `${path}${path!.includes('?') ? '&' : '?'}${notice}#${hash ?? 'filters'}`;
}

/** The flash message of ?filters=saved or ?filters=applied&read=…, for the pages that show the form. */
export function filterNotice(c: Context<AppEnv>): string | null {
  const tr = c.get('tr');
  const notice = c.req.query('filters');
  if (notice === 'saved') return tr.t('filters.saved');
  if (notice === 'applied') {
    const n = (name: string) => Number(/^[0-9]{1,9}$/.test(c.req.query(name) ?? '') ? c.req.query(name) : 0);
    return tr.t('filters.applied', { read: n('read'), starred: n('starred'), labelled: n('labelled') });
  }
  return null;
}

function renderFilterPage(
  c: Context<AppEnv>,
  page: { title: string; data: FilterFormData; back: string },
  status: 200 | 400 = 200,
) {
  const tr = c.get('tr');
  const back = page.data.scope.kind === 'feed' ? `/feeds/${page.data.scope.id}` : '/subscriptions';
  return c.html(
    <Layout
      tr={tr}
      title={page.title}
      csrfToken={c.get('csrfToken')}
      user={c.get('user')}
      flash={status === 200 ? filterNotice(c) : null}
    >
      <h1>{page.title}</h1>
      <p>
        <a href={page.data.scope.kind === 'user' ? '/settings' : back}>{tr.t('filters.back')}</a>
      </p>
      <FilterForm tr={tr} csrf={c.get('csrfToken')} data={page.data} back={page.back} heading={false} />
    </Layout>,
    status,
  );
}

async function showScope(c: Context<AppEnv>, kind: 'user' | 'category' | 'feed', rawId?: string) {
  const owned = await ownedScope(c, kind, rawId);
  if (!owned) return c.notFound();
  const data = await loadFilterForm(c.get('deps').database.db, c.get('user')!.id, owned.scope);
  return renderFilterPage(c, { title: owned.title, data, back: scopeHome(owned.scope) });
}

export const globalFiltersPage = (c: Context<AppEnv>) => showScope(c, 'user');
export const categoryFiltersPage = (c: Context<AppEnv>) => showScope(c, 'category', c.req.param('id'));
export const feedFiltersPage = (c: Context<AppEnv>) => showScope(c, 'feed', c.req.param('id'));

/** POST /filters — every list of the scope at once, or nothing when a line does not parse. */
export async function filtersSave(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const owned = await ownedScope(c, form.scope, form.scopeId);
  if (!owned) return c.notFound();
  const deps = c.get('deps');
  const user = c.get('user')!;
  const data = await loadFilterForm(deps.database.db, user.id, owned.scope);
  const fields: { name: string; list: Omit<FilterList, 'searches'> }[] = [
    { name: 'read', list: { action: { kind: 'read' } } },
    { name: 'star', list: { action: { kind: 'star' } } },
    ...data.labels.map((l) => ({
      name: `label_${l.id}`,
      list: { action: { kind: 'label' as const, labelId: l.id } },
    })),
  ];
  const lists: FilterList[] = [];
  let invalid = false;
  for (const { name, list } of fields) {
    const text = typeof form[name] === 'string' ? form[name] : '';
    const checked = checkFilterLines(text);
    data.texts[name] = text;
    data.errors[name] = checked.errors;
    if (checked.errors.length) invalid = true;
    lists.push({ ...list, searches: checked.searches });
  }
  const back = backUrl(form.back, scopeHome(owned.scope));
  if (invalid) return renderFilterPage(c, { title: owned.title, data, back }, 400);
  await replaceFilterLists(deps.database.db, { userId: user.id, scope: owned.scope, lists, now: deps.now() });
  return c.redirect(withNotice(back, 'filters=saved'), 303);
}

/** POST /filters/apply — the filters of a feed or a category run over its stored entries. */
export async function filtersApply(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const owned = await ownedScope(c, form.scope, form.scopeId);
  if (!owned || owned.scope.kind === 'user') return c.notFound();
  const deps = c.get('deps');
  const counts = await applyFilterActionsToExisting(deps.database.db, {
    userId: c.get('user')!.id,
    scope: owned.scope,
    now: deps.now(),
  });
  const back = backUrl(form.back, scopeHome(owned.scope));
  return c.redirect(
    withNotice(
      back,
      `filters=applied&read=${counts.read}&starred=${counts.starred}&labelled=${counts.labelled}`,
    ),
    303,
  );
}
