// Accessibility check with axe-core (the devDependency, node_modules/axe-core/axe.min.js) on the
// main pages in a real Chromium, light theme, at desktop width and at 375 px: login, the normal
// view (an article open), the reading and global views, subscriptions, settings, reading and
// sharing settings, a feed's page, statistics and idle feeds, labels and the account page. A
// serious or critical violation fails the test; all of them are printed with their elements.
// axe is evaluated through the DevTools protocol, so the pages keep their strict CSP.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { entryIdAt } from '../../src/storage/entries.ts';
import { CHROMIUM_PATH, insertCheckedFeed, startHarness, watchProblems, type Harness } from './harness.ts';

const AXE_PATH = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const USERNAME = 'a11y';
const PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;

const skip =
  (existsSync(CHROMIUM_PATH) ? false : `Chromium is not installed at ${CHROMIUM_PATH}`) ||
  (existsSync(AXE_PATH) ? false : 'axe-core is not installed') ||
  (existsSync(fileURLToPath(new URL('../../public/app.js', import.meta.url)))
    ? false
    : 'public/app.js is missing: run `node scripts/build.mjs` first');

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string; html: string }[];
}

let h: Harness;
let session: StorageState | undefined;
let feedId = 0;

/** Runs axe on the page and returns its serious and critical violations, printed for the log. */
async function seriousViolations(page: Page, label: string): Promise<string[]> {
  const source = readFileSync(AXE_PATH, 'utf8');
  await page.evaluate(source);
  const violations = (await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown }> } }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as Violation[];
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return serious.map(
    (v) =>
      `${label}: [${v.impact}] ${v.id} — ${v.help}\n` +
      v.nodes
        .slice(0, 5)
        .map(
          (n) => `    ${JSON.stringify(n.target)} ${n.html.slice(0, 160)}\n      ${n.failureSummary ?? ''}`,
        )
        .join('\n'),
  );
}

before(async () => {
  if (skip) return;
  h = await startHarness();
});

after(async () => {
  await h?.close();
});

test('setup: an account with a category, a feed, entries and a label', { skip }, async () => {
  const { context, page } = await h.newContext();
  await page.goto('/setup');
  await page.getByLabel('Username', { exact: true }).fill(USERNAME);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create the account' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  session = await context.storageState();
  const db = h.veille.database.db;
  const userId = (
    await db.selectFrom('users').select('id').where('username', '=', USERNAME).executeTakeFirstOrThrow()
  ).id;
  const categoryId = (
    await db
      .insertInto('categories')
      .values({ user_id: userId, name: 'Actualités numériques', position: 0 })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  await db.insertInto('labels').values({ user_id: userId, name: 'À lire' }).execute();
  const now = Date.now();
  feedId = await insertCheckedFeed(db, {
    url: h.feeds.url('/next.xml'),
    title: 'Next',
    siteUrl: h.feeds.url('/'),
    now,
    nextCheckAt: now + 24 * HOUR,
  });
  await db
    .insertInto('subscriptions')
    .values({
      user_id: userId,
      feed_id: feedId,
      category_id: categoryId,
      title: null,
      priority: 1,
      read_horizon: 0,
      unread_count: 4,
      created_at: now,
    })
    .execute();
  for (let i = 0; i < 4; i++) {
    const id = entryIdAt(now - (i + 1) * HOUR) + i;
    await db
      .insertInto('entries')
      .values({
        id,
        feed_id: feedId,
        guid_key: `id:${id}`,
        guid: String(id),
        url: h.feeds.url(`/articles/${id}`),
        title: `La panne Cloudflare semble résolue (${i + 1})`,
        authors: '[]',
        content: `<p>Un article de test, avec <a href="${h.feeds.url('/x')}">un lien</a>.</p>`,
        summary: 'Un article de test.',
        published_at: now - (i + 1) * HOUR,
        updated_at: null,
        date_at: now - (i + 1) * HOUR,
        content_hash: String(id),
        language: 'fr',
        enclosures: '[]',
        categories: '[]',
        thumbnail: null,
      })
      .execute();
    await db.updateTable('entry_id_clock').set({ last_id: id }).where('last_id', '<', id).execute();
  }
  await context.close();
});

const PAGES: { name: string; path: string; prepare?: (page: Page) => Promise<void>; anonymous?: boolean }[] =
  [
    { name: 'login', path: '/login', anonymous: true },
    {
      name: 'normal view, an article open',
      path: '/?view=normal',
      prepare: async (page) => {
        await page.locator('#stream .entry.flux > details > summary').first().click();
        await page.locator('#stream .entry.flux > details[open] .flux_content').first().waitFor();
      },
    },
    { name: 'reading view', path: '/?view=reader' },
    { name: 'global view', path: '/?view=global' },
    { name: 'subscriptions', path: '/subscriptions' },
    { name: 'settings', path: '/settings' },
    { name: 'reading settings', path: '/settings/reading' },
    { name: 'sharing settings', path: '/settings/sharing' },
    { name: 'feed page', path: '/feeds/{feed}' },
    { name: 'statistics', path: '/statistics' },
    { name: 'idle feeds', path: '/statistics/idle' },
    { name: 'labels', path: '/labels' },
    { name: 'account', path: '/account' },
  ];

for (const viewport of [
  { width: 1280, height: 900, label: 'desktop' },
  { width: 375, height: 812, label: '375 px' },
]) {
  test(`axe: no serious or critical violation, light theme, ${viewport.label}`, { skip }, async () => {
    assert.ok(session, 'the setup test logged in');
    const found: string[] = [];
    for (const p of PAGES) {
      const context = await h.browser.newContext({
        baseURL: h.veille.baseUrl,
        locale: 'en-US',
        timezoneId: 'UTC',
        colorScheme: 'light',
        viewport: { width: viewport.width, height: viewport.height },
        storageState: p.anonymous ? undefined : session,
      });
      context.setDefaultTimeout(5_000);
      const problems = watchProblems(context);
      const page = await context.newPage();
      const response = await page.goto(p.path.replace('{feed}', String(feedId)));
      assert.equal(response?.status(), 200, `${p.name}: ${p.path}`);
      await p.prepare?.(page);
      found.push(...(await seriousViolations(page, `${p.name} (${viewport.label})`)));
      assert.deepEqual(problems, [], `${p.name}: console errors`);
      await context.close();
    }
    if (found.length) console.log(found.join('\n'));
    assert.equal(
      found.length,
      0,
      `${found.length} serious or critical accessibility violations (printed above)`,
    );
  });
}
