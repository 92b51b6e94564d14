// Full content, reader side: real loopback HTTP servers, the real fetcher (SSRF guard, caps,
// timeouts), linkedom + Readability, the entry sanitizer.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createFetcher, type Fetcher } from '../fetch/create-fetcher.ts';
import { cssSelectorProblem, extractArticle, metaRefreshTarget } from './extract-article.ts';
import { withoutElements } from './remove-elements.ts';
import {
  combinedContent,
  fetchFullContent,
  FULL_CONTENT_MAX_BYTES,
  pageFetchOptions,
} from './fetch-full-content.ts';

const LONG = (word: string) =>
  `<p>${`${word} is the article text that Readability must find, long enough to count. `.repeat(12)}</p>`;

const ARTICLE_PAGE = `<!doctype html><html><head><title>Story</title></head><body>
  <nav class="menu"><a href="/">Home</a> <a href="/about">About</a></nav>
  <main>
    <article class="post">
      <h1>The story</h1>
      <div class="body">${LONG('First')}<img src="pics/one.png" alt="one"><a href="../other.html">related</a>
        <div class="ads">BUY NOW</div>${LONG('Second')}</div>
      <div class="share">Share on everything</div>
    </article>
    <aside class="summary"><p>A summary</p></aside>
  </main>
  <footer>Copyright footer text</footer>
</body></html>`;

const HOSTILE_PAGE = `<html><body><article class="post">
  <p onclick="alert(1)">Hello <b>world</b><script>alert('x')</script></p>
  <img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">click</a>
  <iframe src="https://evil.example/frame"></iframe><style>body{display:none}</style>
  <form action="/steal"><input name="password"></form><svg><script>alert(4)</script></svg>
</article></body></html>`;

describe('full content: fetching and extracting a page', () => {
  let server: Server;
  let base = '';
  const hits: Record<string, number> = {};
  const headersSeen: Record<string, IncomingHttpHeaders> = {};
  let fetcher: Fetcher;
  let guarded: Fetcher;

  before(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      hits[path] = (hits[path] ?? 0) + 1;
      headersSeen[path] = req.headers;
      const html = (body: string, type = 'text/html; charset=utf-8') =>
        void res.writeHead(200, { 'content-type': type }).end(body);
      if (path === '/go') return void res.writeHead(302, { location: '/articles/story.html' }).end();
      if (path === '/articles/story.html') return html(ARTICLE_PAGE);
      if (path === '/hostile.html') return html(HOSTILE_PAGE);
      if (path === '/meta.html')
        return html(
          '<html><head><meta http-equiv="refresh" content="0; url=/articles/story.html"></head></html>',
        );
      if (path === '/latin1.html')
        return html(
          Buffer.concat([
            Buffer.from('<html><body><article class="post"><p>Caf'),
            Buffer.from([0xe9]),
            Buffer.from(' cr\u00e8me</p></article></body></html>', 'latin1'),
          ]).toString('latin1'),
          'text/html; charset=iso-8859-1',
        );
      if (path === '/image') return void res.writeHead(200, { 'content-type': 'image/png' }).end('PNG');
      if (path === '/huge') {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const write = () => {
          while (sent <= FULL_CONTENT_MAX_BYTES + chunk.length) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', write);
          }
          res.end();
        };
        return write();
      }
      if (path === '/slow') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><body><article>');
        return; // never ends: the total timeout must end it
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = {
      userAgent: 'Veille-test',
      connectTimeoutMs: 1000,
      headersTimeoutMs: 1000,
      totalTimeoutMs: 1500,
      maxBodyBytes: 16 * 1024 * 1024,
      maxRedirects: 3,
      perHostLimit: 4,
    };
    fetcher = createFetcher({ ...config, allowNetworks: ['127.0.0.0/8'] });
    guarded = createFetcher({ ...config, allowNetworks: [] });
  });

  after(async () => {
    await fetcher.close();
    await guarded.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const get = (url: string, selector = '', remove = '', f = fetcher) =>
    fetchFullContent(f, { url, feedUrl: `${base}/feed.xml`, options: {}, rules: { selector, remove } });

  it('a CSS selector list picks the article, relative URLs resolve against the final URL', async () => {
    const r = await get(`${base}/go`, 'article .body, aside.summary');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.equal(r.finalUrl, `${base}/articles/story.html`);
    assert.match(r.html, /First is the article text/);
    assert.match(r.html, /A summary/);
    assert.doesNotMatch(r.html, /Home|Copyright|Share on everything/);
    assert.match(r.html, new RegExp(`src="${base}/articles/pics/one\\.png"`));
    assert.match(r.html, new RegExp(`href="${base}/other\\.html"`));
    // A match inside another match is not repeated.
    const nested = await get(`${base}/articles/story.html`, 'article, article .body');
    assert.equal(nested.kind === 'ok' && nested.html.match(/BUY NOW/g)?.length, 1);
  });

  it('without a selector, Readability finds the article; the remove selector drops elements', async () => {
    const r = await get(`${base}/articles/story.html`, '', '.ads, .share');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.match(r.html, /First is the article text/);
    assert.match(r.html, /Second is the article text/);
    assert.doesNotMatch(r.html, /BUY NOW|Share on everything|Copyright footer/);
    const selected = await get(`${base}/articles/story.html`, 'article', '.ads');
    assert.ok(selected.kind === 'ok' && !selected.html.includes('BUY NOW'));
    assert.ok(selected.kind === 'ok' && selected.html.includes('Share on everything'));
  });

  it('hostile HTML in the page comes out sanitized', async () => {
    const r = await get(`${base}/hostile.html`, 'article');
    assert.equal(r.kind, 'ok');
    if (r.kind !== 'ok') return;
    assert.match(r.html, /Hello <b>world<\/b>/);
    // An iframe of an unknown player becomes a plain link (src/reader/sanitize).
    for (const bad of [
      /<script/i,
      /onclick|onerror/i,
      /javascript:/i,
      /<iframe/i,
      /<style/i,
      /<form|<input/i,
    ]) {
      assert.doesNotMatch(r.html, bad);
    }
  });

  it('follows a meta refresh and decodes the page charset', async () => {
    const r = await get(`${base}/meta.html`, 'article .body');
    assert.ok(r.kind === 'ok' && r.html.includes('First is the article'));
    const latin = await get(`${base}/latin1.html`, 'article');
    assert.ok(latin.kind === 'ok' && latin.html.includes('Café crème'), JSON.stringify(latin));
  });

  it('clear errors: nothing matches, not HTML, 404, too large, too slow', async () => {
    const none = await get(`${base}/articles/story.html`, '.does-not-exist');
    assert.equal(none.kind === 'error' && none.code, 'full_content.not_found');
    assert.match(none.kind === 'error' ? none.message : '', /nothing matches "\.does-not-exist"/);
    const image = await get(`${base}/image`);
    assert.equal(image.kind === 'error' && image.code, 'full_content.not_html');
    const missing = await get(`${base}/missing`);
    assert.equal(missing.kind === 'error' && missing.code, 'fetch.http_status');
    const huge = await get(`${base}/huge`);
    assert.equal(huge.kind === 'error' && huge.code, 'fetch.too_large', JSON.stringify(huge));
    const slow = await get(`${base}/slow`);
    assert.equal(slow.kind === 'error' && slow.code, 'fetch.timeout', JSON.stringify(slow));
  });

  it('a page on a private address, or redirecting to one, is refused by default', async () => {
    const before = hits['/articles/story.html'] ?? 0;
    const direct = await get(`${base}/articles/story.html`, '', '', guarded);
    assert.equal(direct.kind === 'error' && direct.code, 'fetch.blocked_address');
    const viaName = await get(
      `${base.replace('127.0.0.1', 'localhost')}/articles/story.html`,
      '',
      '',
      guarded,
    );
    assert.equal(viaName.kind === 'error' && viaName.code, 'fetch.blocked_address');
    assert.equal(hits['/articles/story.html'] ?? 0, before, 'the private server saw no request');
  });

  it("sends the feed's cookie and headers only to the feed's own host", async () => {
    const options = { cookie: 'sid=1', headers: { 'X-Key': 'k' }, userAgent: 'UA/1', username: 'u' };
    const feedUrl = `${base}/feed.xml`;
    assert.deepEqual(pageFetchOptions(options, feedUrl, `${base}/a.html`), {
      userAgent: 'UA/1',
      cookie: 'sid=1',
      headers: { 'X-Key': 'k' },
      username: 'u',
      password: '',
    });
    assert.deepEqual(pageFetchOptions(options, feedUrl, 'https://elsewhere.example/a.html'), {
      userAgent: 'UA/1',
    });
    await fetchFullContent(fetcher, {
      url: `${base}/articles/story.html?cookie`,
      feedUrl,
      options,
      rules: { selector: 'article', remove: '' },
    });
    const seen = headersSeen['/articles/story.html?cookie']!;
    assert.equal(seen.cookie, 'sid=1');
    assert.equal(seen['user-agent'], 'UA/1');
    assert.match(String(seen.accept), /text\/html/);
  });
});

describe('full content: pure parts', () => {
  it('prepend and append keep the feed content, replace drops it', () => {
    assert.equal(combinedContent('<p>feed</p>', '<p>page</p>', undefined), '<p>page</p>');
    assert.match(combinedContent('<p>feed</p>', '<p>page</p>', 'prepend'), /<p>page<\/p>\s*<p>feed<\/p>/);
    assert.match(combinedContent('<p>feed</p>', '<p>page</p>', 'append'), /<p>feed<\/p>\s*<p>page<\/p>/);
  });

  it('removes elements from a feed content; checks selectors; reads meta refresh', () => {
    assert.equal(withoutElements('<p>a</p><div class="ad">x</div><p>b</p>', '.ad'), '<p>a</p><p>b</p>');
    assert.equal(cssSelectorProblem('article .body, aside > p:first-child'), null);
    assert.ok(cssSelectorProblem('div[') !== null);
    assert.equal(
      metaRefreshTarget('<meta http-equiv="Refresh" content="0;URL=\'/x\'">', 'https://a.example/b/c'),
      'https://a.example/x',
    );
    assert.equal(metaRefreshTarget('<meta http-equiv="refresh" content="600">', 'https://a.example/'), null);
    assert.equal(
      extractArticle('<html><body></body></html>', 'https://a.example/', { selector: 'p', remove: '' }),
      null,
    );
  });
});
