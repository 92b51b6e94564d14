// Reading what a JSON API request sends: ids in paths and queries, bounded integers, enums, and a
// JSON object body. Every problem is a JsonApiError(400) naming the parameter, never a 500.
import type { Context } from 'hono';
import { JsonApiError } from './json-api-error.ts';

const ID = /^[1-9][0-9]{0,15}$/;

/** A positive integer id (below 2^53), from a path or query parameter. */
export function idFrom(name: string, raw: string | undefined): number {
  if (raw === undefined || !ID.test(raw) || Number(raw) > Number.MAX_SAFE_INTEGER)
    throw new JsonApiError(400, `${name} must be a positive integer`);
  return Number(raw);
}

export function pathId(c: Context, name: string): number {
  return idFrom(name, c.req.param(name));
}

/** An optional query parameter among `values`. */
export function enumParam<T extends string>(c: Context, name: string, values: readonly T[], fallback: T): T {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  if (!(values as readonly string[]).includes(raw))
    throw new JsonApiError(400, `${name} must be one of ${values.join(', ')}`);
  return raw as T;
}

/** An optional integer query parameter within [min, max]. */
export function intParam(c: Context, name: string, min: number, max: number, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const n = /^-?[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new JsonApiError(400, `${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** An optional boolean query parameter: true/false (1/0 accepted). */
export function boolParam(c: Context, name: string): boolean | null {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return null;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new JsonApiError(400, `${name} must be true or false`);
}

export type JsonObject = Record<string, unknown>;

/**
 * The request body as a JSON object. An empty body is `{}` when `optional`, else an error; a
 * body that is not JSON, or JSON that is not an object, is a 400.
 */
export async function jsonBody(c: Context, optional = false): Promise<JsonObject> {
  const text = await c.req.text();
  if (!text.trim()) {
    if (optional) return {};
    throw new JsonApiError(400, 'a JSON object body is required');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new JsonApiError(400, `the body is not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JsonApiError(400, 'the body must be a JSON object');
  return value as JsonObject;
}

/** Fails on any key of `body` outside `allowed` (a typo must not be silently ignored). */
export function onlyKeys(body: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new JsonApiError(400, `unknown field ${unknown.join(', ')}`);
}

/** A non-empty string field (whitespace collapsed), at most `max` characters. */
export function titleField(body: JsonObject, name: string, max: number): string {
  const v = body[name];
  if (typeof v !== 'string') throw new JsonApiError(400, `${name} must be a string`);
  const clean = v.replace(/\s+/g, ' ').trim();
  if (!clean) throw new JsonApiError(400, `${name} must not be empty`);
  if (clean.length > max) throw new JsonApiError(400, `${name} must be at most ${max} characters`);
  return clean;
}

/** An id field: a positive integer, or null when `nullable`. */
export function idField(body: JsonObject, name: string, nullable: true): number | null;
export function idField(body: JsonObject, name: string, nullable: false): number;
export function idField(body: JsonObject, name: string, nullable: boolean): number | null {
  const v = body[name];
  if (v === null && nullable) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw new JsonApiError(400, `${name} must be a positive integer${nullable ? ' or null' : ''}`);
  return v;
}
