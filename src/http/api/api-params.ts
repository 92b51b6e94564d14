// Parameters of an app API request: the query string and the body (urlencoded or multipart)
// merged, repeated keys kept in order (Google Reader clients repeat `i`, `a`, `s`…).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

export async function apiParams(c: Context<AppEnv>): Promise<URLSearchParams> {
  const url = new URL(c.req.url);
  const params = new URLSearchParams(url.search);
  if (c.req.method !== 'POST' && c.req.method !== 'PUT') return params;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.formData();
    for (const [key, value] of form.entries()) if (typeof value === 'string') params.append(key, value);
    return params;
  }
  // Form bodies, and bodies sent without a type: both are read as urlencoded pairs. Read as bytes
  // (Hono keeps them): subscription/import decodes an OPML body by its own declared encoding.
  if (type === '' || type.startsWith('application/x-www-form-urlencoded') || type.startsWith('text/plain')) {
    const text = new TextDecoder().decode(await c.req.arrayBuffer());
    for (const [key, value] of new URLSearchParams(text)) params.append(key, value);
  }
  return params;
}

/** The request path as sent (still percent-encoded), duplicate slashes collapsed. */
export function rawApiPath(c: Context<AppEnv>): string {
  return new URL(c.req.url).pathname.replace(/\/{2,}/g, '/');
}

/** Collapses duplicate slashes in app API paths (clients concatenate base URLs carelessly). */
export function normalizeApiPath(path: string): string {
  if (!path.includes('//')) return path;
  const collapsed = path.replace(/\/{2,}/g, '/');
  return /^\/(api\/|reader\/api\/0|accounts\/|fever)/.test(collapsed) ? collapsed : path;
}
