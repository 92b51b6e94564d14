// Small readers shared by the export-file readers: typed fields of unknown JSON, dates in any of
// the forms exports use, http(s) URLs, and the message for a broken JSON file.
import { parseDate } from '../parse/parse-date.ts';
import type { JsonFault } from './read-json-lenient.ts';

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A non-empty trimmed string, or null. */
export function text(x: unknown): string | null {
  if (typeof x !== 'string') return null;
  const t = x.trim();
  return t === '' ? null : t;
}

/** An absolute http(s) URL, or null. */
export function httpUrl(x: unknown): string | null {
  const t = text(x);
  if (t === null || !/^https?:\/\//i.test(t)) return null;
  try {
    return new URL(t).href;
  } catch {
    return null;
  }
}

/**
 * A time in ms from seconds, milliseconds or microseconds since the epoch (a number or a string of
 * digits, told apart by size), or from a date string; null otherwise.
 */
export function timeOf(x: unknown): number | null {
  let n: number | null = null;
  if (typeof x === 'number' && Number.isFinite(x)) n = x;
  else if (typeof x === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(x)) n = Number(x);
  else if (typeof x === 'string') return parseDate(x);
  if (n === null || n <= 0) return null;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  return Math.round(n / 1000);
}

/** "file: line 12, column 5: what (N items before it were read; the rest of the file was not)". */
export function faultMessage(file: string, fault: JsonFault, noun: string): string {
  const where = `${file}: line ${fault.line}, column ${fault.column}: ${fault.message}`;
  if (fault.inArray === null) return `${where}; nothing after it could be read`;
  const n = fault.completeElements;
  return `${where}; the ${n} ${noun}${n === 1 ? '' : 's'} before it were read, ${noun} ${n + 1} and the rest of the file were not`;
}
