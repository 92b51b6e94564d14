import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
import type { FetchResult } from '../../model/fetch-result.ts';
import { createFetcher, parseRetryAfter } from './create-fetcher.ts';
import { decodeKeptBody } from './read-limited-body.ts';
import type { Fetcher, FetcherConfig } from './create-fetcher.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: (http.Server | https.Server)[] = [];
const fetchers: Fetcher[] = [];

after(async () => {
  await Promise.all(fetchers.map((f) => f.close()));
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function serve(
  handler: Handler,
  host = '127.0.0.1',
): Promise<{ base: string; port: number; server: http.Server }> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://${host}:${port}`, port, server };
}

function fetcherWith(overrides: Partial<FetcherConfig> = {}): Fetcher {
  const fetcher = createFetcher({
    allowNetworks: ['127.0.0.0/8'],
    userAgent: 'Veille-test/1',
    connectTimeoutMs: 5_000,
    headersTimeoutMs: 10_000,
    totalTimeoutMs: 20_000,
    maxBodyBytes: 1024 * 1024,
    maxRedirects: 5,
    perHostLimit: 2,
    ...overrides,
  });
  fetchers.push(fetcher);
  return fetcher;
}

function expectOk(result: FetchResult) {
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  if (result.kind !== 'ok') throw new Error('unreachable');
  return result;
}

function expectError(result: FetchResult) {
  assert.equal(result.kind, 'error', JSON.stringify({ ...result, body: undefined }));
  if (result.kind !== 'error') throw new Error('unreachable');
  assert.match(result.message, /^fetch: /);
  return result;
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('createFetcher', () => {
  it('returns the body with its validators, then not-modified on a conditional GET', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const { base } = await serve((req, res) => {
      seen.push(req.headers);
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' }).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/rss+xml; charset=utf-8',
        etag: '"v1"',
        'last-modified': 'Tue, 18 Nov 2025 10:00:00 GMT',
      });
      res.end('<rss version="2.0"/>');
    });
    const fetcher = fetcherWith();
    const first = expectOk(await fetcher.fetch({ url: `${base}/feed.xml` }));
    assert.equal(text(first.body), '<rss version="2.0"/>');
    assert.equal(first.status, 200);
    assert.equal(first.etag, '"v1"');
    assert.equal(first.lastModified, 'Tue, 18 Nov 2025 10:00:00 GMT');
    assert.equal(first.contentType, 'application/rss+xml; charset=utf-8');
    assert.equal(first.finalUrl, `${base}/feed.xml`);
    assert.equal(first.permanentUrl, null);
    assert.equal(first.headers['etag'], '"v1"');
    assert.equal(seen[0]?.['user-agent'], 'Veille-test/1');
    assert.match(seen[0]?.['accept-encoding'] ?? '', /gzip.*deflate.*br/);
    assert.match(seen[0]?.['accept'] ?? '', /application\/rss\+xml/);

    const second = await fetcher.fetch({
      url: `${base}/feed.xml`,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    assert.equal(second.kind, 'not-modified');
    if (second.kind !== 'not-modified') return;
    assert.equal(second.etag, '"v1"');
    assert.equal(
      second.lastModified,
      'Tue, 18 Nov 2025 10:00:00 GMT',
      'kept from the request when the 304 omits it',
    );
    assert.equal(seen[1]?.['if-modified-since'], 'Tue, 18 Nov 2025 10:00:00 GMT');
  });

  it('decodes gzip, deflate (zlib and raw), brotli and stacked encodings', async () => {
    const original = '<feed xmlns="http://www.w3.org/2005/Atom">' + 'é'.repeat(5000) + '</feed>';
    const bodies: Record<string, [string, Buffer]> = {
      '/gzip': ['gzip', zlib.gzipSync(original)],
      '/deflate': ['deflate', zlib.deflateSync(original)],
      '/raw-deflate': ['deflate', zlib.deflateRawSync(original)],
      '/br': ['br', zlib.brotliCompressSync(original)],
      '/gzip-br': ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(original))],
      '/identity': ['identity', Buffer.from(original)],
    };
    const { base } = await serve((req, res) => {
      const [encoding, body] = bodies[req.url ?? ''] as [string, Buffer];
      res.writeHead(200, { 'content-encoding': encoding, 'content-length': body.length }).end(body);
    });
    const fetcher = fetcherWith();
    for (const path of Object.keys(bodies)) {
      const result = expectOk(await fetcher.fetch({ url: base + path }));
      assert.equal(text(result.body), original, path);
    }
  });

  it('reports corrupt compressed bodies and unknown encodings as fetch.decompress', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/corrupt')
        res.writeHead(200, { 'content-encoding': 'gzip' }).end('definitely not gzip');
      else res.writeHead(200, { 'content-encoding': 'compress' }).end('xx');
    });
    const fetcher = fetcherWith();
    assert.equal(expectError(await fetcher.fetch({ url: `${base}/corrupt` })).code, 'fetch.decompress');
    const unknown = expectError(await fetcher.fetch({ url: `${base}/unknown` }));
    assert.equal(unknown.code, 'fetch.decompress');
    assert.match(unknown.message, /compress/);
  });

  it('keepEncoded: the body stays compressed, and decoding it later gives what the fetcher gives', async () => {
    const original = '<rss version="2.0"><channel>' + 'ü'.repeat(4000) + '</channel></rss>';
    const bodies: Record<string, Buffer> = {
      '/gzip': zlib.gzipSync(original),
      // 8 MiB of zeros: a few KiB on the wire, over the 1 MiB limit once inflated.
      '/bomb': zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024), { level: 9 }),
      '/corrupt': Buffer.from('definitely not gzip'),
    };
    const { base } = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(bodies[req.url ?? '']);
    });
    const fetcher = fetcherWith();
    for (const path of Object.keys(bodies)) {
      const kept = expectOk(await fetcher.fetch({ url: base + path, keepEncoded: true }));
      assert.deepEqual(kept.encoded, { encodings: ['gzip'], maxBytes: 1024 * 1024 }, path);
      assert.deepEqual(Buffer.from(kept.body), bodies[path], path);
      const later = decodeKeptBody(kept.body, kept.encoded!.encodings, kept.encoded!.maxBytes, 'gzip');
      const direct = await fetcher.fetch({ url: base + path });
      if (direct.kind === 'ok') {
        assert.ok(later.ok, path);
        if (later.ok) assert.equal(text(later.bytes), original, path);
      } else {
        const error = expectError(direct);
        assert.ok(!later.ok, path);
        if (!later.ok) assert.deepEqual([later.code, later.message], [error.code, error.message], path);
      }
    }
    // A body sent as is comes back as is, without `encoded`.
    const plain = await serve((_req, res) => res.end(original));
    const result = expectOk(await fetcher.fetch({ url: plain.base, keepEncoded: true }));
    assert.equal(result.encoded, undefined);
    assert.equal(text(result.body), original);
  });

  it('refuses bodies over the limit, declared or streamed', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/declared') {
        res.writeHead(200, { 'content-length': 3000 }).end('x'.repeat(3000));
      } else {
        res.writeHead(200); // chunked, no length
        for (let i = 0; i < 10; i++) res.write('y'.repeat(500));
        res.end();
      }
    });
    const fetcher = fetcherWith({ maxBodyBytes: 2048 });
    for (const path of ['/declared', '/chunked']) {
      const result = expectError(await fetcher.fetch({ url: base + path }));
      assert.equal(result.code, 'fetch.too_large', path);
      assert.equal(result.message, 'fetch: the response is larger than 2 KiB');
    }
    // exactly at the limit is fine
    const exact = await serve((_req, res) => res.end('z'.repeat(2048)));
    assert.equal(expectOk(await fetcher.fetch({ url: exact.base })).body.length, 2048);
  });

  it('stops a gzip bomb at the limit without inflating it in memory', async () => {
    // 16 GiB of zeros as concatenated gzip members of 1 MiB each (about 16 MiB on the wire).
    const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    let sentMembers = 0;
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/xml' });
      const writeMore = () => {
        while (sentMembers < 16 * 1024) {
          sentMembers++;
          if (!res.write(member)) return void res.once('drain', writeMore);
        }
        res.end();
      };
      res.on('close', () => res.removeAllListeners('drain'));
      writeMore();
    });
    const fetcher = fetcherWith({ maxBodyBytes: 4 * 1024 * 1024 });
    const rssBefore = process.memoryUsage().rss;
    const result = expectError(await fetcher.fetch({ url: base }));
    const grown = process.memoryUsage().rss - rssBefore;
    assert.equal(result.code, 'fetch.too_large');
    assert.ok(grown < 256 * 1024 * 1024, `memory grew by ${grown} bytes`);
    assert.ok(sentMembers < 16 * 1024, 'the download was abandoned before the end');
  });

  describe('redirects', () => {
    it('follows permanent redirects and reports the permanent URL', async () => {
      const { base } = await serve((req, res) => {
        if (req.url === '/old') res.writeHead(301, { location: '/older-still' }).end();
        else if (req.url === '/older-still') res.writeHead(308, { location: `${base}/new` }).end();
        else res.end('here');
      });
      const result = expectOk(await fetcherWith().fetch({ url: `${base}/old` }));
      assert.equal(text(result.body), 'here');
      assert.equal(result.finalUrl, `${base}/new`);
      assert.equal(result.permanentUrl, `${base}/new`);
    });

    it('gives no permanent URL when any hop was temporary', async () => {
      const { base } = await serve((req, res) => {
        if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
        else if (req.url === '/b') res.writeHead(302, { location: '/c' }).end();
        else if (req.url === '/temp') res.writeHead(307, { location: '/c' }).end();
        else res.end('c');
      });
      const fetcher = fetcherWith();
      const mixed = expectOk(await fetcher.fetch({ url: `${base}/a` }));
      assert.equal(mixed.finalUrl, `${base}/c`);
      assert.equal(mixed.permanentUrl, null);
      const temporary = expectOk(await fetcher.fetch({ url: `${base}/temp` }));
      assert.equal(temporary.finalUrl, `${base}/c`);
      assert.equal(temporary.permanentUrl, null);
    });

    it('gives up on redirect loops', async () => {
      let hits = 0;
      const { base } = await serve((req, res) => {
        hits++;
        res.writeHead(302, { location: req.url === '/ping' ? '/pong' : '/ping' }).end();
      });
      const result = expectError(await fetcherWith({ maxRedirects: 5 }).fetch({ url: `${base}/ping` }));
      assert.equal(result.code, 'fetch.too_many_redirects');
      assert.match(result.message, /more than 5 redirects/);
      assert.equal(hits, 6);
    });

    it('checks every hop against the SSRF guard', async () => {
      let blockedHostHits = 0;
      const target = await serve((_req, res) => {
        blockedHostHits++;
        res.end('secret');
      }, '127.0.0.2');
      const { base } = await serve((_req, res) =>
        res.writeHead(302, { location: `${target.base}/admin` }).end(),
      );
      const fetcher = fetcherWith({ allowNetworks: ['127.0.0.1/32'] });
      const result = expectError(await fetcher.fetch({ url: `${base}/feed` }));
      assert.equal(result.code, 'fetch.blocked_address');
      assert.equal(
        result.message,
        'fetch: 127.0.0.2 is a loopback address; an administrator can allow it with VEILLE_FETCH_ALLOW_NETWORKS',
      );
      assert.equal(blockedHostHits, 0);
    });

    it('does not carry credentials to another origin', async () => {
      const seen: http.IncomingHttpHeaders[] = [];
      const other = await serve((req, res) => {
        seen.push(req.headers);
        res.end('ok');
      }, '127.0.0.2');
      const { base } = await serve((_req, res) => res.writeHead(302, { location: other.base }).end());
      await fetcherWith().fetch({
        url: base,
        options: { cookie: 'session=1', username: 'u', password: 'p', headers: { 'X-Token': 'abc' } },
      });
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.cookie, undefined);
      assert.equal(seen[0]?.authorization, undefined);
      assert.equal(seen[0]?.['x-token'], 'abc');
    });
  });

  describe('SSRF guard with the default configuration', () => {
    it('blocks loopback however it is spelled, before connecting', async () => {
      let hits = 0;
      const { port } = await serve((_req, res) => {
        hits++;
        res.end('secret');
      });
      const fetcher = fetcherWith({ allowNetworks: [] });
      const urls = [
        `http://127.0.0.1:${port}/`,
        `http://2130706433:${port}/`,
        `http://0x7f.0.0.1:${port}/`,
        `http://0177.0.0.1:${port}/`,
        `http://127.1:${port}/`,
        `http://[::1]:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        `http://[::ffff:7f00:1]:${port}/`,
        `http://0.0.0.0:${port}/`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.1/',
        'http://[fd00::1]/',
      ];
      for (const url of urls) {
        const result = expectError(await fetcher.fetch({ url }));
        assert.equal(result.code, 'fetch.blocked_address', url);
        assert.match(result.message, /VEILLE_FETCH_ALLOW_NETWORKS/);
      }
      const ten = expectError(await fetcher.fetch({ url: 'http://10.0.0.1/' }));
      assert.equal(
        ten.message,
        'fetch: 10.0.0.1 is a private address; an administrator can allow it with VEILLE_FETCH_ALLOW_NETWORKS',
      );
      assert.equal(hits, 0);
    });

    it('blocks host names that resolve to a blocked address (checked at connect time)', async () => {
      let hits = 0;
      const { port } = await serve((_req, res) => {
        hits++;
        res.end('secret');
      });
      const result = expectError(
        await fetcherWith({ allowNetworks: [] }).fetch({ url: `http://localhost:${port}/` }),
      );
      assert.equal(result.code, 'fetch.blocked_address');
      assert.match(result.message, /^fetch: localhost resolves to (127\.0\.0\.1|::1), a loopback address; /);
      assert.equal(hits, 0);
      // and the same name works once loopback is allowed
      const allowed = await fetcherWith({ allowNetworks: ['127.0.0.0/8', '::1/128'] }).fetch({
        url: `http://localhost:${port}/`,
      });
      assert.equal(expectOk(allowed).finalUrl, `http://localhost:${port}/`);
    });
  });

  it('rejects invalid URLs and other schemes', async () => {
    const fetcher = fetcherWith();
    for (const url of [
      'not a url',
      'ftp://example.com/feed',
      'file:///etc/passwd',
      'javascript:alert(1)',
      '',
    ]) {
      const result = expectError(await fetcher.fetch({ url }));
      assert.equal(result.code, 'fetch.invalid_url', url);
    }
    const redirected = await serve((_req, res) =>
      res.writeHead(302, { location: 'file:///etc/passwd' }).end(),
    );
    assert.equal(expectError(await fetcher.fetch({ url: redirected.base })).code, 'fetch.invalid_url');
  });

  it('times out a server that trickles its body', async () => {
    const { base } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const timer = setInterval(() => res.write('x'), 200);
      res.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const result = expectError(await fetcherWith({ totalTimeoutMs: 1_000 }).fetch({ url: base }));
    assert.equal(result.code, 'fetch.timeout');
    assert.equal(result.message, 'fetch: the request took longer than 1 s');
    assert.ok(Date.now() - started < 15_000);
  });

  it('times out a server that never answers', async () => {
    const { base } = await serve(() => {
      // never responds
    });
    const result = expectError(await fetcherWith({ headersTimeoutMs: 500 }).fetch({ url: base }));
    assert.equal(result.code, 'fetch.timeout');
    assert.match(result.message, /did not answer within 0\.5 s/);
  });

  it('reports connection resets and refusals', async () => {
    const { base } = await serve((req) => req.socket.destroy());
    const reset = expectError(await fetcherWith().fetch({ url: base }));
    assert.ok(['fetch.reset', 'fetch.connect'].includes(reset.code), reset.code);

    const { base: closedBase, server } = await serve(() => {});
    await new Promise((r) => server.close(r));
    const refused = expectError(await fetcherWith().fetch({ url: closedBase }));
    assert.equal(refused.code, 'fetch.connect');
    assert.equal(refused.message, 'fetch: the server refused the connection');
  });

  it('reports HTTP errors with their status and Retry-After', async () => {
    const { base } = await serve((req, res) => {
      if (req.url === '/500') res.writeHead(500).end('boom');
      else if (req.url === '/404') res.writeHead(404).end('nope');
      else if (req.url === '/429') res.writeHead(429, { 'retry-after': '120' }).end();
      else res.writeHead(503, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    });
    const fetcher = fetcherWith();
    const e500 = expectError(await fetcher.fetch({ url: `${base}/500` }));
    assert.deepEqual(
      { code: e500.code, status: e500.status, message: e500.message, retryAfter: e500.retryAfter },
      {
        code: 'fetch.http_status',
        status: 500,
        message: 'fetch: the server answered 500 Internal Server Error',
        retryAfter: null,
      },
    );
    assert.equal(
      expectError(await fetcher.fetch({ url: `${base}/404` })).message,
      'fetch: the server answered 404 Not Found',
    );
    const e429 = expectError(await fetcher.fetch({ url: `${base}/429` }));
    assert.equal(e429.status, 429);
    assert.equal(e429.retryAfter, 120);
    const e503 = expectError(await fetcher.fetch({ url: `${base}/503` }));
    assert.ok(
      e503.retryAfter !== null && e503.retryAfter >= 55 && e503.retryAfter <= 61,
      String(e503.retryAfter),
    );
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('Tue, 18 Nov 2025 10:00:00 GMT');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Tue, 18 Nov 2025 10:05:00 GMT', now), 300);
    assert.equal(parseRetryAfter('Tue, 18 Nov 2025 09:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });

  it('sends the feed options: user agent, cookie, basic auth, extra headers', async () => {
    let seen: http.IncomingHttpHeaders = {};
    const { base } = await serve((req, res) => {
      seen = req.headers;
      res.end('ok');
    });
    await fetcherWith().fetch({
      url: base,
      accept: 'image/*',
      options: {
        userAgent: 'MyReader/2',
        cookie: 'session=abc; lang=fr',
        username: 'zoé',
        password: 'p:ss',
        headers: { 'X-Api-Key': 'k1', Host: 'evil.example', 'Accept-Encoding': 'zstd' },
      },
    });
    assert.equal(seen['user-agent'], 'MyReader/2');
    assert.equal(seen.cookie, 'session=abc; lang=fr');
    assert.equal(seen.authorization, `Basic ${Buffer.from('zoé:p:ss').toString('base64')}`);
    assert.equal(seen['x-api-key'], 'k1');
    assert.equal(seen.accept, 'image/*');
    assert.match(seen.host ?? '', /^127\.0\.0\.1:\d+$/);
    assert.equal(seen['accept-encoding'], 'gzip, deflate, br');
  });

  it('limits concurrent requests per host', async () => {
    let active = 0;
    let maxActive = 0;
    const { base } = await serve((_req, res) => {
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        res.end('ok');
      }, 100);
    });
    const fetcher = fetcherWith({ perHostLimit: 2 });
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) => fetcher.fetch({ url: `${base}/${i}` })),
    );
    for (const r of results) expectOk(r);
    assert.equal(maxActive, 2);
  });

  it('reports TLS failures', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'veille-tls-'));
    try {
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:P-256',
            '-nodes',
            '-keyout',
            'key.pem',
          ].concat(['-out', 'cert.pem', '-subj', '/CN=127.0.0.1', '-days', '1']),
          { cwd: dir, stdio: 'ignore' },
        );
      } catch {
        t.skip('openssl is not available to make a certificate');
        return;
      }
      const server = https.createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        (_req, res) => res.end('ok'),
      );
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const result = expectError(await fetcherWith().fetch({ url: `https://127.0.0.1:${port}/` }));
      assert.equal(result.code, 'fetch.tls');
      assert.equal(result.message, 'fetch: TLS certificate is self-signed (not trusted)');
      // The feed's owner may choose to accept it.
      const insecure = expectOk(
        await fetcherWith().fetch({ url: `https://127.0.0.1:${port}/`, options: { insecureTls: true } }),
      );
      assert.equal(text(insecure.body), 'ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('proxies', () => {
  it('fetches through an HTTP proxy (CONNECT); a proxy at a blocked address is refused', async () => {
    const { base } = await serve((_req, res) => res.end('through the proxy'));
    let tunnels = 0;
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, socket, head) => {
      tunnels++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    servers.push(proxy);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const ok = expectOk(await fetcherWith().fetch({ url: `${base}/x`, options: { proxy: proxyUrl } }));
    assert.equal(text(ok.body), 'through the proxy');
    assert.equal(tunnels, 1);
    const refused = expectError(
      await fetcherWith({ allowNetworks: ['127.0.0.2/32'] }).fetch({
        url: 'http://127.0.0.2/',
        options: { proxy: proxyUrl },
      }),
    );
    assert.equal(refused.code, 'fetch.blocked_address');
    assert.match(refused.message, /proxy 127\.0\.0\.1/);
    assert.equal(tunnels, 1, 'nothing went through the refused proxy');
  });
});
