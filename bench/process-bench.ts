// `npm run bench:process`: the CPU of what a refresh's worker threads do with each fetched feed
// body (src/reader/process/process-feed-body.ts: parse, identify, sanitize, summary, search index
// values), on the refresh farm's documents (bench/refresh-farm.ts: RSS 2.0, 20 items of 2–5 KB of
// HTML each), in this process, one thread. Prints the best and the median CPU time of --rounds
// passes over --feeds bodies, with the search index values (as the refresh computes them for
// SQLite) and without, so that the index's share shows.
//
//   npm run bench:process -- [--feeds 200] [--rounds 12]
//
// Compare two versions of the code by running this in each checkout one after the other (the
// figures in docs/BENCHMARKS.md alternate the builds).
import { parseArgs } from 'node:util';
import { processFeedBody } from '../src/reader/process/process-feed-body.ts';
import { itemHtml } from './refresh-farm.ts';

const { values: args } = parseArgs({
  options: { feeds: { type: 'string', default: '200' }, rounds: { type: 'string', default: '12' } },
});
const feeds = Number(args.feeds);
const rounds = Number(args.rounds);
const origin = 'http://127.0.0.1:1';

function feedXml(feed: number): string {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
    `<title>Feed ${feed}</title><link>${origin}/site/${feed}/</link><language>en</language>`,
  ];
  for (let item = 19; item >= 0; item--)
    out.push(
      `<item><title>Item ${item} of feed ${feed}</title><link>${origin}/post/${feed}/${item}</link>`,
      `<guid isPermaLink="false">bench-${feed}-${item}</guid>`,
      `<pubDate>${new Date(Date.UTC(2025, 0, 1) + item * 3_600_000).toUTCString()}</pubDate>`,
      `<author>writer@example.org (Writer)</author><category>cat${item % 5}</category>`,
      `<description><![CDATA[${itemHtml(feed, item, origin)}]]></description></item>`,
    );
  out.push('</channel></rss>');
  return out.join('\n');
}

const bodies = Array.from({ length: feeds }, (_, i) => new TextEncoder().encode(feedXml(i)));
const megabytes = bodies.reduce((sum, b) => sum + b.length, 0) / 1e6;

function cpuMs(searchIndex: 'sqlite' | null): number[] {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    for (const body of bodies) {
      const result = processFeedBody({
        body,
        url: `${origin}/feed.xml`,
        contentType: 'application/rss+xml',
        now: Date.UTC(2026, 0, 1),
        searchIndex,
      });
      if (!result.ok || result.entries.length !== 20) throw new Error('bench: a farm feed did not process');
    }
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b);
}

console.log(
  `bench:process: ${feeds} feeds × 20 items (${megabytes.toFixed(1)} MB), ${rounds} rounds; Node ${process.version}`,
);
for (const [name, mode] of [
  ['with search index values', 'sqlite'],
  ['without', null],
] as const) {
  const times = cpuMs(mode);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${name.padEnd(26)} best ${times[0]!.toFixed(0)} ms, median ${median.toFixed(0)} ms CPU ` +
      `(${((times[0]! / (feeds * 20)) * 1000).toFixed(0)} µs per entry)`,
  );
}
