// The filter actions forms, as a user uses them: on a feed's page, a category's page and the
// global settings page; a search that does not parse shows the parser's message and saves
// nothing; saved filters act on the next refresh; "apply to existing articles" acts at once.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { login } from '../../../test/e2e/security-fixture.ts';
import { hashPassword } from '../../lib/passwords.ts';
import { ensureCategory } from '../../storage/categories.ts';
import { findOrCreateFeed } from '../../storage/feeds.ts';
import { createLabel } from '../../storage/labels.ts';
import { subscribe } from '../../storage/subscriptions.ts';
import { createUser } from '../../storage/users.ts';
import { createTestApp } from '../test-app.ts';

const items = ['Sponsored: a VPN', 'Weekly notes', 'Rust news'];
let server: Server;
let base = '';
let t: Awaited<ReturnType<typeof createTestApp>>;

before(async () => {
  server = createServer((req, res) => {
    if (req.url !== '/feed.xml') return void res.writeHead(404).end();
    const body = items
      .map((title, i) => `<item><title>${title}</title><guid>i${i}</guid><category>c${i}</category></item>`)
      .join('');
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`<rss version="2.0"><channel><title>News</title>${body}</channel></rss>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await createTestApp();
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.close();
});

/** The text of a textarea of a page. */
function textarea(html: string, name: string): string | null {
  const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html);
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&') : null;
}

test('filters are edited on the feed, category and settings pages and act on new and existing articles', async () => {
  const db = t.deps.database.db;
  const now = Date.now();
  const password = 'correct horse battery';
  const alice = await createUser(db, {
    username: 'alice',
    passwordHash: await hashPassword(password),
    isAdmin: true,
    now,
  });
  const bob = await createUser(db, {
    username: 'bob',
    passwordHash: await hashPassword(password),
    isAdmin: false,
    now,
  });
  const news = await ensureCategory(db, alice.id, 'News');
  const bobs = await ensureCategory(db, bob.id, 'Bob things');
  const label = await createLabel(db, alice.id, 'Rust');
  assert.equal(label.kind, 'ok');
  const labelId = label.kind === 'ok' ? label.id : 0;
  const feed = await findOrCreateFeed(db, {
    url: `${base}/feed.xml`,
    options: {},
    userId: alice.id,
    title: 'News',
    now,
  });
  await subscribe(db, { userId: alice.id, feedId: feed.id, categoryId: news.id, now });
  const browser = await login(t, 'alice', password);

  // The feed's page has the form.
  const page = await browser.get(`/feeds/${feed.id}`);
  assert.equal(page.res.status, 200);
  assert.match(page.text, /Filter actions/);
  assert.equal(textarea(page.text, 'read'), '');
  assert.equal(textarea(page.text, `label_${labelId}`), '');

  // A line that does not parse: the parser's message, the typed text kept, nothing saved.
  const bad = await browser.post('/filters', {
    scope: 'feed',
    scopeId: String(feed.id),
    back: `/feeds/${feed.id}`,
    read: 'intitle:sponsored',
    star: 'author:"Alice\n(unclosed',
  });
  assert.equal(bad.res.status, 400);
  assert.match(bad.text, /Nothing was saved/);
  assert.match(
    bad.text,
    /Line 1, “author:&quot;Alice”: search: the quote &quot; is never closed at column 8/,
  );
  assert.match(bad.text, /Line 2, “\(unclosed”: search: this &quot;\(&quot; is never closed at column 1/);
  assert.equal(textarea(bad.text, 'read'), 'intitle:sponsored');
  assert.equal(textarea((await browser.get(`/feeds/${feed.id}`)).text, 'read'), '', 'nothing saved');

  // Valid lists are saved, shown again, and act on the next refresh.
  const saved = await browser.post('/filters', {
    scope: 'feed',
    scopeId: String(feed.id),
    back: `/feeds/${feed.id}`,
    read: 'intitle:sponsored\n\n',
    star: '',
    [`label_${labelId}`]: 'rust',
  });
  assert.equal(saved.res.status, 303);
  assert.equal(saved.res.headers.get('location'), `/feeds/${feed.id}?filters=saved#filters`);
  const after = await browser.get(`/feeds/${feed.id}?filters=saved`);
  assert.match(after.text, /Filters saved\./);
  assert.equal(textarea(after.text, 'read'), 'intitle:sponsored');
  assert.equal(textarea(after.text, `label_${labelId}`), 'rust');

  // The global filters page, and the category's.
  const globalPage = await browser.get('/settings/filters');
  assert.equal(globalPage.res.status, 200);
  assert.match(globalPage.text, /Filter actions for all feeds/);
  assert.doesNotMatch(globalPage.text, /Apply the filters to existing articles/);
  const globalSave = await browser.post('/filters', {
    scope: 'user',
    back: '/settings/filters',
    star: '#c1',
  });
  assert.equal(globalSave.res.status, 303);
  const categoryPage = await browser.get(`/categories/${news.id}/filters`);
  assert.match(categoryPage.text, /Filter actions of the category “News”/);
  assert.equal((await browser.get(`/categories/${bobs.id}/filters`)).res.status, 404, "bob's category");
  const forbidden = await browser.post('/filters', {
    scope: 'category',
    scopeId: String(bobs.id),
    read: 'x',
  });
  assert.equal(forbidden.res.status, 404);

  await browser.post('/refresh', { back: '/' });
  const unread = await browser.get(`/?s=f${feed.id}&state=unread`);
  assert.match(unread.text, /Weekly notes/);
  assert.match(unread.text, /Rust news/);
  assert.doesNotMatch(unread.text, /Sponsored: a VPN/, 'marked read by the feed filter');
  const starred = await browser.get('/?s=starred&state=all');
  assert.match(starred.text, /Weekly notes/, 'starred by the global filter (#c1)');
  assert.doesNotMatch(starred.text, /Rust news/);
  const labelled = await browser.get(`/?s=t${labelId}&state=all`);
  assert.match(labelled.text, /Rust news/);
  assert.doesNotMatch(labelled.text, /Weekly notes/);

  // A category filter added later, applied to the articles already there.
  const categorySave = await browser.post('/filters', {
    scope: 'category',
    scopeId: String(news.id),
    back: `/categories/${news.id}/filters`,
    read: 'notes',
  });
  assert.equal(
    categorySave.res.headers.get('location'),
    `/categories/${news.id}/filters?filters=saved#filters`,
  );
  assert.match((await browser.get(`/?s=f${feed.id}&state=unread`)).text, /Weekly notes/, 'not applied yet');
  const applied = await browser.post('/filters/apply', {
    scope: 'category',
    scopeId: String(news.id),
    back: `/categories/${news.id}/filters`,
  });
  assert.equal(applied.res.status, 303);
  const notice = await browser.get(applied.res.headers.get('location')!.replace(/#.*$/, ''));
  assert.match(notice.text, /Filters applied: 1 marked as read, 0 marked as favourite, 0 labels added\./);
  assert.doesNotMatch((await browser.get(`/?s=f${feed.id}&state=unread`)).text, /Weekly notes/);
});
