import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { userLinkOidcCommand, userUnlinkOidcCommand } from '../../cli/user-oidc.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { countUsers, createUser } from '../../storage/users.ts';
import { createClient, createTestApp } from '../test-app.ts';
import { CLIENT_ID, CLIENT_SECRET, ssoLogin, startProvider, type Provider } from './oidc-test-provider.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const errorOf = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
/** The text of the single sign-on cell in the admin page's row of `username`. */
const ssoCell = (html: string, username: string) =>
  new RegExp(`<tr data-user="${username}">[\\s\\S]*?<td class="sso">([\\s\\S]*?)</td>`)
    .exec(html)?.[1]
    ?.replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim() ?? '';

async function quiet<T>(run: () => Promise<T>): Promise<T> {
  const log = console.log;
  console.log = () => {};
  try {
    return await run();
  } finally {
    console.log = log;
  }
}

describe('tying an existing account to a single sign-on identity', () => {
  let provider: Provider;
  let t: TestApp;
  let daveId: number;

  before(async () => {
    provider = await startProvider();
    t = await createTestApp({
      VEILLE_OIDC_ISSUER: provider.issuer,
      VEILLE_OIDC_CLIENT_ID: CLIENT_ID,
      VEILLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    const db = t.deps.database.db;
    await createUser(db, {
      username: 'root',
      passwordHash: await hashPassword('root-password'),
      isAdmin: true,
      now: Date.now(),
    });
    daveId = (
      await createUser(db, {
        username: 'dave',
        passwordHash: await hashPassword('dave-password'),
        isAdmin: false,
        now: Date.now(),
      })
    ).id;
    await createUser(db, {
      username: 'erin',
      passwordHash: await hashPassword('erin-password'),
      isAdmin: false,
      now: Date.now(),
    });
  });
  after(async () => {
    await t.close();
    await provider.close();
  });

  async function admin() {
    const client = createClient(t.app);
    await client.get('/login');
    const res = await client.post('/login', { username: 'root', password: 'root-password' });
    assert.equal(res.res.status, 303);
    return client;
  }

  /** Single sign-on as `subject`; the name of the account it opened, or the error shown. */
  async function signOnAs(subject: string): Promise<{ status: number; account: string; error: string }> {
    provider.subject = subject;
    const client = createClient(t.app);
    const r = await ssoLogin(client, provider);
    if (r.res.status !== 303) return { status: r.res.status, account: '', error: errorOf(r.text) };
    // The settings page names the account (its API user name).
    const settings = await client.get('/settings');
    const account = /id="api-password"[\s\S]*?<code>([^<]*)<\/code>/.exec(settings.text)?.[1] ?? '';
    return { status: r.res.status, account, error: '' };
  }

  test('before any tie, single sign-on reaches no account (registration is closed)', async () => {
    const r = await signOnAs('dave-at-provider');
    assert.equal(r.status, 403);
    assert.match(r.error, /no account is tied to this identity/);
  });

  test('an administrator ties dave on the admin page: single sign-on opens his account; untying stops it', async () => {
    const client = await admin();
    const page = await client.get('/admin');
    assert.equal(page.res.status, 200);
    assert.equal(ssoCell(page.text, 'dave'), 'none');
    assert.match(page.text, /Tie an account to a single sign-on identity/);
    assert.ok(
      page.text.includes(`value="${provider.issuer}"`),
      'the issuer field offers the configured provider',
    );

    const usersBefore = await countUsers(t.deps.database.db);
    const tied = await client.post('/admin/oidc/link', {
      user: String(daveId),
      issuer: provider.issuer,
      subject: 'dave-at-provider',
    });
    assert.equal(tied.res.status, 200, errorOf(tied.text));
    assert.match(tied.text, /User dave is now tied to this identity/);
    assert.equal(ssoCell(tied.text, 'dave'), `dave-at-provider · ${provider.issuer} Untie`);

    const opened = await signOnAs('dave-at-provider');
    assert.equal(opened.status, 303, opened.error);
    assert.equal(opened.account, 'dave');
    assert.equal(await countUsers(t.deps.database.db), usersBefore, 'no account was created');

    const untied = await client.post('/admin/oidc/unlink', { user: String(daveId) });
    assert.equal(untied.res.status, 200);
    assert.match(untied.text, /User dave is no longer tied/);
    assert.equal(ssoCell(untied.text, 'dave'), 'none');
    const refused = await signOnAs('dave-at-provider');
    assert.equal(refused.status, 403);
    assert.match(refused.error, /no account is tied to this identity/);
    // Dave still has his account and his password.
    const daveClient = createClient(t.app);
    await daveClient.get('/login');
    const withPassword = await daveClient.post('/login', { username: 'dave', password: 'dave-password' });
    assert.equal(withPassword.res.status, 303);
  });

  test('the admin page refuses a bad issuer, an empty subject and an identity tied to someone else', async () => {
    const client = await admin();
    await client.get('/admin');
    const badIssuer = await client.post('/admin/oidc/link', {
      user: String(daveId),
      issuer: 'javascript:alert(1)',
      subject: 'x',
    });
    assert.equal(badIssuer.res.status, 400);
    assert.match(errorOf(badIssuer.text), /issuer must be the http\(s\) URL/);
    const noSubject = await client.post('/admin/oidc/link', {
      user: String(daveId),
      issuer: provider.issuer,
      subject: '  ',
    });
    assert.equal(noSubject.res.status, 400);
    assert.match(errorOf(noSubject.text), /subject must be 1 to 255 characters/);

    const first = await client.post('/admin/oidc/link', {
      user: String(daveId),
      issuer: `${provider.issuer}/`,
      subject: 'shared',
    });
    assert.equal(first.res.status, 200, errorOf(first.text));
    const erinRow = /<tr data-user="erin">/.exec(first.text);
    assert.ok(erinRow);
    const erinId = /<option value="(\d+)">erin<\/option>/.exec(first.text)?.[1];
    assert.ok(erinId);
    const second = await client.post('/admin/oidc/link', {
      user: erinId,
      issuer: provider.issuer,
      subject: 'shared',
    });
    assert.equal(second.res.status, 400);
    assert.match(errorOf(second.text), /already tied to the account dave/);
    const nobody = await client.post('/admin/oidc/link', {
      user: '999999',
      issuer: provider.issuer,
      subject: 'y',
    });
    assert.equal(nobody.res.status, 400);
    // Without the CSRF token, nothing happens.
    const forged = await client.post('/admin/oidc/unlink', { user: String(daveId) }, { csrf: null });
    assert.equal(forged.res.status, 403);
    assert.equal((await signOnAs('shared')).status, 303, 'the tie (issuer written with a final /) works');
    await client.post('/admin/oidc/unlink', { user: String(daveId) });
  });

  test('veille user link-oidc / unlink-oidc tie and untie an account from the command line', async () => {
    const config = t.deps.config;
    assert.equal(
      await quiet(() => userLinkOidcCommand(config, ['erin', provider.issuer, 'erin-at-provider'])),
      0,
    );
    const opened = await signOnAs('erin-at-provider');
    assert.equal(opened.status, 303, opened.error);
    assert.equal(opened.account, 'erin');

    await assert.rejects(
      () => userLinkOidcCommand(config, ['dave', provider.issuer, 'erin-at-provider']),
      /already tied to the account "erin"/,
    );
    await assert.rejects(
      () => userLinkOidcCommand(config, ['nobody', provider.issuer, 's']),
      /no user named/,
    );
    await assert.rejects(() => userLinkOidcCommand(config, ['erin', 'not a url', 's']), /issuer must be/);
    await assert.rejects(
      () => userLinkOidcCommand(config, ['erin', provider.issuer]),
      /give USER ISSUER SUBJECT/,
    );

    assert.equal(await quiet(() => userUnlinkOidcCommand(config, ['erin'])), 0);
    const refused = await signOnAs('erin-at-provider');
    assert.equal(refused.status, 403);
    assert.match(refused.error, /no account is tied to this identity/);
  });
});
