// GET/POST /register — self-registration, when an administrator opened it, up to the maximum
// number of accounts. New accounts are never administrators.
import { NewPasswordFields, newCredentialsError } from '../views/new-password-fields.tsx';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { instanceSettings } from '../../storage/instance-settings.ts';
import { countUsers, createUser, userByName } from '../../storage/users.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { formText } from './account-guards.ts';
import { startSession } from './auth-pages.tsx';

/** null when registration is possible, else the message saying why not. */
async function registrationRefusal(c: Context<AppEnv>): Promise<string | null> {
  const db = c.get('deps').database.db;
  const tr = c.get('tr');
  const settings = await instanceSettings(db);
  if (!settings.registrationOpen) return tr.t('register.closed');
  if (settings.maxAccounts !== null && (await countUsers(db)) >= settings.maxAccounts)
    return tr.t('register.full');
  return null;
}

function RegisterForm(props: { c: Context<AppEnv>; error?: string; closed?: boolean; username?: string }) {
  const { c } = props;
  const tr = c.get('tr');
  return (
    <Layout tr={tr} title={tr.t('register.title')} csrfToken={c.get('csrfToken')} user={null}>
      <h1>{tr.t('register.title')}</h1>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {!props.closed && (
        <form method="post" action="/register" class="stack">
          <CsrfField token={c.get('csrfToken')} />
          <label>
            {tr.t('login.username')}
            <input
              type="text"
              name="username"
              required
              value={props.username ?? ''}
              autocomplete="username"
            />
          </label>
          <NewPasswordFields tr={tr} />
          <button type="submit">{tr.t('setup.submit')}</button>
        </form>
      )}
    </Layout>
  );
}

export async function registerPage(c: Context<AppEnv>) {
  if (c.get('user')) return c.redirect('/');
  const refusal = await registrationRefusal(c);
  if (refusal) return c.html(<RegisterForm c={c} error={refusal} closed />, 403);
  return c.html(<RegisterForm c={c} />);
}

export async function registerAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  const tr = c.get('tr');
  const refusal = await registrationRefusal(c);
  if (refusal) return c.html(<RegisterForm c={c} error={refusal} closed />, 403);
  const form = await c.req.parseBody();
  const username = formText(form, 'username').trim();
  const password = formText(form, 'password');
  const error =
    newCredentialsError(tr, { username, password, password2: formText(form, 'password2') }) ??
    ((await userByName(db, username)) ? tr.t('register.taken') : null);
  if (error) return c.html(<RegisterForm c={c} error={error} username={username} />, 400);
  const user = await createUser(db, {
    username,
    passwordHash: await hashPassword(password),
    isAdmin: false,
    language: tr.lang,
    now: deps.now(),
  });
  deps.log.info('http: account registered', { userId: user.id });
  await startSession(c, user.id);
  return c.redirect('/', 303);
}
