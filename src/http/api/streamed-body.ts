// Writes a response from an async sequence of text chunks, pulled as the client reads: a large
// answer is produced one database page at a time and never held whole in memory.
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

export function streamedBody(
  c: Context<AppEnv>,
  chunks: AsyncIterable<string>,
  contentType = 'application/json; charset=UTF-8',
): Response {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
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
