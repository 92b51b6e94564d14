// The web UI in a real Chromium, as a user goes through it: first-run setup, login, adding feeds,
// the normal view, reading, favourites, mark all as read and undo, French, hostile content and
// refresh errors. The tests run in order and share one instance (setup happens once).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import {
  CHROMIUM_PATH,
  startHarness,
  watchProblems,
  type FeedDocument,
  type Harness,
  type PageProblem,
} from './harness.ts';

const USERNAME = 'admin';
const PASSWORD = 'correct horse battery staple';

const HOUR = 3_600_000;
// 18 November 2025, 14:02 UTC = 15:02 in Paris.
const METEOR_PUBLISHED = Date.UTC(2025, 10, 18, 14, 2);

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const chromiumMissing = existsSync(CHROMIUM_PATH) ? false : `Chromium is not installed at ${CHROMIUM_PATH}`;
const appBundleMissing = existsSync(fileURLToPath(new URL('../../public/app.js', import.meta.url)))
  ? false
  : 'public/app.js is missing: run `node scripts/build.mjs` first';
const skip = chromiumMissing || appBundleMissing;

let h: Harness;
/** The logged-in browser state, renewed at each login (logging out ends the session). */
let session: StorageState | undefined;

function planetFeed(extra: FeedDocument['items'] = []): FeedDocument {
  const link = (n: string) => h.feeds.url(`/articles/${n}`);
  return {
    format: 'rss',
    title: 'Daily Planet',
    items: [
      ...extra,
      {
        guid: 'planet-meteor',
        title: 'Meteor over Metropolis',
        link: link('meteor'),
        published: METEOR_PUBLISHED,
        html: '<p>A meteor was seen above the city last night.</p>',
      },
      {
        guid: 'planet-budget',
        title: 'City council votes the budget',
        link: link('budget'),
        published: Date.UTC(2025, 10, 17, 9, 30),
        html: '<p>The vote was close.</p>',
      },
      {
        guid: 'planet-harbour',
        title: 'Harbour reopens',
        link: link('harbour'),
        published: Date.UTC(2025, 10, 16, 8, 0),
        html: '<p>Ships are back.</p>',
      },
    ],
  };
}

before(async () => {
  if (skip) return;
  h = await startHarness();
  h.feeds.route('/site/', {
    kind: 'html',
    html:
      '<!doctype html><html><head><title>Daily Planet</title>' +
      '<link rel="alternate" type="application/rss+xml" title="Daily Planet" href="/planet.xml">' +
      '</head><body><h1>Daily Planet</h1></body></html>',
  });
  h.feeds.route('/planet.xml', { kind: 'feed', feed: planetFeed() });
  h.feeds.route('/about.html', {
    kind: 'html',
    html: '<!doctype html><html><head><title>About us</title></head><body><p>No feed here.</p></body></html>',
  });
  h.feeds.route('/hostile.xml', {
    kind: 'feed',
    feed: {
      format: 'atom',
      title: 'Hostile Times',
      items: [
        {
          guid: 'urn:hostile:1',
          title: 'Totally harmless article',
          link: h.feeds.url('/articles/hostile'),
          published: Date.UTC(2025, 10, 19, 7, 0),
          html:
            '<p>Hostile body text stays readable.</p>' +
            '<script>window.__xss=1</script>' +
            '<img src=x onerror="window.__xss=1">' +
            '<a href="javascript:window.__xss=1">click me</a>' +
            '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>' +
            '<form><button formaction="javascript:window.__xss=1">Send</button></form>',
        },
      ],
    },
  });
  h.feeds.route('/flaky.xml', {
    kind: 'feed',
    feed: {
      format: 'rss',
      title: 'Flaky Feed',
      items: [
        {
          guid: 'flaky-1',
          title: 'Flaky first post',
          link: h.feeds.url('/articles/flaky-1'),
          published: Date.UTC(2025, 10, 15, 12, 0),
          html: '<p>Works for now.</p>',
        },
      ],
    },
  });
});

after(async () => {
  await h?.close();
});

// ---------------------------------------------------------------------------------------------

/** No console error and no uncaught error, except the failed loads listed (status and path). */
function assertNoProblems(problems: PageProblem[], expected: { status: number; path: string }[] = []) {
  const unexpected = problems.filter((p) => {
    if (p.kind !== 'console') return true;
    const status = /^Failed to load resource: the server responded with a status of (\d{3})\b/.exec(
      p.text,
    )?.[1];
    if (!status) return true;
    const path = p.url ? new URL(p.url).pathname : '';
    return !expected.some((e) => e.status === Number(status) && e.path === path);
  });
  assert.deepEqual(unexpected, [], 'console errors or page errors');
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

function entryRow(page: Page, title: string): Locator {
  return page.locator('.entry.flux', { has: page.locator('summary .title', { hasText: title }) });
}

async function rowTitles(page: Page): Promise<string[]> {
  return (await page.locator('#stream .entry.flux summary .title').allTextContents()).map((t) => t.trim());
}

async function isUnread(row: Locator): Promise<boolean> {
  return row.evaluate((el) => el.classList.contains('not_read'));
}

function dayText(locale: string, timeZone: string, ms: number): string {
  return new Intl.DateTimeFormat(locale, { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(
    ms,
  );
}

async function logIn(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState('domcontentloaded');
}

async function loggedIn() {
  assert.ok(session, 'an earlier test logged in');
  return h.newContext({ storageState: session });
}

async function feedIdOf(page: Page, feedName: string): Promise<string> {
  const id = await page
    .locator('.sidebar li[data-feed]', { has: page.locator('.name', { hasText: feedName }) })
    .getAttribute('data-feed');
  assert.ok(id, `the sidebar lists ${feedName}`);
  return id;
}

async function addFeed(page: Page, url: string) {
  await page.goto('/subscriptions');
  await page.getByLabel('Feed or website address').fill(url);
  await page.locator('#add').getByRole('button', { name: 'Add', exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/subscriptions');
}

// ---------------------------------------------------------------------------------------------

test('first run: / leads to setup, the administrator is created from the browser', { skip }, async () => {
  const { context, page, problems } = await h.newContext();
  await page.goto('/');
  assert.equal(new URL(page.url()).pathname, '/setup');
  assert.equal(await text(page.locator('h1')), 'Create the administrator account');
  // From a loopback client no setup code is asked.
  assert.equal(await page.locator('input[name="code"]').count(), 0);

  await page.getByLabel('Username', { exact: true }).fill(USERNAME);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.waitForURL((u) => u.pathname === '/');

  // The main stream, logged in, still empty.
  assert.match(await page.title(), /^Main stream · Veille$/);
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  assert.equal(await text(page.locator('#stream .empty')), 'There are no articles to show.');
  session = await context.storageState();
  assertNoProblems(problems);
  await context.close();
});

test('a wrong password or an unknown user gets the same message at /login', { skip }, async () => {
  const { context, page, problems } = await h.newContext();
  await page.goto('/setup');
  assert.equal(new URL(page.url()).pathname, '/login', 'setup is closed once an account exists');

  await logIn(page, USERNAME, 'not the password');
  assert.equal(await text(page.getByRole('alert')), 'Wrong username or password.');
  assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);

  await logIn(page, 'nobody', PASSWORD);
  assert.equal(await text(page.getByRole('alert')), 'Wrong username or password.');
  assertNoProblems(problems, [{ status: 401, path: '/login' }]);
  await context.close();
});

test('log out with the button, then log in again', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await page.goto('/');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((u) => u.pathname === '/login');
  await page.goto('/');
  assert.equal(new URL(page.url()).pathname, '/login', 'the session ended');

  await logIn(page, USERNAME, PASSWORD);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  session = await context.storageState();
  assertNoProblems(problems);
  await context.close();
});

test('add a feed from its web page (autodiscovery); a page without feed is refused', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await addFeed(page, h.feeds.url('/site/'));
  const feedId = await feedIdOf(page, 'Daily Planet');
  assert.equal(new URL(page.url()).search, `?s=f${feedId}`, "lands on the feed's stream");
  assert.deepEqual((await rowTitles(page)).sort(), [
    'City council votes the budget',
    'Harbour reopens',
    'Meteor over Metropolis',
  ]);
  assert.ok(h.feeds.hits('/planet.xml') > 0);

  const feedsBefore = await h.veille.database.db.selectFrom('feeds').select('id').execute();
  await page.goto('/subscriptions');
  const rowsBefore = await page.locator('table.feeds tr[data-feed]').count();
  await page.getByLabel('Feed or website address').fill(h.feeds.url('/about.html'));
  await page.locator('#add').getByRole('button', { name: 'Add', exact: true }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await text(alert), /^No feed was found at this address: \S.*/);
  assert.equal(await page.locator('table.feeds tr[data-feed]').count(), rowsBefore);
  const feedsAfter = await h.veille.database.db.selectFrom('feeds').select('id').execute();
  assert.deepEqual(feedsAfter, feedsBefore, 'nothing saved');
  assertNoProblems(problems, [{ status: 400, path: '/feeds' }]);
  await context.close();
});

test(
  'normal view: day header, one-line rows with feed, title and date, unread marked',
  { skip },
  async () => {
    const { context, page, problems } = await loggedIn();
    const before = Date.now();
    await page.goto('/');
    await page.getByRole('link', { name: /Daily Planet/ }).click();
    await page.waitForURL((u) => u.search.startsWith('?s=f'));
    const headers = (await page.locator('#stream h2.day').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
    const expected = new Set(
      [before, Date.now()].map((ms) => `Received today — ${dayText('en-US', 'UTC', ms)} Daily Planet`),
    );
    assert.equal(headers.length, 1);
    assert.ok(expected.has(headers[0]!), `day header: ${headers[0]}`);

    const row = entryRow(page, 'Meteor over Metropolis');
    assert.equal(await text(row.locator('summary .feed-name')), 'Daily Planet');
    assert.equal(await text(row.locator('summary time.date')), 'November 18, 2025 at 14:02');
    assert.ok(await isUnread(row));
    assert.equal(await page.locator('#stream .entry.flux.not_read').count(), 3);
    // One line: the row is a single summary line, the article is hidden until opened.
    assert.equal(await row.locator('article.flux_content').isVisible(), false);
    assertNoProblems(problems);
    await context.close();
  },
);

test('opening an article expands it in place and marks it read', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await page.goto('/');
  const feedId = await feedIdOf(page, 'Daily Planet');
  await page.goto(`/?s=f${feedId}`);
  const count = page.locator(`.sidebar li[data-feed="${feedId}"] .count`);
  assert.equal(await text(count), '3');

  const row = entryRow(page, 'Meteor over Metropolis');
  const id = await row.getAttribute('data-id');
  await row.locator('summary .title').click();
  const link = row.locator('article.flux_content h1.title a');
  await link.waitFor({ state: 'visible' });
  assert.equal(await link.getAttribute('href'), h.feeds.url('/articles/meteor'));
  assert.equal(await text(link), 'Meteor over Metropolis');
  const body = row.locator('article .text');
  assert.equal(await body.isVisible(), true);
  assert.equal(await text(body), 'A meteor was seen above the city last night.');

  await page.locator(`#entry-${id}:not(.not_read)`).waitFor({ state: 'attached' });
  await page.waitForFunction(
    (sel) => (document.querySelector(sel)?.textContent ?? '').trim() === '2',
    `.sidebar li[data-feed="${feedId}"] .count`,
  );

  // One open article at a time.
  await entryRow(page, 'Harbour reopens').locator('summary .title').click();
  await page.locator(`#entry-${id} > details.fold:not([open])`).waitFor({ state: 'attached' });
  await entryRow(page, 'Harbour reopens').locator('summary .title').click(); // close it again
  await page.locator('.entry.flux > details.fold[open]').waitFor({ state: 'detached' });

  // Still read after a reload: gone from the unread view, shown read in "all".
  await page.reload();
  assert.equal(await text(count), '1');
  assert.equal(await entryRow(page, 'Meteor over Metropolis').count(), 0);
  await page.goto(`/?s=f${feedId}&state=all`);
  assert.equal(await isUnread(entryRow(page, 'Meteor over Metropolis')), false);
  assertNoProblems(problems);
  await context.close();
});

test('starring a row shows ★ and lists it in Favourites', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await page.goto('/');
  const row = entryRow(page, 'City council votes the budget');
  const star = row.locator('button.toggle-star');
  assert.equal(await text(star), '☆');
  await star.click();
  await page.waitForFunction(
    (id) => document.querySelector(`#entry-${id} button.toggle-star`)?.textContent === '★',
    await row.getAttribute('data-id'),
  );
  assert.equal(
    await row.locator(':scope > details.fold').evaluate((el) => (el as HTMLDetailsElement).open),
    false,
    'the star does not open the row',
  );
  assert.equal(await text(page.locator('.sidebar .starred-count')), '1');

  await page.reload();
  assert.equal(
    await text(entryRow(page, 'City council votes the budget').locator('button.toggle-star')),
    '★',
  );
  await page.getByRole('link', { name: /Favourites/ }).click();
  await page.waitForURL((u) => u.search === '?s=starred');
  assert.deepEqual(await rowTitles(page), ['City council votes the budget']);
  assert.equal(
    await text(entryRow(page, 'City council votes the budget').locator('button.toggle-star')),
    '★',
  );
  assertNoProblems(problems);
  await context.close();
});

test('without JavaScript: a row opens on click, its toggles post their forms', { skip }, async () => {
  assert.ok(session, 'an earlier test logged in');
  const context = await h.browser.newContext({
    baseURL: h.veille.baseUrl,
    locale: 'en-US',
    timezoneId: 'UTC',
    storageState: session,
    javaScriptEnabled: false,
  });
  context.setDefaultTimeout(5_000);
  const problems = watchProblems(context);
  const page = await context.newPage();
  await page.goto('/?s=main');
  const row = entryRow(page, 'City council votes the budget');
  // The toggles sit beside the row's <summary>, never inside it (no nested interactive controls).
  assert.equal(await row.locator('summary :is(button, a, input, select, textarea, summary)').count(), 0);
  await row.locator('summary .title').click();
  await row.locator('article.flux_content').waitFor({ state: 'visible' });
  // The favourite toggle posts its form and comes back to the stream, the row closed.
  const star = row.locator('button.toggle-star');
  assert.equal(await text(star), '★');
  await star.click();
  await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('s') === 'main');
  assert.equal(await text(star), '☆');
  assert.equal(await row.locator('article.flux_content').isVisible(), false);
  await star.click();
  await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('s') === 'main');
  assert.equal(await text(star), '★');
  assertNoProblems(problems);
  await context.close();
});

test('mark all as read spares what arrived after the page was shown; Undo restores', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await page.goto('/?s=main');
  // The meteor and harbour articles were read by opening them.
  assert.deepEqual(await rowTitles(page), ['City council votes the budget']);

  // A new article arrives while the user looks at the page.
  h.feeds.route('/planet.xml', {
    kind: 'feed',
    feed: planetFeed([
      {
        guid: 'planet-late',
        title: 'Late edition',
        link: h.feeds.url('/articles/late'),
        published: Date.now() - HOUR,
        html: '<p>Stop the press.</p>',
      },
    ]),
  });
  const summary = await h.veille.refreshAllFeeds();
  assert.equal(summary.newEntries, 1);

  await page.locator('.toolbar').getByRole('button', { name: 'Mark all as read' }).click();
  await page.waitForURL((u) => u.searchParams.get('marked') === '1');
  assert.deepEqual(await rowTitles(page), ['Late edition']);
  assert.ok(await isUnread(entryRow(page, 'Late edition')));

  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForURL((u) => u.searchParams.get('undone') === '1');
  assert.equal(await text(page.getByRole('status')), 'Mark all as read was undone.');
  // Back as they were before: unread again, and what had been read by hand stays read.
  assert.deepEqual((await rowTitles(page)).sort(), ['City council votes the budget', 'Late edition']);
  assert.equal(await page.locator('#stream .entry.flux.not_read').count(), 2);

  // Everything shown is read now: the stream is empty.
  await page.locator('.toolbar').getByRole('button', { name: 'Mark all as read' }).click();
  await page.waitForURL((u) => u.searchParams.get('marked') === '1');
  assert.equal(await page.locator('#stream .entry.flux').count(), 0);
  assert.equal(await text(page.locator('#stream .empty')), 'There are no articles to show.');
  assert.equal(await page.locator('.sidebar ul.streams > li:first-child .count').textContent(), '');
  assertNoProblems(problems);
  await context.close();
});

test('in French with the Paris time zone: day headers, dates and buttons', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await page.goto('/settings');
  await page.getByLabel('Language').selectOption({ label: 'Français' });
  await page.getByLabel('Time zone').selectOption('Europe/Paris');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'Configuration enregistrée.' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

  const before = Date.now();
  await page.goto('/');
  const feedId = await feedIdOf(page, 'Daily Planet');
  await page.goto(`/?s=f${feedId}&state=all`);
  const headers = (await page.locator('#stream h2.day').allTextContents()).map((t) =>
    t.replace(/\s+/g, ' ').trim(),
  );
  const expected = new Set(
    [before, Date.now()].map(
      (ms) => `Reçu aujourd’hui — ${dayText('fr-FR', 'Europe/Paris', ms)} Daily Planet`,
    ),
  );
  assert.ok(expected.has(headers[0]!), `day header: ${headers[0]}`);
  assert.equal(
    await text(entryRow(page, 'Meteor over Metropolis').locator('summary time.date')),
    '18 novembre 2025 à 15:02',
  );
  await page.locator('.toolbar').getByRole('button', { name: 'Tout marquer comme lu' }).waitFor();
  assert.equal(await text(page.locator('.toolbar .view-name')), 'Vue normale');

  // Back to English and UTC for the next tests.
  await page.goto('/settings');
  await page.getByLabel('Langue').selectOption({ value: '' });
  await page.getByLabel('Fuseau horaire').selectOption('UTC');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
  assertNoProblems(problems);
  await context.close();
});

test('a hostile article renders inert', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await addFeed(page, h.feeds.url('/hostile.xml'));
  const row = entryRow(page, 'Totally harmless article');
  await row.locator('summary .title').click();
  const body = row.locator('article .text');
  await body.waitFor({ state: 'visible' });
  assert.match(await text(body), /Hostile body text stays readable\./);
  await page
    .locator(`#entry-${await row.getAttribute('data-id')}:not(.not_read)`)
    .waitFor({ state: 'attached' });
  await page.waitForLoadState('load');
  // Click everything clickable in the article, as a curious user would.
  for (const link of await body.locator('a, button').all())
    await link.click({ noWaitAfter: true }).catch(() => {});

  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), undefined);
  const html = (await row.evaluate((el) => el.outerHTML)).toLowerCase();
  for (const bad of ['<script', 'onerror', 'srcdoc', 'formaction', 'javascript:']) {
    assert.ok(!html.includes(bad), `the article's DOM contains ${bad}`);
  }
  assert.equal(await row.locator('script, iframe[srcdoc], [onerror], [formaction]').count(), 0);
  assertNoProblems(problems);
  await context.close();
});

test('a feed answering 500 shows its error while the other feeds still refresh', { skip }, async () => {
  const { context, page, problems } = await loggedIn();
  await addFeed(page, h.feeds.url('/flaky.xml'));
  assert.deepEqual(await rowTitles(page), ['Flaky first post']);

  h.feeds.route('/flaky.xml', { kind: 'status', status: 500 });
  h.feeds.route('/planet.xml', {
    kind: 'feed',
    feed: planetFeed([
      {
        guid: 'planet-evening',
        title: 'Evening edition',
        link: h.feeds.url('/articles/evening'),
        published: Date.now(),
        html: '<p>All the news.</p>',
      },
    ]),
  });
  await page.goto('/?s=main');
  await page.locator('.toolbar').getByRole('button', { name: 'Refresh feeds' }).click();
  await page.waitForURL((u) => u.search === '?s=main');
  await entryRow(page, 'Evening edition').waitFor();
  assert.ok(await isUnread(entryRow(page, 'Evening edition')));

  await page.goto('/subscriptions');
  const flaky = page.locator('table.feeds tr', { has: page.getByRole('link', { name: 'Flaky Feed' }) });
  assert.match(await text(flaky.locator('.error')), /^Last error: .*500/);
  const planet = page.locator('table.feeds tr', { has: page.getByRole('link', { name: 'Daily Planet' }) });
  assert.equal(await planet.locator('.error').count(), 0);
  assertNoProblems(problems);
  await context.close();
});

test('forms and in-place toggles posted by a real browser pass the CSRF check', { skip }, async () => {
  assert.ok(session, 'an earlier test logged in');
  const { context, page } = await h.newContext({ storageState: session });
  const origins: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') origins.push(`${new URL(r.url()).pathname}: ${r.headers().origin}`);
  });
  await page.goto('/?s=main&state=all');
  // In place, with fetch().
  const star = page.locator('#stream .entry.flux button.toggle-star').first();
  const before = await text(star);
  await star.click();
  const toggled = await page
    .waitForFunction(
      (was) => document.querySelector('#stream .entry.flux button.toggle-star')?.textContent !== was,
      before,
      { timeout: 3_000 },
    )
    .then(() => true)
    .catch(() => false);
  // A plain form.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForLoadState('domcontentloaded');
  const loggedOut = new URL(page.url()).pathname === '/login';
  assert.deepEqual({ toggled, loggedOut, origins }, { toggled: true, loggedOut: true, origins });
  await context.close();
});
