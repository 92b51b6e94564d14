// Statistics, idle feeds, sharing services and drag-and-drop of feeds, in a real Chromium. The
// tests run in order on one instance. Entries are written straight into the database with
// chosen reception and publication times, and every number the pages show is counted again
// here from that seed, independently of the SQL that the pages use. Another user's feeds and
// favourites are there too, and must never be counted.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { entryIdAt } from '../../src/storage/entries.ts';
import { createUser } from '../../src/storage/users.ts';
import {
  CHROMIUM_PATH,
  insertCheckedFeed,
  startHarness,
  watchProblems,
  type Harness,
  type PageProblem,
} from './harness.ts';

const USERNAME = 'stats';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const chromiumMissing = existsSync(CHROMIUM_PATH) ? false : `Chromium is not installed at ${CHROMIUM_PATH}`;
const appBundleMissing = existsSync(fileURLToPath(new URL('../../public/app.js', import.meta.url)))
  ? false
  : 'public/app.js is missing: run `node scripts/build.mjs` first';
const skip = chromiumMissing || appBundleMissing;

let h: Harness;
let session: StorageState | undefined;
let userId = 0;
const NOW = Date.now();
const ids = { tech: 0, deals: 0, alpha: 0, beta: 0, quiet: 0, lull: 0 };

interface Seeded {
  feedId: number;
  id: number;
  title: string;
  url: string;
  receivedAt: number;
  dateAt: number;
}
/** Every entry of the user's feeds, as seeded. */
const seeded: Seeded[] = [];

function assertNoProblems(problems: PageProblem[]) {
  assert.deepEqual(problems, [], 'console errors or page errors');
}

async function text(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

let uniq = 0;
async function seedFeed(input: {
  owner: number;
  title: string;
  categoryId: number | null;
  entries: { receivedAt: number; dateAt?: number }[];
}): Promise<number> {
  const db = h.veille.database.db;
  const feedId = await insertCheckedFeed(db, {
    url: h.feeds.url(`/${encodeURIComponent(input.title)}.xml`),
    title: input.title,
    now: NOW,
    nextCheckAt: NOW + 365 * DAY,
  });
  await db
    .insertInto('subscriptions')
    .values({
      user_id: input.owner,
      feed_id: feedId,
      category_id: input.categoryId,
      title: null,
      priority: 1,
      read_horizon: 0,
      unread_count: input.entries.length,
      created_at: NOW,
    })
    .execute();
  let n = 0;
  for (const e of input.entries) {
    const id = entryIdAt(e.receivedAt) + uniq++;
    const title = `${input.title} ${++n}`;
    const url = h.feeds.url(`/articles/${id}`);
    const dateAt = e.dateAt ?? e.receivedAt;
    await db
      .insertInto('entries')
      .values({
        id,
        feed_id: feedId,
        guid_key: `id:${id}`,
        guid: String(id),
        url,
        title,
        authors: '[]',
        content: `<p>Body of ${title}.</p>`,
        summary: `Summary of ${title}`,
        published_at: dateAt,
        updated_at: null,
        date_at: dateAt,
        content_hash: String(id),
        language: null,
        enclosures: '[]',
        categories: '[]',
        thumbnail: null,
      })
      .execute();
    await db
      .updateTable('entry_id_clock')
      .set((eb) => ({ last_id: eb.fn('max', [eb.ref('last_id'), eb.val(id)]) }))
      .execute();
    if (input.owner === userId)
      seeded.push({ feedId: feedId, id, title, url, receivedAt: e.receivedAt, dateAt });
  }
  return feedId;
}

async function star(owner: number, entry: { id: number; feedId: number }) {
  await h.veille.database.db
    .insertInto('entry_states')
    .values({
      user_id: owner,
      entry_id: entry.id,
      feed_id: entry.feedId,
      read_override: null,
      starred: 1,
      changed_at: NOW,
    })
    .execute();
}

async function open(options: BrowserContextOptions = {}) {
  assert.ok(session, 'the setup test logged in');
  const context = await h.browser.newContext({
    baseURL: h.veille.baseUrl,
    locale: 'en-US',
    timezoneId: 'UTC',
    storageState: session,
    ...options,
  });
  context.setDefaultTimeout(5_000);
  const problems = watchProblems(context);
  const page = await context.newPage();
  return { context, page, problems };
}

/** The rows of a table as [header cell, other cells…] texts. */
async function tableRows(table: Locator): Promise<string[][]> {
  return table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((r) =>
        Array.from(r.querySelectorAll('th, td')).map((c) =>
          (c.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
      ),
    );
}

before(async () => {
  if (skip) return;
  h = await startHarness();
});

after(async () => {
  await h?.close();
});

test('setup: an account, two categories, four feeds, and another user', { skip }, async () => {
  const { context, page, problems } = await h.newContext();
  await page.goto('/setup');
  await page.getByLabel('Username', { exact: true }).fill(USERNAME);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  session = await context.storageState();
  const db = h.veille.database.db;
  userId = (
    await db.selectFrom('users').select('id').where('username', '=', USERNAME).executeTakeFirstOrThrow()
  ).id;
  for (const [key, name, position] of [
    ['tech', 'Tech', 0],
    ['deals', 'Deals', 1],
  ] as const) {
    ids[key] = (
      await db
        .insertInto('categories')
        .values({ user_id: userId, name, position })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  }
  const at = (ago: number, publishedBefore = 30 * 60_000) => ({
    receivedAt: NOW - ago,
    dateAt: NOW - ago - publishedBefore,
  });
  ids.alpha = await seedFeed({
    owner: userId,
    title: 'Alpha',
    categoryId: ids.tech,
    entries: [at(HOUR), at(2 * HOUR), at(26 * HOUR), at(3 * DAY), at(10 * DAY), at(45 * DAY)],
  });
  ids.beta = await seedFeed({
    owner: userId,
    title: 'Beta',
    categoryId: ids.deals,
    entries: [at(5 * HOUR, 7 * HOUR), at(50 * HOUR), at(50 * HOUR + 60_000)],
  });
  ids.quiet = await seedFeed({
    owner: userId,
    title: 'Quiet',
    categoryId: ids.tech,
    entries: [at(400 * DAY), at(420 * DAY)],
  });
  ids.lull = await seedFeed({ owner: userId, title: 'Lull', categoryId: null, entries: [at(12 * DAY)] });
  await star(
    userId,
    seeded.find((e) => e.title === 'Alpha 1')!,
  );
  await star(
    userId,
    seeded.find((e) => e.title === 'Beta 1')!,
  );

  // Bob: his own busy feed, and Alpha too; none of it is ours to count.
  const bob = await createUser(db, { username: 'bob', passwordHash: 'x', isAdmin: false, now: NOW });
  const bobs = await seedFeed({
    owner: bob.id,
    title: 'Bob only',
    categoryId: null,
    entries: Array.from({ length: 7 }, (_, i) => at(i * HOUR + 60_000)),
  });
  await db
    .insertInto('subscriptions')
    .values({
      user_id: bob.id,
      feed_id: ids.alpha,
      category_id: null,
      title: null,
      priority: 1,
      read_horizon: 0,
      unread_count: 6,
      created_at: NOW,
    })
    .execute();
  const bobEntries = await db
    .selectFrom('entries')
    .select(['id', 'feed_id'])
    .where('feed_id', '=', bobs)
    .execute();
  for (const e of bobEntries.slice(0, 3)) await star(bob.id, { id: e.id, feedId: e.feed_id });

  await page.goto('/');
  await page.getByRole('link', { name: 'Statistics' }).click();
  await page.waitForURL((u) => u.pathname === '/statistics');
  assertNoProblems(problems);
  await context.close();
});

test('statistics: totals, per day, per category, top feeds, by hour and weekday', { skip }, async () => {
  const { context, page, problems } = await open();
  await page.goto('/statistics');
  const stat = (name: string) => text(page.locator(`.stat-totals [data-stat="${name}"] dd`));
  assert.equal(await stat('feeds'), '4');
  assert.equal(await stat('entries'), String(seeded.length));
  assert.equal(await stat('unread'), String(seeded.length), 'everything is unread');
  assert.equal(await stat('starred'), '2');

  // Per day (the user's time zone is UTC): the last 30 days, today included.
  const today = Date.UTC(
    new Date(NOW).getUTCFullYear(),
    new Date(NOW).getUTCMonth(),
    new Date(NOW).getUTCDate(),
  );
  const firstDay = today - 29 * DAY;
  const longDay = new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  const expectedPerDay: string[][] = [];
  for (let d = firstDay; d <= today; d += DAY) {
    const n = seeded.filter((e) => e.receivedAt >= d && e.receivedAt < d + DAY).length;
    expectedPerDay.push([longDay.format(d + 12 * HOUR), String(n)]);
  }
  const perDay = page.locator('#chart-per-day');
  await perDay.getByText('Show the numbers').click();
  assert.deepEqual(await tableRows(perDay.locator('table')), expectedPerDay);
  assert.equal(await perDay.locator('svg rect.bar').count(), 30);
  const total30 = seeded.filter((e) => e.receivedAt >= firstDay).length;
  assert.match(await text(perDay.locator('svg desc')), new RegExp(`^${total30} articles in all`));
  assert.equal(await perDay.locator('svg').getAttribute('role'), 'img');

  // Per category: feeds, entries, unread; uncategorised feeds in their own row.
  const count = (feeds: number[]) => String(seeded.filter((e) => feeds.includes(e.feedId)).length);
  assert.deepEqual(await tableRows(page.locator('#stats-categories')), [
    ['Tech', '2', count([ids.alpha, ids.quiet]), count([ids.alpha, ids.quiet])],
    ['Deals', '1', count([ids.beta]), count([ids.beta])],
    ['Uncategorized', '1', count([ids.lull]), count([ids.lull])],
  ]);

  // Top feeds of the last 30 days, most active first, with their share.
  const recent = seeded.filter((e) => e.receivedAt >= firstDay);
  const top = [ids.alpha, ids.beta, ids.lull, ids.quiet]
    .map((feedId) => ({ feedId, n: recent.filter((e) => e.feedId === feedId).length }))
    .filter((f) => f.n > 0)
    .sort((a, b) => b.n - a.n);
  const names: Record<number, string> = { [ids.alpha]: 'Alpha', [ids.beta]: 'Beta', [ids.lull]: 'Lull' };
  const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
  assert.deepEqual(
    await tableRows(page.locator('#stats-top-feeds')),
    top.map((f) => [names[f.feedId]!, String(f.n), percent.format(f.n / recent.length)]),
  );

  // By hour and weekday of publication, over the last 12 months (Quiet's entries are older).
  const yearStart = today - 364 * DAY;
  const dated = seeded.filter((e) => e.dateAt >= yearStart);
  const byHour = page.locator('#chart-by-hour');
  await byHour.getByText('Show the numbers').click();
  const hourRows = await tableRows(byHour.locator('table'));
  assert.equal(hourRows.length, 24);
  for (let hour = 0; hour < 24; hour++) {
    const hh = String(hour).padStart(2, '0');
    const n = dated.filter((e) => new Date(e.dateAt).getUTCHours() === hour).length;
    assert.deepEqual(hourRows[hour], [`${hh}:00–${hh}:59`, String(n)]);
  }
  const byWeekday = page.locator('#chart-by-weekday');
  await byWeekday.getByText('Show the numbers').click();
  const days = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  assert.deepEqual(
    await tableRows(byWeekday.locator('table')),
    days.map((d, i) => [
      d,
      String(dated.filter((e) => (new Date(e.dateAt).getUTCDay() + 6) % 7 === i).length),
    ]),
  );
  assertNoProblems(problems);
  await context.close();
});

test(
  'idle feeds: the feeds that stopped publishing, by period, with a link and an unsubscribe button',
  { skip },
  async () => {
    const { context, page, problems } = await open();
    await page.goto('/statistics');
    await page.getByRole('link', { name: 'Idle feeds' }).click();
    await page.waitForURL((u) => u.pathname === '/statistics/idle');
    const groups = await page
      .locator('section.idle-group')
      .evaluateAll((sections) =>
        sections.map((s) => [
          s.querySelector('h2')?.textContent?.trim() ?? '',
          ...Array.from(s.querySelectorAll('li > a')).map((a) => a.textContent?.trim() ?? ''),
        ]),
      );
    assert.deepEqual(groups, [
      ['No new article for more than a year', 'Quiet'],
      ['No new article for more than a week', 'Lull'],
    ]);
    const quiet = page.locator(`li[data-feed="${ids.quiet}"]`);
    assert.equal(
      await quiet.getByRole('link', { name: 'Quiet' }).getAttribute('href'),
      `/feeds/${ids.quiet}`,
    );
    const last = Math.max(...seeded.filter((e) => e.feedId === ids.quiet).map((e) => e.dateAt));
    const longDay = new Intl.DateTimeFormat('en-US', {
      timeZone: 'UTC',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    assert.match(await text(quiet), new RegExp(`Last article: ${longDay.format(last)}`));

    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.locator(`li[data-feed="${ids.lull}"]`).getByRole('button', { name: 'Unsubscribe' }).click();
    await page.getByRole('status').filter({ hasText: 'Unsubscribed from “Lull”.' }).waitFor();
    assert.equal(asked, 'Unsubscribe from “Lull”?');
    assert.equal(await page.locator(`li[data-feed="${ids.lull}"]`).count(), 0);
    assert.equal(await page.locator(`li[data-feed="${ids.quiet}"]`).count(), 1);
    const left = await h.veille.database.db
      .selectFrom('subscriptions')
      .select('feed_id')
      .where('user_id', '=', userId)
      .where('feed_id', '=', ids.lull)
      .execute();
    assert.equal(left.length, 0);
    assertNoProblems(problems);
    await context.close();
  },
);

async function configureServices(page: Page) {
  await page.goto('/settings');
  await page.getByRole('link', { name: 'Sharing services' }).click();
  await page.waitForURL((u) => u.pathname === '/settings/sharing');
  // Start from an empty list: remove the five default services.
  for (let n = await page.locator('.share-services li').count(); n > 0; n--) {
    await page
      .locator('.share-services li')
      .first()
      .getByRole('button', { name: /^Remove/ })
      .click();
    await page.waitForFunction(
      (left) => document.querySelectorAll('.share-services li').length === left,
      n - 1,
    );
  }
  await page.getByText('No sharing service: the Share menu is hidden.').waitFor();
  for (const [type, url] of [
    ['telegram', ''],
    ['mastodon', 'https://mastodon.example/'],
  ] as const) {
    await page.getByLabel(/^Service/).selectOption(type);
    await page.getByLabel('Address of your instance, or URL template').fill(url);
    await page.getByRole('button', { name: 'Add a service' }).click();
    await page.waitForURL((u) => u.pathname === '/settings/sharing');
  }
  const names = () => page.locator('.share-services .share-name').allTextContents();
  assert.deepEqual(await names(), ['Telegram', 'Mastodon']);
  await page.getByRole('button', { name: 'Move up: Mastodon' }).click();
  await page.waitForFunction(
    () => document.querySelector('.share-services .share-name')?.textContent === 'Mastodon',
  );
  assert.deepEqual(await names(), ['Mastodon', 'Telegram']);
}

test('a configured Mastodon service shares the article; s then 1 opens it', { skip }, async () => {
  const { context, page, problems } = await open();
  const opened: string[] = [];
  await context.route(/^https:\/\/(mastodon\.example|t\.me)\//, (route) => {
    opened.push(route.request().url());
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><title>share</title>',
    });
  });
  await configureServices(page);

  await page.goto(`/?s=f${ids.alpha}`);
  const first = seeded.filter((e) => e.feedId === ids.alpha).sort((a, b) => b.id - a.id)[0]!;
  const entry = page.locator(`#stream .entry[data-id="${first.id}"]`);
  const links = entry.locator('details.share-menu .menu-body a');
  assert.deepEqual(await links.allTextContents(), ['Mastodon', 'Telegram']);
  const enc = encodeURIComponent;
  const expected = `https://mastodon.example/share?text=${enc(first.title)}%20${enc(first.url)}`;
  const mastodon = entry.locator('a.share-service[data-share="mastodon"]');
  assert.equal(await mastodon.getAttribute('href'), expected);
  assert.equal(await mastodon.getAttribute('target'), '_blank');
  assert.equal(await mastodon.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(
    await entry.locator('a.share-service[data-share="telegram"]').getAttribute('href'),
    `https://t.me/share/url?url=${enc(first.url)}&text=${enc(first.title)}`,
  );

  // Keyboard: j opens the first article, s opens its Share menu, 1 picks the first service.
  await page.keyboard.press('j');
  await entry.locator('.flux_content').waitFor();
  const popup = context.waitForEvent('page');
  await page.keyboard.press('s');
  await entry.locator('details.share-menu[open]').waitFor();
  await page.keyboard.press('1');
  const shared = await popup;
  await shared.waitForLoadState();
  assert.equal(shared.url(), expected);
  assert.deepEqual(opened, [expected]);
  assertNoProblems(problems);
  await context.close();
});

test('a javascript: template is refused with a message and never rendered', { skip }, async () => {
  const { context, page, problems } = await open();
  await page.goto('/settings/sharing');
  await page.getByLabel(/^Service/).selectOption('custom');
  await page.getByLabel('Name (optional)').fill('Evil');
  await page
    .getByLabel('Address of your instance, or URL template')
    .fill('javascript:alert(document.cookie)//~LINK~');
  await page.getByRole('button', { name: 'Add a service' }).click();
  await page
    .getByRole('alert')
    .filter({ hasText: 'Refused: the address must start with http:// or https://.' })
    .waitFor();
  assert.equal(
    await page.getByLabel('Name (optional)').inputValue(),
    'Evil',
    'the form keeps what was typed',
  );
  assert.deepEqual(await page.locator('.share-services .share-name').allTextContents(), [
    'Mastodon',
    'Telegram',
  ]);

  // A template slipped into the stored settings by other means is not rendered either.
  const db = h.veille.database.db;
  const row = await db
    .selectFrom('users')
    .select('settings')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const settings = JSON.parse(row.settings) as { share: unknown[] };
  settings.share.push({ type: 'custom', name: 'Forged', url: 'javascript:alert(1)//~LINK~' });
  await db
    .updateTable('users')
    .set({ settings: JSON.stringify(settings) })
    .where('id', '=', userId)
    .execute();
  await page.goto(`/?s=f${ids.alpha}`);
  assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0);
  assert.equal(await page.getByText('Forged').count(), 0);
  assert.deepEqual(
    problems.filter((p) => !(p.text.includes('status of 400') && p.url.endsWith('/settings/sharing'))),
    [],
  );
  await context.close();
});

test(
  'drag a feed onto another category to move it; the form works without JavaScript',
  { skip },
  async () => {
    const { context, page, problems } = await open();
    await page.goto('/subscriptions');
    const group = (categoryId: number | null) =>
      page.locator(`tbody.feed-group[data-category="${categoryId === null ? '' : categoryId}"]`);
    assert.equal(await group(ids.deals).locator(`tr[data-feed="${ids.beta}"]`).count(), 1);
    await page
      .locator(`tr[data-feed="${ids.beta}"] .drag-handle`)
      .dragTo(group(ids.tech).locator('.category-head th'));
    await page
      .locator('.drag-status')
      .filter({ hasText: '“Beta” moved to Tech.' })
      .waitFor({ state: 'attached' });
    await page
      .locator(`tr[data-feed="${ids.alpha}"] .drag-handle`)
      .dragTo(group(null).locator('.category-head th'));
    await page
      .locator('.drag-status')
      .filter({ hasText: '“Alpha” moved to Uncategorized.' })
      .waitFor({ state: 'attached' });

    await page.reload();
    assert.equal(await group(ids.tech).locator(`tr[data-feed="${ids.beta}"]`).count(), 1, 'Beta is in Tech');
    assert.equal(await group(ids.deals).locator('tr[data-feed]').count(), 0, 'Deals is empty');
    assert.equal(
      await group(null).locator(`tr[data-feed="${ids.alpha}"]`).count(),
      1,
      'Alpha is uncategorised',
    );
    assert.equal(
      await page.locator(`tr[data-feed="${ids.beta}"] select[name="category"]`).inputValue(),
      String(ids.tech),
    );
    assertNoProblems(problems);
    await context.close();

    // Without JavaScript: no drag handles, and the Move form does the same.
    const noJs = await open({ javaScriptEnabled: false });
    await noJs.page.goto('/subscriptions');
    assert.equal(await noJs.page.locator('.drag-handle:visible').count(), 0);
    const beta = noJs.page.locator(`tr[data-feed="${ids.beta}"]`);
    await beta.locator('select[name="category"]').selectOption(String(ids.deals));
    await beta.getByRole('button', { name: 'Move' }).click();
    await noJs.page.waitForURL((u) => u.pathname === '/subscriptions');
    assert.equal(
      await noJs.page
        .locator(`tbody.feed-group[data-category="${ids.deals}"] tr[data-feed="${ids.beta}"]`)
        .count(),
      1,
    );
    assertNoProblems(noJs.problems);
    await noJs.context.close();
  },
);
