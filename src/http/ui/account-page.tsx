// GET /account — change the password, list and end sessions, delete the account.
// GET/POST /reauth — enter the password again before sensitive actions.
// Every password check here goes through the login rate limiter (per address and account).
import { NewPasswordFields, newCredentialsError } from '../views/new-password-fields.tsx';
import type { Context } from 'hono';
import { deleteCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import {
  markSessionReauthenticated,
  revokeUserSession,
  revokeUserSessions,
  sessionsOfUser,
} from '../../storage/account-sessions.ts';
import { countActiveAdmins, deleteUser, setUserPasswordHash } from '../../storage/user-admin.ts';
import { SESSION_COOKIE } from '../middleware/session.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { formText } from './account-guards.ts';
import { backUrl } from './back-url.ts';

type Check = { ok: true } | { ok: false; status: 401 | 429; message: string; retryAfter?: number };

/** Verifies the signed-in user's password, counting failures like logins do. */
export async function checkOwnPassword(c: Context<AppEnv>, password: string): Promise<Check> {
  const deps = c.get('deps');
  const user = c.get('user')!;
  const tr = c.get('tr');
  const limiter = c.get('security').loginLimiter;
  const keys = { ip: c.get('clientIp'), account: user.username };
  const wait = limiter.retryAfterSeconds(keys, deps.now());
  if (wait > 0)
    return { ok: false, status: 429, message: tr.t('login.tooMany', { seconds: wait }), retryAfter: wait };
  if (!(await verifyPassword(user.password_hash, password))) {
    limiter.recordFailure(keys, deps.now());
    return { ok: false, status: 401, message: tr.t('account.wrongPassword') };
  }
  return { ok: true };
}

function refusal(c: Context<AppEnv>, check: Extract<Check, { ok: false }>) {
  if (check.retryAfter) c.header('Retry-After', String(check.retryAfter));
  return check;
}

export async function accountPage(
  c: Context<AppEnv>,
  notice: { flash?: string; error?: string; status?: 200 | 400 | 401 | 403 | 429 } = {},
) {
  const deps = c.get('deps');
  const tr = c.get('tr');
  const user = c.get('user')!;
  const csrf = c.get('csrfToken');
  const current = c.get('sessionId');
  const sessions = await sessionsOfUser(deps.database.db, user.id, deps.now());
  return c.html(
    <Layout tr={tr} title={tr.t('account.title')} csrfToken={csrf} user={user} flash={notice.flash ?? null}>
      <h1>{tr.t('account.title')}</h1>
      {notice.error && (
        <p class="error" role="alert">
          {notice.error}
        </p>
      )}
      <section>
        <h2>{tr.t('account.password')}</h2>
        <form method="post" action="/account/password" class="stack">
          <CsrfField token={csrf} />
          <label>
            {tr.t('account.currentPassword')}
            <input type="password" name="current" required autocomplete="current-password" />
          </label>
          <NewPasswordFields tr={tr} label="account.newPassword" confirmLabel="account.newPasswordAgain" />
          <button type="submit">{tr.t('settings.save')}</button>
        </form>
      </section>
      <section>
        <h2>{tr.t('account.sessions')}</h2>
        <table class="sessions">
          <thead>
            <tr>
              <th>{tr.t('account.sessionDevice')}</th>
              <th>{tr.t('account.sessionAddress')}</th>
              <th>{tr.t('account.sessionStarted')}</th>
              <th>{tr.t('account.sessionLastSeen')}</th>
              <th>{tr.t('account.sessionExpires')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr data-session={s.id}>
                <td>
                  {s.userAgent ?? '?'}
                  {s.id === current && <strong> ({tr.t('account.sessionThis')})</strong>}
                </td>
                <td>{s.ip ?? ''}</td>
                <td>{tr.dateTime(s.createdAt)}</td>
                <td>{s.lastSeenAt ? tr.dateTime(s.lastSeenAt) : ''}</td>
                <td>{tr.dateTime(s.expiresAt)}</td>
                <td>
                  <form method="post" action={`/account/sessions/${s.id}/revoke`} class="inline">
                    <CsrfField token={csrf} />
                    <button type="submit">{tr.t('account.revoke')}</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/account/sessions/revoke-others" class="inline">
          <CsrfField token={csrf} />
          <button type="submit">{tr.t('account.revokeOthers')}</button>
        </form>
      </section>
      <section>
        <h2>{tr.t('account.delete')}</h2>
        <p>{tr.t('account.deleteWarning')}</p>
        <form method="post" action="/account/delete" class="stack">
          <CsrfField token={csrf} />
          <label>
            {tr.t('account.currentPassword')}
            <input type="password" name="current" required autocomplete="current-password" />
          </label>
          <label class="check">
            <input type="checkbox" name="confirm" value="1" required /> {tr.t('account.deleteConfirm')}
          </label>
          <button type="submit" class="danger">
            {tr.t('account.delete')}
          </button>
        </form>
      </section>
    </Layout>,
    notice.status ?? 200,
  );
}

export async function accountPasswordAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const password = formText(form, 'password');
  const check = await checkOwnPassword(c, formText(form, 'current'));
  if (!check.ok) return accountPage(c, { error: refusal(c, check).message, status: check.status });
  const invalid = newCredentialsError(tr, { password, password2: formText(form, 'password2') });
  if (invalid) return accountPage(c, { error: invalid, status: 400 });
  const user = c.get('user')!;
  const hash = await hashPassword(password);
  await setUserPasswordHash(deps.database.db, user.id, hash);
  c.set('user', { ...user, password_hash: hash });
  // Whoever knew the old password may hold a session: only this one stays.
  await revokeUserSessions(deps.database.db, user.id, c.get('sessionId'));
  deps.log.info('http: password changed', { userId: user.id });
  return accountPage(c, { flash: tr.t('account.passwordChanged') });
}

export async function accountSessionRevoke(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const user = c.get('user')!;
  const id = c.req.param('id') ?? '';
  if (!(await revokeUserSession(deps.database.db, user.id, id))) return c.notFound();
  if (id === c.get('sessionId')) {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  }
  return accountPage(c, { flash: c.get('tr').t('account.revoked') });
}

export async function accountSessionsRevokeOthers(c: Context<AppEnv>) {
  const deps = c.get('deps');
  await revokeUserSessions(deps.database.db, c.get('user')!.id, c.get('sessionId'));
  return accountPage(c, { flash: c.get('tr').t('account.revoked') });
}

export async function accountDeleteAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const user = c.get('user')!;
  const form = await c.req.parseBody();
  const check = await checkOwnPassword(c, formText(form, 'current'));
  if (!check.ok) return accountPage(c, { error: refusal(c, check).message, status: check.status });
  if (formText(form, 'confirm') !== '1')
    return accountPage(c, { error: tr.t('account.deleteWarning'), status: 400 });
  if (user.is_admin && !user.disabled && (await countActiveAdmins(db)) <= 1)
    return accountPage(c, { error: tr.t('account.lastAdmin'), status: 400 });
  await deleteUser(db, user.id);
  deps.log.info('http: account deleted by its user', { userId: user.id });
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  return c.redirect('/login', 303);
}

function ReauthForm(props: { c: Context<AppEnv>; back: string; error?: string }) {
  const { c } = props;
  const tr = c.get('tr');
  return (
    <Layout tr={tr} title={tr.t('reauth.title')} csrfToken={c.get('csrfToken')} user={c.get('user')}>
      <h1>{tr.t('reauth.title')}</h1>
      <p>{tr.t('reauth.intro')}</p>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/reauth" class="stack">
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="back" value={props.back} />
        <label>
          {tr.t('login.password')}
          <input type="password" name="password" required autocomplete="current-password" />
        </label>
        <button type="submit">{tr.t('reauth.submit')}</button>
      </form>
    </Layout>
  );
}

export function reauthPage(c: Context<AppEnv>) {
  return c.html(<ReauthForm c={c} back={backUrl(c.req.query('back'))} />);
}

export async function reauthAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const back = backUrl(form.back);
  const sessionId = c.get('sessionId');
  if (!sessionId) return c.redirect(back, 303);
  const check = await checkOwnPassword(c, formText(form, 'password'));
  if (!check.ok)
    return c.html(<ReauthForm c={c} back={back} error={refusal(c, check).message} />, check.status);
  await markSessionReauthenticated(deps.database.db, sessionId, deps.now());
  return c.redirect(back, 303);
}
