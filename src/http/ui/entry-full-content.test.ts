// "Fetch full article" and the feed page's content settings, through the app (in-process
// requests, a real SQLite file, a real loopback server for the feed and its pages).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { login } from '../../../test/e2e/security-fixture.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { feedById } from '../../storage/feeds.ts';
import { createUser } from '../../storage/users.ts';
import { createTestApp } from '../test-app.ts';

describe('full content in the web UI', () => {
  let server: Server;
  let base = '';
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let ann: Awaited<ReturnType<typeof login>>;
  let bob: Awaited<ReturnType<typeof login>>;
  let feedId = 0;
  let entryId = 0;

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      if (path === '/feed.xml')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(
            `<rss version="2.0"><channel><title>News</title><link>${base}/</link>` +
              `<item><guid>n1</guid><title>Story one</title><link>${base}/story/1</link><description>Teaser one</description></item>` +
              `</channel></rss>`,
          );
      if (path === '/story/1')
        return void res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<html><body><nav>Menu</nav><article><h1>Story one</h1>` +
              `<p>${'The whole story, told at length so that it is the article. '.repeat(12)}</p>` +
              `<img src="pic.png" onerror="alert(1)"><script>alert(2)</script></article></body></html>`,
          );
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await createTestApp();
    const db = t.deps.database.db;
    for (const username of ['ann', 'bob'])
      await createUser(db, {
        username,
        passwordHash: await hashPassword(`${username}-password`),
        isAdmin: username === 'ann',
        now: Date.now(),
      });
    ann = await login(t, 'ann', 'ann-password');
    bob = await login(t, 'bob', 'bob-password');
    const added = await ann.post('/feeds', { url: `${base}/feed.xml`, category: '' });
    assert.equal(added.res.status, 303);
    feedId = Number(/s=f(\d+)/.exec(added.res.headers.get('location') ?? '')![1]);
    const entry = await db
      .selectFrom('entries')
      .select('id')
      .where('feed_id', '=', feedId)
      .executeTakeFirstOrThrow();
    entryId = entry.id;
  });

  after(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const storedContent = async () =>
    (
      await t.deps.database.db
        .selectFrom('entries')
        .select('content')
        .where('id', '=', entryId)
        .executeTakeFirstOrThrow()
    ).content;

  test('an opened article has the button; the action shows the article, sanitized', async () => {
    const page = await ann.get('/?view=reading');
    assert.match(page.text, new RegExp(`action="/entries/${entryId}/full-content"`));
    assert.match(page.text, /Fetch full article/);
    // With JavaScript: JSON with the sanitized article; the shared entry is not changed.
    const json = await ann.post(
      `/entries/${entryId}/full-content`,
      { back: '/' },
      { headers: { accept: 'application/json' } },
    );
    assert.equal(json.res.status, 200);
    const body = JSON.parse(json.text) as { html: string; stored: boolean };
    assert.match(body.html, /The whole story/);
    assert.match(body.html, new RegExp(`src="${base}/story/pic\\.png"`));
    assert.doesNotMatch(body.html, /<script|onerror|Menu/);
    assert.equal(body.stored, false);
    assert.match(await storedContent(), /Teaser one/);
    // Without JavaScript: a page with the article and a way back.
    const html = await ann.post(`/entries/${entryId}/full-content`, { back: '/?view=reading' });
    assert.equal(html.res.status, 200);
    assert.match(html.text, /The whole story/);
    assert.match(html.text, /Shown to you only/);
    assert.match(html.text, /href="\/\?view=reading"/);
  });

  test("another user's entry is not found, and a missing CSRF token is refused", async () => {
    const other = await bob.post(
      `/entries/${entryId}/full-content`,
      {},
      { headers: { accept: 'application/json' } },
    );
    assert.equal(other.res.status, 404);
    assert.equal((await bob.post(`/entries/${entryId}/full-content`, {})).res.status, 404);
    assert.equal((await ann.post('/entries/99999999/full-content', {})).res.status, 404);
    const forged = await ann.post(`/entries/${entryId}/full-content`, {}, { csrf: null });
    assert.equal(forged.res.status, 403);
  });

  test('content settings: a bad selector is refused with a message; a good one is saved', async () => {
    const feedPage = await ann.get(`/feeds/${feedId}`);
    assert.match(feedPage.text, /Retrieve full content/);
    const bad = await ann.post(`/feeds/${feedId}/content`, { full_content: '1', content_selector: 'div[' });
    assert.equal(bad.res.status, 400);
    assert.match(bad.text, /This CSS selector cannot be used/);
    assert.match(bad.text, /value="div\["/, 'what was typed is still there');
    assert.equal((await feedById(t.deps.database.db, feedId))!.fetch_options, null, 'nothing saved');

    const saved = await ann.post(`/feeds/${feedId}/content`, {
      full_content: '1',
      content_selector: 'article',
      content_remove: 'h1',
      content_action: 'append',
    });
    assert.equal(saved.res.status, 303);
    // Ann is alone on the feed: the row itself changes, her entries stay.
    assert.equal(saved.res.headers.get('location'), `/feeds/${feedId}?content=saved`);
    assert.deepEqual(JSON.parse((await feedById(t.deps.database.db, feedId))!.fetch_options!), {
      fullContent: true,
      contentSelector: 'article',
      contentRemove: 'h1',
      contentAction: 'append',
    });
    const after = await ann.get(`/feeds/${feedId}?content=saved`);
    assert.match(after.text, /Content settings saved/);
    assert.match(after.text, /value="article"/);
    assert.equal((await bob.post(`/feeds/${feedId}/content`, { full_content: '1' })).res.status, 404);
  });

  test('with full content on in "replace" mode, the fetched article is stored', async () => {
    await ann.post(`/feeds/${feedId}/content`, { full_content: '1', content_selector: 'article' });
    const r = await ann.post(`/entries/${entryId}/full-content`, { back: '/' });
    assert.equal(r.res.status, 303);
    assert.match(await storedContent(), /The whole story/);
    const page = await ann.get('/?view=reading');
    assert.match(page.text, /The whole story/);
  });
});
