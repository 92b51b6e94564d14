// Attack test: hostile HTML delivered through real feeds from a loopback server, rendered by
// Veille in Chromium, every row opened and everything in it clicked. A vector that executes
// calls `window.__xss(n)` (defined by the test in every frame), requests the loopback beacon
// `/beacon/n`, or opens a dialog. Each view is rendered twice: with Veille's
// Content-Security-Policy, and with the policy bypassed, so that the sanitizer alone must stop
// every vector (the CSP is a second wall, not the only one).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/lib/passwords.ts';
import { createUser } from '../../src/storage/users.ts';
import { CHROMIUM_PATH, startHarness, type FeedItem, type Harness } from './harness.ts';

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
const USERNAME = 'xss';
const PASSWORD = 'xss-test-password';
const hits: string[] = [];

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

before(async () => {
  if (skip) return;
  assertPlaceholdersOnly();
  h = await startHarness();
  await createUser(h.veille.database.db, {
    username: USERNAME,
    passwordHash: await hashPassword(PASSWORD),
    isAdmin: true,
    now: Date.now(),
  });
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
  // Feeds of at most 25 entries, so that each fits on the first page of its stream.
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
});

after(async () => {
  if (!skip) await h.close();
});

async function openAndPoke(page: Page, streamUrl: string) {
  await page.goto(streamUrl);
  const count = await page.locator('#stream details.entry').count();
  const here = () => new URL(page.url()).pathname + new URL(page.url()).search === streamUrl;
  for (let i = 0; i < count; i++) {
    if (!here()) await page.goto(streamUrl, { waitUntil: 'domcontentloaded' });
    await page.evaluate(() =>
      document.querySelectorAll('details[open]').forEach((d) => d.removeAttribute('open')),
    );
    const row = page.locator('#stream details.entry').nth(i);
    await row.locator('summary .title').click();
    const article = row.locator('article');
    // The client keeps one article open at a time; open it by hand if a click was swallowed.
    if (!(await article.isVisible())) await row.evaluate((el) => ((el as HTMLDetailsElement).open = true));
    await article.waitFor({ state: 'visible' });
    // Hover and click everything in the article's content, as a curious reader would
    // (synthetic events: a link or button behaves as under a real click).
    await row
      .evaluate((el) => {
        for (const node of el.querySelectorAll('.text *')) {
          node.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
          node.dispatchEvent(new FocusEvent('focus'));
        }
        for (const node of el.querySelectorAll('.text a, .text button, .text input, .text summary'))
          (node as HTMLElement).click();
      })
      .catch(() => {}); // a click navigated away: checked below
    await page.waitForTimeout(50);
    await page.waitForLoadState('domcontentloaded').catch(() => {});
  }
  return count;
}

test(
  '≥55 XSS vectors in real feeds render inert in every view, with and without the CSP',
  { skip },
  async () => {
    assert.ok(BODY_VECTORS.length + 4 >= 55, `${BODY_VECTORS.length} vectors`);
    let feedCount = 0;
    for (const bypassCSP of [false, true]) {
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
      });
      context.on('request', (r) => {
        if (r.url().includes('/beacon/')) hits.push(`beacon ${r.url()}`);
      });
      const page = await context.newPage();
      page.on('dialog', (d) => {
        hits.push(`dialog ${d.message()}`);
        void d.dismiss();
      });
      await page.goto('/login');
      await page.getByLabel('Username', { exact: true }).fill(USERNAME);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL((u) => u.pathname === '/');
      // Positive control: the hook does report a call.
      await page.evaluate(() => (window as unknown as { __xss: (n: number) => void }).__xss(-1));
      await page.waitForTimeout(50);
      assert.deepEqual(hits.splice(0), ['hook -1'], 'the detection hook works');
      if (!bypassCSP) {
        for (let f = 0; h.feeds.hits(`/xss-${f}.xml`) === 0 && f < 10; f++) {
          if (!(await h.feeds.url(`/xss-${f}.xml`))) break;
          const res = await page.request.get(`/subscriptions`);
          if (!res.ok()) break;
          await page.goto('/subscriptions');
          await page.getByLabel('Feed or website address').fill(h.feeds.url(`/xss-${f}.xml`));
          await page.locator('#add').getByRole('button', { name: 'Add', exact: true }).click();
          await page.waitForURL((u) => u.pathname !== '/subscriptions');
          feedCount++;
          if ((f + 1) * 25 >= BODY_VECTORS.length + 2) break;
        }
      }
      // Every feed's stream (the normal view), every row opened; then the main stream, all entries.
      const feedIds = await page
        .locator('.sidebar li[data-feed]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-feed')));
      assert.equal(feedIds.length, feedCount);
      let rows = 0;
      for (const id of feedIds) {
        rows += await openAndPoke(page, `/?s=f${id}&state=all`);
      }
      assert.equal(rows, BODY_VECTORS.length + 2, 'every vector was rendered as an entry');
      // The main stream: every row rendered open at once.
      await page.goto('/?s=main&state=all');
      await page.evaluate(() =>
        document.querySelectorAll('details.entry').forEach((d) => d.setAttribute('open', '')),
      );
      await page.waitForTimeout(200);
      // The other pages that show feed-provided text: subscriptions, feed pages, favourites.
      await page.goto('/subscriptions');
      for (const id of feedIds) await page.goto(`/feeds/${id}`);
      await page.goto('/?s=starred');
      await page.waitForTimeout(300);
      await context.close();
    }
    assert.deepEqual(hits, [], 'no vector executed');
  },
);
