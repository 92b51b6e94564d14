// GET /subscriptions — add a feed, manage categories, move, rename or unsubscribe feeds.
// POST handlers for those actions live here too: they share the page for their messages.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { FetchOptions } from '../../model/fetch-result.ts';
import {
  categoriesForUser,
  categoryById,
  deleteCategory,
  ensureCategory,
  renameCategory,
} from '../../storage/categories.ts';
import { setCategoryOpmlUrl } from '../../storage/dynamic-categories.ts';
import {
  moveSubscription,
  renameSubscription,
  subscriptionsForUser,
  unsubscribe,
} from '../../storage/subscriptions.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { safeHttpUrl } from '../views/safe-url.ts';
import { CategoryOpml, checkAndShow, opmlUrlFromForm } from './category-opml.tsx';
import { feedAdd } from './feed-add.ts';
import { ImportExportSection } from './import-export.tsx';

type Message = { kind: 'ok' | 'error'; text: string; details?: string[] } | null;

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v : '';
}

function idParam(c: Context<AppEnv>): number | null {
  const raw = c.req.param('id') ?? '';
  return /^[0-9]{1,10}$/.test(raw) ? Number(raw) : null;
}

export async function subscriptionsPage(
  c: Context<AppEnv>,
  message: Message = null,
  status: 200 | 400 | 404 = 200,
) {
  const deps = c.get('deps');
  const user = c.get('user')!;
  const tr = c.get('tr');
  const csrf = c.get('csrfToken');
  const [categories, subs] = await Promise.all([
    categoriesForUser(deps.database.db, user.id),
    subscriptionsForUser(deps.database.db, user.id),
  ]);
  const categoryOptions = (selected: number | null) => [
    <option value="" selected={selected === null}>
      {tr.t('feeds.noCategory')}
    </option>,
    ...categories.map((cat) => (
      <option value={String(cat.id)} selected={selected === cat.id}>
        {cat.name}
      </option>
    )),
  ];
  // The feeds table groups feeds by category (one <tbody> each, empty ones too): the groups are
  // where client/subscriptions-drag.ts drops a dragged feed.
  const feedGroups = [
    ...categories.map((cat) => ({ id: cat.id as number | null, name: cat.name })),
    { id: null, name: tr.t('nav.uncategorized') },
  ].map((g) => ({
    ...g,
    subs: subs.filter((s) =>
      g.id === null
        ? s.categoryId === null || !categories.some((cat) => cat.id === s.categoryId)
        : s.categoryId === g.id,
    ),
  }));
  return c.html(
    <Layout tr={tr} title={tr.t('feeds.title')} csrfToken={csrf} user={user}>
      <h1>{tr.t('feeds.title')}</h1>
      {message && (
        <p
          class={message.kind === 'error' ? 'error' : 'flash'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      {message?.details?.length ? (
        <ul class="small">
          {message.details.map((detail) => (
            <li>{detail}</li>
          ))}
        </ul>
      ) : null}
      <section id="add">
        <h2>{tr.t('feeds.add')}</h2>
        <form method="post" action="/feeds" class="stack">
          <CsrfField token={csrf} />
          <label>
            {tr.t('feeds.url')}
            <input
              type="text"
              name="url"
              required
              inputmode="url"
              autocomplete="off"
              placeholder="https://example.org/feed.xml"
            />
          </label>
          <label>
            {tr.t('feeds.category')}
            <select name="category">{categoryOptions(null)}</select>
          </label>
          <details>
            <summary>{tr.t('feeds.advanced')}</summary>
            <label>
              {tr.t('feeds.username')}
              <input type="text" name="http_user" autocomplete="off" />
            </label>
            <label>
              {tr.t('feeds.password')}
              <input type="password" name="http_pass" autocomplete="new-password" />
            </label>
            <label>
              {tr.t('feeds.userAgent')}
              <input type="text" name="user_agent" autocomplete="off" maxlength={300} />
            </label>
            <label>
              {tr.t('feeds.cookie')}
              <input type="text" name="cookie" autocomplete="off" maxlength={4000} />
            </label>
            <label>
              {tr.t('feeds.headers')}
              <textarea name="headers" rows={2} maxlength={4000} placeholder="X-Api-Key: …"></textarea>
            </label>
            <label>
              {tr.t('feeds.proxy')}
              <input type="text" name="proxy" autocomplete="off" placeholder="http://proxy.example:3128" />
            </label>
            <label class="checkbox">
              <input type="checkbox" name="insecure_tls" value="1" /> {tr.t('feeds.insecureTls')}
            </label>
          </details>
          <button type="submit">{tr.t('feeds.submit')}</button>
        </form>
      </section>
      <section>
        <h2>{tr.t('categories.title')}</h2>
        <form method="post" action="/categories" class="inline-form">
          <CsrfField token={csrf} />
          <input
            type="text"
            name="name"
            required
            maxlength={200}
            aria-label={tr.t('categories.new')}
            placeholder={tr.t('categories.new')}
          />
          <input
            type="text"
            name="opml_url"
            inputmode="url"
            autocomplete="off"
            maxlength={2000}
            aria-label={tr.t('categories.opmlUrl')}
            placeholder={tr.t('categories.opmlPlaceholder')}
          />
          <button type="submit">{tr.t('categories.create')}</button>
        </form>
        <p class="muted small">{tr.t('categories.opmlHint')}</p>
        <ul class="category-list">
          {categories.map((cat) => (
            <li>
              <form method="post" action={`/categories/${cat.id}/rename`} class="inline-form">
                <CsrfField token={csrf} />
                <input
                  type="text"
                  name="name"
                  value={cat.name}
                  required
                  maxlength={200}
                  aria-label={tr.t('categories.rename')}
                />
                <button type="submit">{tr.t('categories.rename')}</button>
              </form>
              <form method="post" action={`/categories/${cat.id}/delete`} class="inline-form">
                <CsrfField token={csrf} />
                <button type="submit">{tr.t('categories.delete')}</button>
              </form>
              <a href={`/categories/${cat.id}/filters`}>{tr.t('filters.link')}</a>
              <CategoryOpml tr={tr} csrf={csrf} category={cat} />
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>{tr.t('nav.subscriptions')}</h2>
        <p class="muted small drag-hint" hidden>
          {tr.t('feeds.dragHint')}
        </p>
        <p class="visually-hidden drag-status" role="status"></p>
        <table class="feeds" id="subscription-table" data-moved={tr.t('feeds.moved')}>
          {feedGroups.map((g) => (
            <tbody class="feed-group" data-category={g.id === null ? '' : String(g.id)} data-name={g.name}>
              <tr class="category-head">
                <th colspan={4} scope="rowgroup">
                  {g.name}
                </th>
              </tr>
              {g.subs.map((s) => (
                <tr data-feed={String(s.feedId)} data-title={s.title}>
                  <td>
                    <span
                      class="drag-handle"
                      draggable="true"
                      aria-hidden="true"
                      title={tr.t('feeds.dragHint')}
                      hidden
                    >
                      ⠿
                    </span>
                    <a href={`/?s=f${s.feedId}`}>{s.title}</a>{' '}
                    <a class="small" href={`/feeds/${s.feedId}`}>
                      {tr.t('feed.settings')}
                    </a>
                    <div class="muted small">
                      {safeHttpUrl(s.feedUrl) ?? s.feedUrl}
                      {' · '}
                      {tr.t('feeds.lastCheck', {
                        date: s.lastCheckedAt ? tr.dateTime(s.lastCheckedAt) : tr.t('feeds.never'),
                      })}
                    </div>
                    {s.lastError && (
                      <div class="error small">{tr.t('feeds.lastError', { error: s.lastError })}</div>
                    )}
                  </td>
                  <td>
                    <form method="post" action={`/feeds/${s.feedId}/move`} class="inline-form">
                      <CsrfField token={csrf} />
                      <select name="category" aria-label={tr.t('feeds.category')}>
                        {categoryOptions(s.categoryId)}
                      </select>
                      <button type="submit">{tr.t('feeds.move')}</button>
                    </form>
                  </td>
                  <td>
                    <form method="post" action={`/feeds/${s.feedId}/rename`} class="inline-form">
                      <CsrfField token={csrf} />
                      <input
                        type="text"
                        name="title"
                        value={s.title}
                        maxlength={300}
                        aria-label={tr.t('feeds.rename')}
                      />
                      <button type="submit">{tr.t('feeds.rename')}</button>
                    </form>
                  </td>
                  <td>
                    <form method="post" action={`/feeds/${s.feedId}/unsubscribe`} class="inline-form">
                      <CsrfField token={csrf} />
                      <button type="submit">{tr.t('feeds.unsubscribe')}</button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </section>
      <ImportExportSection tr={tr} csrf={csrf} />
    </Layout>,
    status,
  );
}

async function categoryIdFrom(c: Context<AppEnv>, raw: string): Promise<number | null | 'invalid'> {
  if (!raw) return null;
  if (!/^[0-9]{1,10}$/.test(raw)) return 'invalid';
  const cat = await categoryById(c.get('deps').database.db, c.get('user')!.id, Number(raw));
  return cat ? cat.id : 'invalid';
}

/** The fetch options of the "add a feed" form; empty fields are left out. */
export function fetchOptionsFromForm(form: Record<string, unknown>): FetchOptions {
  const options: FetchOptions = {};
  const username = field(form, 'http_user');
  const password = field(form, 'http_pass');
  if (username || password) Object.assign(options, { username, password });
  const userAgent = field(form, 'user_agent').trim();
  if (userAgent) options.userAgent = userAgent;
  const cookie = field(form, 'cookie').trim();
  if (cookie) options.cookie = cookie;
  const proxy = field(form, 'proxy').trim();
  if (proxy) options.proxy = proxy;
  if (field(form, 'insecure_tls') === '1') options.insecureTls = true;
  const headers: Record<string, string> = {};
  for (const line of field(form, 'headers').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m && m[2]) headers[m[1]!] = m[2];
  }
  if (Object.keys(headers).length) options.headers = headers;
  return options;
}

export async function feedAddAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const tr = c.get('tr');
  const categoryId = await categoryIdFrom(c, field(form, 'category'));
  if (categoryId === 'invalid') return c.notFound();
  const result = await feedAdd(c.get('deps'), {
    userId: c.get('user')!.id,
    url: field(form, 'url'),
    categoryId,
    options: fetchOptionsFromForm(form),
  });
  switch (result.kind) {
    case 'added':
      return c.redirect(`/?s=f${result.feedId}`, 303);
    case 'already':
      return subscriptionsPage(c, { kind: 'error', text: tr.t('feeds.already') }, 400);
    case 'invalid-url':
      return subscriptionsPage(c, { kind: 'error', text: tr.t('feeds.invalidUrl') }, 400);
    case 'not-found':
      return subscriptionsPage(
        c,
        { kind: 'error', text: tr.t('feeds.notFeed', { reason: result.reason }) },
        400,
      );
  }
}

export async function feedMoveAction(c: Context<AppEnv>) {
  const feedId = idParam(c);
  const form = await c.req.parseBody();
  const categoryId = await categoryIdFrom(c, field(form, 'category'));
  if (feedId === null || categoryId === 'invalid') return c.notFound();
  await moveSubscription(c.get('deps').database.db, c.get('user')!.id, feedId, categoryId);
  // Drag-and-drop (client/subscriptions-drag.ts) moves the row in place and wants JSON.
  if ((c.req.header('accept') ?? '').includes('application/json'))
    return c.json({ ok: true, feedId, categoryId });
  return c.redirect('/subscriptions', 303);
}

export async function feedRenameAction(c: Context<AppEnv>) {
  const feedId = idParam(c);
  if (feedId === null) return c.notFound();
  const title = field(await c.req.parseBody(), 'title')
    .trim()
    .slice(0, 300);
  await renameSubscription(c.get('deps').database.db, c.get('user')!.id, feedId, title || null);
  return c.redirect('/subscriptions', 303);
}

export async function feedUnsubscribeAction(c: Context<AppEnv>) {
  const feedId = idParam(c);
  if (feedId === null) return c.notFound();
  await unsubscribe(c.get('deps').database.db, c.get('user')!.id, feedId);
  return subscriptionsPage(c, { kind: 'ok', text: c.get('tr').t('feeds.unsubscribed') });
}

export async function categoryCreateAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const name = field(form, 'name').trim().slice(0, 200);
  if (!name) return subscriptionsPage(c, { kind: 'error', text: c.get('tr').t('categories.empty') }, 400);
  // An OPML address makes it a dynamic category, checked at once (src/http/ui/category-opml.tsx).
  const opmlUrl = opmlUrlFromForm(field(form, 'opml_url'));
  if (opmlUrl === null)
    return subscriptionsPage(c, { kind: 'error', text: c.get('tr').t('categories.opmlInvalid') }, 400);
  const deps = c.get('deps');
  const category = await ensureCategory(deps.database.db, c.get('user')!.id, name);
  if (opmlUrl === '') return c.redirect('/subscriptions', 303);
  await setCategoryOpmlUrl(deps.database.db, {
    userId: category.user_id,
    categoryId: category.id,
    url: opmlUrl,
    now: deps.now(),
  });
  return checkAndShow(c, category);
}

export async function categoryRenameAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const name = field(await c.req.parseBody(), 'name')
    .trim()
    .slice(0, 200);
  if (!name) return subscriptionsPage(c, { kind: 'error', text: c.get('tr').t('categories.empty') }, 400);
  const ok = await renameCategory(c.get('deps').database.db, c.get('user')!.id, id, name);
  if (!ok) return subscriptionsPage(c, { kind: 'error', text: c.get('tr').t('categories.exists') }, 400);
  return c.redirect('/subscriptions', 303);
}

export async function categoryDeleteAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  await deleteCategory(c.get('deps').database.db, c.get('user')!.id, id);
  return c.redirect('/subscriptions', 303);
}
