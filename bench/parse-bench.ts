// `npm run bench:parse`: Veille's feed parser against feedsmith and @rowanmanning/feed-parser on
// the real-world corpus, in one run. Every parser gets the same decoded text (Veille is also
// measured from bytes, its production path); files that any parser throws on are left out of the
// throughput comparison. Each parser is timed in its own child process (no shared JIT state, own
// peak memory), one after the other.
//
//   npm run bench:parse -- [--repeat N] [--warmup N] [--rounds N] [--files PATTERNS]
//                          [--corpus DIR] [--veille-source] [--markdown] [--list-failures]
//
// Veille's parser is timed as shipped: bundled by esbuild like scripts/build.mjs does
// (--veille-source loads src/ through tsx instead, whose keepNames wrappers slow it down).
//
// Each round starts one child per parser in turn; a child warms up (--warmup passes over the
// files) then times --repeat passes. MB/s is the corpus size over the median of all timed passes
// of all rounds: interleaving rounds spreads the load of a busy machine over every parser.
//
// --files takes comma-separated patterns matched against file names: globs with * and ?, or
// plain substrings (e.g. --files 'nnw__*,.atom').

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDocuments, corpusFileNames } from './bench-documents.ts';
import { baselineParser, benchParsers, veilleSourceModule, type BenchParser } from './bench-parsers.ts';
import type { ChildJob, ChildResult } from './parse-bench-child.ts';
import { veilleParserBundle } from './veille-parser-bundle.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');

const { values: args } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    files: { type: 'string' },
    corpus: { type: 'string' },
    'veille-source': { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    'list-failures': { type: 'boolean', default: false },
  },
});

const repeat = positiveInteger(args.repeat, 'repeat');
const warmup = positiveInteger(args.warmup, 'warmup');
const rounds = positiveInteger(args.rounds, 'rounds');
const corpusDir = resolve(args.corpus ?? join(repoDir, '../shared/corpus/realworld/feeds'));

if (!existsSync(corpusDir)) {
  console.log(`bench:parse: corpus not found at ${corpusDir}; nothing to measure (skipped).`);
  process.exit(0);
}
const names = corpusFileNames(corpusDir, args.files ?? null);
if (names.length === 0) {
  console.log(`bench:parse: no file in ${corpusDir} matches --files ${args.files ?? ''}`);
  process.exit(1);
}

const veilleModule = args['veille-source'] ? veilleSourceModule : await veilleParserBundle(repoDir);
const parsers = benchParsers(veilleModule);
const docs = benchDocuments(corpusDir, names);

// 1. Which files each parser throws on (one untimed pass, in this process).
const failures = new Map<string, { name: string; message: string }[]>();
for (const parser of parsers) {
  const countEntries = await parser.load();
  const failed: { name: string; message: string }[] = [];
  for (const doc of docs) {
    try {
      countEntries(doc);
    } catch (err) {
      failed.push({ name: doc.name, message: firstLine(err) });
    }
  }
  failures.set(parser.id, failed);
}
const failedAnywhere = new Set([...failures.values()].flatMap((list) => list.map((f) => f.name)));
const common = docs.filter((doc) => !failedAnywhere.has(doc.name));
const commonBytes = common.reduce((sum, doc) => sum + doc.size, 0);
const allBytes = docs.reduce((sum, doc) => sum + doc.size, 0);
if (common.length === 0) {
  console.log('bench:parse: every file fails in at least one parser; nothing to compare.');
  process.exit(1);
}

// 2. Each parser timed in its own process over the files they all read, in interleaved rounds.
const results = new Map<string, ChildResult>();
for (let round = 0; round < rounds; round++) {
  for (const parser of [...parsers, baselineParser()]) {
    const result = runChild(
      parser,
      common.map((doc) => doc.name),
    );
    const earlier = results.get(parser.id);
    results.set(parser.id, earlier ? mergedResults(earlier, result) : result);
  }
}

// 3. Report.
const reference = results.get('feedsmith');
const referenceMbps = reference ? mbPerSecond(reference) : NaN;
const referenceCpuMbps = reference ? mbPerSecond(reference, 'cpu') : NaN;
const rows = [...parsers, baselineParser()].map((parser) => {
  const result = results.get(parser.id);
  if (!result) throw new Error(`bench: no result for ${parser.id}`);
  const isBaseline = parser.id === 'baseline';
  const mbps = mbPerSecond(result);
  const cpuMbps = mbPerSecond(result, 'cpu');
  return {
    parser: parser.label,
    files: String(docs.length),
    failed: isBaseline ? '' : String(failures.get(parser.id)?.length ?? 0),
    mbps: isBaseline ? '' : mbps.toFixed(1),
    ratio: isBaseline ? '' : `${(mbps / referenceMbps).toFixed(2)}×`,
    cpuMbps: isBaseline ? '' : cpuMbps.toFixed(1),
    cpuRatio: isBaseline ? '' : `${(cpuMbps / referenceCpuMbps).toFixed(2)}×`,
    rss: (result.peakRssBytes / 1e6).toFixed(1),
    heap: (result.peakHeapBytes / 1e6).toFixed(1),
    kept: (result.keptHeapBytes / 1e6).toFixed(1),
  };
});

const cpuModel = cpuModelName();
console.log(
  `machine: ${cpus().length} CPUs (${cpuModel}), node ${process.version}, ${process.platform}/${process.arch}, ` +
    `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
);
console.log(`command: npm run bench:parse -- ${process.argv.slice(2).join(' ')}`.trimEnd());
console.log(
  `corpus: ${relative(repoDir, corpusDir)}: ${docs.length} files, ${(allBytes / 1e6).toFixed(2)} MB; ` +
    `compared on the ${common.length} files (${(commonBytes / 1e6).toFixed(2)} MB) no parser fails on`,
);
console.log(
  `timing: ${rounds} rounds × (one process per parser: ${warmup} warm-up passes, ${repeat} timed passes); ` +
    `MB/s over the median pass (wall clock; CPU MB/s over the median CPU time of the process, ` +
    `all threads); MB = 10^6 bytes of document; ratio = MB/s ÷ feedsmith's MB/s; ` +
    `peak RSS and heap: highest of the rounds (peak heap is used heap after each warm-up parse, ` +
    `uncollected garbage included); kept MB: heap held by the results of one pass, each file parsed ` +
    `from a fresh decoding, after full collections`,
);
console.log(
  `veille: ${args['veille-source'] ? 'src/ loaded through tsx' : 'parser bundled by esbuild as scripts/build.mjs does'}; ` +
    `veille (text) and the peers get the same decoded text, veille (bytes) decodes the file itself`,
);
console.log('');
printTable(rows, args.markdown);
console.log('');

for (const parser of parsers) {
  const failed = failures.get(parser.id) ?? [];
  if (failed.length === 0) continue;
  const shown = args['list-failures'] ? failed : failed.slice(0, 3);
  console.log(`${parser.label} throws on ${failed.length} files:`);
  for (const f of shown) console.log(`  ${f.name}: ${f.message}`);
  if (shown.length < failed.length) console.log(`  … (--list-failures shows all)`);
}

// The target compares like with like: veille (text) gets the same input as feedsmith.
const veilleText = results.get('veille-text');
if (veilleText && reference) {
  const ratio = mbPerSecond(veilleText) / referenceMbps;
  const cpuRatio = mbPerSecond(veilleText, 'cpu') / referenceCpuMbps;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  const rssOk = veilleText.peakRssBytes <= reference.peakRssBytes;
  const heapOk = veilleText.peakHeapBytes <= reference.peakHeapBytes;
  const keptOk = veilleText.keptHeapBytes <= reference.keptHeapBytes;
  console.log('');
  console.log(
    `target (veille (text) ≥ 2× feedsmith, peak memory no higher): ` +
      `speed ${ratio.toFixed(2)}× wall, ${cpuRatio.toFixed(2)}× CPU → ${ratio >= 2 && cpuRatio >= 2 ? 'met' : 'NOT met'}; ` +
      `peak RSS ${mb(veilleText.peakRssBytes)} vs ${mb(reference.peakRssBytes)} MB, ` +
      `peak heap ${mb(veilleText.peakHeapBytes)} vs ${mb(reference.peakHeapBytes)} MB, ` +
      `kept ${mb(veilleText.keptHeapBytes)} vs ${mb(reference.keptHeapBytes)} MB → ` +
      `${rssOk && heapOk && keptOk ? 'met' : 'NOT met'}` +
      (rssOk && keptOk && !heapOk ? ' (only the peak heap, garbage included, is higher)' : ''),
  );
}

function runChild(parser: BenchParser, files: string[]): ChildResult {
  const job: ChildJob = { parserId: parser.id, veilleModule, corpusDir, files, warmup, repeat };
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', join(benchDir, 'parse-bench-child.ts')],
    { cwd: repoDir, input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) {
    throw new Error(
      `bench: child for ${parser.id} failed (${child.status ?? child.signal}): ${child.stderr}`,
    );
  }
  return JSON.parse(child.stdout) as ChildResult;
}

function mergedResults(a: ChildResult, b: ChildResult): ChildResult {
  return {
    ...b,
    passMs: [...a.passMs, ...b.passMs],
    passCpuMs: [...a.passCpuMs, ...b.passCpuMs],
    peakRssBytes: Math.max(a.peakRssBytes, b.peakRssBytes),
    peakHeapBytes: Math.max(a.peakHeapBytes, b.peakHeapBytes),
    keptHeapBytes: Math.max(a.keptHeapBytes, b.keptHeapBytes),
  };
}

/** Document MB over the median wall-clock pass (or CPU-time pass with `clock: 'cpu'`). */
function mbPerSecond(result: ChildResult, clock: 'wall' | 'cpu' = 'wall'): number {
  return result.bytes / 1e6 / (median(clock === 'wall' ? result.passMs : result.passCpuMs) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

function printTable(
  table: {
    parser: string;
    files: string;
    failed: string;
    mbps: string;
    ratio: string;
    cpuMbps: string;
    cpuRatio: string;
    rss: string;
    heap: string;
    kept: string;
  }[],
  markdown: boolean,
): void {
  const header = [
    'parser',
    'files',
    'failed',
    'MB/s',
    'ratio-to-feedsmith',
    'CPU MB/s',
    'CPU ratio',
    'peak RSS MB',
    'peak heap MB',
    'kept MB',
  ];
  const body = table.map((r) => [
    r.parser,
    r.files,
    r.failed,
    r.mbps,
    r.ratio,
    r.cpuMbps,
    r.cpuRatio,
    r.rss,
    r.heap,
    r.kept,
  ]);
  if (markdown) {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const cells of body) console.log(`| ${cells.join(' | ')} |`);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const cells of body) console.log(line(cells));
}

function cpuModelName(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

function positiveInteger(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.log(`bench:parse: --${name} must be a positive integer (got ${value ?? ''})`);
    process.exit(1);
  }
  return n;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').slice(0, 160);
}
