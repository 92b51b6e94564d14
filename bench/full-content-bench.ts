// `node --import tsx bench/full-content-bench.ts [--runs N]`: what full-content extraction costs
// (src/reader/full-content): loading linkedom and Readability (once per process), then per real
// web page of ../shared/corpus/realworld/html (skipped with a message when absent): linkedom parse
// + Readability, linkedom parse + a CSS selector, and sanitizing the result. Medians of N runs,
// wall and process CPU time.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(args.runs);
const corpus = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/corpus/realworld/html');
const PAGES = ['nnw__DaringFireball.html', 'nnw__sixcolors.html', 'nnw__inessential.html', 'nnw__coco.html'];

const cpu0 = process.cpuUsage();
let t = performance.now();
const { parseHTML } = await import('linkedom');
const linkedomMs = performance.now() - t;
t = performance.now();
const { Readability } = await import('@mozilla/readability');
const readabilityMs = performance.now() - t;
const { extractArticle } = await import('../src/reader/full-content/extract-article.ts');
const { sanitizeEntryHtml } = await import('../src/reader/sanitize/sanitize-entry-html.ts');
const loadCpu = process.cpuUsage(cpu0);
console.log(`node ${process.version}`);
console.log(
  `load: linkedom ${linkedomMs.toFixed(0)} ms, @mozilla/readability ${readabilityMs.toFixed(0)} ms ` +
    `(process CPU ${((loadCpu.user + loadCpu.system) / 1000).toFixed(0)} ms)`,
);
void parseHTML;
void Readability;

if (!existsSync(corpus)) {
  console.log(`skipped: ${corpus} is absent`);
  process.exit(0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const w = performance.now();
    fn();
    walls.push(performance.now() - w);
    const d = process.cpuUsage(c);
    cpus.push((d.user + d.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

console.log('| page | KB | Readability ms (CPU) | selector ms (CPU) | sanitize ms | article KB |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const name of PAGES) {
  const path = join(corpus, name);
  if (!existsSync(path)) continue;
  const html = readFileSync(path, 'utf8');
  const url = 'https://example.org/post';
  const article = extractArticle(html, url, { selector: '', remove: '' });
  const readability = time(() => extractArticle(html, url, { selector: '', remove: 'script, style' }));
  const selector = time(() => extractArticle(html, url, { selector: 'article, main, #content', remove: '' }));
  const sanitize = time(() => sanitizeEntryHtml(article?.html ?? '', { baseUrl: url }));
  console.log(
    `| ${name} | ${(html.length / 1024).toFixed(0)} | ${readability.wall.toFixed(1)} (${readability.cpu.toFixed(1)}) | ` +
      `${selector.wall.toFixed(1)} (${selector.cpu.toFixed(1)}) | ${sanitize.wall.toFixed(2)} | ` +
      `${((article?.html.length ?? 0) / 1024).toFixed(1)} |`,
  );
}
