// Search and user queries in a real Chromium, as a FreshRSS user goes through them: typing a
// search (only matching articles, the count, highlighted words), clicking an author, a syntax
// error shown with its position, the advanced search writing the grammar into the box, saving the
// search as a user query and opening it with `u` then `1`, and sharing it: the secret RSS link is
// fetched without a cookie and read back with Veille's own feed parser.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { parseFeed } from '../../src/reader/parse/parse-feed.ts';
import { CHROMIUM_PATH, startHarness, type Harness, type PageProblem } from './harness.ts';

const USERNAME = 'searcher';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;

const chromiumMissing = existsSync(CHROMIUM_PATH) ? false : `Chromium is not installed at ${CHROMIUM_PATH}`;
const appBundleMissing = existsSync(fileURLToPath(new URL('../../public/app.js', import.meta.url)))
  ? false
  : 'public/app.js is missing: run `node scripts/build.mjs` first';
const skip = chromiumMissing || appBundleMissing;

let h: Harness;
let page: Page;
let problems: PageProblem[];

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An RSS feed with authors (dc:creator) and tags, which the harness's feeds do not carry. */
function techFeed(origin: string): string {
  const now = Date.now();
  const items = [
    {
      title: 'Rust compiler released',
      author: 'Zoé Durand',
      tag: 'open source',
      html: '<p>The Rust <em>compiler</em> team ships a new compiler.</p>',
    },
    { title: 'Weather in Paris', author: 'Météo France', tag: 'weather', html: '<p>Rain and wind.</p>' },
    { title: 'Compilers explained', author: 'Alan Turing', tag: 'cs', html: '<p>How a compiler works.</p>' },
    { title: 'Gardening tips', author: 'Zoé Durand', tag: 'garden', html: '<p>Grow tomatoes.</p>' },
  ];
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>` +
    `<title>Tech</title><link>${origin}/</link><description>Test feed</description>` +
    items
      .map(
        (i, k) =>
          `<item><guid isPermaLink="false">tech-${k}</guid><title>${xml(i.title)}</title>` +
          `<link>${origin}/articles/${k}</link><pubDate>${new Date(now - (k + 1) * HOUR).toUTCString()}</pubDate>` +
          `<dc:creator>${xml(i.author)}</dc:creator><category>${xml(i.tag)}</category>` +
          `<description>${xml(i.html)}</description></item>`,
      )
      .join('') +
    `</channel></rss>`
  );
}

async function titles(): Promise<string[]> {
  return (await page.locator('#stream .entry.flux > details > summary .title').allTextContents())
    .map((t) => t.trim())
    .sort();
}

async function searchFor(text: string) {
  const box = page.locator('form.search-form input[type="search"]');
  await box.fill(text);
  await box.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('search') === text);
}

before(async () => {
  if (skip) return;
  h = await startHarness();
  h.feeds.route('/tech.xml', { kind: 'html', html: techFeed(h.feeds.origin) });
  h.feeds.route('/articles/0', { kind: 'html', html: '<!doctype html><title>a</title>' });
});

after(async () => {
  await h?.close();
});

test('setup: an account subscribed to a feed with authors and tags', { skip }, async () => {
  const opened = await h.newContext();
  page = opened.page;
  problems = opened.problems;
  await page.goto('/setup');
  await page.getByLabel('Username', { exact: true }).fill(USERNAME);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.goto('/subscriptions');
  await page.getByLabel('Feed or website address').fill(h.feeds.url('/tech.xml'));
  await page.locator('#add').getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/subscriptions');
  await page.goto('/?s=main&state=all');
  assert.deepEqual(await titles(), [
    'Compilers explained',
    'Gardening tips',
    'Rust compiler released',
    'Weather in Paris',
  ]);
});

test(
  'typing a search shows only the matching articles, their count and the words highlighted',
  { skip },
  async () => {
    await page.keyboard.press('a');
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('type')),
      'search',
      'key a focuses the search box',
    );
    await searchFor('compiler');
    assert.deepEqual(await titles(), ['Compilers explained', 'Rust compiler released']);
    assert.equal((await page.locator('.search-count').textContent())?.trim(), '2 results');
    // Titles: "Compilers" (a stemmed form) and "compiler" are marked.
    const titleMarks = await page.locator('#stream summary .title mark.search-hit').allTextContents();
    assert.deepEqual(titleMarks.sort(), ['Compilers', 'compiler']);
    // In the article body, words inside other markup too, which stays as it was.
    const rust = page.locator('#stream .entry.flux', { hasText: 'Rust compiler released' });
    await rust.locator(':scope > details > summary .title').click();
    const body = rust.locator('.flux_content .text');
    assert.deepEqual(await body.locator('mark.search-hit').allTextContents(), ['compiler', 'compiler']);
    assert.equal(await body.locator('em > mark.search-hit').count(), 1, 'the <em> keeps its mark inside');
    assert.equal(
      (await body.textContent())?.trim(),
      'The Rust compiler team ships a new compiler.',
      'highlighting changes no text',
    );
  },
);

test('clicking an author searches that author', { skip }, async () => {
  const rust = page.locator('#stream .entry.flux', { hasText: 'Rust compiler released' });
  if (!(await rust.locator(':scope > details').evaluate((d) => (d as HTMLDetailsElement).open)))
    await rust.locator(':scope > details > summary .title').click();
  await rust.locator('a.author-link', { hasText: 'Zoé Durand' }).click();
  await page.waitForURL((u) => u.searchParams.get('search') === 'author:"Zoé Durand"');
  assert.deepEqual(await titles(), ['Gardening tips', 'Rust compiler released']);
  assert.equal((await page.locator('.search-count').textContent())?.trim(), '2 results');
  assert.equal(
    await page.locator('form.search-form input[type="search"]').inputValue(),
    'author:"Zoé Durand"',
  );
});

test('a search that does not parse shows the message and where, and the stream', { skip }, async () => {
  await searchFor('compiler OR');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.textContent()) ?? '', /a search is missing after OR at column 12/);
  assert.equal(await page.locator('.search-error mark.search-error-at').count(), 1);
  assert.equal((await titles()).length, 4, 'the stream is still shown');
});

test('the advanced search writes the grammar into the search box', { skip }, async () => {
  await page.goto('/?s=main&state=all');
  await page.locator('details.advanced-search > summary').click();
  await page.getByLabel('Words in the title', { exact: true }).fill('weather');
  await page.getByLabel('Author').fill('Météo France');
  const box = page.locator('form.search-form input[type="search"]');
  assert.equal(await box.inputValue(), 'intitle:weather author:"Météo France"');
  await page.locator('form.advanced-search-form button[type="submit"]').click();
  await page.waitForURL((u) => u.searchParams.get('search') === 'intitle:weather author:"Météo France"');
  assert.deepEqual(await titles(), ['Weather in Paris']);
  assert.equal((await page.locator('.search-count').textContent())?.trim(), '1 result');
});

test('save the search as a user query and open it with u then 1', { skip }, async () => {
  await page.goto('/?s=main&state=all');
  await searchFor('compiler');
  await page.locator('details.queries-menu > summary').click();
  await page.locator('form.save-query').getByLabel('Name').fill('Compilers');
  await page.locator('form.save-query button[type="submit"]').click();
  await page.waitForURL((u) => u.pathname === '/queries');
  await page.getByText('The query “Compilers” is saved.').waitFor();

  await page.goto('/?s=main&state=all');
  assert.equal((await titles()).length, 4);
  await page.keyboard.press('u');
  assert.equal(
    await page.locator('details.queries-menu').evaluate((d) => (d as HTMLDetailsElement).open),
    true,
  );
  await page.keyboard.press('1');
  await page.waitForURL((u) => u.searchParams.get('search') === 'compiler');
  assert.deepEqual(await titles(), ['Compilers explained', 'Rust compiler released']);
});

test('share the query: its RSS is readable without a cookie and parses', { skip }, async () => {
  await page.goto('/queries');
  await page.getByRole('button', { name: 'Share by a secret link' }).click();
  await page.getByText('Secret links created').waitFor();
  const rssLink = page.locator('.share-links a', { hasText: 'RSS' });
  const href = await rssLink.getAttribute('href');
  assert.ok(href && /\/shared\/query\/[A-Za-z0-9_-]{32}\.rss$/.test(href), String(href));
  const response = await fetch(new URL(href, h.veille.baseUrl));
  assert.equal(response.status, 200);
  const feed = parseFeed(await response.text(), { url: href });
  assert.equal(feed.title, 'Compilers');
  assert.deepEqual(feed.entries.map((e) => e.title).sort(), [
    'Compilers explained',
    'Rust compiler released',
  ]);
  assert.deepEqual(
    feed.entries.find((e) => e.title === 'Rust compiler released')!.authors.map((a) => a.name),
    ['Zoé Durand'],
  );
  // The HTML page opens in a fresh browser context, without the session.
  const stranger = await h.newContext();
  const sharedHtml = href.replace(/\.rss$/, '');
  await stranger.page.goto(sharedHtml);
  assert.equal(await stranger.page.locator('h1').textContent(), 'Compilers');
  assert.equal(await stranger.page.locator('article.shared-entry').count(), 2);
  // Revoked: the link is gone.
  await page.getByRole('button', { name: 'Revoke the links' }).click();
  await page.getByText('The secret links are revoked.').waitFor();
  assert.equal((await fetch(new URL(href, h.veille.baseUrl))).status, 404);
  const gone = await stranger.page.goto(sharedHtml);
  assert.equal(gone?.status(), 404);
  await stranger.context.close();
  assert.deepEqual(
    problems.filter((p) => !p.url.includes('/shared/query/')),
    [],
    'console errors or page errors',
  );
});
