// One parser, alone in its own process, timed over a list of corpus files; started by
// parse-bench.ts with `node --expose-gc --import tsx`. Reads a ChildJob as JSON on stdin and
// writes a ChildResult as JSON on stdout. Peak RSS covers the whole process (files loaded,
// warm-up and timed passes); peak heap is sampled after each parse during the warm-up passes
// (it includes garbage not yet collected, so it depends on when V8 chooses to collect); kept heap
// is what the results of one pass over the files hold once collected garbage is gone, each parsed
// from a fresh decoding of its file so that a result keeping its document alive is counted.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { benchDocuments, freshText } from './bench-documents.ts';
import { benchParserById } from './bench-parsers.ts';

export interface ChildJob {
  parserId: string;
  /** URL of the module Veille's parser is loaded from (see bench-parsers.ts). */
  veilleModule: string;
  corpusDir: string;
  files: string[];
  warmup: number;
  repeat: number;
}

export interface ChildResult {
  parserId: string;
  bytes: number;
  entries: number;
  /** Wall-clock time of each timed pass. */
  passMs: number[];
  /** CPU time (user + system, all threads) of each timed pass: less disturbed by a busy machine. */
  passCpuMs: number[];
  peakRssBytes: number;
  peakHeapBytes: number;
  /** Heap held by the results of one pass over the files (after full collections). */
  keptHeapBytes: number;
}

const job = JSON.parse(readFileSync(0, 'utf8')) as ChildJob;
const parser = benchParserById(job.parserId, job.veilleModule);
if (!parser) throw new Error(`bench: unknown parser ${job.parserId}`);

const docs = benchDocuments(job.corpusDir, job.files);
const bytes = docs.reduce((sum, doc) => sum + doc.size, 0);
const countEntries = await parser.load();
const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => {});

let peakHeapBytes = getHeapStatistics().used_heap_size;
let entries = 0;
for (let pass = 0; pass < job.warmup; pass++) {
  entries = 0;
  for (const doc of docs) {
    entries += countEntries(doc);
    peakHeapBytes = Math.max(peakHeapBytes, getHeapStatistics().used_heap_size);
  }
}

const passMs: number[] = [];
const passCpuMs: number[] = [];
for (let pass = 0; pass < job.repeat; pass++) {
  collectGarbage();
  let passEntries = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (const doc of docs) passEntries += countEntries(doc);
  passMs.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuStart);
  passCpuMs.push((cpu.user + cpu.system) / 1000);
  entries = passEntries;
}

// What the results keep: every file parsed from a fresh decoding, results held, texts dropped.
const parsed = await parser.loadParsed();
collectGarbage();
collectGarbage();
const heapBefore = getHeapStatistics().used_heap_size;
const kept: unknown[] = [];
for (const doc of docs) kept.push(parsed(doc, freshText(doc)));
collectGarbage();
collectGarbage();
const keptHeapBytes = Math.max(0, getHeapStatistics().used_heap_size - heapBefore);
if (kept.length !== docs.length) throw new Error('bench: results lost');

const result: ChildResult = {
  parserId: parser.id,
  bytes,
  entries,
  passMs,
  passCpuMs,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  peakHeapBytes,
  keptHeapBytes,
};
process.stdout.write(JSON.stringify(result));
