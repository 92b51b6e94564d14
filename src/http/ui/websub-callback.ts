// /websub/:feedId/:token — the WebSub callback: the hub's verification GET and its content
// POSTs. No session and no CSRF token here: the per-feed token and the HMAC signature are the
// authentication (src/refresh/websub.ts).
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { MAX_PUSH_BYTES, receivePush, verifyIntent } from '../../refresh/websub.ts';

function params(c: Context<AppEnv>): { feedId: number; token: string } | null {
  const id = c.req.param('feedId') ?? '';
  const token = c.req.param('token') ?? '';
  if (!/^[0-9]{1,10}$/.test(id) || !/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null;
  return { feedId: Number(id), token };
}

export async function websubVerify(c: Context<AppEnv>) {
  const p = params(c);
  if (!p) return c.text('not found', 404);
  const deps = c.get('deps');
  const { status, body } = await verifyIntent(
    { db: deps.database.db, now: deps.now },
    { ...p, query: c.req.query() },
  );
  return c.text(body, status as 200 | 404);
}

/** Reads a request body, refusing more than `max` bytes (null then). */
async function limitedBody(request: Request, max: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get('content-length') ?? 0) > max) return null;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function websubPush(c: Context<AppEnv>) {
  const p = params(c);
  if (!p) return c.text('not found', 404);
  const body = await limitedBody(c.req.raw, MAX_PUSH_BYTES);
  if (!body) return c.text('too large', 413);
  const deps = c.get('deps');
  const result = await receivePush(
    { db: deps.database.db, log: deps.log, now: deps.now },
    {
      ...p,
      body,
      contentType: c.req.header('content-type') ?? null,
      signature: c.req.header('x-hub-signature'),
    },
  );
  return c.body(null, result.status as 200 | 202 | 404);
}
