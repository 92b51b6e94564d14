// Writes a response from an async sequence of text chunks. A large answer is produced one
// database page at a time, pulled as the client reads, and never held whole in memory; an answer
// that ends within its first WHOLE_MAX characters (most of them: a page of 100 items is ~100 KB)
// is sent as one string instead, which spares the stream machinery (a ReadableStream, a pull and
// an encode per chunk, and @hono/node-server's reader loop), and lets an error in it be a 500
// rather than a cut-off body.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** Characters gathered before the answer is streamed rather than sent whole. */
export const WHOLE_MAX = 512 * 1024;

export async function streamedBody(
  c: Context<AppEnv>,
  chunks: AsyncIterable<string>,
  contentType = 'application/json; charset=UTF-8',
): Promise<Response> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done) return c.body(head, 200, { 'content-type': contentType });
    head += next.value;
    if (head.length > WHOLE_MAX) break;
  }
  const encoder = new TextEncoder();
  let first: string | null = head;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first !== null) {
        controller.enqueue(encoder.encode(first));
        first = null;
        return;
      }
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return c.body(stream, 200, { 'content-type': contentType });
}
