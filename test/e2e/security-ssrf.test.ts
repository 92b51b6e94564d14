// SSRF: every path that fetches — adding a feed (web UI and Google Reader quickadd), refresh,
// favicon, WebSub hub subscription, full content (refresh and on demand), the image proxy, an OPML URL (dynamic category, import from an
// address) — refuses loopback, private, link-local and
// IPv6 literal forms, decimal/octal/hex spellings, a name resolving to loopback (`localhost`) and a
// redirect from an allowed server to a blocked address. The only allowed network is 127.0.0.3/32
// (the "public" test server); the "internal" servers on 127.0.0.1 and 127.0.0.2 count every
// request and must see none. Non-loopback literals (10.0.0.1, 169.254.169.254, fe80::1…) are
// refused before any connection, so no packet leaves the machine.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient, createTestApp } from '../../src/http/test-app.ts';
import { imageProxySignature } from '../../src/http/ui/image-proxy.ts';
import { hashPassword } from '../../src/lib/passwords.ts';
import { subscribeToHub } from '../../src/refresh/websub.ts';
import { setApiPassword } from '../../src/storage/api-passwords.ts';
import { findOrCreateFeed, feedById } from '../../src/storage/feeds.ts';
import { instanceSecret } from '../../src/storage/instance-secret.ts';
import { subscribe } from '../../src/storage/subscriptions.ts';
import { createUser } from '../../src/storage/users.ts';
import { PNG } from './security-fixture.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

async function listen(server: Server, host: string): Promise<number | null> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

const rss = (link: string, extra = '') =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Public</title><link>${link}</link>${extra}` +
  `<item><title>One</title><guid>p1</guid></item></channel></rss>`;

describe('SSRF: every path that fetches refuses internal addresses', () => {
  let t: TestApp;
  let publicBase = '';
  let internalPort = 0; // on 127.0.0.2 (and 127.0.0.1, ::1 when available)
  const internalHits: string[] = [];
  const servers: Server[] = [];
  let userId = 0;
  let client: ReturnType<typeof createClient>;
  let greaderAuth = '';

  /** Every spelling of an internal address, with the internal servers' port where it matters. */
  const blockedUrls = () => {
    const p = internalPort;
    return [
      `http://127.0.0.2:${p}/feed.xml`,
      `http://127.0.0.1:${p}/feed.xml`,
      `http://localhost:${p}/feed.xml`,
      `http://2130706434:${p}/feed.xml`, // decimal 127.0.0.2
      `http://0177.0.0.2:${p}/feed.xml`, // octal
      `http://0x7f000002:${p}/feed.xml`, // hex
      `http://0x7f.0.0.1:${p}/feed.xml`,
      `http://127.2:${p}/feed.xml`, // short form
      `http://[::1]:${p}/feed.xml`,
      `http://[::ffff:127.0.0.2]:${p}/feed.xml`,
      `http://[0:0:0:0:0:ffff:7f00:2]:${p}/feed.xml`,
      `http://0.0.0.0:${p}/feed.xml`,
      'http://10.0.0.1:9/feed.xml',
      'http://172.16.0.1:9/feed.xml',
      'http://192.168.1.1:9/feed.xml',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1:9/feed.xml',
      'http://[fe80::1]:9/feed.xml',
      'http://[fd00::1]:9/feed.xml',
      'http://[::ffff:10.0.0.1]:9/feed.xml',
      'http://[::ffff:169.254.169.254]/',
      `${publicBase}/redirect-internal`, // an allowed server redirecting to 127.0.0.2
    ];
  };

  before(async () => {
    const internal = (req: { url?: string }, res: ServerResponse) => {
      internalHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('http://x/'));
    };
    const second = createServer(internal);
    servers.push(second);
    internalPort = (await listen(second, '127.0.0.2'))!;
    // Bind 127.0.0.1 and ::1 on the same port as 127.0.0.2.
    for (const host of ['127.0.0.1', '::1']) {
      const s = createServer(internal);
      servers.push(s);
      await new Promise<void>((resolve) => {
        s.once('error', () => resolve());
        s.listen(internalPort, host, () => resolve());
      });
    }
    const pub = createServer((req, res) => {
      const url = (req.url ?? '').replace(/\?.*$/, '');
      const internalBase = `http://127.0.0.2:${internalPort}`;
      if (url === '/redirect-internal')
        return res.writeHead(302, { location: `${internalBase}/feed.xml` }).end();
      if (url === '/favicon-site.xml')
        return res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(rss(`${internalBase}/site/`));
      if (url === '/favicon-link.xml')
        return res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(rss(`${publicBase}/page.html`));
      if (url === '/page.html')
        return res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<html><head><link rel="icon" href="${internalBase}/icon.png"></head><body></body></html>`);
      if (url === '/good-site.xml')
        return res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(rss(`${publicBase}/good.html`));
      if (url === '/good.html')
        return res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(`<html><head><link rel="icon" href="${publicBase}/img.png"></head><body></body></html>`);
      if (url === '/img.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (url === '/big.png')
        return res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(3 * 1024 * 1024));
      if (url === '/page.txt')
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>not an image</p>');
      if (url === '/img-redirect') return res.writeHead(302, { location: `${internalBase}/img.png` }).end();
      res.writeHead(404).end();
    });
    servers.push(pub);
    publicBase = `http://127.0.0.3:${await listen(pub, '127.0.0.3')}`;

    t = await createTestApp({
      VEILLE_FETCH_ALLOW_NETWORKS: '127.0.0.3/32',
      VEILLE_IMAGE_PROXY: 'on',
      VEILLE_IMAGE_PROXY_MAX_BYTES: String(1024 * 1024),
      VEILLE_FETCH_TIMEOUT: '5',
    });
    const db = t.deps.database.db;
    const user = await createUser(db, {
      username: 'ann',
      passwordHash: await hashPassword('ann-password'),
      isAdmin: true,
      now: Date.now(),
    });
    userId = user.id;
    await setApiPassword(db, {
      userId,
      passwordHash: await hashPassword('ann-api-password'),
      feverApiKey: createHash('md5').update('ann:ann-api-password').digest('hex'),
      now: Date.now(),
    });
    client = createClient(t.app);
    await client.get('/login');
    await client.post('/login', { username: 'ann', password: 'ann-password' });
    await client.get('/');
    const login = await t.app.request('http://localhost/accounts/ClientLogin', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Email: 'ann', Passwd: 'ann-api-password' }).toString(),
    });
    greaderAuth = /Auth=(\S+)/.exec(await login.text())![1]!;
  });

  after(async () => {
    await t.close();
    for (const s of servers) await new Promise((r) => s.close(() => r(null)));
  });

  const subscriptionCount = async () =>
    Number(
      (
        await t.deps.database.db
          .selectFrom('subscriptions')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('the allowed server is reachable (the guard is not simply refusing everything)', async () => {
    const r = await client.post('/feeds', { url: `${publicBase}/favicon-link.xml`, category: '' });
    assert.equal(r.res.status, 303);
    assert.equal(await subscriptionCount(), 1);
  });

  test('adding a feed in the web UI', async () => {
    const before = await subscriptionCount();
    for (const url of blockedUrls()) {
      const r = await client.post('/feeds', { url, category: '' });
      assert.notEqual(r.res.status, 303, `${url} was added`);
      assert.match(
        r.text,
        /private|not allowed|blocked|refused|VEILLE_FETCH_ALLOW_NETWORKS|invalid|not a valid/i,
        url,
      );
    }
    assert.equal(await subscriptionCount(), before);
    assert.deepEqual(internalHits, []);
  });

  test('Google Reader quickadd', async () => {
    const before = await subscriptionCount();
    for (const url of blockedUrls()) {
      const r = await t.app.request('http://localhost/reader/api/0/subscription/quickadd', {
        method: 'POST',
        headers: {
          authorization: `GoogleLogin auth=${greaderAuth}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ quickadd: url }).toString(),
      });
      const text = await r.text();
      assert.doesNotMatch(text, /"numResults":\s*1/, `${url}: ${text}`);
    }
    assert.equal(await subscriptionCount(), before);
    assert.deepEqual(internalHits, []);
  });

  test('refresh of stored feeds pointing inside (an old row, or an import)', async () => {
    const db = t.deps.database.db;
    const ids: number[] = [];
    for (const url of blockedUrls()) {
      const feed = await findOrCreateFeed(db, { url, options: {}, userId, title: url, now: Date.now() });
      await subscribe(db, { userId, feedId: feed.id, categoryId: null, now: Date.now() });
      ids.push(feed.id);
    }
    await t.deps.refreshFeedIds(ids);
    for (const id of ids) {
      const feed = await feedById(db, id);
      assert.equal(feed?.last_status, 'error', feed?.url);
      assert.equal(feed?.last_error_code, 'fetch.blocked_address', `${feed?.url}: ${feed?.last_error}`);
    }
    assert.deepEqual(internalHits, []);
  });

  test('favicons: a site link or an icon link pointing inside', async () => {
    const db = t.deps.database.db;
    const ids: number[] = [];
    const control = await findOrCreateFeed(db, {
      url: `${publicBase}/good-site.xml`,
      options: {},
      userId,
      title: 'good',
      now: Date.now(),
    });
    await t.deps.refreshFeedIds([control.id]);
    assert.ok((await feedById(db, control.id))?.icon_data, 'control: an allowed icon is fetched');
    for (const path of ['/favicon-site.xml', '/favicon-link.xml']) {
      const feed = await findOrCreateFeed(db, {
        url: `${publicBase}${path}?again`,
        options: {},
        userId,
        title: path,
        now: Date.now(),
      });
      ids.push(feed.id);
    }
    await t.deps.refreshFeedIds(ids);
    for (const id of ids) {
      const feed = await feedById(db, id);
      assert.equal(feed?.last_status !== 'error', true, `${feed?.url} itself was fetched`);
      assert.equal(feed?.icon_data, null, 'no icon came from inside');
    }
    assert.deepEqual(internalHits, []);
  });

  test('WebSub: a hub inside is never contacted', async () => {
    const db = t.deps.database.db;
    const feed = await findOrCreateFeed(db, {
      url: `${publicBase}/favicon-link.xml?hub`,
      options: {},
      userId,
      title: 'hub',
      now: Date.now(),
    });
    for (const hub of blockedUrls()) {
      await db.updateTable('feeds').set({ websub_hub: hub }).where('id', '=', feed.id).execute();
      const result = await subscribeToHub(
        {
          db,
          fetcher: t.deps.fetcher,
          log: t.deps.log,
          now: () => Date.now(),
          config: { baseUrl: 'https://veille.example', websub: 'on' },
        },
        (await feedById(db, feed.id))!,
      );
      assert.equal(result, 'failed', hub);
    }
    assert.deepEqual(internalHits, []);
  });

  test('full content: article pages inside, at refresh and on demand', async () => {
    const db = t.deps.database.db;
    // A second "public" server (127.0.0.3 is the allowed network) whose feed links inside.
    const links = blockedUrls();
    const feedServer = createServer((_req, res) => {
      const items = links
        .map(
          (link, i) =>
            `<item><guid>fc${i}</guid><title>T${i}</title><link>${link.replaceAll('&', '&amp;')}</link><description>own ${i}</description></item>`,
        )
        .join('');
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<rss version="2.0"><channel><title>FC</title><link>${publicBase}/</link>${items}</channel></rss>`,
        );
    });
    servers.push(feedServer);
    const feedBase = `http://127.0.0.3:${await listen(feedServer, '127.0.0.3')}`;
    const feed = await findOrCreateFeed(db, {
      url: `${feedBase}/fc.xml`,
      options: { fullContent: true },
      userId,
      title: 'fc',
      now: Date.now(),
    });
    await subscribe(db, { userId, feedId: feed.id, categoryId: null, now: Date.now() });
    await t.deps.refreshFeedIds([feed.id]);
    const stored = await feedById(db, feed.id);
    assert.equal(stored?.last_status, 'new', 'the feed itself is stored');
    const log = JSON.parse(stored!.full_content_log!) as { fetched: number; failed: number; error: string };
    assert.equal(log.fetched, 0);
    assert.equal(log.failed, links.length);
    assert.match(log.error, /fetch: .*(private|loopback|not allowed|blocked|VEILLE_FETCH_ALLOW_NETWORKS)/i);
    const entries = await db
      .selectFrom('entries')
      .select(['id', 'content'])
      .where('feed_id', '=', feed.id)
      .execute();
    assert.equal(entries.length, links.length);
    for (const e of entries) assert.match(e.content, /own \d+/, 'the feed content is kept');
    for (const e of entries) {
      const r = await client.post(
        `/entries/${e.id}/full-content`,
        {},
        { headers: { accept: 'application/json' } },
      );
      assert.match(JSON.parse(r.text).error, /fetch: /, `entry ${e.id}`);
    }
    assert.deepEqual(internalHits, []);
  });

  test('image proxy: signed URLs inside are refused; type, size and signature are checked', async () => {
    const secret = await instanceSecret(t.deps.database.db);
    const proxied = (url: string, signature = imageProxySignature(secret, url)) =>
      client.get(`/proxy/img?u=${encodeURIComponent(url)}&s=${signature}`);
    const ok = await proxied(`${publicBase}/img.png`);
    assert.equal(ok.res.status, 200);
    assert.equal(ok.res.headers.get('content-type'), 'image/png');
    for (const url of [...blockedUrls(), `${publicBase}/img-redirect`]) {
      const r = await proxied(url);
      assert.equal(r.res.status, 403, `${url}: ${r.text}`);
    }
    assert.equal((await proxied(`${publicBase}/img.png`, 'forged')).res.status, 403, 'a forged signature');
    assert.equal((await proxied(`${publicBase}/page.txt`)).res.status, 415, 'not an image');
    assert.equal((await proxied(`${publicBase}/big.png`)).res.status, 502, 'over the size limit');
    assert.deepEqual(internalHits, []);
  });

  test('OPML URL: a dynamic category and "import from an address"', async () => {
    const before = await subscriptionCount();
    for (const [i, url] of blockedUrls().entries()) {
      const created = await client.post('/categories', { name: `Dynamic ${i}`, opml_url: url });
      assert.match(
        created.text,
        /The OPML could not be read: fetch: .*(private|loopback|not allowed|blocked|VEILLE_FETCH_ALLOW_NETWORKS)/i,
        url,
      );
      const imported = await client.post('/subscriptions/import-url', { url });
      assert.equal(imported.res.status, 400, url);
      assert.match(imported.text, /The file could not be fetched: fetch: /, url);
    }
    assert.equal(await subscriptionCount(), before);
    assert.deepEqual(internalHits, []);
  });
});
