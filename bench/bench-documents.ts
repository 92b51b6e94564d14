// The corpus files a parser benchmark reads: raw bytes (for parsers that take bytes) and the same
// document decoded once to text (for parsers that take text), so every parser gets equal input.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeFeedBytes } from '../src/reader/decode/decode-feed-bytes.ts';

export interface BenchDocument {
  name: string;
  /** The file as stored (possibly gzip). */
  bytes: Uint8Array;
  /** The document decoded to text (un-gzipped, then BOM / prolog / UTF-8 decoding). */
  text: string;
  /** Size of the document in bytes, un-gzipped: what MB/s figures count. */
  size: number;
}

/**
 * File names in `dir` matching `filter`, sorted. The filter is a comma-separated list of
 * patterns; a pattern with `*` or `?` is a glob on the whole name, any other is a substring.
 */
export function corpusFileNames(dir: string, filter: string | null): string[] {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  if (!filter) return names;
  const patterns = filter
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const matchers = patterns.map(nameMatcher);
  return names.filter((name) => matchers.some((matches) => matches(name)));
}

function nameMatcher(pattern: string): (name: string) => boolean {
  if (!/[*?]/.test(pattern)) return (name) => name.includes(pattern);
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

/** `doc` decoded again: a string no other document or earlier decoding shares. */
export function freshText(doc: BenchDocument): string {
  const bytes = doc.bytes;
  const unzipped = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
  return decodeFeedBytes(unzipped, null).text;
}

export function benchDocuments(dir: string, names: readonly string[]): BenchDocument[] {
  return names.map((name) => {
    const bytes = new Uint8Array(readFileSync(join(dir, name)));
    const unzipped = bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
    return { name, bytes, text: decodeFeedBytes(unzipped, null).text, size: unzipped.length };
  });
}
