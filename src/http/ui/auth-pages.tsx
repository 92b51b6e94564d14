// First-run setup (the administrator account), login and logout.
// Setup is accepted from a loopback client, or from elsewhere with the one-time code printed
// by `veille serve`, so that nobody on the internet can take over a fresh instance.
import { NewPasswordFields, newCredentialsError } from '../views/new-password-fields.tsx';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env.ts';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import { createSession, deleteSession, hashSessionToken } from '../../storage/sessions.ts';
import { describeSession } from '../../storage/account-sessions.ts';
import { instanceSettings } from '../../storage/instance-settings.ts';
import { countUsers, createUser, userByName } from '../../storage/users.ts';
import { CsrfField, Layout } from '../views/layout.tsx';
import { SESSION_COOKIE, SHORT_SESSION_LIFETIME_MS } from '../middleware/session.ts';

/** The client's address as the socket sees it (no proxy headers trusted here). */
export function clientAddress(c: Context<AppEnv>): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}

export function isLoopback(address: string | null): boolean {
  if (!address) return false;
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v : '';
}

/**
 * Starts a new session (a fresh token: rotation at every login). "Keep me logged in" gives a
 * lasting cookie bounded by VEILLE_SESSION_DAYS; otherwise the cookie ends with the browser and
 * the session after SHORT_SESSION_LIFETIME_MS at most.
 */
export async function startSession(c: Context<AppEnv>, userId: number, persistent = false) {
  const deps = c.get('deps');
  const now = deps.now();
  const lifetimeMs = persistent ? deps.config.sessionDays * 86_400_000 : SHORT_SESSION_LIFETIME_MS;
  const { token } = await createSession(deps.database.db, {
    userId,
    now,
    lifetimeMs,
    userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
  });
  await describeSession(deps.database.db, hashSessionToken(token), {
    userId,
    ip: c.get('clientIp'),
    persistent,
    now,
  });
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('secureCookies'),
    path: '/',
    ...(persistent ? { maxAge: lifetimeMs / 1000 } : {}),
  });
}

function SetupForm(props: { c: Context<AppEnv>; error?: string; username?: string }) {
  const { c } = props;
  const tr = c.get('tr');
  const needsCode = !isLoopback(clientAddress(c));
  return (
    <Layout tr={tr} title={tr.t('setup.title')} csrfToken={c.get('csrfToken')} user={null}>
      <h1>{tr.t('setup.title')}</h1>
      <p>{tr.t('setup.intro')}</p>
      {needsCode && <p>{tr.t('setup.codeNeeded')}</p>}
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/setup" class="stack">
        <CsrfField token={c.get('csrfToken')} />
        {needsCode && (
          <label>
            {tr.t('setup.code')}
            <input type="text" name="code" required autocomplete="off" />
          </label>
        )}
        <label>
          {tr.t('login.username')}
          <input type="text" name="username" required value={props.username ?? ''} autocomplete="username" />
        </label>
        <NewPasswordFields tr={tr} />
        <button type="submit">{tr.t('setup.submit')}</button>
      </form>
    </Layout>
  );
}

export async function setupPage(c: Context<AppEnv>) {
  if ((await countUsers(c.get('deps').database.db)) > 0) return c.redirect('/login');
  return c.html(<SetupForm c={c} />);
}

export async function setupAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const db = deps.database.db;
  if ((await countUsers(db)) > 0) return c.redirect('/login', 303);
  const tr = c.get('tr');
  const form = await c.req.parseBody();
  const username = field(form, 'username').trim();
  const password = field(form, 'password');
  if (!isLoopback(clientAddress(c))) {
    const code = deps.setupCode.value;
    if (!code || !constantTimeEqual(field(form, 'code').trim(), code)) {
      return c.html(<SetupForm c={c} error={tr.t('setup.badCode')} username={username} />, 403);
    }
  }
  const error = newCredentialsError(tr, { username, password, password2: field(form, 'password2') });
  if (error) return c.html(<SetupForm c={c} error={error} username={username} />, 400);
  const user = await createUser(db, {
    username,
    passwordHash: await hashPassword(password),
    isAdmin: true,
    language: tr.lang,
    now: deps.now(),
  });
  deps.setupCode.value = null;
  deps.log.info('http: administrator account created', { userId: user.id });
  await startSession(c, user.id);
  return c.redirect('/', 303);
}

function LoginForm(props: {
  c: Context<AppEnv>;
  error?: string;
  username?: string;
  registrationOpen?: boolean;
}) {
  const { c } = props;
  const oidc = c.get('deps').config.oidcIssuer && c.get('deps').config.oidcClientId;
  const tr = c.get('tr');
  return (
    <Layout tr={tr} title={tr.t('login.title')} csrfToken={c.get('csrfToken')} user={null}>
      <h1>{tr.t('login.title')}</h1>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action="/login" class="stack">
        <CsrfField token={c.get('csrfToken')} />
        <label>
          {tr.t('login.username')}
          <input type="text" name="username" required value={props.username ?? ''} autocomplete="username" />
        </label>
        <label>
          {tr.t('login.password')}
          <input type="password" name="password" required autocomplete="current-password" />
        </label>
        <label class="check">
          <input type="checkbox" name="remember" value="1" /> {tr.t('login.remember')}
        </label>
        <button type="submit">{tr.t('login.submit')}</button>
      </form>
      {oidc && (
        <form method="post" action="/login/oidc" class="stack">
          <CsrfField token={c.get('csrfToken')} />
          <button type="submit">{tr.t('login.oidc')}</button>
        </form>
      )}
      {props.registrationOpen && (
        <p>
          <a href="/register">{tr.t('login.register')}</a>
        </p>
      )}
    </Layout>
  );
}

export async function loginPage(c: Context<AppEnv>) {
  const db = c.get('deps').database.db;
  if (c.get('user')) return c.redirect('/');
  if ((await countUsers(db)) === 0) return c.redirect('/setup');
  const { registrationOpen } = await instanceSettings(db);
  return c.html(<LoginForm c={c} registrationOpen={registrationOpen} />);
}

/** The login page with an error message (used by single sign-on failures). */
export async function loginErrorPage(c: Context<AppEnv>, error: string, status: 400 | 401 | 403 | 502) {
  const { registrationOpen } = await instanceSettings(c.get('deps').database.db);
  return c.html(<LoginForm c={c} error={error} registrationOpen={registrationOpen} />, status);
}

export async function loginAction(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const form = await c.req.parseBody();
  const username = field(form, 'username').trim();
  const tr = c.get('tr');
  // Brute force: past the limit of failures per address or account, refuse before verifying.
  const limiter = c.get('security').loginLimiter;
  const keys = { ip: c.get('clientIp'), account: username };
  const wait = limiter.retryAfterSeconds(keys, deps.now());
  if (wait > 0) {
    c.header('Retry-After', String(wait));
    return c.html(
      <LoginForm c={c} error={tr.t('login.tooMany', { seconds: wait })} username={username} />,
      429,
    );
  }
  const user = username ? await userByName(deps.database.db, username) : undefined;
  const ok = await verifyPassword(user?.password_hash, field(form, 'password'));
  if (!user || !ok) {
    limiter.recordFailure(keys, deps.now());
    deps.log.info('http: login failed', { ip: keys.ip });
    // The same message and the same work whatever was wrong.
    return c.html(<LoginForm c={c} error={tr.t('login.failed')} username={username} />, 401);
  }
  limiter.recordSuccess(keys);
  if (user.disabled) {
    return c.html(<LoginForm c={c} error={tr.t('login.disabled')} username={username} />, 403);
  }
  // A new session at each login (rotation); the old one, if any, ends.
  const previous = c.get('sessionId');
  if (previous) await deleteSession(deps.database.db, previous);
  await startSession(c, user.id, field(form, 'remember') === '1');
  return c.redirect('/', 303);
}

export async function logoutAction(c: Context<AppEnv>) {
  const sessionId = c.get('sessionId');
  if (sessionId) await deleteSession(c.get('deps').database.db, sessionId);
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
  return c.redirect('/login', 303);
}
