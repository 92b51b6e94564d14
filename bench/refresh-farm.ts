// A loopback feed farm for the refresh benchmark: N RSS 2.0 feeds of K items, each item 2–5 KB of
// realistic HTML (paragraphs, links, images, lists, entities), with ETag and Last-Modified, 304 on
// conditional requests, gzip when asked, and 404 for site icons. Run as a child process
// (`node --import tsx bench/refresh-farm.ts --feeds N --items K`) so that its CPU is not counted
// as Veille's: it prints `{"port":…}` on stdout when listening, then answers
//   POST /_publish?percent=P&items=M   M new items in P % of the feeds (spread evenly)
//   GET  /_stats                       requests served, CPU (µs) and peak RSS (KB) so far
//   POST /_stats/reset                 zeroes the request counters
// Feed bodies are built (and gzipped) when the farm starts or when a feed gets new items, never
// while a refresh is being served, so the farm uses little CPU during a measurement.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const WORDS = (
  'the of and to in is that for it as with was on be by this are from at or an have not but all ' +
  'feed reader server release version update performance database query index cache network ' +
  'browser protocol security patch kernel compiler runtime memory thread process latency storage ' +
  'design interface article review summary analysis community project developer maintainer open ' +
  'source license document standard draft proposal feature bug issue report change support ' +
  'article année café naïve résumé über straße déjà vu mañana'
).split(' ');

/** A small deterministic PRNG (mulberry32), so every run serves the same documents. */
function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(rand: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  const s = out.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

/** 2–5 KB of the HTML feeds really carry. */
export function itemHtml(feed: number, item: number, origin: string): string {
  const rand = randomFrom(feed * 100_003 + item * 7 + 1);
  const target = 2048 + Math.floor(rand() * 3072);
  const parts: string[] = [];
  let size = 0;
  let n = 0;
  while (size < target) {
    let part: string;
    switch (n++ % 6) {
      case 0:
        part = `<p>${sentence(rand, 18)} <a href="/post/${feed}/${item}/${n}">${sentence(rand, 3)}</a> ${sentence(rand, 12)} &amp; &laquo;${sentence(rand, 2)}&raquo; &mdash; ${sentence(rand, 6)}</p>`;
        break;
      case 1:
        part = `<p><img src="${origin}/img/${feed}-${item}-${n}.jpg" alt="${sentence(rand, 4)}" width="640" height="360"> <em>${sentence(rand, 8)}</em></p>`;
        break;
      case 2:
        part = `<ul><li>${sentence(rand, 6)}</li><li><strong>${sentence(rand, 4)}</strong> ${sentence(rand, 5)}</li><li><a href="https://example.org/${feed}/${n}" title="x">${sentence(rand, 3)}</a></li></ul>`;
        break;
      case 3:
        part = `<h3>${sentence(rand, 5)}</h3><blockquote><p>${sentence(rand, 20)}</p></blockquote>`;
        break;
      case 4:
        part = `<p>${sentence(rand, 25)} <code>x &lt; y &amp;&amp; z</code> ${sentence(rand, 10)}</p>`;
        break;
      default:
        part = `<div class="note" style="color:red"><p>${sentence(rand, 15)}</p><pre><code>const a = 1;\nconst b = a &gt; 0;</code></pre></div>`;
    }
    parts.push(part);
    size += part.length;
  }
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface FeedState {
  /** Items published so far; the feed shows the last K. */
  published: number;
  version: number;
  lastModified: string;
  etag: string;
  gzipped: Buffer;
  plainLength: number;
}

const BASE_TIME = Date.UTC(2025, 0, 1);

function feedXml(feed: number, state: Pick<FeedState, 'published'>, items: number, origin: string): string {
  const first = Math.max(0, state.published - items);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
    `<title>Bench feed ${feed}</title><link>${origin}/site/${feed}/</link>`,
    `<description>Feed ${feed} of the refresh benchmark</description><language>en</language>`,
  ];
  for (let item = state.published - 1; item >= first; item--) {
    const date = new Date(BASE_TIME + item * 3_600_000 + feed * 1000).toUTCString();
    out.push(
      `<item><title>${escapeXml(sentence(randomFrom(feed * 31 + item), 7))} (${feed}/${item})</title>`,
      `<link>${origin}/post/${feed}/${item}</link><guid isPermaLink="false">bench-${feed}-${item}</guid>`,
      `<pubDate>${date}</pubDate><author>writer${feed % 17}@example.org (Writer ${feed % 17})</author>`,
      `<category>cat${item % 5}</category>`,
      `<description><![CDATA[${itemHtml(feed, item, origin)}]]></description></item>`,
    );
  }
  out.push('</channel></rss>');
  return out.join('\n');
}

export interface FarmStats {
  requests: number;
  notModified: number;
  icons: number;
  bytesSent: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  maxRssKb: number;
}

export async function startFarm(input: { feeds: number; items: number; port?: number }) {
  let origin = '';
  const states: FeedState[] = [];
  const stats = { requests: 0, notModified: 0, icons: 0, bytesSent: 0 };

  function build(feed: number, state: FeedState) {
    const xml = Buffer.from(feedXml(feed, state, input.items, origin));
    state.gzipped = gzipSync(xml, { level: 6 });
    state.plainLength = xml.length;
    state.etag = `"f${feed}-v${state.version}"`;
    state.lastModified = new Date(BASE_TIME + state.version * 60_000 + feed).toUTCString();
  }

  function serveFeed(req: IncomingMessage, res: ServerResponse, feed: number) {
    const state = states[feed];
    if (!state) return notFound(res);
    if (
      req.headers['if-none-match'] === state.etag ||
      req.headers['if-modified-since'] === state.lastModified
    ) {
      stats.notModified++;
      res.writeHead(304, { etag: state.etag, 'last-modified': state.lastModified }).end();
      return;
    }
    const headers = {
      'content-type': 'application/rss+xml; charset=utf-8',
      etag: state.etag,
      'last-modified': state.lastModified,
    };
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      stats.bytesSent += state.gzipped.length;
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': state.gzipped.length });
      res.end(state.gzipped);
    } else {
      const xml = Buffer.from(feedXml(feed, state, input.items, origin));
      stats.bytesSent += xml.length;
      res.writeHead(200, { ...headers, 'content-length': xml.length }).end(xml);
    }
  }

  function notFound(res: ServerResponse) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  function publish(percent: number, items: number): number[] {
    const changed: number[] = [];
    const wanted = Math.round((states.length * percent) / 100);
    for (let k = 0; k < wanted; k++) {
      // Spread evenly over the feeds: the k-th of `wanted`.
      const f = Math.floor((k * states.length) / wanted);
      {
        const state = states[f]!;
        state.published += items;
        state.version++;
        build(f, state);
        changed.push(f);
      }
    }
    return changed;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://farm');
    const path = url.pathname;
    const feedMatch = /^\/feed\/(\d+)\.xml$/.exec(path);
    if (feedMatch) {
      stats.requests++;
      return serveFeed(req, res, Number(feedMatch[1]));
    }
    if (path === '/_publish' && req.method === 'POST') {
      const changed = publish(
        Number(url.searchParams.get('percent') ?? 10),
        Number(url.searchParams.get('items') ?? 5),
      );
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ feeds: changed.length }));
      return;
    }
    if (path === '/_stats') {
      if (req.method === 'POST') {
        stats.requests = stats.notModified = stats.icons = stats.bytesSent = 0;
      }
      const cpu = process.cpuUsage();
      const body: FarmStats = {
        ...stats,
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        maxRssKb: process.resourceUsage().maxRSS,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (path.startsWith('/site/')) {
      stats.icons++;
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>Site</title><p>Home page');
      return;
    }
    if (path === '/favicon.ico') stats.icons++;
    notFound(res);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(input.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://127.0.0.1:${port}`;
  for (let f = 0; f < input.feeds; f++) {
    const state: FeedState = {
      published: input.items,
      version: 1,
      lastModified: '',
      etag: '',
      gzipped: Buffer.alloc(0),
      plainLength: 0,
    };
    build(f, state);
    states.push(state);
  }
  return {
    port,
    origin,
    feedUrl: (feed: number) => `${origin}/feed/${feed}.xml`,
    publish,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'));
if (isMain) {
  const { values } = parseArgs({
    options: { feeds: { type: 'string', default: '1000' }, items: { type: 'string', default: '20' } },
  });
  const farm = await startFarm({ feeds: Number(values.feeds), items: Number(values.items) });
  process.stdout.write(JSON.stringify({ port: farm.port }) + '\n');
  process.on('SIGTERM', () => void farm.close().then(() => process.exit(0)));
}
