// The API password from the settings page: set (generated, shown once), used by apps through
// both APIs, revoked (apps logged out at once). Browser cookies never authenticate the APIs.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient, createTestApp } from '../../src/http/test-app.ts';

describe('API password (settings page)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let browser: ReturnType<typeof createClient>;
  before(async () => {
    t = await createTestApp({ VEILLE_BASE_URL: 'https://reader.example.org/' });
    browser = createClient(t.app);
    await browser.get('/setup');
    const made = await browser.post('/setup', {
      username: 'alice',
      password: 'password1',
      password2: 'password1',
      code: 'test-setup-code',
    });
    assert.equal(made.res.status, 303);
  });
  after(() => t.close());

  const login = (password: string) =>
    t.app.request('http://localhost/api/greader.php/accounts/ClientLogin', {
      method: 'POST',
      body: new URLSearchParams({ Email: 'alice', Passwd: password }),
    });
  const fever = async (key: string) =>
    (await (
      await t.app.request('http://localhost/api/fever.php?api', {
        method: 'POST',
        body: new URLSearchParams({ api_key: key }),
      })
    ).json()) as { auth: number };

  test('the page shows the exact addresses and no password until one is set', async () => {
    const page = await browser.get('/settings');
    assert.match(
      page.text,
      /<code data-api="greader">https:\/\/reader\.example\.org\/api\/greader\.php<\/code>/,
    );
    assert.match(page.text, /<code data-api="fever">https:\/\/reader\.example\.org\/api\/fever\.php<\/code>/);
    assert.doesNotMatch(page.text, /data-api="new-password"/);
    assert.equal((await login('password1')).status, 401, 'the login password is not an API password');
  });

  test('a generated password is shown once and works for Google Reader and Fever apps', async () => {
    const set = await browser.post('/settings/api-password', { api_password: '' });
    assert.equal(set.res.status, 200);
    const m = /data-api="new-password">([^<]+)</.exec(set.text);
    assert.ok(m, 'the new password is shown');
    const password = m[1]!;
    assert.ok(password.length >= 20);
    assert.doesNotMatch((await browser.get('/settings')).text, new RegExp(password), 'shown only once');
    const res = await login(password);
    assert.equal(res.status, 200);
    const token = (await res.text()).split('\n')[2]!.slice('Auth='.length);
    const info = await t.app.request('http://localhost/reader/api/0/user-info', {
      headers: { authorization: `GoogleLogin auth=${token}` },
    });
    assert.equal(info.status, 200);
    const key = createHash('md5').update(`alice:${password}`).digest('hex');
    assert.equal((await fever(key)).auth, 1);
    assert.equal((await fever(key.toUpperCase())).auth, 1, 'keys compare case-insensitively');

    // Revoking logs every app out at once.
    const revoked = await browser.post('/settings/api-password/revoke', {});
    assert.equal(revoked.res.status, 200);
    const after = await t.app.request('http://localhost/reader/api/0/user-info', {
      headers: { authorization: `GoogleLogin auth=${token}` },
    });
    assert.equal(after.status, 401);
    assert.equal(after.headers.get('x-reader-google-bad-token'), 'true');
    assert.equal((await login(password)).status, 401);
    assert.equal((await fever(key)).auth, 0);
  });

  test('a chosen password must be long enough; setting and revoking need the CSRF token', async () => {
    const short = await browser.post('/settings/api-password', { api_password: 'short' });
    assert.match(short.text, /at least 8 characters/);
    const forged = await browser.post(
      '/settings/api-password',
      { api_password: 'long-enough-1' },
      { csrf: null },
    );
    assert.equal(forged.res.status, 403);
    assert.equal((await login('long-enough-1')).status, 401);
  });

  test('the session cookie never authenticates an API call', async () => {
    await browser.post('/settings/api-password', { api_password: 'long-enough-2' });
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.request('http://localhost/reader/api/0/edit-tag', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'i=1&a=user/-/state/com.google/read',
    });
    assert.equal(res.status, 401);
    const feverRes = await t.app.request('http://localhost/api/fever.php?api&mark=item&as=read&id=1', {
      method: 'POST',
      headers: { cookie },
    });
    assert.deepEqual(await feverRes.json(), { api_version: 3, auth: 0 });
  });
});
