// GET/POST /settings — language and time zone.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import {
  createTranslator,
  isLanguage,
  isTimeZone,
  languageFromAcceptLanguage,
  LANGUAGES,
} from '../../i18n/i18n.ts';
import { updateUserSettings } from '../../storage/users.ts';
import { CsrfField, Layout } from '../views/layout.tsx';

const TIME_ZONES: string[] = (
  Intl as unknown as { supportedValuesOf?: (k: string) => string[] }
).supportedValuesOf?.('timeZone') ?? ['UTC'];

export function settingsPage(c: Context<AppEnv>, saved = false) {
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const zones = TIME_ZONES.includes('UTC') ? TIME_ZONES : ['UTC', ...TIME_ZONES];
  return c.html(
    <Layout
      tr={tr}
      title={tr.t('settings.title')}
      csrfToken={csrf}
      user={user}
      flash={saved ? tr.t('settings.saved') : null}
    >
      <h1>{tr.t('settings.title')}</h1>
      <form method="post" action="/settings" class="stack">
        <CsrfField token={csrf} />
        <label>
          {tr.t('settings.language')}
          <select name="language">
            <option value="" selected={!user.language}>
              {tr.t('settings.auto')}
            </option>
            {Object.entries(LANGUAGES).map(([code, l]) => (
              <option value={code} selected={user.language === code} lang={code}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tr.t('settings.timezone')}
          <select name="timezone">
            {zones.map((z) => (
              <option value={z} selected={(user.timezone || 'UTC') === z}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{tr.t('settings.save')}</button>
      </form>
    </Layout>,
  );
}

export async function settingsAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const language = typeof form.language === 'string' && isLanguage(form.language) ? form.language : null;
  const timezone = typeof form.timezone === 'string' && isTimeZone(form.timezone) ? form.timezone : null;
  const user = c.get('user')!;
  await updateUserSettings(c.get('deps').database.db, user.id, { language, timezone });
  const updated = { ...user, language, timezone };
  c.set('user', updated);
  c.set(
    'tr',
    createTranslator(
      language ?? languageFromAcceptLanguage(c.req.header('accept-language')),
      timezone ?? 'UTC',
    ),
  );
  return settingsPage(c, true);
}
