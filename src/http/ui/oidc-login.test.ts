import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../lib/passwords.ts';
import { linkExternalId, oidcExternalId, userByExternalId } from '../../storage/external-users.ts';
import { saveInstanceSettings } from '../../storage/instance-settings.ts';
import { createUser, userByName } from '../../storage/users.ts';
import { createClient, createTestApp } from '../test-app.ts';
import { OidcError, verifyIdToken } from './oidc-id-token.ts';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  jwt,
  startProvider,
  type Provider,
  type TokenTweaks,
} from './oidc-test-provider.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

const message = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

describe('OpenID Connect login', () => {
  let provider: Provider;
  let t: TestApp;

  before(async () => {
    provider = await startProvider();
    t = await createTestApp({
      VEILLE_OIDC_ISSUER: provider.issuer,
      VEILLE_OIDC_CLIENT_ID: CLIENT_ID,
      VEILLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    await createUser(t.deps.database.db, {
      username: 'admin',
      passwordHash: await hashPassword('admin-password'),
      isAdmin: true,
      now: Date.now(),
    });
  });
  after(async () => {
    await t.close();
    await provider.close();
  });

  /** Clicks the SSO button and follows the provider back; returns the callback URL and its answer. */
  async function ssoLogin(client = createClient(t.app)) {
    const page = await client.get('/login');
    assert.match(page.text, /action="\/login\/oidc"/, 'the login page offers single sign-on');
    const start = await client.post('/login/oidc', {});
    assert.equal(start.res.status, 303, message(start.text));
    const authorize = start.res.headers.get('location')!;
    assert.ok(authorize.startsWith(`${provider.issuer}/authorize?`));
    const atProvider = await fetch(authorize, { redirect: 'manual' });
    const back = new URL(atProvider.headers.get('location')!);
    assert.equal(back.pathname, '/login/oidc/callback');
    const callbackPath = back.pathname + back.search;
    const loginCookie = client.cookies.get('veille_oidc')!;
    const done = await client.get(callbackPath);
    return { client, callbackPath, loginCookie, res: done.res, text: done.text };
  }

  test('refuses an unknown identity while registration is closed', async () => {
    const r = await ssoLogin();
    assert.equal(r.res.status, 403);
    assert.match(message(r.text), /Single sign-on failed: oidc: no account is tied to this identity/);
    assert.equal(await userByName(t.deps.database.db, provider.username), undefined);
  });

  test('logs in the account an administrator tied to the identity', async () => {
    const db = t.deps.database.db;
    const bob = await createUser(db, {
      username: 'bob',
      passwordHash: await hashPassword('bob-password'),
      isAdmin: false,
      now: Date.now(),
    });
    provider.subject = 'bob-subject';
    await linkExternalId(db, bob.id, oidcExternalId(provider.issuer, 'bob-subject'));
    const r = await ssoLogin();
    assert.equal(r.res.status, 303, message(r.text));
    assert.equal(r.res.headers.get('location'), '/');
    const home = await r.client.get('/settings');
    assert.equal(home.res.status, 200);
    assert.match(home.text, /bob/);

    // The same callback again from the same browser (its login cookie is gone) is refused.
    const again = await r.client.get(r.callbackPath);
    assert.equal(again.res.status, 400);
    assert.match(message(again.text), /expired or was already used/);
    provider.subject = 'sub-123';
  });

  test('a replayed state is refused even with the login cookie kept by an attacker', async () => {
    const db = t.deps.database.db;
    const carol = await createUser(db, {
      username: 'carol',
      passwordHash: await hashPassword('carol-password'),
      isAdmin: false,
      now: Date.now(),
    });
    provider.subject = 'carol-subject';
    await linkExternalId(db, carol.id, oidcExternalId(provider.issuer, 'carol-subject'));
    const r = await ssoLogin();
    assert.equal(r.res.status, 303, message(r.text));
    assert.equal(
      r.client.cookies.has('veille_oidc'),
      false,
      'the login cookie is removed after the callback',
    );
    // Someone who copied the login cookie and the callback URL replays them: refused, no session.
    const attacker = createClient(t.app);
    attacker.cookies.set('veille_oidc', r.loginCookie);
    const replay = await attacker.get(r.callbackPath);
    assert.equal(replay.res.status, 400);
    assert.match(message(replay.text), /this login was already used/);
    assert.equal(attacker.cookies.has('veille_session'), false);
    assert.equal(provider.tokenRequests > 0, true);
    provider.subject = 'sub-123';
  });

  test('creates the account on first login when registration is open', async () => {
    await saveInstanceSettings(t.deps.database.db, { registrationOpen: true });
    provider.subject = 'new-subject';
    const r = await ssoLogin();
    assert.equal(r.res.status, 303, message(r.text));
    const created = await userByExternalId(
      t.deps.database.db,
      oidcExternalId(provider.issuer, 'new-subject'),
    );
    assert.equal(created?.username, 'alice.sso');
    assert.equal(created?.is_admin, 0);
    // Second login: the same account, no second one.
    const r2 = await ssoLogin();
    assert.equal(r2.res.status, 303);
    assert.equal(await userByName(t.deps.database.db, 'alice.sso-2'), undefined);
    await saveInstanceSettings(t.deps.database.db, { registrationOpen: false });
    provider.subject = 'sub-123';
  });

  test('accepts ES256 tokens', async () => {
    provider.subject = 'new-subject';
    provider.tweaks = { alg: 'ES256' };
    const r = await ssoLogin();
    assert.equal(r.res.status, 303, message(r.text));
    provider.tweaks = {};
    provider.subject = 'sub-123';
  });

  const refusals: [string, TokenTweaks, RegExp][] = [
    ['a bad signature', { badSignature: true }, /signature is invalid/],
    ['a wrong audience', { claims: { aud: 'someone-else' } }, /another client \(aud\)/],
    ['an expired token', { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } }, /has expired/],
    ['another issuer', { claims: { iss: 'https://evil.example' } }, /comes from https:\/\/evil\.example/],
    ['a wrong nonce', { claims: { nonce: 'guessed' } }, /nonce does not match/],
    ['alg none', { alg: 'none' }, /algorithm none is not accepted/],
  ];
  for (const [what, tweaks, expected] of refusals) {
    test(`refuses ${what} with a clear message`, async () => {
      provider.subject = 'new-subject';
      provider.tweaks = tweaks;
      const r = await ssoLogin();
      provider.tweaks = {};
      provider.subject = 'sub-123';
      assert.equal(r.res.status, 403);
      assert.match(message(r.text), expected);
      assert.equal(r.client.cookies.has('veille_session'), false, 'no session was started');
    });
  }

  test('refuses a callback whose state does not match the browser', async () => {
    const client = createClient(t.app);
    await client.get('/login');
    await client.post('/login/oidc', {});
    const r = await client.get('/login/oidc/callback?code=abc&state=forged');
    assert.equal(r.res.status, 400);
    assert.match(message(r.text), /state does not match/);
    // Without the login cookie at all (login CSRF: the victim never started a login).
    const victim = createClient(t.app);
    const v = await victim.get('/login/oidc/callback?code=abc&state=forged');
    assert.equal(v.res.status, 400);
    assert.match(message(v.text), /expired or was already used/);
  });

  test('the start of a login needs the CSRF token', async () => {
    const client = createClient(t.app);
    await client.get('/login');
    const r = await client.post('/login/oidc', {}, { csrf: null });
    assert.equal(r.res.status, 403);
  });
});

describe('verifyIdToken (unit)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwks = [{ ...publicKey.export({ format: 'jwk' }), kid: 'k' }];
  const now = Date.now();
  const base = {
    iss: 'https://id.example',
    sub: 's',
    aud: ['veille', 'other'],
    azp: 'veille',
    iat: now / 1000,
    exp: now / 1000 + 60,
    nonce: 'n',
  };
  const expect = { issuer: 'https://id.example', clientId: 'veille', nonce: 'n', now };

  test('accepts several audiences when azp names us', () => {
    const token = jwt({ alg: 'RS256', kid: 'k' }, base, privateKey, 'RS256');
    assert.equal(verifyIdToken(token, jwks, expect).sub, 's');
  });
  test('refuses several audiences when azp is another client, and unknown key ids', () => {
    const token = jwt({ alg: 'RS256', kid: 'k' }, { ...base, azp: 'other' }, privateKey, 'RS256');
    assert.throws(
      () => verifyIdToken(token, jwks, expect),
      (e: Error) => e instanceof OidcError && /azp/.test(e.message),
    );
    const unknown = jwt({ alg: 'RS256', kid: 'zz' }, base, privateKey, 'RS256');
    assert.throws(() => verifyIdToken(unknown, jwks, expect), /no key of the provider matches/);
  });
  test('refuses a token issued in the future and an HMAC token', () => {
    const future = jwt({ alg: 'RS256', kid: 'k' }, { ...base, iat: now / 1000 + 3600 }, privateKey, 'RS256');
    assert.throws(() => verifyIdToken(future, jwks, expect), /issued in the future/);
    const hs = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(base)).toString('base64url')}.x`;
    assert.throws(() => verifyIdToken(hs, jwks, expect), /HS256 is not accepted/);
  });
});
