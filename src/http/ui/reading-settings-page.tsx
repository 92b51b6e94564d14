// GET/POST /settings/reading — FreshRSS's Reading and Display settings: default view, sort,
// articles to show, what marks an article read, confirmation and "jump to next", articles per
// page and infinite scroll, content width, theme, what the rows show, notifications, shortcuts.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { MessageKey } from '../../i18n/en.ts';
import {
  readingSettingsFrom,
  SHORTCUT_DEFAULTS,
  type ReadingSettings,
} from '../../model/reading-settings.ts';
import { SORT_KEYS } from '../../model/stream.ts';
import { readingSettingsForUser, saveReadingSettings } from '../../storage/reading-settings.ts';
import { CsrfField, Layout } from '../views/layout.tsx';

function Check(props: { name: keyof ReadingSettings; label: string; checked: boolean }) {
  return (
    <label class="check">
      <input type="checkbox" name={props.name} value="1" checked={props.checked} /> {props.label}
    </label>
  );
}

function Select(props: {
  name: keyof ReadingSettings;
  label: string;
  value: string;
  options: [string, string][];
}) {
  return (
    <label>
      {props.label}
      <select name={props.name}>
        {props.options.map(([v, l]) => (
          <option value={v} selected={props.value === v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
}

export async function readingSettingsPage(c: Context<AppEnv>, saved = false) {
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const s = await readingSettingsForUser(c.get('deps').database.db, user.id);
  const t = (k: MessageKey) => tr.t(k);
  return c.html(
    <Layout
      tr={tr}
      title={t('reading.title')}
      csrfToken={csrf}
      user={user}
      flash={saved ? t('settings.saved') : null}
    >
      <h1>{t('reading.title')}</h1>
      <form method="post" action="/settings/reading" class="stack reading-settings">
        <CsrfField token={csrf} />
        <fieldset>
          <legend>{t('reading.display')}</legend>
          <Select
            name="view"
            label={t('reading.view')}
            value={s.view}
            options={[
              ['normal', t('view.normal')],
              ['reader', t('view.reader')],
              ['global', t('view.global')],
            ]}
          />
          <Select
            name="defaultState"
            label={t('reading.defaultState')}
            value={s.defaultState}
            options={[
              ['adaptive', t('reading.state.adaptive')],
              ['unread', t('reading.state.unread')],
              ['all', t('reading.state.all')],
              ['unread_or_starred', t('reading.state.unreadOrStarred')],
            ]}
          />
          <Select
            name="sort"
            label={t('sort.label')}
            value={s.sort}
            options={SORT_KEYS.map((k) => [k, t(`sort.${k}` as MessageKey)])}
          />
          <Select
            name="order"
            label={t('sort.order')}
            value={s.order}
            options={[
              ['desc', t('sort.desc')],
              ['asc', t('sort.asc')],
            ]}
          />
          <label>
            {t('reading.perPage')}
            <input type="number" name="perPage" min="1" max="200" value={String(s.perPage)} />
          </label>
          <Check name="autoLoadMore" label={t('reading.autoLoadMore')} checked={s.autoLoadMore} />
          <Select
            name="contentWidth"
            label={t('reading.contentWidth')}
            value={s.contentWidth}
            options={[
              ['thin', t('reading.width.thin')],
              ['medium', t('reading.width.medium')],
              ['large', t('reading.width.large')],
              ['none', t('reading.width.none')],
            ]}
          />
          <Select
            name="theme"
            label={t('reading.theme')}
            value={s.theme}
            options={[
              ['auto', t('reading.theme.auto')],
              ['light', t('reading.theme.light')],
              ['dark', t('reading.theme.dark')],
            ]}
          />
          <Check name="showFeedName" label={t('reading.showFeedName')} checked={s.showFeedName} />
          <Check name="showSummary" label={t('reading.showSummary')} checked={s.showSummary} />
          <Check name="showThumbnail" label={t('reading.showThumbnail')} checked={s.showThumbnail} />
        </fieldset>
        <fieldset>
          <legend>{t('reading.markWhen')}</legend>
          <Check name="markOnOpen" label={t('reading.markOnOpen')} checked={s.markOnOpen} />
          <Check name="markOnSite" label={t('reading.markOnSite')} checked={s.markOnSite} />
          <Check name="markOnScroll" label={t('reading.markOnScroll')} checked={s.markOnScroll} />
          <Check name="markOnFocus" label={t('reading.markOnFocus')} checked={s.markOnFocus} />
          <Check name="confirmMarkAll" label={t('reading.confirmMarkAll')} checked={s.confirmMarkAll} />
          <Check name="jumpNext" label={t('reading.jumpNext')} checked={s.jumpNext} />
        </fieldset>
        <fieldset>
          <legend>{t('reading.live')}</legend>
          <label>
            {t('reading.pollSeconds')}
            <input type="number" name="pollSeconds" min="15" max="3600" value={String(s.pollSeconds)} />
          </label>
          <Check name="notify" label={t('reading.notify')} checked={s.notify} />
        </fieldset>
        <fieldset class="shortcuts">
          <legend>{t('reading.shortcuts')}</legend>
          {Object.entries(SHORTCUT_DEFAULTS).map(([action, key]) => (
            <label>
              {t(`shortcut.${action}` as MessageKey)}
              <input
                type="text"
                name={`shortcut.${action}`}
                value={s.shortcuts[action] ?? key}
                maxlength={16}
                class="shortcut-input"
              />
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('settings.save')}</button>
      </form>
    </Layout>,
  );
}

export async function readingSettingsAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : undefined);
  const num = (k: string) => (str(k) && /^[0-9]{1,5}$/.test(str(k)!) ? Number(str(k)) : undefined);
  const checked = (k: string) => form[k] === '1';
  const shortcuts: Record<string, string> = {};
  for (const [action, key] of Object.entries(SHORTCUT_DEFAULTS)) {
    const v = str(`shortcut.${action}`);
    if (v !== undefined && v !== key && v.length > 0) shortcuts[action] = v;
  }
  const parsed: Partial<ReadingSettings> = readingSettingsFrom({
    view: str('view'),
    sort: str('sort'),
    order: str('order'),
    defaultState: str('defaultState'),
    perPage: num('perPage'),
    pollSeconds: num('pollSeconds'),
    contentWidth: str('contentWidth'),
    theme: str('theme'),
    autoLoadMore: checked('autoLoadMore'),
    showFeedName: checked('showFeedName'),
    showSummary: checked('showSummary'),
    showThumbnail: checked('showThumbnail'),
    markOnOpen: checked('markOnOpen'),
    markOnSite: checked('markOnSite'),
    markOnScroll: checked('markOnScroll'),
    markOnFocus: checked('markOnFocus'),
    confirmMarkAll: checked('confirmMarkAll'),
    jumpNext: checked('jumpNext'),
    notify: checked('notify'),
    shortcuts,
  });
  // The sharing services have their own page (/settings/sharing): this form leaves them as they are.
  delete parsed.share;
  await saveReadingSettings(c.get('deps').database.db, c.get('user')!.id, parsed);
  return readingSettingsPage(c, true);
}
