// One HTTP request and its response through an undici dispatcher's dispatch(), with a handler
// that keeps the body's chunks itself (bounded) or throws the body away: no Readable stream per
// response, which the request() API builds even for a 304 (half of the fetcher's CPU in a refresh
// where every feed answers 304). A Deadline ends the exchange wherever it is (queued, connecting,
// waiting for headers, reading the body).
import type { Dispatcher } from 'undici';

/** A cancellation that fires once (the fetch's total timeout). */
export class Deadline {
  expired = false;
  reason: Error | null = null;
  private readonly listeners = new Set<() => void>();

  expire(reason: Error): void {
    if (this.expired) return;
    this.expired = true;
    this.reason = reason;
    for (const listener of this.listeners) listener();
    this.listeners.clear();
  }

  /** Calls `listener` when the deadline expires (at once if it has); returns the unsubscription. */
  onExpire(listener: () => void): () => void {
    if (this.expired) {
      listener();
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface ExchangeRequest {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | null;
  /**
   * What to do with the body of this response: keep at most this many bytes of it (reading
   * stops past them), discard it (read at most DISCARD_BYTES so the connection can be reused,
   * then drop the connection), or stop at once (drop the connection).
   */
  bodyFor(status: number, headers: Record<string, string>): { keep: number } | 'discard' | 'stop';
}

export interface Exchange {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The kept body's chunks (empty when discarded or stopped). */
  chunks: Buffer[];
  bytes: number;
  /** The kept body went past maxRawBytes: reading stopped there. */
  tooLarge: boolean;
}

/** How much of an unwanted body (redirect, 304, error page) is read before the connection is dropped. */
const DISCARD_BYTES = 64 * 1024;

/** Sends the request; resolves with the response, rejects with undici's error or the deadline's. */
export function exchange(
  dispatcher: Dispatcher,
  req: ExchangeRequest,
  deadline: Deadline,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    let mode: 'keep' | 'discard' | 'stop' = 'keep';
    let keep = 0;
    let done: Exchange | null = null;
    let seen = 0;
    let settled = false;
    let unsubscribe = () => {};
    const finish = (result: Exchange | null, err?: unknown) => {
      if (settled) return;
      settled = true;
      unsubscribe();
      if (result) resolve(result);
      else reject(err);
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(controller) {
        unsubscribe = deadline.onExpire(() => controller.abort(deadline.reason!));
      },
      onResponseStart(controller, statusCode, rawHeaders) {
        const headers = flatHeaders(rawHeaders as Record<string, string | string[] | undefined>);
        done = { status: statusCode, headers, chunks: [], bytes: 0, tooLarge: false };
        const wanted = req.bodyFor(statusCode, headers);
        mode = typeof wanted === 'string' ? wanted : 'keep';
        keep = typeof wanted === 'string' ? 0 : wanted.keep;
        if (mode === 'stop') {
          finish(done);
          controller.abort(new Error('fetch: body not read'));
        }
      },
      onResponseData(controller, chunk) {
        if (!done || settled) return;
        seen += chunk.length;
        if (mode === 'keep') {
          if (seen > keep) {
            done.tooLarge = true;
            done.chunks = [];
            finish(done);
            controller.abort(new Error('fetch: body over the limit'));
            return;
          }
          done.chunks.push(chunk);
          done.bytes = seen;
        } else if (seen > DISCARD_BYTES) {
          finish(done);
          controller.abort(new Error('fetch: body not read'));
        }
      },
      onResponseEnd() {
        if (!done) finish(null, new Error('fetch: the response ended before its headers'));
        else finish(done);
      },
      onResponseError(_controller, err) {
        // After a stop, the abort's error is expected (the exchange has its result already).
        finish(null, deadline.expired ? deadline.reason : err);
      },
    };
    try {
      dispatcher.dispatch(
        {
          origin: req.url.origin,
          path: req.url.search ? `${req.url.pathname}${req.url.search}` : req.url.pathname,
          method: req.method,
          headers: req.headers,
          body: req.body,
        },
        handler,
      );
    } catch (err) {
      finish(null, err);
    }
  });
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
