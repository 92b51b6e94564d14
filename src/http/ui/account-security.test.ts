import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../lib/passwords.ts';
import { hashSessionToken } from '../../storage/sessions.ts';
import { createUser } from '../../storage/users.ts';
import { createLoginRateLimiter } from '../middleware/login-rate-limit.ts';
import { createClient, createTestApp } from '../test-app.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Client = ReturnType<typeof createClient>;

const message = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
const flash = (html: string) => /<p class="flash" role="status">([^<]*)<\/p>/.exec(html)?.[1];

async function login(t: TestApp, username: string, password: string, extra: Record<string, string> = {}) {
  const client = createClient(t.app);
  await client.get('/login');
  const res = await client.post('/login', { username, password, ...extra });
  assert.equal(res.res.status, 303, `${username} logs in: ${message(res.text) ?? ''}`);
  await client.get('/');
  return { client, res: res.res };
}

async function addUser(t: TestApp, username: string, password: string, isAdmin = false) {
  return createUser(t.deps.database.db, {
    username,
    passwordHash: await hashPassword(password),
    isAdmin,
    now: Date.now(),
  });
}

describe('login rate limiter (unit)', () => {
  test('counts per account and per address in a sliding minute', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 10, windowMs: 60_000 });
    const t0 = 1_000_000;
    for (let i = 0; i < 10; i++) limiter.recordFailure({ ip: '203.0.113.7', account: `user${i}` }, t0 + i);
    // Ten different accounts from one address: the address is now blocked, for any account.
    assert.ok(limiter.retryAfterSeconds({ ip: '203.0.113.7', account: 'someone' }, t0 + 10) > 0);
    assert.equal(limiter.retryAfterSeconds({ ip: '198.51.100.1', account: 'someone' }, t0 + 10), 0);
    // A minute after the first failures, the window has moved.
    assert.equal(limiter.retryAfterSeconds({ ip: '203.0.113.7', account: 'x' }, t0 + 60_010), 0);
    // Account names are counted case-insensitively, from any address.
    for (let i = 0; i < 10; i++) limiter.recordFailure({ ip: `192.0.2.${i}`, account: 'Alice' }, t0);
    assert.equal(limiter.retryAfterSeconds({ ip: '192.0.2.99', account: 'alice' }, t0 + 1000), 59);
  });

  test('remembers a bounded number of keys', () => {
    const limiter = createLoginRateLimiter({ maxFailures: 2, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.recordFailure({ ip: null, account: `n${i}` }, 0);
    limiter.recordFailure({ ip: null, account: 'n999' }, 1);
    assert.ok(limiter.retryAfterSeconds({ ip: null, account: 'n999' }, 2) > 0);
    assert.equal(
      limiter.retryAfterSeconds({ ip: null, account: 'n0' }, 2),
      0,
      'the oldest keys were dropped',
    );
  });
});

describe('accounts, sessions and administration', () => {
  let t: TestApp;
  let admin: Client;
  before(async () => {
    t = await createTestApp();
    const setup = createClient(t.app);
    await setup.get('/setup');
    const res = await setup.post('/setup', {
      username: 'root',
      password: 'rootpass1',
      password2: 'rootpass1',
      code: 'test-setup-code',
    });
    assert.equal(res.res.status, 303);
    admin = setup;
    await admin.get('/');
  });
  after(() => t.close());

  test('the 11th wrong password in a minute is refused without being checked: 429, a clear message', async () => {
    await addUser(t, 'victim', 'victimpass');
    const attacker = createClient(t.app);
    await attacker.get('/login');
    for (let i = 0; i < 10; i++) {
      const r = await attacker.post('/login', { username: 'victim', password: `guess-${i}` });
      assert.equal(r.res.status, 401);
    }
    // Even the right password is refused now: the limiter answers before any verification.
    const blocked = await attacker.post('/login', { username: 'victim', password: 'victimpass' });
    assert.equal(blocked.res.status, 429);
    assert.match(
      message(blocked.text) ?? '',
      /^Too many failed attempts\. Wait \d+ seconds and try again\.$/,
    );
    assert.ok(Number(blocked.res.headers.get('retry-after')) > 0);
    // Another account is not blocked by this one's failures (no client address in-process).
    await login(t, 'root', 'rootpass1');
  });

  test('the rate limit also counts per client address (socket), across account names', async () => {
    const env = { incoming: { socket: { remoteAddress: '::ffff:203.0.113.50' } } };
    const token = 'A'.repeat(32);
    const post = (username: string, password: string) =>
      t.app.request(
        'http://localhost/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `veille_csrf=${token}` },
          body: new URLSearchParams({ username, password, _csrf: token }).toString(),
        },
        env,
      );
    for (let i = 0; i < 10; i++) assert.equal((await post(`nobody${i}`, 'wrong-pass')).status, 401);
    assert.equal((await post('root', 'rootpass1')).status, 429, 'the address is blocked for every account');
  });

  test('login rotates the session; "keep me logged in" gives a bounded lasting cookie, otherwise a browser-session cookie', async () => {
    const short = await login(t, 'root', 'rootpass1');
    const shortCookie = short.res.headers.getSetCookie().find((c) => c.startsWith('veille_session='))!;
    assert.doesNotMatch(shortCookie, /Max-Age/i);
    const before = short.client.cookies.get('veille_session');
    // Logging in again from the same browser: a new token, and the old one no longer works.
    await short.client.get('/login');
    const again = await short.client.post('/login', {
      username: 'root',
      password: 'rootpass1',
      remember: '1',
    });
    assert.equal(again.res.status, 303);
    const lasting = again.res.headers.getSetCookie().find((c) => c.startsWith('veille_session='))!;
    assert.match(lasting, /Max-Age=2592000/);
    assert.notEqual(short.client.cookies.get('veille_session'), before);
    const old = await t.app.request('http://localhost/subscriptions', {
      headers: { cookie: `veille_session=${before}` },
      redirect: 'manual',
    });
    assert.equal(old.status, 302, 'the pre-login token is dead');
    const rows = await t.deps.database.db
      .selectFrom('sessions')
      .select(['persistent', 'expires_at', 'created_at'])
      .orderBy('created_at', 'desc')
      .execute();
    assert.equal(rows[0]!.persistent, 1);
    assert.equal(rows[0]!.expires_at - rows[0]!.created_at, 30 * 86_400_000);
  });

  test('sessions are listed and can be ended from another session', async () => {
    await addUser(t, 'sam', 'sampass12');
    const laptop = await login(t, 'sam', 'sampass12');
    const phone = await login(t, 'sam', 'sampass12');
    const page = await laptop.client.get('/account');
    const ids = [...page.text.matchAll(/data-session="([0-9a-f]+)"/g)].map((m) => m[1]!);
    assert.equal(ids.length, 2);
    assert.match(page.text, /\(this session\)/);
    const phoneId = ids.find((id) => !new RegExp(`data-session="${id}"><td>[^<]*<strong>`).test(page.text))!;
    const revoked = await laptop.client.post(`/account/sessions/${phoneId}/revoke`, {});
    assert.equal(flash(revoked.text), 'Session ended.');
    assert.equal((await phone.client.get('/subscriptions')).res.status, 302, 'the phone is logged out');
    assert.equal((await laptop.client.get('/subscriptions')).res.status, 200);
    // Another user's session id cannot be ended.
    const other = await login(t, 'root', 'rootpass1');
    const rootPage = await other.client.get('/account');
    const rootId = /data-session="([0-9a-f]+)"/.exec(rootPage.text)![1]!;
    const foreign = await laptop.client.post(`/account/sessions/${rootId}/revoke`, {});
    assert.equal(foreign.res.status, 404);
    assert.equal((await other.client.get('/subscriptions')).res.status, 200);
  });

  test('changing the password needs the current one and ends the other sessions', async () => {
    await addUser(t, 'pat', 'patpass12');
    const a = await login(t, 'pat', 'patpass12');
    const b = await login(t, 'pat', 'patpass12');
    const wrong = await a.client.post('/account/password', {
      current: 'not-it-at-all',
      password: 'newpass123',
      password2: 'newpass123',
    });
    assert.equal(wrong.res.status, 401);
    assert.equal(message(wrong.text), 'The current password is wrong.');
    const ok = await a.client.post('/account/password', {
      current: 'patpass12',
      password: 'newpass123',
      password2: 'newpass123',
    });
    assert.equal(ok.res.status, 200);
    assert.equal(flash(ok.text), 'Password changed. Your other sessions were ended.');
    assert.equal((await b.client.get('/subscriptions')).res.status, 302);
    assert.equal((await a.client.get('/subscriptions')).res.status, 200);
    await login(t, 'pat', 'newpass123');
  });

  test('sensitive pages ask for the password again after a while', async () => {
    const { client } = await login(t, 'root', 'rootpass1');
    assert.equal((await client.get('/admin')).res.status, 200, 'just logged in: no question');
    await t.deps.database.db
      .updateTable('sessions')
      .set({ reauth_at: Date.now() - 3600_000 })
      .where('id', '=', hashSessionToken(client.cookies.get('veille_session')!))
      .execute();
    const asked = await client.get('/admin');
    assert.equal(asked.res.status, 302);
    assert.equal(asked.res.headers.get('location'), '/reauth?back=%2Fadmin');
    const post = await client.post('/admin/users', { username: 'x1', password: 'whatever12' });
    assert.equal(post.res.status, 303);
    assert.match(post.res.headers.get('location')!, /^\/reauth/);
    await client.get('/reauth?back=%2Fadmin');
    const bad = await client.post('/reauth', { password: 'wrong-one', back: '/admin' });
    assert.equal(bad.res.status, 401);
    const good = await client.post('/reauth', { password: 'rootpass1', back: '/admin' });
    assert.equal(good.res.status, 303);
    assert.equal(good.res.headers.get('location'), '/admin');
    assert.equal((await client.get('/admin')).res.status, 200);
  });

  test('the admin page lists users with activity and counts; non-admins are refused', async () => {
    const page = await admin.get('/admin');
    assert.equal(page.res.status, 200);
    assert.match(page.text, /<tr data-user="root"><td>root<\/td><td>administrator<\/td>/);
    assert.match(
      page.text,
      /<tr data-user="sam"><td>sam<\/td><td>user<\/td><td>[^<]*\d{4}[^<]*<\/td><td class="num">0<\/td>/,
    );
    const sam = await login(t, 'sam', 'sampass12');
    assert.equal((await sam.client.get('/admin')).res.status, 403);
    assert.equal(
      (await sam.client.post('/admin/users', { username: 'evil', password: 'evilpass1' })).res.status,
      403,
    );
  });

  test('admins create, disable (sessions end, login refused), enable, promote, demote and delete users; one admin always remains', async () => {
    await admin.get('/admin');
    const created = await admin.post('/admin/users', { username: 'dana', password: 'danapass1' });
    assert.equal(flash(created.text), 'User dana created.');
    const dana = await login(t, 'dana', 'danapass1');
    const danaId = /action="\/admin\/users\/(\d+)\/disable"[^]*?<\/tr>/.exec(
      created.text.slice(created.text.indexOf('data-user="dana"')),
    )![1]!;
    const disabled = await admin.post(`/admin/users/${danaId}/disable`, {});
    assert.match(disabled.text, /<tr data-user="dana"><td>dana<\/td><td>user · disabled<\/td>/);
    assert.equal((await dana.client.get('/subscriptions')).res.status, 302, 'her session ended');
    const refused = createClient(t.app);
    await refused.get('/login');
    const attempt = await refused.post('/login', { username: 'dana', password: 'danapass1' });
    assert.equal(attempt.res.status, 403);
    assert.equal(message(attempt.text), 'This account is disabled.');
    await admin.post(`/admin/users/${danaId}/enable`, {});
    const promoted = await admin.post(`/admin/users/${danaId}/promote`, {});
    assert.match(promoted.text, /<tr data-user="dana"><td>dana<\/td><td>administrator<\/td>/);
    const danaAdmin = await login(t, 'dana', 'danapass1');
    assert.equal((await danaAdmin.client.get('/admin')).res.status, 200, 'two admins now');
    await admin.post(`/admin/users/${danaId}/demote`, {});
    // root is the last admin: it cannot demote, disable or delete itself.
    const rootId = /action="\/admin\/users\/(\d+)\/disable"/.exec(promoted.text)![1]!;
    for (const verb of ['demote', 'disable', 'delete']) {
      const r = await admin.post(`/admin/users/${rootId}/${verb}`, {});
      assert.equal(r.res.status, 400, verb);
      assert.equal(
        message(r.text),
        'The last administrator cannot be removed: promote another account first.',
      );
    }
    const deleted = await admin.post(`/admin/users/${danaId}/delete`, {});
    assert.doesNotMatch(deleted.text, /data-user="dana"/);
    assert.equal((await danaAdmin.client.get('/subscriptions')).res.status, 302);
  });

  test('self-registration: closed by default, then open up to the maximum number of accounts', async () => {
    const visitor = createClient(t.app);
    const closed = await visitor.get('/register');
    assert.equal(closed.res.status, 403);
    assert.equal(message(closed.text), 'Registration is closed on this instance.');
    const count = (await t.deps.database.db.selectFrom('users').select('id').execute()).length;
    await admin.get('/admin');
    await admin.post('/admin/settings', { registration: '1', max_accounts: String(count + 1) });
    const loginPage = await visitor.get('/login');
    assert.match(loginPage.text, /<a href="\/register">Create an account<\/a>/);
    await visitor.get('/register');
    const ok = await visitor.post('/register', {
      username: 'newbie',
      password: 'newbie123',
      password2: 'newbie123',
    });
    assert.equal(ok.res.status, 303);
    assert.equal((await visitor.get('/subscriptions')).res.status, 200, 'logged in as the new user');
    const another = createClient(t.app);
    const full = await another.get('/register');
    assert.equal(full.res.status, 403);
    assert.equal(message(full.text), 'This instance has reached its maximum number of accounts.');
    const admins = await t.deps.database.db
      .selectFrom('users')
      .select('is_admin')
      .where('username', '=', 'newbie')
      .executeTakeFirstOrThrow();
    assert.equal(admins.is_admin, 0);
    await admin.post('/admin/settings', {});
  });

  test('a user deletes their own account with their password; their data goes', async () => {
    await addUser(t, 'leaver', 'leaverpass');
    const { client } = await login(t, 'leaver', 'leaverpass');
    await client.post('/categories', { name: 'Mine' });
    const refused = await client.post('/account/delete', { current: 'bad-password', confirm: '1' });
    assert.equal(refused.res.status, 401);
    const done = await client.post('/account/delete', { current: 'leaverpass', confirm: '1' });
    assert.equal(done.res.status, 303);
    assert.equal(done.res.headers.get('location'), '/login');
    const db = t.deps.database.db;
    assert.equal(
      (await db.selectFrom('users').select('id').where('username', '=', 'leaver').execute()).length,
      0,
    );
    assert.equal(
      (await db.selectFrom('categories').select('id').where('name', '=', 'Mine').execute()).length,
      0,
    );
    const again = createClient(t.app);
    await again.get('/login');
    assert.equal(
      (await again.post('/login', { username: 'leaver', password: 'leaverpass' })).res.status,
      401,
    );
  });
});
