import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSecurityFixture, PNG, type SecurityFixture } from '../../../test/e2e/security-fixture.ts';
import { rewriteMediaUrls } from './image-proxy.ts';

describe('image proxy', () => {
  describe('off (the default)', () => {
    let f: SecurityFixture;
    before(async () => {
      f = await createSecurityFixture();
    });
    after(async () => {
      await f.close();
    });
    test('articles load their images directly and /proxy/img does not exist', async () => {
      const page = await f.alice.client.get('/?view=reading');
      assert.match(page.text, new RegExp(`src="${f.feedBase}/img/alice-1.png"`));
      assert.match(page.res.headers.get('content-security-policy') ?? '', /img-src \* data:/);
      assert.equal((await f.alice.client.get('/proxy/img?u=x&s=y')).res.status, 404);
    });
  });

  describe('on', () => {
    let f: SecurityFixture;
    before(async () => {
      f = await createSecurityFixture({ VEILLE_IMAGE_PROXY: 'on' });
    });
    after(async () => {
      await f.close();
    });
    test('article images go through Veille, and the CSP allows images from Veille only', async () => {
      const page = await f.alice.client.get('/?view=reading');
      assert.equal(page.res.status, 200);
      assert.doesNotMatch(page.text, new RegExp(`src="${f.feedBase}`), 'no direct image URL is left');
      const csp = page.res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /img-src 'self' data:/);
      assert.match(csp, /media-src 'self'/);
      const m = /src="(\/proxy\/img\?u=[^"]+)"/.exec(page.text);
      assert.ok(m, 'the image points to the proxy');
      const src = m[1]!.replaceAll('&amp;', '&');
      assert.match(
        new URL(src, 'http://x').searchParams.get('u') ?? '',
        new RegExp(`^${f.feedBase}/img/alice-[123]\\.png$`),
      );
      // Anyone with the signed URL gets the image (the browser may not send cookies for images).
      const r = await f.t.app.request(`http://localhost${src}`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'image/png');
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), PNG);
      // Another URL with the same signature is refused: not an open proxy.
      const other = src.replace(/alice-[123]\.png/, 'alice-9.png');
      assert.equal((await f.t.app.request(`http://localhost${other}`)).status, 403);
    });
  });

  test('rewrites src, poster and srcset of media tags only, and leaves relative URLs alone', () => {
    const secret = Buffer.alloc(32, 1);
    const html =
      '<img src="https://a.example/x.png?a=1&amp;b=2" srcset="https://a.example/1.png 1x, //b.example/2.png 2x">' +
      '<video poster="http://v.example/p.jpg"><source src="http://v.example/v.mp4"></video>' +
      '<a href="https://a.example/page">link</a><img src="/feeds/1/icon"><img src="data:image/gif;base64,R0">';
    const out = rewriteMediaUrls(secret, html);
    assert.match(out, /<img src="\/proxy\/img\?u=https%3A%2F%2Fa\.example%2Fx\.png%3Fa%3D1%26b%3D2&amp;s=/);
    assert.match(
      out,
      /srcset="\/proxy\/img\?u=https%3A%2F%2Fa\.example%2F1\.png&amp;s=[\w-]+ 1x, \/proxy\/img\?u=https%3A%2F%2Fb\.example%2F2\.png&amp;s=[\w-]+ 2x"/,
    );
    assert.match(out, /poster="\/proxy\/img\?u=http%3A%2F%2Fv\.example%2Fp\.jpg/);
    assert.match(out, /<source src="\/proxy\/img\?u=http%3A%2F%2Fv\.example%2Fv\.mp4/);
    assert.match(out, /<a href="https:\/\/a\.example\/page">/);
    assert.match(out, /<img src="\/feeds\/1\/icon">/);
    assert.match(out, /<img src="data:image\/gif;base64,R0">/);
  });
});
