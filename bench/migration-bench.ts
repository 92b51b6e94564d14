// `npm run bench:migration`: a FreshRSS-style export of N feeds and K favourite/labelled articles
// (OPML + starred JSON in a ZIP, generated here) imported into an empty account, imported again
// (nothing new: identity lookups only), then exported back as a FreshRSS ZIP; on SQLite and/or
// PostgreSQL (VEILLE_TEST_DATABASE_URL). In-process: wall time, CPU (user+sys) and the peak RSS
// above the start, sampled every 10 ms.
//
//   npm run bench:migration -- [--feeds N] [--items K] [--db sqlite|postgres|both]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { freshrssZipForUser } from '../src/migrate-in/export-freshrss-zip.ts';
import { importExportFile } from '../src/migrate-in/import-export-file.ts';
import { readExportFile } from '../src/reader/migration/read-export-file.ts';
import { writeZip } from '../src/reader/migration/zip-archive.ts';
import { openDatabase, type Database } from '../src/storage/database.ts';
import { createUser } from '../src/storage/users.ts';

const { values: args } = parseArgs({
  options: {
    feeds: { type: 'string', default: '100' },
    items: { type: 'string', default: '10000' },
    db: { type: 'string', default: 'both' },
  },
});
const FEEDS = Number(args.feeds);
const ITEMS = Number(args.items);
const BASE = 'https://bench.example';

function exportZip(): Buffer {
  const outlines: string[] = [];
  for (let c = 0; c < 10; c++) {
    outlines.push(`<outline text="Category ${c}">`);
    for (let f = c; f < FEEDS; f += 10) {
      outlines.push(
        `<outline text="Feed ${f}" type="rss" xmlUrl="${BASE}/${f}.xml" htmlUrl="${BASE}/${f}/" frss:cssFullContent="article"/>`,
      );
    }
    outlines.push('</outline>');
  }
  const opml = `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0" xmlns:frss="https://freshrss.org/opml"><head><title>FreshRSS</title></head><body>\n${outlines.join('\n')}\n</body></opml>\n`;
  const items: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    const f = i % FEEDS;
    const categories = ['user/-/state/com.google/reading-list'];
    categories.push(i % 3 === 0 ? 'user/-/state/com.google/unread' : 'user/-/state/com.google/read');
    if (i % 4 !== 0) categories.push('user/-/state/com.google/starred');
    if (i % 5 === 0) categories.push(`user/-/label/Label ${i % 7}`);
    items.push(
      JSON.stringify(
        {
          id: `tag:google.com,2005:reader/item/${i.toString(16).padStart(16, '0')}`,
          guid: `${BASE}/${f}/item-${i}`,
          crawlTimeMsec: '1790000000000',
          timestampUsec: '1790000000000000',
          published: 1_780_000_000 + i * 60,
          title: `Article ${i} &amp; more`,
          canonical: [{ href: `${BASE}/${f}/item-${i}` }],
          alternate: [{ href: `${BASE}/${f}/item-${i}`, type: 'text/html' }],
          categories,
          origin: {
            streamId: `feed/${f}`,
            htmlUrl: `${BASE}/${f}/`,
            title: `Feed ${f}`,
            feedUrl: `${BASE}/${f}.xml`,
          },
          content: {
            content:
              `<p>Paragraph ${i} with <a href="/rel/${i}">a link</a> and <img src="${BASE}/img/${i}.png" alt=""></p>`.repeat(
                4,
              ),
          },
          author: 'Bench',
        },
        null,
        4,
      ),
    );
  }
  const json = `{\n    "id": "user/bench/state/org.freshrss/starred",\n    "title": "List of favourite articles",\n    "author": "bench",\n    "items": [\n${items.join(',\n')}\n]}\n`;
  return writeZip([
    { name: 'feeds_2026-11-21.opml.xml', data: Buffer.from(opml) },
    { name: 'starred_2026-11-21.json', data: Buffer.from(json) },
  ]);
}

async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; wallMs: number; cpuMs: number; peakMb: number }> {
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakMb: (peak - rss0) / 1024 / 1024 };
}

async function open(kind: string): Promise<{ database: Database; dispose: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'veille-migration-bench-'));
    const database = await openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
    return {
      database,
      dispose: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.VEILLE_TEST_DATABASE_URL;
  if (!url) throw new Error('VEILLE_TEST_DATABASE_URL is not set');
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const database = await openDatabase(url, { schema });
  return {
    database,
    dispose: async () => {
      await database.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

const zip = exportZip();
console.log(`export: ${FEEDS} feeds, ${ITEMS} articles, ZIP ${(zip.length / 1024 / 1024).toFixed(1)} MB`);
const parse = await measure(async () => {
  const file = readExportFile(zip, 'export.zip');
  return file.parts.map((p) => p.load());
});
console.log(
  `read the ZIP (inflate + OPML + JSON, no database): ${parse.wallMs.toFixed(0)} ms wall, ${parse.cpuMs.toFixed(0)} ms CPU, +${parse.peakMb.toFixed(0)} MB RSS`,
);
const kinds = args.db === 'both' ? ['sqlite', 'postgres'] : [args.db!];
for (const kind of kinds) {
  const { database, dispose } = await open(kind);
  try {
    const user = await createUser(database.db, {
      username: 'bench',
      passwordHash: 'x',
      isAdmin: false,
      now: Date.now(),
    });
    const run = (label: string, r: { wallMs: number; cpuMs: number; peakMb: number }, extra = '') =>
      console.log(
        `${kind.padEnd(8)} ${label.padEnd(22)} ${r.wallMs.toFixed(0).padStart(6)} ms wall ${r.cpuMs.toFixed(0).padStart(6)} ms CPU  +${r.peakMb.toFixed(0)} MB RSS ${extra}`,
      );
    const importOnce = () =>
      importExportFile(database.db, { userId: user.id, bytes: zip, fileName: 'export.zip', now: Date.now() });
    const first = await measure(importOnce);
    run('import', first, `(${first.value.newEntries} new entries, ${first.value.feedsAdded} feeds)`);
    const again = await measure(importOnce);
    run('import again', again, `(${again.value.newEntries} new entries)`);
    const exported = await measure(() => freshrssZipForUser(database.db, user, new Date()));
    run('export FreshRSS ZIP', exported, `(${(exported.value.bytes.length / 1024 / 1024).toFixed(1)} MB)`);
  } finally {
    await dispose();
  }
}
