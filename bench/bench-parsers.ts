// The feed parsers compared by `npm run bench:parse`: Veille's (text in and bytes in) and its
// peers. Each is loaded on demand so that a child process measuring one parser's memory holds
// only that parser's code. Veille's parser is loaded from `veilleModule`: the esbuild bundle that
// parse-bench.ts builds like the shipped one, or src/ itself (through tsx, which adds keepNames
// wrappers and so runs slower than what ships).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { parseFeed, parseFeedBytes } from '../src/reader/parse/parse-feed.ts';
import type { BenchDocument } from './bench-documents.ts';

export type BenchParserId = 'veille-text' | 'veille-bytes' | 'feedsmith' | 'rowanmanning' | 'baseline';

/** Parses one document and returns how many entries it read (so the work cannot be skipped). */
export type EntryCounter = (doc: BenchDocument) => number;

interface VeilleParseModule {
  parseFeed: typeof parseFeed;
  parseFeedBytes: typeof parseFeedBytes;
}

export interface BenchParser {
  id: BenchParserId;
  label: string;
  load(): Promise<EntryCounter>;
  /**
   * The parser's whole result for one document, for measuring what a result keeps alive.
   * `text` is a fresh decoding of `doc` that nothing else references (the bytes parser ignores it).
   */
  loadParsed(): Promise<(doc: BenchDocument, text: string) => unknown>;
}

const require = createRequire(import.meta.url);

function installedVersion(packageName: string): string {
  const manifest = require.resolve(`${packageName}/package.json`);
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The source of Veille's parser, for `veilleModule` when no bundle is wanted. */
export const veilleSourceModule = new URL('../src/reader/parse/parse-feed.ts', import.meta.url).href;

/**
 * The parsers in the order of the table; feedsmith is the reference for ratios. `veilleModule`
 * is the URL of a module exporting parseFeed and parseFeedBytes as src/reader/parse/parse-feed.ts.
 */
export function benchParsers(veilleModule: string): BenchParser[] {
  return [
    {
      id: 'veille-text',
      label: 'veille (text)',
      async load() {
        const { parseFeed } = (await import(veilleModule)) as VeilleParseModule;
        return (doc) => parseFeed(doc.text, { url: null }).entries.length;
      },
      async loadParsed() {
        const { parseFeed } = (await import(veilleModule)) as VeilleParseModule;
        return (_doc, text) => parseFeed(text, { url: null });
      },
    },
    {
      id: 'veille-bytes',
      label: 'veille (bytes)',
      async load() {
        const { parseFeedBytes } = (await import(veilleModule)) as VeilleParseModule;
        return (doc) => parseFeedBytes(doc.bytes, { url: null, contentType: null }).entries.length;
      },
      async loadParsed() {
        const { parseFeedBytes } = (await import(veilleModule)) as VeilleParseModule;
        return (doc) => parseFeedBytes(doc.bytes, { url: null, contentType: null });
      },
    },
    {
      id: 'feedsmith',
      label: `feedsmith ${installedVersion('feedsmith')}`,
      async load() {
        const { parseFeed } = await import('feedsmith');
        return (doc) => {
          const parsed = parseFeed(doc.text);
          switch (parsed.format) {
            case 'atom':
              return parsed.feed.entries?.length ?? 0;
            default:
              return parsed.feed.items?.length ?? 0;
          }
        };
      },
      async loadParsed() {
        const { parseFeed } = await import('feedsmith');
        return (_doc, text) => parseFeed(text);
      },
    },
    {
      id: 'rowanmanning',
      label: `@rowanmanning/feed-parser ${installedVersion('@rowanmanning/feed-parser')}`,
      async load() {
        const { parseFeed } = await import('@rowanmanning/feed-parser');
        // Its Feed object reads fields lazily from the XML tree: toJSON() reads them all, as the
        // other parsers do eagerly.
        return (doc) => parseFeed(doc.text).toJSON().items.length;
      },
      async loadParsed() {
        const { parseFeed } = await import('@rowanmanning/feed-parser');
        return (_doc, text) => parseFeed(text).toJSON();
      },
    },
  ];
}

/** Loads files and decodes them but parses nothing: the memory floor of a child process. */
export function baselineParser(): BenchParser {
  return {
    id: 'baseline',
    label: '(baseline: files loaded, no parser)',
    async load() {
      return () => 0;
    },
    async loadParsed() {
      return () => null;
    },
  };
}

export function benchParserById(id: string, veilleModule: string): BenchParser | null {
  return [...benchParsers(veilleModule), baselineParser()].find((p) => p.id === id) ?? null;
}
