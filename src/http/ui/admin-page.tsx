// GET /admin — accounts (last activity, feeds, articles, storage, single sign-on identity) and
// instance settings; POST /admin/… — create, disable/enable, promote/demote, delete users; tie an
// account to an OpenID Connect identity or untie it (/admin/oidc/link, /admin/oidc/unlink); save
// settings.
// Administrators only, with a recent password entry (see account-guards.ts). At least one
// enabled administrator always remains.
import { NewPasswordFields, newCredentialsError } from '../views/new-password-fields.tsx';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import type { Translator } from '../../i18n/i18n.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { instanceSettings, saveInstanceSettings } from '../../storage/instance-settings.ts';
import {
  countActiveAdmins,
  deleteUser,
  setUserAdmin,
  setUserDisabled,
  userSummaries,
} from '../../storage/user-admin.ts';
import { createUser, userById, userByName } from '../../storage/users.ts';
import {
  externalIdsByUser,
  linkOidcIdentity,
  OidcLinkError,
  oidcIdentityOf,
  unlinkExternalId,
} from '../../storage/external-users.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { formText } from './account-guards.ts';

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** An account's single sign-on identity (issuer and subject) with its "untie" button, or "none". */
function SsoIdentity(props: { tr: Translator; csrf: string; userId: number; externalId: string | null }) {
  const { tr } = props;
  if (props.externalId === null) return <>{tr.t('admin.ssoNone')}</>;
  const identity = oidcIdentityOf(props.externalId);
  return (
    <>
      {identity ? (
        <span class="sso-identity">
          <span class="sso-subject">{identity.subject}</span> ·{' '}
          <span class="sso-issuer">{identity.issuer}</span>
        </span>
      ) : (
        <span class="sso-identity">{props.externalId}</span>
      )}{' '}
      <form method="post" action="/admin/oidc/unlink" class="inline">
        <CsrfField token={props.csrf} />
        <input type="hidden" name="user" value={String(props.userId)} />
        <button type="submit">{tr.t('admin.ssoUnlink')}</button>
      </form>
    </>
  );
}

export async function adminPage(
  c: Context<AppEnv>,
  notice: { flash?: string; error?: string; status?: 200 | 400 | 404 } = {},
) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const csrf = c.get('csrfToken');
  const me = c.get('user')!;
  const [users, settings, identities] = await Promise.all([
    userSummaries(db),
    instanceSettings(db),
    externalIdsByUser(db),
  ]);
  const action = (id: number, verb: string, label: string, danger = false) => (
    <form method="post" action={`/admin/users/${id}/${verb}`} class="inline">
      <CsrfField token={csrf} />
      <button type="submit" class={danger ? 'danger' : ''}>
        {label}
      </button>
    </form>
  );
  return c.html(
    <Layout tr={tr} title={tr.t('admin.title')} csrfToken={csrf} user={me} flash={notice.flash ?? null}>
      <h1>{tr.t('admin.title')}</h1>
      {notice.error && (
        <p class="error" role="alert">
          {notice.error}
        </p>
      )}
      <h2>{tr.t('admin.users')}</h2>
      <table class="users">
        <thead>
          <tr>
            <th>{tr.t('admin.username')}</th>
            <th>{tr.t('admin.role')}</th>
            <th>{tr.t('admin.lastSeen')}</th>
            <th>{tr.t('admin.feeds')}</th>
            <th>{tr.t('admin.entries')}</th>
            <th>{tr.t('admin.storage')}</th>
            <th>{tr.t('admin.sso')}</th>
            <th>{tr.t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr data-user={u.username}>
              <td>{u.username}</td>
              <td>
                {u.isAdmin ? tr.t('admin.roleAdmin') : tr.t('admin.roleUser')}
                {u.disabled && <> · {tr.t('admin.disabled')}</>}
              </td>
              <td>{u.lastSeenAt ? tr.dateTime(u.lastSeenAt) : tr.t('admin.never')}</td>
              <td class="num">{tr.number(u.feeds)}</td>
              <td class="num">{tr.number(u.entries)}</td>
              <td class="num">{bytesText(u.storageBytes)}</td>
              <td class="sso">
                <SsoIdentity tr={tr} csrf={csrf} userId={u.id} externalId={identities.get(u.id) ?? null} />
              </td>
              <td>
                {u.disabled
                  ? action(u.id, 'enable', tr.t('admin.enable'))
                  : action(u.id, 'disable', tr.t('admin.disable'))}
                {u.isAdmin
                  ? action(u.id, 'demote', tr.t('admin.demote'))
                  : action(u.id, 'promote', tr.t('admin.promote'))}
                {action(u.id, 'delete', tr.t('admin.delete'), true)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{tr.t('admin.create')}</h2>
      <form method="post" action="/admin/users" class="stack">
        <CsrfField token={csrf} />
        <label>
          {tr.t('login.username')}
          <input type="text" name="username" required autocomplete="off" />
        </label>
        <NewPasswordFields tr={tr} confirm={false} />
        <label class="check">
          <input type="checkbox" name="admin" value="1" /> {tr.t('admin.createAdmin')}
        </label>
        <button type="submit">{tr.t('admin.create')}</button>
      </form>
      <h2>{tr.t('admin.ssoLinkTitle')}</h2>
      <p>{tr.t('admin.ssoHelp')}</p>
      <form method="post" action="/admin/oidc/link" class="stack">
        <CsrfField token={csrf} />
        <label>
          {tr.t('admin.username')}
          <select name="user" required>
            {users.map((u) => (
              <option value={String(u.id)}>{u.username}</option>
            ))}
          </select>
        </label>
        <label>
          {tr.t('admin.ssoIssuer')}
          <input type="url" name="issuer" required value={deps.config.oidcIssuer ?? ''} autocomplete="off" />
        </label>
        <label>
          {tr.t('admin.ssoSubject')}
          <input type="text" name="subject" required maxlength={255} autocomplete="off" />
        </label>
        <button type="submit">{tr.t('admin.ssoLink')}</button>
      </form>
      <h2>{tr.t('admin.instance')}</h2>
      <form method="post" action="/admin/settings" class="stack">
        <CsrfField token={csrf} />
        <label class="check">
          <input type="checkbox" name="registration" value="1" checked={settings.registrationOpen} />{' '}
          {tr.t('admin.registration')}
        </label>
        <label>
          {tr.t('admin.maxAccounts')}
          <input type="number" name="max_accounts" min="1" value={settings.maxAccounts?.toString() ?? ''} />
        </label>
        <label>
          {tr.t('admin.anonymous')}
          <select name="anonymous_user">
            <option value="">{tr.t('admin.anonymousNobody')}</option>
            {users.map((u) => (
              <option value={String(u.id)} selected={settings.anonymousUserId === u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{tr.t('admin.save')}</button>
      </form>
    </Layout>,
    notice.status ?? 200,
  );
}

export async function adminUserCreate(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const username = formText(form, 'username').trim();
  const password = formText(form, 'password');
  const invalid = newCredentialsError(tr, { username, password });
  if (invalid) return adminPage(c, { error: invalid, status: 400 });
  if (await userByName(db, username)) return adminPage(c, { error: tr.t('register.taken'), status: 400 });
  const user = await createUser(db, {
    username,
    passwordHash: await hashPassword(password),
    isAdmin: formText(form, 'admin') === '1',
    now: deps.now(),
  });
  deps.log.info('http: user created by an administrator', { userId: user.id, by: c.get('user')!.id });
  return adminPage(c, { flash: tr.t('admin.created', { name: username }) });
}

const VERBS = ['disable', 'enable', 'promote', 'demote', 'delete'] as const;
type Verb = (typeof VERBS)[number];

export async function adminUserAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const verb = c.req.param('verb') as Verb;
  const raw = c.req.param('id') ?? '';
  if (!VERBS.includes(verb) || !/^[0-9]{1,10}$/.test(raw)) return c.notFound();
  const target = await userById(db, Number(raw));
  if (!target) return c.notFound();
  // Would this leave no enabled administrator?
  const removesAdmin = verb === 'disable' || verb === 'demote' || verb === 'delete';
  if (removesAdmin && target.is_admin && !target.disabled && (await countActiveAdmins(db)) <= 1)
    return adminPage(c, { error: tr.t('account.lastAdmin'), status: 400 });
  if (verb === 'disable' || verb === 'enable') await setUserDisabled(db, target.id, verb === 'disable');
  else if (verb === 'promote' || verb === 'demote') await setUserAdmin(db, target.id, verb === 'promote');
  else await deleteUser(db, target.id);
  deps.log.info('http: administrator changed a user', {
    userId: target.id,
    action: verb,
    by: c.get('user')!.id,
  });
  if (target.id === c.get('user')!.id && verb !== 'promote' && verb !== 'enable') return c.redirect('/', 303);
  return adminPage(c, { flash: tr.t('admin.done') });
}

export async function adminSettingsSave(c: Context<AppEnv>) {
  const db = c.get('deps').database.db;
  const form = await c.req.parseBody();
  const max = formText(form, 'max_accounts').trim();
  const anon = formText(form, 'anonymous_user');
  const anonymousUser = /^[0-9]{1,10}$/.test(anon) ? await userById(db, Number(anon)) : undefined;
  await saveInstanceSettings(db, {
    registrationOpen: formText(form, 'registration') === '1',
    maxAccounts: /^[0-9]{1,9}$/.test(max) && Number(max) > 0 ? Number(max) : null,
    anonymousUserId: anonymousUser?.id ?? null,
  });
  return adminPage(c, { flash: c.get('tr').t('admin.saved') });
}

/** POST /admin/oidc/link: ties the chosen account to the OpenID Connect identity (issuer, subject). */
export async function adminOidcLink(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const raw = formText(form, 'user');
  const target = /^[0-9]{1,10}$/.test(raw) ? await userById(db, Number(raw)) : undefined;
  if (!target) return adminPage(c, { error: tr.t('admin.ssoNoUser'), status: 400 });
  try {
    await linkOidcIdentity(db, target.id, formText(form, 'issuer'), formText(form, 'subject').trim());
  } catch (err) {
    if (!(err instanceof OidcLinkError)) throw err;
    const error =
      err.problem === 'invalid_issuer'
        ? tr.t('admin.ssoInvalidIssuer')
        : err.problem === 'invalid_subject'
          ? tr.t('admin.ssoInvalidSubject')
          : tr.t('admin.ssoTaken', { name: err.takenBy ?? '' });
    return adminPage(c, { error, status: 400 });
  }
  deps.log.info('http: administrator tied an account to a single sign-on identity', {
    userId: target.id,
    by: c.get('user')!.id,
  });
  return adminPage(c, { flash: tr.t('admin.ssoLinked', { name: target.username }) });
}

/** POST /admin/oidc/unlink: unties the account from its single sign-on identity. */
export async function adminOidcUnlink(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const raw = formText(form, 'user');
  const target = /^[0-9]{1,10}$/.test(raw) ? await userById(db, Number(raw)) : undefined;
  if (!target) return adminPage(c, { error: tr.t('admin.ssoNoUser'), status: 400 });
  await unlinkExternalId(db, target.id);
  deps.log.info('http: administrator untied an account from its single sign-on identity', {
    userId: target.id,
    by: c.get('user')!.id,
  });
  return adminPage(c, { flash: tr.t('admin.ssoUnlinked', { name: target.username }) });
}
