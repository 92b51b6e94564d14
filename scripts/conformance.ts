// npm run conformance [-- --verbose]: how faithful Veille's parser is to Python feedparser.
//   1. feedparser's own test suite, translated to neutral checks
//      (../shared/corpus/feedparser-tests-checks.jsonl), evaluated against Veille's output;
//   2. real-world feeds (../shared/corpus/realworld/feeds) compared field by field with
//      feedparser's output for them (realworld/oracle).
// Veille's output is what `veille parse --json` prints: parseFeedBytes → parsedFeedToJson, with
// the check's HTTP content type and URL when it has them. A report: exits 0, except 1 when the
// parser crashes (throws anything but a ParseError).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, parseFeedBytes } from '../src/reader/parse/parse-feed.ts';
import { parsedFeedToJson } from '../src/reader/parse/feed-to-json.ts';
import { neutralShapeOf, valueAtPath, type CliFeedJson } from './conformance/neutral-shape.ts';
import { normalizedHtml } from './conformance/html-norm.ts';
import { acceptedDisagreements, acceptedReason } from './conformance/accepted.ts';
import { COMPARED_FIELDS, compareWithOracle, type ComparedField } from './conformance/realworld-agreement.ts';

const verbose = process.argv.includes('--verbose');
const corpus = join(import.meta.dirname, '..', '..', 'shared', 'corpus');

if (!existsSync(corpus)) {
  console.log('conformance: ../shared/corpus not found; nothing to measure');
  process.exit(0);
}

interface Check {
  path: string;
  op: string;
  value: unknown;
  from?: string;
}

interface CheckLine {
  file: string;
  folder: string;
  input: { mode: string; http: { url: string; content_type: string } | null };
  checks: Check[];
}

type Outcome = 'pass' | 'fail' | 'accepted' | 'not-evaluable';

interface Parsed {
  doc: Record<string, unknown> | null;
  crash: string | null;
}

function veilleView(bytes: Uint8Array, url: string | null, contentType: string | null): Parsed {
  try {
    const json = parsedFeedToJson(parseFeedBytes(bytes, { url, contentType })) as CliFeedJson;
    return { doc: neutralShapeOf(json), crash: null };
  } catch (err) {
    if (err instanceof ParseError) {
      // feedparser answers a document it cannot read with bozo and an empty feed.
      return { doc: { bozo: true, error: err.message, feed: {}, entries: [] }, crash: null };
    }
    return { doc: null, crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

function evaluate(check: Check, doc: Record<string, unknown> | null): boolean | null {
  if (check.op === 'parses') return doc !== null;
  if (doc === null) return false;
  const got = valueAtPath(doc, check.path);
  const want = check.value;
  switch (check.op) {
    case '==':
      if (typeof want === 'number' && typeof got === 'string') return got.trim() === String(want);
      // Python's True == 1 and False == 0 (feedparser's tests write itunes_explicit == 1).
      if (typeof want === 'number' && typeof got === 'boolean') return Number(got) === want;
      return got === want || (got === undefined && want === null);
    case '!=':
      return got !== want;
    case 'html==':
      return (
        typeof got === 'string' && typeof want === 'string' && normalizedHtml(got) === normalizedHtml(want)
      );
    case 'ieq':
      return typeof got === 'string' && got.toLowerCase() === String(want).toLowerCase();
    case 'len==':
      return Array.isArray(got) && got.length === want;
    case 'absent':
      return isEmpty(got);
    case 'exists':
      return !isEmpty(got);
    default:
      return null;
  }
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

const pct = (n: number, d: number): string =>
  d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`;
let crashes = 0;

// 1. Checks from feedparser's test suite --------------------------------------------------------

function groupOf(line: CheckLine): string {
  if (line.folder !== 'wellformed') return line.folder;
  return line.file.split('/').slice(0, 2).join('/');
}

interface Tally {
  files: number;
  checks: number;
  pass: number;
  accepted: number;
  fail: number;
  notEvaluable: number;
}
const newTally = (): Tally => ({ files: 0, checks: 0, pass: 0, accepted: 0, fail: 0, notEvaluable: 0 });

const checksPath = join(corpus, 'feedparser-tests-checks.jsonl');
const tallies = new Map<string, Tally>();
const failures: { file: string; check: Check; got: unknown; outcome: Outcome; reason?: string }[] = [];
const unknownOps = new Map<string, number>();
if (existsSync(checksPath)) {
  const lines = readFileSync(checksPath, 'utf8').split('\n').filter(Boolean);
  for (const raw of lines) {
    const line = JSON.parse(raw) as CheckLine;
    const group = groupOf(line);
    const tally = tallies.get(group) ?? newTally();
    tallies.set(group, tally);
    tally.files++;
    const bytes = readFileSync(join(corpus, 'feedparser-tests', line.file));
    const http = line.input.http;
    // A few files (bozo_http_*) carry a `Header:` line the translation missed: feedparser's
    // harness serves them with it, so do the same.
    const header = http
      ? null
      : /^Header:\s*Content-type:\s*(.+)$/im.exec(bytes.subarray(0, 1024).toString('latin1'));
    const contentType = http?.content_type ?? header?.[1]?.trim() ?? null;
    const { doc, crash } = veilleView(bytes, http?.url ?? null, contentType);
    if (crash !== null) {
      crashes++;
      console.log(`CRASH ${line.file}: ${crash}`);
    }
    for (const check of line.checks) {
      tally.checks++;
      const ok = evaluate(check, doc);
      let outcome: Outcome;
      if (ok === null) {
        outcome = 'not-evaluable';
        unknownOps.set(check.op, (unknownOps.get(check.op) ?? 0) + 1);
      } else if (ok) outcome = 'pass';
      else {
        const got = valueAtPath(doc, check.path);
        outcome =
          acceptedReason('check', line.file, check.path, got, check.value) !== null ? 'accepted' : 'fail';
      }
      if (outcome === 'pass') tally.pass++;
      else if (outcome === 'accepted') tally.accepted++;
      else if (outcome === 'fail') tally.fail++;
      else tally.notEvaluable++;
      if (outcome !== 'pass')
        failures.push({ file: line.file, check, got: valueAtPath(doc, check.path), outcome });
    }
  }

  console.log(
    "feedparser's test suite, translated checks (pass = Veille answers as feedparser's test expects)",
  );
  const header = `  ${'folder'.padEnd(24)} ${'files'.padStart(5)} ${'checks'.padStart(6)} ${'pass'.padStart(5)} ${'accept'.padStart(6)} ${'fail'.padStart(5)} ${'n/e'.padStart(4)}   pass%  +accepted`;
  console.log(header);
  const row = (name: string, t: Tally): void => {
    console.log(
      `  ${name.padEnd(24)} ${String(t.files).padStart(5)} ${String(t.checks).padStart(6)} ${String(t.pass).padStart(5)} ${String(t.accepted).padStart(6)} ${String(t.fail).padStart(5)} ${String(t.notEvaluable).padStart(4)}  ${pct(t.pass, t.checks)}  ${pct(t.pass + t.accepted, t.checks)}`,
    );
  };
  const sum = (keep: (group: string) => boolean): Tally => {
    const total = newTally();
    for (const [group, t] of tallies) {
      if (!keep(group)) continue;
      for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
    }
    return total;
  };
  for (const group of [...tallies.keys()].sort()) row(group, tallies.get(group) as Tally);
  console.log('  ' + '-'.repeat(header.length - 2));
  row(
    'outside wellformed',
    sum((g) => !g.startsWith('wellformed')),
  );
  row(
    'wellformed (no sanitize)',
    sum((g) => g.startsWith('wellformed') && g !== 'wellformed/sanitize'),
  );
  row(
    'sanitize (fp allow-list)',
    sum((g) => g === 'wellformed/sanitize'),
  );
  row(
    'all',
    sum(() => true),
  );
  if (unknownOps.size > 0)
    console.log(`  not evaluable (unknown op): ${[...unknownOps].map(([k, v]) => `${k}×${v}`).join(', ')}`);
  if (verbose) {
    console.log('\n  failing checks outside sanitize:');
    for (const f of failures) {
      if (f.file.startsWith('wellformed/sanitize/') && !process.argv.includes('--sanitize')) continue;
      if (f.outcome === 'pass') continue;
      console.log(
        `  ${f.outcome.padEnd(8)} ${f.file}  ${f.check.path} ${f.check.op} ${JSON.stringify(f.check.value)?.slice(0, 120)}  got ${JSON.stringify(f.got)?.slice(0, 120)}`,
      );
    }
  }
} else {
  console.log('conformance: feedparser-tests-checks.jsonl not found; checks skipped');
}

// 2. Real-world feeds against feedparser's output ----------------------------------------------

const feedsDir = join(corpus, 'realworld', 'feeds');
const oracleDir = join(corpus, 'realworld', 'oracle');
if (existsSync(feedsDir) && existsSync(oracleDir)) {
  const agree = new Map<ComparedField, { agree: number; accepted: number; total: number }>();
  const byFile = new Map<ComparedField, Map<string, { count: number; example: string }>>();
  let files = 0;
  let rejected = 0;
  const rejectedFiles: string[] = [];
  for (const name of readdirSync(feedsDir).sort()) {
    const oraclePath = join(oracleDir, `${name}.json`);
    if (!existsSync(oraclePath)) continue;
    const oracle = JSON.parse(readFileSync(oraclePath, 'utf8')) as Record<string, unknown>;
    if ('crash' in oracle) continue;
    files++;
    const { doc, crash } = veilleView(readFileSync(join(feedsDir, name)), null, null);
    if (crash !== null) {
      crashes++;
      console.log(`CRASH realworld/${name}: ${crash}`);
      continue;
    }
    if (doc === null) continue;
    if ('error' in doc) {
      rejected++;
      rejectedFiles.push(`${name} (${String(doc.error)})`);
    }
    for (const c of compareWithOracle(doc, oracle)) {
      const t = agree.get(c.field) ?? { agree: 0, accepted: 0, total: 0 };
      agree.set(c.field, t);
      t.total++;
      if (c.agree) {
        t.agree++;
        continue;
      }
      if (acceptedReason('realworld', name, c.field, c.veille, c.feedparser) !== null) {
        t.accepted++;
        continue;
      }
      const perFile = byFile.get(c.field) ?? new Map<string, { count: number; example: string }>();
      byFile.set(c.field, perFile);
      const entry = perFile.get(name) ?? {
        count: 0,
        example: `[${c.where}] veille ${JSON.stringify(c.veille)?.slice(0, 140)} | feedparser ${JSON.stringify(c.feedparser)?.slice(0, 140)}`,
      };
      entry.count++;
      perFile.set(name, entry);
    }
  }
  console.log(`\nreal-world feeds against feedparser 6.0.10 (${files} feeds with an oracle output)`);
  console.log(`  crashes: ${crashes}   rejected with a ParseError: ${rejected}`);
  console.log(
    `  ${'field'.padEnd(14)} ${'compared'.padStart(8)} ${'agree'.padStart(6)} ${'accept'.padStart(6)}   agree%  +accepted  files disagreeing`,
  );
  for (const field of COMPARED_FIELDS) {
    const t = agree.get(field) ?? { agree: 0, accepted: 0, total: 0 };
    console.log(
      `  ${field.padEnd(14)} ${String(t.total).padStart(8)} ${String(t.agree).padStart(6)} ${String(t.accepted).padStart(6)}  ${pct(t.agree, t.total)}   ${pct(t.agree + t.accepted, t.total)}   ${byFile.get(field)?.size ?? 0}`,
    );
  }
  if (verbose) {
    if (rejectedFiles.length) console.log(`\n  rejected: ${rejectedFiles.join('; ')}`);
    for (const field of COMPARED_FIELDS) {
      const perFile = byFile.get(field);
      if (!perFile?.size) continue;
      console.log(`\n  ${field}: top disagreeing files`);
      const top = [...perFile]
        .sort((a, b) => b[1].count - a[1].count)
        .slice(0, process.argv.includes('--all') ? 1000 : 8);
      for (const [file, { count, example }] of top)
        console.log(`    ${String(count).padStart(4)}  ${file}  ${example}`);
    }
  }
} else {
  console.log('conformance: realworld feeds or oracle not found; real-world comparison skipped');
}

console.log(
  `\naccepted disagreements reviewed: ${acceptedDisagreements.length} rules (scripts/conformance/accepted.ts)`,
);
if (verbose)
  for (const a of acceptedDisagreements) console.log(`  ${a.scope} ${a.file} ${a.path}: ${a.reason}`);
if (crashes > 0) {
  console.log(`conformance: ${crashes} crash(es): the parser threw something other than a ParseError`);
  process.exit(1);
}
