import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient, createTestApp } from './test-app.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function feedServer(routes: Record<string, { status?: number; type?: string; body: string }>) {
  const server: Server = createHttpServer((req, res) => {
    const route = routes[req.url ?? ''];
    if (!route) {
      res.writeHead(404).end('no');
      return;
    }
    res
      .writeHead(route.status ?? 200, { 'content-type': route.type ?? 'application/rss+xml' })
      .end(route.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const RSS = (title: string, items: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>http://example.org/</link>${items}</channel></rss>`;

describe('web app (in-process)', () => {
  let t: TestApp;
  let feeds: Awaited<ReturnType<typeof feedServer>>;
  before(async () => {
    t = await createTestApp();
    feeds = await feedServer({
      '/alice.xml': {
        body: RSS(
          'Alice feed',
          `<item><title>Hello</title><link>http://example.org/1</link><guid>g1</guid><description>&lt;p&gt;one&lt;/p&gt;</description></item>`,
        ),
      },
      '/page.html': {
        type: 'text/html',
        body: '<html><head><title>x</title></head><body>No feed here</body></html>',
      },
      '/blog/': {
        type: 'text/html',
        body: '<html><head><title>Blog</title></head><body>A blog naming no feed</body></html>',
      },
      '/blog/feed': {
        body: RSS('Blog feed', `<item><title>Found by its usual path</title><guid>b1</guid></item>`),
      },
    });
  });
  after(async () => {
    await t.close();
    await new Promise((r) => feeds.server.close(r));
  });

  test('a fresh instance asks for the admin account; from a non-loopback client only with the setup code', async () => {
    const browser = createClient(t.app);
    const first = await browser.get('/');
    assert.equal(first.res.status, 302);
    assert.equal(first.res.headers.get('location'), '/setup');
    const page = await browser.get('/setup');
    assert.match(page.text, /Setup code/);
    const refused = await browser.post('/setup', {
      username: 'alice',
      password: 'password1',
      password2: 'password1',
      code: 'wrong',
    });
    assert.equal(refused.res.status, 403);
    assert.match(refused.text, /setup code is wrong/);
    const mismatch = await browser.post('/setup', {
      username: 'alice',
      password: 'password1',
      password2: 'password2',
      code: 'test-setup-code',
    });
    assert.equal(mismatch.res.status, 400);
    const ok = await browser.post('/setup', {
      username: 'alice',
      password: 'password1',
      password2: 'password1',
      code: 'test-setup-code',
    });
    assert.equal(ok.res.status, 303);
    const cookie = ok.res.headers.getSetCookie().find((c) => c.startsWith('veille_session='));
    assert.ok(cookie, 'a session cookie is set');
    assert.match(cookie!, /HttpOnly/);
    assert.match(cookie!, /SameSite=Lax/);
    assert.equal(t.deps.setupCode.value, null, 'the setup code is single-use');
    const again = await createClient(t.app).get('/setup');
    assert.equal(again.res.status, 302, 'setup is closed once an account exists');
  });

  test('wrong password and unknown user get the same message', async () => {
    const browser = createClient(t.app);
    await browser.get('/login');
    const wrong = await browser.post('/login', { username: 'alice', password: 'nope-nope' });
    const unknown = await browser.post('/login', { username: 'mallory', password: 'nope-nope' });
    assert.equal(wrong.res.status, 401);
    assert.equal(unknown.res.status, 401);
    const message = (html: string) => /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
    assert.equal(message(wrong.text), 'Wrong username or password.');
    assert.equal(message(unknown.text), message(wrong.text));
  });

  test('state-changing requests need the CSRF token and a same-site origin', async () => {
    const browser = createClient(t.app);
    await browser.get('/login');
    const noToken = await browser.post(
      '/login',
      { username: 'alice', password: 'password1' },
      { csrf: null },
    );
    assert.equal(noToken.res.status, 403);
    const foreign = await browser.post(
      '/login',
      { username: 'alice', password: 'password1' },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(foreign.res.status, 403);
    const ok = await browser.post(
      '/login',
      { username: 'alice', password: 'password1' },
      { headers: { origin: 'http://localhost' } },
    );
    assert.equal(ok.res.status, 303);
    // Logged in, with a token from another session: refused.
    const other = createClient(t.app);
    await other.get('/login');
    const stolen = await browser.post('/categories', { name: 'X' }, { csrf: other.csrf });
    assert.equal(stolen.res.status, 403);
  });

  test('pages carry a strict Content-Security-Policy, a doctype, and send no referrer to other sites', async () => {
    const res = await t.app.request('http://localhost/login');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /unsafe-inline/);
    assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await res.text(), /^<!DOCTYPE html><html lang="en">/);
  });

  test('subscribe, read, and keep users apart', async () => {
    const alice = createClient(t.app);
    await alice.get('/login');
    await alice.post('/login', { username: 'alice', password: 'password1' });
    await alice.get('/subscriptions');
    const notFeed = await alice.post('/feeds', { url: `${feeds.base}/page.html`, category: '' });
    assert.equal(notFeed.res.status, 400);
    assert.match(notFeed.text, /No feed was found at this address: parse: this is an HTML page, not a feed/);
    const count = await t.deps.database.db.selectFrom('feeds').select('id').execute();
    assert.equal(count.length, 0, 'nothing saved');
    const bad = await alice.post('/feeds', { url: 'javascript:alert(1)', category: '' });
    assert.match(bad.text, /not a valid http\(s\) address/);

    const usual = await alice.post('/feeds', { url: `${feeds.base}/blog/`, category: '' });
    assert.equal(
      usual.res.status,
      303,
      'a page naming no feed: its usual feed paths are tried: ' + usual.text.match(/No feed[^<]*/)?.[0],
    );
    const blog = await alice.get(usual.res.headers.get('location')!);
    assert.match(blog.text, /Found by its usual path/);
    const added = await alice.post('/feeds', { url: `${feeds.base}/alice.xml`, category: '' });
    assert.equal(added.res.status, 303);
    const stream = await alice.get(added.res.headers.get('location')!);
    assert.match(stream.text, /Received today — /);
    assert.match(stream.text, /<span class="title">Hello<\/span>/);
    const entryId = /data-id="(\d+)"/.exec(stream.text)![1]!;
    const feedId = /data-feed="(\d+)"/.exec(stream.text)![1]!;

    // Another user cannot read, star or see alice's entry.
    const { hashPassword } = await import('../lib/passwords.ts');
    const { createUser } = await import('../storage/users.ts');
    await createUser(t.deps.database.db, {
      username: 'bob',
      passwordHash: await hashPassword('password2'),
      isAdmin: false,
      now: Date.now(),
    });
    const bob = createClient(t.app);
    await bob.get('/login');
    await bob.post('/login', { username: 'bob', password: 'password2' });
    await bob.get('/');
    const steal = await bob.post(
      `/entries/${entryId}/star`,
      { starred: '1' },
      { headers: { accept: 'application/json' } },
    );
    assert.equal(steal.res.status, 404);
    const peek = await bob.get(`/?s=f${feedId}`);
    assert.equal(peek.res.status, 404);

    // Alice opens it: JSON answer with the new unread count of the feed.
    const read = await alice.post(
      `/entries/${entryId}/read`,
      { read: '1' },
      { headers: { accept: 'application/json' } },
    );
    assert.equal(read.res.status, 200);
    assert.equal(JSON.parse(read.text).unread[feedId], 0);
    // The unread filter is empty now (by default, "adaptive" would show the read article).
    const after = await alice.get(`/?s=f${feedId}&state=unread`);
    assert.match(after.text, /There are no articles to show\./);
    const page = await alice.get(`/feeds/${feedId}`);
    assert.match(page.text, /1 new and 0 updated articles/);
    assert.match(page.text, /it publishes about 1 articles a week/);
    assert.equal(
      (await bob.get(`/feeds/${feedId}`)).res.status,
      404,
      "another user's feed page is not found",
    );
    // Retention of the feed: saved for alice, refused for bob (not his feed).
    const saved = await alice.post('/retention', {
      scope: 'feed',
      scopeId: feedId,
      keepMax: '10',
      keepMin: '',
      keepDays: '30',
      keepUnread: '1',
      back: `/feeds/${feedId}`,
    });
    assert.equal(saved.res.status, 303);
    const withPolicy = await alice.get(saved.res.headers.get('location')!);
    assert.match(withPolicy.text, /Retention saved\./);
    assert.match(withPolicy.text, /name="keepMax" min="0" inputmode="numeric" value="10"/);
    assert.match(withPolicy.text, /<option value="1" selected="">yes<\/option>/);
    const foreign = await bob.post('/retention', { scope: 'feed', scopeId: feedId, keepMax: '0', back: '/' });
    assert.equal(foreign.res.status, 404);
    const badNumber = await alice.post('/retention', {
      scope: 'feed',
      scopeId: feedId,
      keepMax: '-3',
      back: `/feeds/${feedId}`,
    });
    assert.match(badNumber.res.headers.get('location')!, /retention=invalid/);
    // The feed's own refresh bounds.
    await alice.post(`/feeds/${feedId}/schedule`, { min: '30', max: '120' });
    const bounds = await t.deps.database.db
      .selectFrom('feeds')
      .select(['min_interval_s', 'max_interval_s'])
      .where('id', '=', Number(feedId))
      .executeTakeFirstOrThrow();
    assert.deepEqual(bounds, { min_interval_s: 1800, max_interval_s: 7200 });
    assert.equal((await bob.post(`/feeds/${feedId}/schedule`, { min: '1' })).res.status, 404);
    // A redirect target from the form is a local path only.
    const open = await alice.post(`/entries/${entryId}/read`, { read: '0', back: '//evil.example/' });
    assert.equal(open.res.headers.get('location'), '/');
  });
});
