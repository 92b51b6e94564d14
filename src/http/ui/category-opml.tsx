// Dynamic OPML categories on the subscriptions page: the OPML address of a category, what its
// last check found, and "check now".
// POST /categories/:id/opml — sets (or, empty, removes) the address, then checks it at once.
// POST /categories/:id/opml/refresh — checks it now.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import { checkDynamicCategoryNow, type DynamicOpmlOutcome } from '../../refresh/dynamic-opml.ts';
import { categoryById } from '../../storage/categories.ts';
import {
  dynamicCategoryStatus,
  setCategoryOpmlUrl,
  type DynamicOpmlResult,
} from '../../storage/dynamic-categories.ts';
import type { Category } from '../../storage/schema.ts';
import { CsrfField } from '../views/layout.tsx';
import { safeHttpUrl } from '../views/safe-url.ts';
import { subscriptionsPage } from './subscriptions-page.tsx';

/** An http(s) URL (without fragment), null for anything else; '' stays ''. */
export function opmlUrlFromForm(raw: string): string | null {
  const text = raw.trim();
  if (text === '') return '';
  try {
    const url = new URL(text);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

function resultLines(tr: Translator, result: DynamicOpmlResult): string[] {
  const lines = [
    result.unchanged
      ? tr.t('categories.opmlUnchanged', { listed: result.listed })
      : tr.t('categories.opmlResult', {
          listed: result.listed,
          added: result.added,
          removed: result.removed,
          kept: result.kept,
          elsewhere: result.elsewhere,
        }),
  ];
  if (result.invalid) lines.push(tr.t('categories.opmlInvalidFeeds', { n: result.invalid }));
  return lines;
}

/** The OPML part of a category's entry in the list: address form, last check, "check now". */
export function CategoryOpml(props: { tr: Translator; csrf: string; category: Category }) {
  const { tr, csrf, category } = props;
  const status = dynamicCategoryStatus(category);
  const form = (
    <form method="post" action={`/categories/${category.id}/opml`} class="inline-form">
      <CsrfField token={csrf} />
      <input
        type="text"
        name="opml_url"
        value={category.opml_url ?? ''}
        inputmode="url"
        autocomplete="off"
        maxlength={2000}
        placeholder="https://example.org/feeds.opml"
        aria-label={`${tr.t('categories.opmlUrl')}: ${category.name}`}
      />
      <button type="submit">{tr.t('categories.opmlSave')}</button>
    </form>
  );
  if (!status) {
    return (
      <details class="category-opml">
        <summary>{tr.t('categories.opmlFollow')}</summary>
        {form}
      </details>
    );
  }
  return (
    <div class="category-opml">
      <p class="small">
        {tr.t('categories.opmlFollows', { url: safeHttpUrl(status.url) ?? status.url })}
        {' · '}
        {tr.t('categories.opmlLastCheck', {
          date: status.checkedAt ? tr.dateTime(status.checkedAt) : tr.t('categories.opmlNever'),
        })}
        {status.result && !status.error && (
          <span class="muted"> · {resultLines(tr, status.result).join(' ')}</span>
        )}
      </p>
      {status.error && (
        <p class="error small" role="status">
          {tr.t('categories.opmlError', { error: status.error })}
        </p>
      )}
      {form}
      <form method="post" action={`/categories/${category.id}/opml/refresh`} class="inline-form">
        <CsrfField token={csrf} />
        <button type="submit">{tr.t('categories.opmlRefresh')}</button>
      </form>
    </div>
  );
}

function idParam(c: Context<AppEnv>): number | null {
  const raw = c.req.param('id') ?? '';
  return /^[0-9]{1,10}$/.test(raw) ? Number(raw) : null;
}

/** Checks the category's OPML now and shows the subscriptions page with what happened. */
export async function checkAndShow(c: Context<AppEnv>, category: Category) {
  const deps = c.get('deps');
  const tr = c.get('tr');
  const outcome: DynamicOpmlOutcome | null = await checkDynamicCategoryNow(
    { db: deps.database.db, fetcher: deps.fetcher, log: deps.log, now: deps.now },
    { userId: category.user_id, categoryId: category.id },
  );
  if (outcome === null) return c.notFound();
  switch (outcome.kind) {
    case 'busy':
      return subscriptionsPage(c, { kind: 'error', text: tr.t('categories.opmlBusy') });
    case 'error':
      return subscriptionsPage(c, {
        kind: 'error',
        text: `${tr.t('categories.opmlChecked', { name: category.name })} ${tr.t('categories.opmlError', { error: outcome.message })}`,
      });
    case 'ok':
      return subscriptionsPage(c, {
        kind: 'ok',
        text: tr.t('categories.opmlChecked', { name: category.name }),
        details: resultLines(tr, outcome.result),
      });
  }
}

export async function categoryOpmlSaveAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const deps = c.get('deps');
  const user = c.get('user')!;
  const tr = c.get('tr');
  const category = await categoryById(deps.database.db, user.id, id);
  if (!category) return c.notFound();
  const form = await c.req.parseBody();
  const url = opmlUrlFromForm(typeof form.opml_url === 'string' ? form.opml_url : '');
  if (url === null) return subscriptionsPage(c, { kind: 'error', text: tr.t('categories.opmlInvalid') }, 400);
  await setCategoryOpmlUrl(deps.database.db, {
    userId: user.id,
    categoryId: id,
    url: url === '' ? null : url,
    now: deps.now(),
  });
  if (url === '') {
    if (!category.opml_url) return c.redirect('/subscriptions', 303);
    return subscriptionsPage(c, {
      kind: 'ok',
      text: tr.t('categories.opmlStopped', { name: category.name }),
    });
  }
  return checkAndShow(c, category);
}

export async function categoryOpmlRefreshAction(c: Context<AppEnv>) {
  const id = idParam(c);
  if (id === null) return c.notFound();
  const category = await categoryById(c.get('deps').database.db, c.get('user')!.id, id);
  if (!category?.opml_url) return c.notFound();
  return checkAndShow(c, category);
}
