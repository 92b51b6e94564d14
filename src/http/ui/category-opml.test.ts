// Dynamic OPML categories and "import from an address" in the web UI, in-process, against a real
// loopback HTTP server and a real SQLite file: what the user sees after creating a category that
// follows an OPML, checking it again, a failed check; another user's category; CSRF; the OPML
// round trip (export writes frss:opmlUrl, import makes the folder dynamic again).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../../lib/passwords.ts';
import { checkDueDynamicCategories } from '../../refresh/dynamic-opml.ts';
import { createUser } from '../../storage/users.ts';
import { createClient, createTestApp } from '../test-app.ts';

const served = { status: 200, body: '' };
let base = '';
let server: Server;
let t: Awaited<ReturnType<typeof createTestApp>>;
let alice: ReturnType<typeof createClient>;
let bob: ReturnType<typeof createClient>;

const opml = (names: string[], folder?: { name: string; opmlUrl: string }) => {
  const feeds = names
    .map((n) => `<outline type="rss" text="Feed ${n}" xmlUrl="${base}/feeds/${n}.xml"/>`)
    .join('');
  const body = folder
    ? `<outline text="${folder.name}" frss:opmlUrl="${folder.opmlUrl}">${feeds}</outline>`
    : feeds;
  return `<?xml version="1.0"?><opml version="2.0" xmlns:frss="https://freshrss.org/opml"><head><title>L</title></head><body>${body}</body></opml>`;
};

async function categoryIdNamed(name: string): Promise<number> {
  const row = await t.deps.database.db
    .selectFrom('categories as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select('c.id')
    .where('u.username', '=', 'alice')
    .where('c.name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

before(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/list.opml')
      return res.writeHead(served.status, { 'content-type': 'text/x-opml' }).end(served.body);
    if (url === '/moved.opml') return res.writeHead(301, { location: '/list.opml' }).end();
    const m = /^\/feeds\/(\w+)\.xml$/.exec(url);
    if (m)
      return res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          `<rss version="2.0"><channel><title>Feed ${m[1]}</title><item><guid>${m[1]}</guid><title>x</title></item></channel></rss>`,
        );
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp();
  alice = createClient(t.app);
  await alice.get('/setup');
  await alice.post('/setup', {
    username: 'alice',
    password: 'password1',
    password2: 'password1',
    code: 'test-setup-code',
  });
  await createUser(t.deps.database.db, {
    username: 'bob',
    passwordHash: await hashPassword('password2'),
    isAdmin: false,
    now: Date.now(),
  });
  bob = createClient(t.app);
  await bob.get('/login');
  await bob.post('/login', { username: 'bob', password: 'password2' });
  await bob.get('/subscriptions');
  await alice.get('/subscriptions');
});

after(async () => {
  await t?.close();
  await new Promise((resolve) => server.close(resolve));
});

describe('dynamic OPML categories in the web UI', () => {
  test('creating a category with an OPML address subscribes to what it lists and shows the check', async () => {
    served.body = opml(['a', 'b']);
    const r = await alice.post('/categories', { name: 'Planet', opml_url: `${base}/moved.opml` });
    assert.equal(r.res.status, 200);
    assert.match(r.text, /“Planet”: OPML checked\./);
    assert.match(r.text, /2 feeds listed: 2 added, 0 removed, 0 kept muted, 0 in other categories\./);
    const page = await alice.get('/subscriptions');
    assert.match(page.text, new RegExp(`Follows the OPML ${base}/moved\\.opml · last check: `));
    assert.ok(page.text.includes('Check the OPML now'));
    for (const name of ['Feed a', 'Feed b']) assert.ok(page.text.includes(`data-title="${name}"`), name);
  });

  test('"check now" follows the list: a dropped feed is unsubscribed, a new one added', async () => {
    const id = await categoryIdNamed('Planet');
    served.body = opml(['b', 'c']);
    const r = await alice.post(`/categories/${id}/opml/refresh`, {});
    assert.equal(r.res.status, 200);
    assert.match(r.text, /2 feeds listed: 1 added, 1 removed, 0 kept muted, 0 in other categories\./);
    assert.ok(!r.text.includes('data-title="Feed a"'));
    assert.ok(r.text.includes('data-title="Feed c"'));
  });

  test('a feed the user moves becomes theirs: the OPML no longer removes it', async () => {
    const id = await categoryIdNamed('Planet');
    const feed = await t.deps.database.db
      .selectFrom('feeds')
      .select('id')
      .where('url', '=', `${base}/feeds/c.xml`)
      .executeTakeFirstOrThrow();
    assert.equal((await alice.post(`/feeds/${feed.id}/move`, { category: '' })).res.status, 303);
    assert.equal((await alice.post(`/feeds/${feed.id}/move`, { category: String(id) })).res.status, 303);
    served.body = opml(['b']);
    const r = await alice.post(`/categories/${id}/opml/refresh`, {});
    assert.match(r.text, /1 feeds listed: 0 added, 0 removed, 0 kept muted, 0 in other categories\./);
    assert.ok(r.text.includes('data-title="Feed c"'));
  });

  test('a failed check shows its cause on the category and removes nothing', async () => {
    const id = await categoryIdNamed('Planet');
    served.status = 500;
    const r = await alice.post(`/categories/${id}/opml/refresh`, {});
    assert.match(
      r.text,
      /The OPML could not be read: fetch: the server answered 500 Internal Server Error\. No feed was removed\./,
    );
    served.status = 200;
    served.body = '<html><body>Please log in</body></html>';
    await alice.post(`/categories/${id}/opml/refresh`, {});
    const page = await alice.get('/subscriptions');
    assert.match(
      page.text,
      /The OPML could not be read: opml: not an OPML document \(root element &lt;html&gt;\)/,
    );
    for (const name of ['Feed b', 'Feed c']) assert.ok(page.text.includes(`data-title="${name}"`), name);
  });

  test('an address that is not http(s) is refused with a message', async () => {
    const id = await categoryIdNamed('Planet');
    const r = await alice.post(`/categories/${id}/opml`, { opml_url: 'file:///etc/passwd' });
    assert.equal(r.res.status, 400);
    assert.match(r.text, /The OPML address must be an http or https URL\./);
    const created = await alice.post('/categories', { name: 'Other', opml_url: 'javascript:alert(1)' });
    assert.equal(created.res.status, 400);
    assert.ok(!created.text.includes('>Other<'));
  });

  test("another user's category is not found, and changes nothing", async () => {
    const id = await categoryIdNamed('Planet');
    for (const [path, fields] of [
      [`/categories/${id}/opml`, { opml_url: `${base}/list.opml?bob` }],
      [`/categories/${id}/opml/refresh`, {}],
    ] as const) {
      const r = await bob.post(path, fields);
      assert.equal(r.res.status, 404, path);
    }
    const row = await t.deps.database.db
      .selectFrom('categories')
      .select('opml_url')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.opml_url, `${base}/moved.opml`);
  });

  test('without the CSRF token nothing is changed or fetched', async () => {
    const id = await categoryIdNamed('Planet');
    const r = await alice.post(`/categories/${id}/opml`, { opml_url: '' }, { csrf: null });
    assert.equal(r.res.status, 403);
    const forged = await alice.post(
      '/subscriptions/import-url',
      { url: `${base}/list.opml` },
      { csrf: null },
    );
    assert.equal(forged.res.status, 403);
    const row = await t.deps.database.db
      .selectFrom('categories')
      .select('opml_url')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(row.opml_url, `${base}/moved.opml`);
  });

  test('emptying the address stops following the OPML; the feeds stay', async () => {
    const id = await categoryIdNamed('Planet');
    const r = await alice.post(`/categories/${id}/opml`, { opml_url: '' });
    assert.match(r.text, /“Planet” no longer follows an OPML; its feeds stay\./);
    assert.ok(!r.text.includes('Check the OPML now'));
    for (const name of ['Feed b', 'Feed c']) assert.ok(r.text.includes(`data-title="${name}"`), name);
  });
});

describe('import from an address, and the OPML round trip', () => {
  test('imports the OPML at an address; a frss:opmlUrl folder becomes a dynamic category', async () => {
    const page = await alice.get('/subscriptions');
    assert.match(page.text, /<form method="post" action="\/subscriptions\/import-url"/);
    served.status = 200;
    served.body = opml(['d', 'e'], { name: 'Followed', opmlUrl: `${base}/list.opml` });
    const r = await alice.post('/subscriptions/import-url', { url: `${base}/list.opml` });
    assert.equal(r.res.status, 200);
    assert.match(r.text, /2 feeds added, 0 already followed, 1 categories\./);
    assert.match(r.text, new RegExp(`Follows the OPML ${base}/list\\.opml · last check: not checked yet`));
    // The next round of `veille serve` / `veille worker` checks it: the list now has only d.
    served.body = opml(['d']);
    assert.equal(await checkDueDynamicCategories({ ...t.deps, db: t.deps.database.db }), 1);
    const after = await alice.get('/subscriptions');
    assert.ok(after.text.includes('data-title="Feed d"'));
    assert.ok(!after.text.includes('data-title="Feed e"'), 'e came with the dynamic folder and left it');
  });

  test('the export writes frss:opmlUrl on the folder, and importing it elsewhere makes it dynamic again', async () => {
    const exported = await alice.get('/subscriptions/export?format=opml');
    assert.match(
      exported.text,
      new RegExp(`<outline text="Followed" title="Followed" frss:opmlUrl="${base}/list\\.opml">`),
    );
    served.body = exported.text;
    const r = await bob.post('/subscriptions/import-url', { url: `${base}/list.opml` });
    assert.equal(r.res.status, 200);
    assert.match(r.text, new RegExp(`Follows the OPML ${base}/list\\.opml`));
    const again = await bob.get('/subscriptions/export?format=opml');
    assert.match(
      again.text,
      new RegExp(`<outline text="Followed" title="Followed" frss:opmlUrl="${base}/list\\.opml">`),
    );
  });

  test('an address that cannot be fetched or is not http(s) says why and imports nothing', async () => {
    const missing = await alice.post('/subscriptions/import-url', { url: `${base}/nothing.opml` });
    assert.equal(missing.res.status, 400);
    assert.match(missing.text, /The file could not be fetched: fetch: the server answered 404 Not Found/);
    const bad = await alice.post('/subscriptions/import-url', { url: 'ftp://example.org/list.opml' });
    assert.equal(bad.res.status, 400);
    assert.match(bad.text, /The address must be an http or https URL\./);
  });

  test('the page is in French for a French user', async () => {
    await t.deps.database.db
      .updateTable('users')
      .set({ language: 'fr' })
      .where('username', '=', 'alice')
      .execute();
    const page = await alice.get('/subscriptions');
    assert.ok(page.text.includes('Vérifier l’OPML maintenant'));
    assert.ok(page.text.includes('Importer depuis cette adresse'));
  });
});
