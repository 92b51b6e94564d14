// Reads a response body through its Content-Encoding decoders, counting decoded bytes and
// stopping as soon as they pass the limit: a gzip bomb costs at most one decoder chunk past it.

import { pipeline, Readable } from 'node:stream';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';

export type LimitedBody =
  | { kind: 'ok'; bytes: Uint8Array }
  | { kind: 'too_large'; readBytes: number }
  | { kind: 'unsupported_encoding'; encoding: string };

/** The encodings the fetcher advertises in Accept-Encoding and can decode. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * Decodes `body` (the raw response stream) according to `contentEncoding` ("gzip", "br",
 * "gzip, br"…, applied in order, so decoded in reverse) and collects at most `maxBytes` decoded
 * bytes. Stream and decoder errors are thrown; `isDecodeError` tells them apart.
 */
export async function readLimitedBody(
  body: Readable,
  contentEncoding: string | null,
  maxBytes: number,
): Promise<LimitedBody> {
  // Errors still surface through the iteration below; this listener only keeps a destroy() after
  // an early stop from becoming an uncaught 'error' event.
  body.on('error', ignoreError);
  const encodings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'identity');
  for (const encoding of encodings) {
    if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) {
      body.destroy();
      return { kind: 'unsupported_encoding', encoding };
    }
  }

  let source: Readable = body;
  let decoded: Readable = body;
  if (encodings.length > 0) {
    // "deflate" should be zlib-wrapped but some servers send raw deflate: look at the first bytes.
    const first = await firstChunk(body);
    if (first === null) return { kind: 'ok', bytes: new Uint8Array(0) };
    source = Readable.from(prepend(first.chunk, first.rest), { objectMode: false });
    const outermost = encodings[encodings.length - 1];
    const decoders: Transform[] = encodings
      .slice()
      .reverse()
      .map((encoding) => decoderFor(encoding, encoding === outermost ? first.chunk : null));
    decoded = pipeline([source, ...decoders], () => {
      // errors surface through the iteration below
    }) as unknown as Readable;
  }

  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of decoded as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        return { kind: 'too_large', readBytes: total };
      }
      chunks.push(chunk);
    }
  } finally {
    if (!decoded.readableEnded) {
      decoded.destroy();
      source.destroy();
      body.destroy();
    }
  }
  return { kind: 'ok', bytes: new Uint8Array(Buffer.concat(chunks, total)) };
}

function ignoreError() {}

/** True for errors raised by a zlib/brotli decoder (corrupt or truncated compressed data). */
export function isDecodeError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, errno } = err as Error & { code?: unknown; errno?: unknown };
  return typeof code === 'string' && typeof errno === 'number' && /^(Z_|ERR__|ERR_BROTLI)/.test(code);
}

function decoderFor(encoding: string, firstBytes: Buffer | null): Transform {
  // Small output chunks bound the memory a bomb can claim before the count stops it.
  const options = { chunkSize: 16 * 1024 };
  switch (encoding) {
    case 'br':
      return zlib.createBrotliDecompress(options);
    case 'deflate':
      return firstBytes && !looksLikeZlibHeader(firstBytes)
        ? zlib.createInflateRaw(options)
        : zlib.createInflate(options);
    default:
      return zlib.createGunzip(options);
  }
}

function looksLikeZlibHeader(bytes: Buffer): boolean {
  if (bytes.length < 2) return true;
  const cmf = bytes[0] as number;
  const flg = bytes[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}

async function firstChunk(body: Readable): Promise<{ chunk: Buffer; rest: AsyncIterator<Buffer> } | null> {
  const iterator = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) return null;
    if (next.value.length > 0) return { chunk: next.value, rest: iterator };
  }
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
