// Google Reader subscription/import (the OPML as the request body, as some clients send it) goes
// through the same import as `veille import` and the subscriptions page: FreshRSS's frss:
// settings become fetch options and "mark as read" filters, the rest is kept for the next export,
// folders become categories, and what cannot be used is reported without losing the rest.
// Real HTTP on 127.0.0.1, real SQLite, the feeds fetched from a loopback server.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createClient } from '../../src/http/test-app.ts';
import { createApiFixture, type ApiFixture } from './api-fixture.ts';

const API = '/reader/api/0';

describe('Google Reader subscription/import of a FreshRSS OPML', () => {
  let f: ApiFixture;
  let feeds: Server;
  let feedBase: string;
  const userAgents = new Map<string, string>();
  let auth: string;

  before(async () => {
    f = await createApiFixture();
    feeds = createHttpServer((req, res) => {
      userAgents.set(req.url ?? '', req.headers['user-agent'] ?? '');
      const items = ['Sponsored: buy now', 'A real article']
        .map(
          (title, i) =>
            `<item><title>${title}</title><link>${feedBase}${req.url}/${i}</link><guid>${req.url}-${i}</guid>` +
            `<pubDate>${new Date(Date.UTC(2026, 0, 1 + i)).toUTCString()}</pubDate></item>`,
        )
        .join('');
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${req.url}</title>${items}</channel></rss>`,
        );
    });
    await new Promise<void>((r) => feeds.listen(0, '127.0.0.1', r));
    feedBase = `http://127.0.0.1:${(feeds.address() as AddressInfo).port}`;
    const login = await fetch(`${f.base}/accounts/ClientLogin`, {
      method: 'POST',
      body: new URLSearchParams({ Email: f.username, Passwd: f.apiPassword }),
    });
    auth = `GoogleLogin auth=${/Auth=(\S+)/.exec(await login.text())![1]}`;
  });
  after(async () => {
    await f?.close();
    await new Promise((r) => feeds?.close(r));
  });

  async function api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${f.base}${API}/${path}`, {
      ...init,
      headers: { authorization: auth, ...(init.headers as Record<string, string>) },
    });
  }

  /** Waits for the background fetch of the imported feeds (at most 10 s). */
  async function fetched(count: number): Promise<void> {
    const db = f.t.deps.database.db;
    for (let i = 0; i < 200; i++) {
      const rows = await db
        .selectFrom('feeds')
        .select('id')
        .where('last_checked_at', 'is not', null)
        .execute();
      if (rows.length >= count) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the imported feeds were not fetched');
  }

  test('frss: settings, folders and kept attributes, as the subscriptions page imports them', async () => {
    const opml =
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<opml version="2.0" xmlns:frss="https://freshrss.org/opml"><head><title>FreshRSS</title></head><body>\n` +
      `<outline text="Tech">\n` +
      `  <outline text="Blog &amp; news" type="rss" xmlUrl="${feedBase}/blog.xml" htmlUrl="${feedBase}/"\n` +
      `    frss:CURLOPT_USERAGENT="FreshRSS-import-test/1.0" frss:filtersActionRead="intitle:sponsored"\n` +
      `    frss:cssFullContent="article .body"/>\n` +
      `  <outline text="Not a feed" xmlUrl="javascript:alert(1)"/>\n` +
      `</outline>\n` +
      `<outline text="Plain" xmlUrl="${feedBase}/plain.xml"/>\n` +
      `</body></opml>`;
    const res = await api('subscription/import', {
      method: 'POST',
      headers: { 'content-type': 'text/x-opml' },
      body: opml,
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'OK');

    // What apps see: both feeds, in their folders, titled as in the OPML.
    const list = (await (await api('subscription/list?output=json')).json()) as {
      subscriptions: { id: string; title: string; url: string; categories: { label: string }[] }[];
    };
    const byUrl = new Map(list.subscriptions.map((s) => [s.url, s]));
    assert.equal(byUrl.size, 2, 'the javascript: outline is skipped, the others imported');
    assert.equal(byUrl.get(`${feedBase}/blog.xml`)?.title, 'Blog & news');
    assert.deepEqual(
      byUrl.get(`${feedBase}/blog.xml`)?.categories.map((c) => c.label),
      ['Tech'],
    );
    assert.deepEqual(
      byUrl.get(`${feedBase}/plain.xml`)?.categories.map((c) => c.label),
      ['Uncategorized'],
    );

    // Fetched in the background with the outline's user agent; the read filter applies.
    await fetched(2);
    assert.equal(userAgents.get('/blog.xml'), 'FreshRSS-import-test/1.0');
    assert.notEqual(userAgents.get('/plain.xml'), 'FreshRSS-import-test/1.0');
    const counts = (await (await api('unread-count?output=json')).json()) as {
      unreadcounts: { id: string; count: number }[];
    };
    const count = (url: string) => counts.unreadcounts.find((c) => c.id === byUrl.get(url)?.id)?.count;
    assert.equal(count(`${feedBase}/blog.xml`), 1, 'the sponsored item was marked as read by the filter');
    assert.equal(count(`${feedBase}/plain.xml`), 2);

    // The subscriptions page shows the folder and the feed; its OPML export gives the FreshRSS
    // settings back, the one Veille does not use included.
    const browser = createClient(f.t.app);
    await browser.get('/login');
    await browser.post('/login', { username: f.username, password: 'login-password-456' });
    const page = await browser.get('/subscriptions');
    assert.equal(page.res.status, 200);
    const tech = /<tbody class="feed-group" data-category="\d+" data-name="Tech">([\s\S]*?)<\/tbody>/.exec(
      page.text,
    );
    assert.ok(tech, 'a Tech category on the page');
    assert.match(tech[1]!, /data-title="Blog &amp; news"/);
    const exported = await browser.get('/subscriptions/export?format=opml');
    assert.match(exported.text, /frss:CURLOPT_USERAGENT="FreshRSS-import-test\/1.0"/);
    assert.match(exported.text, /frss:filtersActionRead="intitle:sponsored"/);
    assert.match(exported.text, /frss:cssFullContent="article \.body"/);
  });

  test('an OPML in its declared encoding, sent without a content type; a second import adds nothing', async () => {
    const text =
      `<?xml version="1.0" encoding="ISO-8859-1"?>\n<opml version="1.0"><body>` +
      `<outline text="Économie"><outline text="Café" xmlUrl="${feedBase}/cafe.xml"/></outline>` +
      `<outline text="Again" xmlUrl="${feedBase}/plain.xml"/></body></opml>`;
    const body = Buffer.from(text, 'latin1');
    const res = await fetch(`${f.base}${API}/subscription/import`, {
      method: 'POST',
      headers: { authorization: auth },
      body,
    });
    assert.equal(res.status, 200);
    const list = (await (await api('subscription/list?output=json')).json()) as {
      subscriptions: { title: string; url: string; categories: { label: string }[] }[];
    };
    const cafe = list.subscriptions.find((s) => s.url === `${feedBase}/cafe.xml`);
    assert.equal(cafe?.title, 'Café');
    assert.deepEqual(
      cafe?.categories.map((c) => c.label),
      ['Économie'],
    );
    assert.equal(list.subscriptions.length, 3, 'plain.xml, already followed, is not added twice');
    const plain = list.subscriptions.find((s) => s.url === `${feedBase}/plain.xml`);
    assert.equal(plain?.title, 'Plain', 'the subscription already there keeps its title');
    await fetched(3);
  });

  test('a body that is not OPML is refused and changes nothing', async () => {
    const before = await f.t.deps.database.db.selectFrom('subscriptions').select('id').execute();
    const res = await api('subscription/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"subscriptions":[]}',
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /^greader: opml: not an OPML document/);
    const after = await f.t.deps.database.db.selectFrom('subscriptions').select('id').execute();
    assert.equal(after.length, before.length);
  });
});
