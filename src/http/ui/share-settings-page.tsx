// GET /settings/sharing — the user's sharing services (FreshRSS's "Sharing" settings): the
// ordered list with move up / move down / remove buttons, a form to add one (a built-in type,
// with the instance address for self-hosted ones, or a custom URL template with ~LINK~ and
// ~TITLE~), and "restore the default list". Every action is a plain form: no JavaScript needed.
// Stored in the reading settings (users.settings JSON, key `share`).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { MessageKey } from '../../i18n/en.ts';
import {
  DEFAULT_SHARE_SERVICES,
  MAX_SHARE_SERVICES,
  SHARE_TYPES,
  validShareService,
  type ShareService,
  type ShareType,
} from '../../model/share-services.ts';
import { readingSettingsForUser, saveReadingSettings } from '../../storage/reading-settings.ts';
import { shareServiceLabel } from '../views/entry-parts.tsx';
import { CsrfField, Layout } from '../views/layout.tsx';

type Message = { kind: 'ok' | 'error'; text: string } | null;

const GROUPS: { key: MessageKey; types: ShareType[] }[] = [
  { key: 'share.group.instance', types: ['mastodon', 'shaarli', 'wallabag', 'linkding', 'diaspora'] },
  {
    key: 'share.group.public',
    types: ['bluesky', 'telegram', 'whatsapp', 'pinboard', 'instapaper', 'archiveorg', 'custom'],
  },
  { key: 'share.group.browser', types: ['clipboard', 'email', 'print', 'native'] },
];

export async function shareSettingsPage(
  c: Context<AppEnv>,
  message: Message = null,
  status: 200 | 400 = 200,
  typed: { type?: string; name?: string; url?: string } = {},
) {
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const { share } = await readingSettingsForUser(c.get('deps').database.db, user.id);
  const typeLabel = (t: ShareType) =>
    t === 'custom' || t === 'clipboard' || t === 'email' || t === 'print' || t === 'native'
      ? tr.t(`share.type.${t}`)
      : SHARE_TYPES[t].label;
  const selectedType = typed.type ?? 'mastodon';
  return c.html(
    <Layout tr={tr} title={tr.t('share.settings')} csrfToken={csrf} user={user}>
      <h1>{tr.t('share.settings')}</h1>
      <p>
        <a href="/settings">{tr.t('nav.settings')}</a> ·{' '}
        <a href="/settings/reading">{tr.t('reading.link')}</a>
      </p>
      {message && (
        <p
          class={message.kind === 'error' ? 'error' : 'flash'}
          role={message.kind === 'error' ? 'alert' : 'status'}
        >
          {message.text}
        </p>
      )}
      <p>{tr.t('share.intro')}</p>
      <section aria-labelledby="share-list-title">
        <h2 id="share-list-title">{tr.t('share.list')}</h2>
        {share.length === 0 ? (
          <p class="muted">{tr.t('share.empty')}</p>
        ) : (
          <ol class="share-services">
            {share.map((s, i) => (
              <li data-share={s.type}>
                <span class="share-name">{shareServiceLabel(s, tr)}</span>{' '}
                <span class="muted small">
                  {[typeLabel(s.type), s.url].filter((x) => x && x !== shareServiceLabel(s, tr)).join(' · ')}
                </span>
                <span class="share-actions">
                  <ActionButton
                    csrf={csrf}
                    action={`/settings/sharing/${i}/move`}
                    field={['dir', 'up']}
                    label={tr.t('share.moveUp')}
                    service={shareServiceLabel(s, tr)}
                    text="↑"
                    disabled={i === 0}
                  />
                  <ActionButton
                    csrf={csrf}
                    action={`/settings/sharing/${i}/move`}
                    field={['dir', 'down']}
                    label={tr.t('share.moveDown')}
                    service={shareServiceLabel(s, tr)}
                    text="↓"
                    disabled={i === share.length - 1}
                  />
                  <ActionButton
                    csrf={csrf}
                    action={`/settings/sharing/${i}/remove`}
                    label={tr.t('share.remove')}
                    service={shareServiceLabel(s, tr)}
                    text={tr.t('share.remove')}
                  />
                </span>
              </li>
            ))}
          </ol>
        )}
        <form method="post" action="/settings/sharing/reset" class="share-reset">
          <CsrfField token={csrf} />
          <button type="submit">{tr.t('share.reset')}</button>
        </form>
      </section>
      <section aria-labelledby="share-add-title">
        <h2 id="share-add-title">{tr.t('share.add')}</h2>
        <form method="post" action="/settings/sharing" class="stack share-add">
          <CsrfField token={csrf} />
          <label>
            {tr.t('share.type')}
            <select name="type">
              {GROUPS.map((g) => (
                <optgroup label={tr.t(g.key)}>
                  {g.types.map((t) => (
                    <option value={t} selected={selectedType === t}>
                      {typeLabel(t)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </label>
          <label>
            {tr.t('share.name')}
            <input type="text" name="name" maxlength={60} autocomplete="off" value={typed.name ?? ''} />
          </label>
          <label>
            {tr.t('share.url')}
            <input
              type="text"
              name="url"
              inputmode="url"
              maxlength={1000}
              autocomplete="off"
              aria-describedby="share-url-help"
              value={typed.url ?? ''}
            />
          </label>
          <p id="share-url-help" class="muted small">
            {tr.t('share.urlHelp')}
          </p>
          <button type="submit">{tr.t('share.add')}</button>
        </form>
      </section>
    </Layout>,
    status,
  );
}

function ActionButton(props: {
  csrf: string;
  action: string;
  field?: [string, string];
  label: string;
  service: string;
  text: string;
  disabled?: boolean;
}) {
  return (
    <form method="post" action={props.action} class="inline">
      <CsrfField token={props.csrf} />
      {props.field && <input type="hidden" name={props.field[0]} value={props.field[1]} />}
      <button
        type="submit"
        aria-label={`${props.label}: ${props.service}`}
        title={props.label}
        disabled={props.disabled}
      >
        {props.text}
      </button>
    </form>
  );
}

async function saveShare(c: Context<AppEnv>, share: ShareService[]) {
  await saveReadingSettings(c.get('deps').database.db, c.get('user')!.id, { share });
}

async function currentShare(c: Context<AppEnv>): Promise<ShareService[]> {
  return (await readingSettingsForUser(c.get('deps').database.db, c.get('user')!.id)).share;
}

function indexParam(c: Context<AppEnv>, length: number): number | null {
  const raw = c.req.param('index') ?? '';
  if (!/^[0-9]{1,3}$/.test(raw)) return null;
  const i = Number(raw);
  return i < length ? i : null;
}

// Successful changes redirect to the page (reloading it never repeats them); a refused service
// comes back with the form as it was typed and the reason.

/** POST /settings/sharing — adds a service at the end of the list. */
export async function shareServiceAdd(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const tr = c.get('tr');
  const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
  const typed = { type: str('type'), name: str('name'), url: str('url') };
  const share = await currentShare(c);
  if (share.length >= MAX_SHARE_SERVICES)
    return shareSettingsPage(
      c,
      { kind: 'error', text: tr.t('share.error.tooMany', { n: MAX_SHARE_SERVICES }) },
      400,
      typed,
    );
  const result = validShareService(typed);
  if (!result.ok)
    return shareSettingsPage(c, { kind: 'error', text: tr.t(`share.error.${result.error}`) }, 400, typed);
  await saveShare(c, [...share, result.service]);
  return c.redirect('/settings/sharing', 303);
}

/** POST /settings/sharing/:index/move — dir=up|down swaps the service with its neighbour. */
export async function shareServiceMove(c: Context<AppEnv>) {
  const form = await c.req.parseBody();
  const share = await currentShare(c);
  const i = indexParam(c, share.length);
  if (i === null) return c.notFound();
  const j = form.dir === 'up' ? i - 1 : i + 1;
  if (j >= 0 && j < share.length) {
    [share[i], share[j]] = [share[j]!, share[i]!];
    await saveShare(c, share);
  }
  return c.redirect('/settings/sharing', 303);
}

/** POST /settings/sharing/:index/remove */
export async function shareServiceRemove(c: Context<AppEnv>) {
  const share = await currentShare(c);
  const i = indexParam(c, share.length);
  if (i === null) return c.notFound();
  share.splice(i, 1);
  await saveShare(c, share);
  return c.redirect('/settings/sharing', 303);
}

/** POST /settings/sharing/reset */
export async function shareServicesReset(c: Context<AppEnv>) {
  await saveShare(
    c,
    DEFAULT_SHARE_SERVICES.map((s) => ({ ...s })),
  );
  return c.redirect('/settings/sharing', 303);
}
