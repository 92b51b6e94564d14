// GET/POST /settings — language and time zone; the API password for apps (set, shown once,
// revoke) and the addresses to paste into them.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import {
  createTranslator,
  isLanguage,
  isTimeZone,
  languageFromAcceptLanguage,
  LANGUAGES,
} from '../../i18n/i18n.ts';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../lib/passwords.ts';
import { clearApiPassword, setApiPassword } from '../../storage/api-passwords.ts';
import { updateUserSettings, userById } from '../../storage/users.ts';
import { CsrfField, Layout } from '../views/layout.tsx';

const TIME_ZONES: string[] = (
  Intl as unknown as { supportedValuesOf?: (k: string) => string[] }
).supportedValuesOf?.('timeZone') ?? ['UTC'];

/** Where apps reach this instance: the configured base URL, else the origin of the request. */
function publicBase(c: Context<AppEnv>): string {
  const base = c.get('deps').config.baseUrl;
  return (base ?? new URL(c.req.url).origin).replace(/\/+$/, '');
}

function ApiPasswordSection(props: { c: Context<AppEnv>; newPassword: string | null; error: string | null }) {
  const { c } = props;
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const base = publicBase(c);
  return (
    <section id="api-password" class="stack">
      <h2>{tr.t('settings.api.title')}</h2>
      <p>{tr.t('settings.api.intro')}</p>
      <dl>
        <dt>{tr.t('settings.api.username')}</dt>
        <dd>
          <code>{user.username}</code>
        </dd>
        <dt>{tr.t('settings.api.greaderUrl')}</dt>
        <dd>
          <code data-api="greader">{`${base}/api/greader.php`}</code>
        </dd>
        <dt>{tr.t('settings.api.feverUrl')}</dt>
        <dd>
          <code data-api="fever">{`${base}/api/fever.php`}</code>
        </dd>
      </dl>
      <p>{tr.t('settings.api.feverKey')}</p>
      {props.newPassword ? (
        <p class="flash" role="status">
          {tr.t('settings.api.shownOnce')} <code data-api="new-password">{props.newPassword}</code>
        </p>
      ) : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <p>
        {user.api_password_set_at
          ? tr.t('settings.api.isSet', { date: tr.dateTime(user.api_password_set_at) })
          : tr.t('settings.api.none')}
      </p>
      <form method="post" action="/settings/api-password" class="stack">
        <CsrfField token={csrf} />
        <label>
          {tr.t('settings.api.new')}
          <input type="password" name="api_password" autocomplete="new-password" />
        </label>
        <button type="submit">{tr.t('settings.api.set')}</button>
      </form>
      {user.api_password_set_at ? (
        <form method="post" action="/settings/api-password/revoke">
          <CsrfField token={csrf} />
          <button type="submit">{tr.t('settings.api.revoke')}</button>
        </form>
      ) : null}
    </section>
  );
}

export function settingsPage(
  c: Context<AppEnv>,
  saved = false,
  api: { newPassword?: string | null; error?: string | null; flash?: string | null } = {},
) {
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
      flash={api.flash ?? (saved ? tr.t('settings.saved') : null)}
    >
      <h1>{tr.t('settings.title')}</h1>
      <p>
        <a href="/settings/reading">{tr.t('reading.link')}</a>
        {' · '}
        <a href="/settings/sharing">{tr.t('share.settingsLink')}</a>
        {' · '}
        <a href="/statistics">{tr.t('nav.statistics')}</a>
        {' · '}
        <a href="/settings/filters">{tr.t('filters.link')}</a>
      </p>
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
      <ApiPasswordSection c={c} newPassword={api.newPassword ?? null} error={api.error ?? null} />
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

/** POST /settings/api-password — sets the given API password, or generates one; shown once. */
export async function apiPasswordAction(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const tr = c.get('tr');
  const user = c.get('user')!;
  const db = c.get('deps').database.db;
  const typed = typeof form.api_password === 'string' ? form.api_password : '';
  if (typed && typed.length < MIN_PASSWORD_LENGTH)
    return settingsPage(c, false, { error: tr.t('settings.api.tooShort', { n: MIN_PASSWORD_LENGTH }) });
  // 20 characters from an alphabet without look-alikes: about 115 bits.
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const password = typed || [...randomBytes(20)].map((b) => alphabet[b % alphabet.length]).join('');
  await setApiPassword(db, {
    userId: user.id,
    passwordHash: await hashPassword(password),
    feverApiKey: createHash('md5').update(`${user.username}:${password}`, 'utf8').digest('hex'),
    now: c.get('deps').now(),
  });
  c.set('user', (await userById(db, user.id)) ?? user);
  return settingsPage(c, false, { newPassword: password });
}

/** POST /settings/api-password/revoke — apps are logged out at once (tokens derive from it). */
export async function apiPasswordRevokeAction(c: Context<AppEnv>) {
  const user = c.get('user')!;
  const db = c.get('deps').database.db;
  await clearApiPassword(db, user.id);
  c.set('user', (await userById(db, user.id)) ?? user);
  return settingsPage(c, false, { flash: c.get('tr').t('settings.api.revoked') });
}
