// Attack test: hostile HTML delivered through real feeds from loopback servers, rendered by
// Veille in Chromium in every view that shows feed-provided text: the normal view (every row
// opened, everything in it clicked), the main stream with every row unfolded, the reading view,
// the global view's panel, the labels and favourites streams, the feed pages, the subscriptions
// page, the shared-query page (/shared/query/:token) and the anonymous read-only stream. One page
// per view holds every vector (reading settings: 200 articles a page, all states). A vector that
// executes calls `window.__xss(n)` (defined by the test in every frame), requests the loopback
// beacon `/beacon/n`, or opens a dialog. Every view is rendered twice: with Veille's
// Content-Security-Policy, and with the policy bypassed, so that the sanitizer alone must stop
// every vector (the CSP is a second wall, not the only one). Following a link to another site or
// submitting a form of an article is cancelled (it is not an attack and would leave the page);
// `javascript:` links and the like are not, so they run if they survived.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { hashPassword } from '../../src/lib/passwords.ts';
import { ensureCategory } from '../../src/storage/categories.ts';
import { setEntryStarred } from '../../src/storage/entry-states.ts';
import { saveInstanceSettings } from '../../src/storage/instance-settings.ts';
import { createLabel, setEntryLabel } from '../../src/storage/labels.ts';
import { saveReadingSettings } from '../../src/storage/reading-settings.ts';
import { createUserQuery, setUserQueryShared } from '../../src/storage/user-queries.ts';
import { createUser } from '../../src/storage/users.ts';
import { CHROMIUM_PATH, startHarness, type FeedItem, type Harness } from './harness.ts';
import { startDocumentServer, type DocumentServer } from './security-fixture.ts';

const skip =
  (existsSync(CHROMIUM_PATH) ? false : `Chromium is not installed at ${CHROMIUM_PATH}`) ||
  (existsSync(fileURLToPath(new URL('../../public/app.js', import.meta.url)))
    ? false
    : 'public/app.js is missing: run `node scripts/build.mjs` first');

// X: a call of the hook in the page; P: the same from a child frame; B: a request to the beacon.
// Families: OWASP filter-evasion cheat sheet, event handlers, SVG/MathML, srcdoc, formaction,
// CSS expressions and url(), data: and javascript: URLs in every URL attribute, mutation XSS
// (namespace confusion, noscript/style/comment parsing differentials), and the 2025 FreshRSS
// advisories (markup in titles, hostile entry links, attribute break-outs).
const BODY_VECTORS: string[] = [
  '<script>X</script>',
  '<SCRIPT SRC=data:text/javascript,X></SCRIPT>',
  '<scr<script>ipt>X</script>',
  '<img src=x onerror="X">',
  '<IMG SRC=x OnErRoR=X>',
  '<img src=x onerror=X',
  '<img """><script>X</script>">',
  '<img src="javascript:X">',
  '<img srcset="javascript:X 1x">',
  '<img src=x onerror&#61;"X">',
  '<picture><source srcset="x" onerror="X"><img src=x onerror="X"></picture>',
  '<svg onload="X"></svg>',
  '<svg><script>X</script></svg>',
  '<svg><animate onbegin="X" attributeName="x" dur="1s"/></svg>',
  '<svg><a xlink:href="javascript:X"><text x="10" y="20">svg link</text></a></svg>',
  '<svg><a href="javascript:X"><rect width="50" height="20"/></a></svg>',
  '<svg><set attributeName="onmouseover" to="X"/></svg>',
  '<svg><foreignObject><iframe srcdoc="&lt;script&gt;P&lt;/script&gt;"></iframe></foreignObject></svg>',
  "<svg><use href=\"data:image/svg+xml,&lt;svg id='a' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='B'/&gt;&lt;/svg&gt;#a\"/></svg>",
  '<math><mtext><table><mglyph><style><img src=x onerror="X"></style></mglyph></table></mtext></math>',
  '<math href="javascript:X">math link</math>',
  '<math><maction actiontype="statusline" xlink:href="javascript:X">click</maction></math>',
  '<form><math><mtext></form><form><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=X src=1>"></textarea></mtext></svg></mglyph></form></mtext></math></form>',
  '<noscript><p title="</noscript><img src=x onerror=X>"></noscript>',
  '<svg></p><style><a id="</style><img src=1 onerror=X>">',
  '<!--<img src="--><img src=x onerror=X//">',
  '<![CDATA[<img src=x onerror=X>]]>',
  '<template><img src=x onerror=X></template>',
  '<textarea><img src=x onerror=X></textarea>',
  '<iframe srcdoc="&lt;script&gt;P&lt;/script&gt;"></iframe>',
  '<iframe src="javascript:P"></iframe>',
  '<iframe src="data:text/html,&lt;script&gt;B&lt;/script&gt;"></iframe>',
  '<object data="javascript:X"></object>',
  '<object type="text/html" data="data:text/html,&lt;script&gt;B&lt;/script&gt;"></object>',
  '<embed src="javascript:X">',
  "<embed src=\"data:image/svg+xml,&lt;svg xmlns='http://www.w3.org/2000/svg' onload='B'/&gt;\">",
  '<a href="javascript:X">plain js link</a>',
  '<a href="JaVaScRiPt:X">mixed case link</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;X">entity link</a>',
  '<a href="java&#x09;script:X">tab link</a>',
  '<a href="  &#14;javascript:X">control char link</a>',
  '<a href="javascript&colon;X">colon entity link</a>',
  '<a href="vbscript:X">vbscript link</a>',
  '<a href="data:text/html,&lt;script&gt;B&lt;/script&gt;">data link</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">base64 data link</a>',
  '<a href="#" onclick="X">onclick link</a>',
  '<form><button formaction="javascript:X">formaction button</button></form>',
  '<form id="f1"></form><button form="f1" formaction="javascript:X">form attr button</button>',
  '<form action="javascript:X"><input type="submit" value="form action"></form>',
  '<button onclick="X">onclick button</button>',
  '<input onfocus="X" autofocus>',
  '<select autofocus onfocus="X"></select>',
  '<details open ontoggle="X"><summary>toggle</summary></details>',
  '<body onload="X">',
  '<video><source onerror="X"></video>',
  '<video poster="javascript:X" src="x" onerror="X"></video>',
  '<audio src=x onerror="X"></audio>',
  '<marquee onstart="X">marquee</marquee>',
  '<div onmouseover="X">hover me</div>',
  '<x onclick="X">custom element</x>',
  '<div style="background:url(javascript:X)">css url</div>',
  '<div style="width:expression(X)">css expression</div>',
  '<div style="behavior:url(x.htc);-moz-binding:url(javascript:X)">css binding</div>',
  '<style>@import "javascript:X";</style>',
  '<style>*{background:url("javascript:X")}</style>',
  '<link rel="stylesheet" href="javascript:X">',
  '<meta http-equiv="refresh" content="0;url=javascript:X">',
  '<base href="javascript:X//">',
  '<table background="javascript:X"><tr><td background="javascript:X">table</td></tr></table>',
  '"><img src=x onerror=X>',
  "'><script>X</script>",
  '<isindex type=image src=1 onerror=X>',
  '<a href="http://127.0.0.1:9/" target="_self" rel="opener">opener link</a>',
];

let h: Harness;
let documents: DocumentServer;
const USERNAME = 'xss';
const PASSWORD = 'xss-test-password';
const hits: string[] = [];
/** Hook numbers of the vectors outside article bodies (titles, links, feed fields). */
let vectorCount = 0;

function vectorHtml(html: string, n: number, beacon: string): string {
  return html
    .replaceAll('X', `__xss(${n})`)
    .replaceAll('P', `parent.__xss(${n})`)
    .replaceAll('B', `fetch('${beacon}/beacon/${n}')`);
}

// Only placeholders are capital X/P/B: the vectors above are written without other capitals
// in those letters (checked here so that a new vector cannot be mangled silently).
function assertPlaceholdersOnly() {
  for (const v of BODY_VECTORS) {
    const stripped = v.replace(/[XPB]/g, '');
    assert.ok(!/[XPB]/.test(stripped));
  }
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * An RSS feed whose channel and item fields other than the body are hostile: title, description,
 * site link, image, author, category, comments, enclosure, thumbnail (written escaped and as CDATA).
 * Hook numbers from `n`; returns the document and how many numbers it used.
 */
function hostileChannelFeed(n: number): { body: string; used: number } {
  const img = (k: number) => `<img src=x onerror=__xss(${n + k})>`;
  const body =
    `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
    ` xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>` +
    // Escaped twice: the title is the text "Hostile channel <img …>", markup a page must escape.
    `<title>Hostile channel ${xmlText(xmlText(img(0)))}</title>` +
    `<link>javascript:__xss(${n + 1})</link>` +
    `<description>${xmlText(`<script>__xss(${n + 2})</script>${img(3)} described`)}</description>` +
    `<image><url>javascript:__xss(${n + 4})</url><title>logo</title><link>javascript:__xss(${n + 4})</link></image>` +
    `<itunes:author>${xmlText(`<svg onload=__xss(${n + 5})>`)}</itunes:author>` +
    `<item><title><![CDATA[&lt;svg/onload=__xss(${n + 6})&gt; CDATA title]]></title>` +
    `<link>javascript:__xss(${n + 7})</link><guid isPermaLink="false">hostile-1</guid>` +
    `<dc:creator>${xmlText(img(8))} author</dc:creator>` +
    `<category>${xmlText(img(9))}</category>` +
    `<comments>javascript:__xss(${n + 10})</comments>` +
    `<enclosure url="javascript:__xss(${n + 11})" type="audio/mpeg" length="1"/>` +
    `<media:thumbnail url="javascript:__xss(${n + 12})"/>` +
    `<pubDate>${new Date().toUTCString()}</pubDate>` +
    `<description>${xmlText('<p>hostile channel body</p>')}</description></item>` +
    `</channel></rss>`;
  return { body, used: 13 };
}

before(async () => {
  if (skip) return;
  assertPlaceholdersOnly();
  h = await startHarness();
  const now = Date.now();
  const items: FeedItem[] = BODY_VECTORS.map((v, i) => ({
    guid: `v${i}`,
    title: `Vector ${i}`,
    link: h.feeds.url(`/articles/${i}`),
    published: now - i * 1000,
    html: `<p>vector ${i} body</p>` + vectorHtml(v, i, h.feeds.origin),
  }));
  const n = BODY_VECTORS.length;
  // Hostile titles and entry links (FreshRSS 2025 advisories: markup in titles, javascript: links).
  items.push(
    {
      guid: 't1',
      title: `<img src=x onerror=__xss(${n})>Title markup`,
      link: h.feeds.url('/articles/t1'),
      published: now,
      html: '<p>t1</p>',
    },
    {
      guid: 't2',
      title: `"><script>__xss(${n + 1})</script>`,
      link: `javascript:__xss(${n + 2})`,
      published: now,
      html: '<p>t2</p>',
    },
  );
  // Feeds of at most 25 entries, so that each fits on a page of the anonymous stream too.
  for (let start = 0, f = 0; start < items.length; start += 25, f++) {
    h.feeds.route(`/xss-${f}.xml`, {
      kind: 'feed',
      feed: {
        format: f % 2 ? 'atom' : 'rss',
        title: `XSS feed ${f} <img src=x onerror=__xss(${n + 3})>`,
        items: items.slice(start, start + 25),
      },
    });
  }
  const hostile = hostileChannelFeed(n + 4);
  vectorCount = BODY_VECTORS.length + 4 + hostile.used;
  documents = await startDocumentServer({
    '/hostile-channel.xml': { type: 'application/rss+xml; charset=utf-8', body: hostile.body },
  });
});

after(async () => {
  if (skip) return;
  await documents.close();
  await h.close();
});

/** A browser context whose pages report any vector that runs (hook, beacon, dialog). */
async function watchedContext(bypassCSP: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    baseURL: h.veille.baseUrl,
    locale: 'en-US',
    timezoneId: 'UTC',
    bypassCSP,
  });
  context.setDefaultTimeout(5_000);
  await context.exposeBinding('__xssHit', (_source, n: unknown) => void hits.push(`hook ${String(n)}`));
  await context.addInitScript(() => {
    (window as unknown as { __xss: (n: number) => void }).__xss = (n) =>
      (window as unknown as { __xssHit: (n: number) => void }).__xssHit(n);
    // Stay on the page: following a link to another site, or submitting an article's form to an
    // http(s) address, is not what is tested here. Anything else (javascript: …) goes through.
    addEventListener(
      'click',
      (e) => {
        const a = e.target instanceof Element ? e.target.closest('a[href]') : null;
        if (
          a instanceof HTMLAnchorElement &&
          (a.protocol === 'http:' || a.protocol === 'https:') &&
          a.origin !== location.origin
        )
          e.preventDefault();
      },
      true,
    );
    addEventListener(
      'submit',
      (e) => {
        const form = e.target instanceof HTMLFormElement ? e.target : null;
        if (!form?.closest('.text')) return;
        const action = (e as SubmitEvent).submitter?.getAttribute('formaction') ?? form.action;
        const url = new URL(action, location.href);
        if (url.protocol === 'http:' || url.protocol === 'https:') e.preventDefault();
      },
      true,
    );
  });
  context.on('request', (r) => {
    if (r.url().includes('/beacon/')) hits.push(`beacon ${r.url()}`);
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    hits.push(`dialog ${d.message()}`);
    void d.dismiss();
  });
  context.on('page', (p) => {
    if (p !== page) p.on('dialog', (d) => void (hits.push(`dialog ${d.message()}`), d.dismiss()));
  });
  return { context, page };
}

async function logIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Username', { exact: true }).fill(USERNAME);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
}

/** Opens every row of a normal-view stream one by one and clicks everything in its article. */
async function openAndPoke(page: Page, streamUrl: string) {
  await page.goto(streamUrl);
  const count = await page.locator('#stream .entry.flux').count();
  const here = () => new URL(page.url()).pathname + new URL(page.url()).search === streamUrl;
  for (let i = 0; i < count; i++) {
    if (!here()) await page.goto(streamUrl, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() =>
      document.querySelectorAll('details[open]').forEach((d) => d.removeAttribute('open')),
    );
    const row = page.locator('#stream .entry.flux').nth(i);
    await row.locator('summary .title').click();
    const article = row.locator('article');
    // The client keeps one article open at a time; open it by hand if a click was swallowed.
    if (!(await article.isVisible()))
      await row.locator(':scope > details').evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await article.waitFor({ state: 'visible' });
    await pokeAll(page, `#stream .entry.flux:nth-of-type(${i + 1})`).catch(() => {});
    await page.waitForLoadState('domcontentloaded').catch(() => {});
  }
  return count;
}

/**
 * Unfolds every article under `scope`, hovers and focuses everything in the feed-provided parts
 * (article text, titles, authors, tags) and clicks every link, button, input and summary there,
 * as a curious reader would (synthetic events: a link or button behaves as under a real click).
 */
async function pokeAll(page: Page, scope = 'body') {
  await page.evaluate((scope) => {
    const root = document.querySelector(scope);
    if (!root) return;
    root.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true));
    const fed = '.text, .title, h1, h2, .meta, .authors, .tags, .enclosure, .feed-status, .sidebar, header';
    for (const part of root.querySelectorAll(fed)) {
      for (const node of [part, ...part.querySelectorAll('*')]) {
        node.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
        node.dispatchEvent(new FocusEvent('focus'));
      }
    }
    for (const node of root.querySelectorAll('.text a, .text button, .text input, .text summary, .text area'))
      (node as HTMLElement).click();
    // Links whose address came from a feed (entry links, site links, enclosures): a javascript:
    // address that survived would run here; Veille's own links (same site) are left alone.
    for (const a of root.querySelectorAll('a[href]')) {
      const link = a as HTMLAnchorElement;
      if (link.origin !== location.origin || !/^https?:$/.test(link.protocol)) link.click();
    }
  }, scope);
  await page.waitForTimeout(100);
}

/** Asserts that the page shows the body of every vector (so that a view cannot pass by showing nothing). */
async function assertEveryBody(page: Page, scope: string, what: string) {
  const text = (await page.locator(scope).first().textContent()) ?? '';
  const missing = BODY_VECTORS.map((_, i) => i).filter((i) => !text.includes(`vector ${i} body`));
  assert.deepEqual(missing, [], `${what}: every vector's article is shown`);
}

interface Setup {
  feedIds: number[];
  hostileFeedId: number;
  categoryId: number;
  labelId: number;
  token: string;
}

/** Subscribes to every feed through the web UI, then sets up the views (category, label, favourites, shared query, anonymous reading). */
async function subscribeAndPrepare(page: Page, userId: number): Promise<Setup> {
  const urls: string[] = [];
  for (let f = 0; f * 25 < BODY_VECTORS.length + 2; f++) urls.push(h.feeds.url(`/xss-${f}.xml`));
  urls.push(`${documents.origin}/hostile-channel.xml`);
  for (const url of urls) {
    await page.goto('/subscriptions');
    await page.getByLabel('Feed or website address').fill(url);
    await page.locator('#add').getByRole('button', { name: 'Add', exact: true }).click();
    await page.waitForURL((u) => u.pathname !== '/subscriptions');
  }
  const db = h.veille.database.db;
  const subs = await db
    .selectFrom('subscriptions as s')
    .innerJoin('feeds as f', 'f.id', 's.feed_id')
    .select(['s.feed_id as feedId', 'f.url as url'])
    .where('s.user_id', '=', userId)
    .orderBy('s.feed_id')
    .execute();
  assert.equal(subs.length, urls.length, 'every feed was added');
  const hostileFeedId = subs.find((s) => s.url.endsWith('/hostile-channel.xml'))!.feedId;
  const feedIds = subs.map((s) => s.feedId);
  // The global view shows tiles per category: every feed in one.
  const category = await ensureCategory(db, userId, 'XSS category');
  await db
    .updateTable('subscriptions')
    .set({ category_id: category.id })
    .where('user_id', '=', userId)
    .execute();
  // Every entry starred and labelled: the favourites and label streams show them all.
  const label = await createLabel(db, userId, 'xss label');
  if (label.kind !== 'ok') throw new Error(`label: ${label.code}`);
  const entries = await db.selectFrom('entries').select('id').where('feed_id', 'in', feedIds).execute();
  assert.equal(entries.length, BODY_VECTORS.length + 3, 'every vector became an entry');
  for (const e of entries) {
    assert.ok(await setEntryStarred(db, { userId, entryId: e.id, starred: true, now: Date.now() }));
    assert.ok(await setEntryLabel(db, { userId, entryId: e.id, labelId: label.id, on: true }));
  }
  // One page per view holds every vector, in every state.
  await saveReadingSettings(db, userId, { perPage: 200, defaultState: 'all' });
  const queryId = await createUserQuery(db, {
    userId,
    name: 'xss query',
    stream: { kind: 'main' },
    search: '',
    state: null,
    sort: null,
    order: null,
    now: Date.now(),
  });
  const token = await setUserQueryShared(db, { userId, id: queryId, shared: true });
  assert.ok(token, 'query shared');
  await saveInstanceSettings(db, { anonymousUserId: userId });
  return { feedIds, hostileFeedId, categoryId: category.id, labelId: label.id, token };
}

test(
  '≥55 XSS vectors in real feeds render inert in every view, with and without the CSP',
  { skip },
  async () => {
    const user = await createUser(h.veille.database.db, {
      username: USERNAME,
      passwordHash: await hashPassword(PASSWORD),
      isAdmin: true,
      now: Date.now(),
    });
    assert.ok(vectorCount >= 55, `${vectorCount} vectors`);
    let setup: Setup | undefined;
    for (const bypassCSP of [false, true]) {
      const { context, page } = await watchedContext(bypassCSP);
      await logIn(page);
      // Positive control: the hook does report a call.
      await page.evaluate(() => (window as unknown as { __xss: (n: number) => void }).__xss(-1));
      await page.waitForTimeout(50);
      assert.deepEqual(hits.splice(0), ['hook -1'], 'the detection hook works');
      setup ??= await subscribeAndPrepare(page, user.id);
      const { feedIds, hostileFeedId, labelId, token } = setup;
      const mode = bypassCSP ? 'without CSP' : 'with CSP';

      // The normal view of every feed, each row opened on its own and everything in it clicked.
      let rows = 0;
      for (const id of feedIds) rows += await openAndPoke(page, `/?s=f${id}&state=all`);
      assert.equal(rows, BODY_VECTORS.length + 3, `${mode}: every entry was opened in the normal view`);

      // The main stream in the normal view, every row unfolded at once.
      await page.goto('/?s=main&state=all&view=normal');
      await pokeAll(page);
      await assertEveryBody(page, '#stream', `${mode}, normal view`);

      // The reading view.
      await page.goto('/?s=main&state=all&view=reader');
      assert.ok((await page.locator('#stream article.reader-entry').count()) > BODY_VECTORS.length);
      await pokeAll(page);
      await assertEveryBody(page, '#stream', `${mode}, reading view`);

      // The global view, its category opened in the panel.
      await page.goto('/?s=main&view=global');
      await page.locator('#global a.global-link').first().click();
      await page.locator('#global-panel:not([hidden]) #stream .entry.flux').first().waitFor();
      await pokeAll(page, '#global-panel');
      await assertEveryBody(page, '#global-panel', `${mode}, global view's panel`);

      // The label and favourites streams.
      await page.goto(`/?s=t${labelId}&state=all`);
      await pokeAll(page);
      await assertEveryBody(page, '#stream', `${mode}, label stream`);
      await page.goto('/?s=starred&state=all');
      await pokeAll(page);
      await assertEveryBody(page, '#stream', `${mode}, favourites`);

      // Feed pages (hostile feed titles and site links), the subscriptions page.
      for (const id of feedIds) {
        await page.goto(`/feeds/${id}`);
        await pokeAll(page);
      }
      await page.goto(`/feeds/${hostileFeedId}`);
      assert.match(
        (await page.locator('h1').textContent()) ?? '',
        /Hostile channel <img src=x onerror=__xss/,
      );
      await page.goto('/subscriptions');
      await pokeAll(page);

      // The shared query's page (no session needed, script-free).
      await page.goto(`/shared/query/${token}?nb=200`);
      await pokeAll(page);
      await assertEveryBody(page, 'main', `${mode}, shared query page`);
      await context.close();

      // The anonymous read-only stream, as a visitor without a session.
      const visitor = await watchedContext(bypassCSP);
      let shown = '';
      for (const id of feedIds) {
        await visitor.page.goto(`/?s=f${id}`);
        await pokeAll(visitor.page);
        shown += (await visitor.page.locator('main').first().textContent()) ?? '';
      }
      await visitor.page.goto('/?s=main');
      await pokeAll(visitor.page);
      const missing = BODY_VECTORS.map((_, i) => i).filter((i) => !shown.includes(`vector ${i} body`));
      assert.deepEqual(missing, [], `${mode}, anonymous stream: every vector's article is shown`);
      await visitor.context.close();
    }
    assert.deepEqual(hits, [], 'no vector executed');
  },
);
