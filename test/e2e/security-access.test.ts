// Ways in and CSRF: reverse-proxy header authentication honoured only from VEILLE_TRUSTED_PROXIES
// (real sockets from 127.0.0.1 and 127.0.0.2), and a walk over every state-changing route of the
// app (enumerated from app.routes) with a logged-in browser that omits the CSRF token or sends a
// foreign Origin. The app API routes are not cookie-authenticated: a session cookie alone must
// never authorize them.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import {
  createSecurityFixture,
  userSnapshot,
  type SecurityFixture,
  type SeededUser,
} from './security-fixture.ts';

const API_PREFIXES = [
  '/api/greader.php',
  '/reader/api/0',
  '/accounts',
  '/api/fever.php',
  '/fever',
  '/websub',
  '/api/v1',
];

/** A GET over a real socket bound to `localAddress`. */
function getFrom(
  base: string,
  path: string,
  localAddress: string,
  headers: Record<string, string>,
): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { localAddress, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('reverse-proxy header authentication', () => {
  let f: SecurityFixture;
  let base = '';
  let server: ReturnType<typeof serve>;
  before(async () => {
    f = await createSecurityFixture({
      VEILLE_TRUSTED_PROXIES: '127.0.0.1/32',
      VEILLE_AUTH_PROXY_HEADER: 'Remote-User',
    });
    server = serve({ fetch: f.t.app.fetch, port: 0, hostname: '0.0.0.0' });
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await f.close();
  });

  test('the header names the user when the socket is a trusted proxy', async () => {
    const r = await getFrom(base, '/', '127.0.0.1', { 'remote-user': 'bob' });
    assert.equal(r.status, 200);
    assert.match(r.body, /bob item 1/);
    assert.doesNotMatch(r.body, /alice item/);
  });

  test('the same header from another address is ignored', async () => {
    const r = await getFrom(base, '/', '127.0.0.2', { 'remote-user': 'alice' });
    assert.equal(r.status, 302);
    assert.equal(r.location, '/login');
    const forwarded = await getFrom(base, '/', '127.0.0.2', {
      'remote-user': 'alice',
      'x-forwarded-for': '127.0.0.1',
    });
    assert.equal(forwarded.status, 302, 'X-Forwarded-For does not make a client a proxy');
  });

  test('an unknown or disabled account named by the proxy is not logged in', async () => {
    assert.equal((await getFrom(base, '/', '127.0.0.1', { 'remote-user': 'mallory' })).status, 302);
    const db = f.t.deps.database.db;
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', f.bob.id).execute();
    assert.equal((await getFrom(base, '/', '127.0.0.1', { 'remote-user': 'bob' })).status, 302);
    await db.updateTable('users').set({ disabled: 0 }).where('id', '=', f.bob.id).execute();
    assert.equal((await getFrom(base, '/', '127.0.0.1', {})).status, 302, 'no header: not logged in');
  });
});

/** A concrete path for a route pattern, with the ids of `owner`'s own objects. */
function concretePath(pattern: string, owner: SeededUser, sessionId: string): string {
  return pattern
    .replace(/^\/entries\/:id/, `/entries/${owner.entryIds[1]}`)
    .replace(/^\/feeds\/:id/, `/feeds/${owner.feedId}`)
    .replace(/^\/categories\/:id/, `/categories/${owner.categoryId}`)
    .replace(/^\/labels\/:id/, `/labels/${owner.labelId}`)
    .replace(/^\/account\/sessions\/:id/, `/account/sessions/${sessionId}`)
    .replace(/^\/admin\/users\/:id\/:verb/, `/admin/users/${owner.id}/disable`)
    .replace(/^\/websub\/:feedId\/:token/, `/websub/${owner.feedId}/x`)
    .replace(':labelId', String(owner.labelId));
}

describe('CSRF: every state-changing route', () => {
  let f: SecurityFixture;
  before(async () => {
    f = await createSecurityFixture();
  });
  after(async () => {
    await f.close();
  });

  function stateChangingRoutes(): string[] {
    const paths = f.t.app.routes
      .filter((r) => !['GET', 'HEAD', 'OPTIONS', 'ALL'].includes(r.method))
      .map((r) => r.path);
    return [...new Set(paths)];
  }

  test('the walk covers the routes it should', () => {
    const routes = stateChangingRoutes();
    assert.ok(routes.length >= 35, `found ${routes.length} routes`);
    for (const expected of [
      '/login',
      '/logout',
      '/feeds',
      '/entries/:id/read',
      '/admin/settings',
      '/login/oidc',
    ])
      assert.ok(routes.includes(expected), expected);
  });

  test('a logged-in browser request without the token, or from a foreign origin, is refused and changes nothing', async () => {
    const { alice } = f;
    const session = await f.t.deps.database.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', alice.id)
      .executeTakeFirstOrThrow();
    const fields = {
      name: 'csrf',
      title: 'csrf',
      url: `${f.feedBase}/bob.xml`,
      category: String(alice.categoryId),
      s: 'main',
      password: alice.password,
      current: alice.password,
      username: 'csrf-user',
      theme: 'dark',
      on: '1',
    };
    const cookieRoutes = stateChangingRoutes().filter((p) => !API_PREFIXES.some((x) => p.startsWith(x)));
    assert.ok(cookieRoutes.length >= 30);
    const before = await userSnapshot(f.t, alice.id);
    for (const pattern of cookieRoutes) {
      const path = concretePath(pattern, alice, session.id);
      const missing = await alice.client.post(path, fields, { csrf: null });
      assert.equal(missing.res.status, 403, `${path} without token`);
      const wrong = await alice.client.post(path, fields, { csrf: 'A'.repeat(32) });
      assert.equal(wrong.res.status, 403, `${path} with a wrong token`);
      const foreign = await alice.client.post(path, fields, { headers: { origin: 'https://evil.example' } });
      assert.equal(foreign.res.status, 403, `${path} from a foreign origin`);
      const nullOrigin = await alice.client.post(path, fields, {
        headers: { origin: 'null', 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(nullOrigin.res.status, 403, `${path} from an opaque cross-site origin`);
      const viaHeader = await alice.client.post(path, fields, {
        csrf: null,
        headers: { 'x-csrf-token': 'B'.repeat(32) },
      });
      assert.equal(viaHeader.res.status, 403, `${path} with a wrong X-CSRF-Token`);
    }
    assert.equal(await userSnapshot(f.t, alice.id), before, "nothing of alice's changed");
    const still = await alice.client.get('/settings');
    assert.equal(still.res.status, 200, 'alice is still logged in');
  });

  test('the token works: the same browser with it can change things', async () => {
    const r = await f.alice.client.post('/categories', { name: 'with-token' });
    assert.equal(r.res.status, 303);
  });

  test('a session cookie alone never authorizes the app APIs', async () => {
    const { alice } = f;
    const before = await userSnapshot(f.t, alice.id);
    const apiRoutes = stateChangingRoutes().filter((p) => API_PREFIXES.some((x) => p.startsWith(x)));
    assert.ok(apiRoutes.includes('/websub/:feedId/:token'));
    const longId = (id: number) => `tag:google.com,2005:reader/item/${id.toString(16).padStart(16, '0')}`;
    const attempts: [string, Record<string, string>][] = [
      ['/reader/api/0/edit-tag', { i: longId(alice.entryIds[2]!), a: 'user/-/state/com.google/starred' }],
      ['/reader/api/0/mark-all-as-read', { s: 'user/-/state/com.google/reading-list' }],
      ['/reader/api/0/subscription/edit', { ac: 'unsubscribe', s: `feed/${alice.feedId}` }],
      ['/reader/api/0/subscription/quickadd', { quickadd: `${f.feedBase}/bob.xml` }],
      ['/reader/api/0/disable-tag', { s: 'user/-/label/alice-label' }],
      ['/reader/api/0/rename-tag', { s: 'user/-/label/alice-cat', dest: 'user/-/label/x' }],
      [
        '/api/greader.php/reader/api/0/edit-tag',
        { i: String(alice.entryIds[2]), a: 'user/-/state/com.google/read' },
      ],
      ['/api/greader.php/accounts/ClientLogin', {}],
      ['/accounts/ClientLogin', {}],
      [`/api/fever.php?api&mark=item&as=saved&id=${alice.entryIds[2]}`, {}],
      [`/api/fever.php?api&mark=feed&as=read&id=${alice.feedId}`, {}],
      [`/websub/${alice.feedId}/not-the-token`, {}],
      ['/api/v1/categories', { title: 'via-cookie' }],
      [`/api/v1/feeds/${alice.feedId}/mark-all-as-read`, {}],
    ];
    for (const [path, fields] of attempts) {
      // With the session cookie and even the right CSRF token: still not authenticated.
      const r = await alice.client.post(path, fields);
      if (path.startsWith('/api/fever.php')) {
        assert.equal(JSON.parse(r.text).auth, 0, `${path}: Fever answers auth 0`);
      } else {
        assert.ok([400, 401, 403, 404].includes(r.res.status), `${path} → ${r.res.status}`);
      }
      const read = await alice.client.get(
        '/reader/api/0/stream/contents/user/-/state/com.google/reading-list',
      );
      assert.equal(read.res.status, 401, 'reading through the API needs an API token');
    }
    assert.equal(await userSnapshot(f.t, alice.id), before, "nothing of alice's changed");
  });
});
