import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createFetcher } from '../fetch/create-fetcher.ts';
import type { FetcherConfig } from '../fetch/create-fetcher.ts';
import { fetchFavicon, findIconLinks, imageTypeOf } from './find-icon.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const ICO = Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0]), Buffer.alloc(64, 7)]);

const config: FetcherConfig = {
  allowNetworks: ['127.0.0.0/8'],
  userAgent: 'Veille-test/1',
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 10_000,
  totalTimeoutMs: 20_000,
  maxBodyBytes: 20 * 1024 * 1024,
  maxRedirects: 5,
  perHostLimit: 2,
};
const servers: http.Server[] = [];
const fetchers: ReturnType<typeof createFetcher>[] = [];
after(async () => {
  await Promise.all(fetchers.map((f) => f.close()));
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(routes: Record<string, [string, Buffer | string]>) {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function fetcher(overrides: Partial<FetcherConfig> = {}) {
  const f = createFetcher({ ...config, ...overrides });
  fetchers.push(f);
  return f;
}

describe('findIconLinks', () => {
  it('orders icons best first and ends with /favicon.ico', () => {
    const html = `<html><head>
      <base href="/static/">
      <link rel="apple-touch-icon" sizes="180x180" href="apple.png">
      <link rel="icon" type="image/png" sizes="16x16" href="16.png">
      <link rel="ICON" type="image/png" sizes="32x32" href="32.png">
      <link rel="shortcut icon" href="https://cdn.example.net/fav.ico">
      <link rel="icon" type="image/svg+xml" href="logo.svg">
      <link rel="mask-icon" href="mask.svg" color="#000">
      <link rel="stylesheet" href="x.css">
    </head><body><link rel="icon" href="late.png"></body></html>`;
    assert.deepEqual(findIconLinks(html, 'https://example.com/blog/'), [
      'https://example.com/static/32.png',
      'https://example.com/static/logo.svg',
      'https://example.com/static/16.png',
      'https://cdn.example.net/fav.ico',
      'https://example.com/static/apple.png',
      'https://example.com/favicon.ico',
    ]);
  });

  it('falls back to /favicon.ico alone', () => {
    assert.deepEqual(findIconLinks('<title>x</title>', 'http://example.com/a/b?c'), [
      'http://example.com/favicon.ico',
    ]);
  });
});

describe('imageTypeOf', () => {
  it('recognises images by their bytes, not by what the server claims', () => {
    assert.equal(imageTypeOf(PNG), 'image/png');
    assert.equal(imageTypeOf(ICO), 'image/x-icon');
    assert.equal(imageTypeOf(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')), 'image/gif');
    assert.equal(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])), 'image/jpeg');
    assert.equal(imageTypeOf(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'image/webp');
    assert.equal(
      imageTypeOf(
        Buffer.from('<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      ),
      'image/svg+xml',
    );
    assert.equal(imageTypeOf(Buffer.from('<!doctype html><html><svg></svg></html>')), null);
    assert.equal(imageTypeOf(Buffer.from('not found')), null);
    assert.equal(imageTypeOf(new Uint8Array(0)), null);
  });
});

describe('fetchFavicon', () => {
  it('fetches the page, skips candidates that are not images, returns the first real one', async () => {
    const { base, hits } = await serve({
      '/': [
        'text/html',
        '<head><link rel="icon" sizes="32x32" href="/broken.png"><link rel="icon" href="/icon.png"></head>',
      ],
      '/broken.png': ['image/png', '<html>oops</html>'],
      '/icon.png': ['application/octet-stream', PNG],
      '/favicon.ico': ['image/x-icon', ICO],
    });
    const icon = await fetchFavicon(fetcher(), `${base}/`, null);
    assert.deepEqual(icon, { data: new Uint8Array(PNG), type: 'image/png' });
    assert.deepEqual(hits, ['/', '/broken.png', '/icon.png']);
  });

  it('uses the given page and falls back to /favicon.ico', async () => {
    const { base, hits } = await serve({ '/favicon.ico': ['image/vnd.microsoft.icon', ICO] });
    const icon = await fetchFavicon(fetcher(), `${base}/blog/`, '<html><head><title>t</title></head></html>');
    assert.equal(icon?.type, 'image/x-icon');
    assert.equal(icon?.data.length, ICO.length);
    assert.deepEqual(hits, ['/favicon.ico']);
  });

  it('decodes data: icons without fetching', async () => {
    const html = `<link rel="icon" href="data:image/png;base64,${PNG.toString('base64')}">`;
    const icon = await fetchFavicon(fetcher(), 'http://127.0.0.1:9/', html);
    assert.equal(icon?.type, 'image/png');
  });

  it('refuses icons over 256 KiB and returns null when nothing fits', async () => {
    const huge = Buffer.concat([PNG, Buffer.alloc(300 * 1024)]);
    const { base } = await serve({ '/favicon.ico': ['image/png', huge] });
    assert.equal(await fetchFavicon(fetcher(), base, ''), null);
  });

  it('goes through the SSRF guard', async () => {
    const { base, hits } = await serve({ '/favicon.ico': ['image/x-icon', ICO] });
    assert.equal(await fetchFavicon(fetcher({ allowNetworks: [] }), base, ''), null);
    assert.deepEqual(hits, []);
  });
});
