// Reads a response body through its Content-Encoding decoders, counting decoded bytes: a gzip
// bomb is stopped at the limit. The compressed body is read first (it is bounded too: a body that
// compresses cannot be much larger compressed than decoded), then decoded in one call per
// encoding with zlib's output limit. One call instead of a stream of 16 KiB chunks: the streams
// cost more than the inflating itself (2.5 s of CPU for the 1000 feeds of the refresh benchmark).

import type { Readable } from 'node:stream';
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

  // Compressed data that does not compress grows by a few bytes per 16 KiB block at most.
  const rawLimit = encodings.length === 0 ? maxBytes : maxBytes + Math.ceil(maxBytes / 64) + 1024;
  const chunks: Buffer[] = [];
  let total = 0;
  let complete = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > rawLimit) return { kind: 'too_large', readBytes: total };
      chunks.push(chunk);
    }
    complete = true;
  } finally {
    if (!complete) body.destroy();
  }
  let bytes: Buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  for (let i = encodings.length - 1; i >= 0; i--) {
    if (bytes.length === 0) break;
    const limit = i === 0 ? maxBytes : rawLimit;
    try {
      bytes = decoded(encodings[i]!, bytes, limit);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        return { kind: 'too_large', readBytes: limit + 1 };
      }
      throw err;
    }
  }
  if (bytes.length > maxBytes) return { kind: 'too_large', readBytes: bytes.length };
  // A plain Uint8Array (not a Buffer). A view into a larger buffer (a socket read, a decoder
  // chunk) is copied out: it would keep that buffer alive, and a message to a worker thread
  // would carry all of it.
  const owned = bytes.byteOffset === 0 && bytes.length === bytes.buffer.byteLength;
  return { kind: 'ok', bytes: owned ? new Uint8Array(bytes.buffer, 0, bytes.length) : new Uint8Array(bytes) };
}

/** `bytes` decoded from `encoding`; throws ERR_BUFFER_TOO_LARGE past `maxBytes` of output. */
function decoded(encoding: string, bytes: Buffer, maxBytes: number): Buffer {
  // Output grows in chunks of about the input's size, up to 1 MiB.
  const options = {
    maxOutputLength: Math.max(1, maxBytes),
    chunkSize: Math.min(1024 * 1024, Math.max(16 * 1024, bytes.length * 4)),
  };
  switch (encoding) {
    case 'br':
      return zlib.brotliDecompressSync(bytes, options);
    case 'deflate':
      // "deflate" should be zlib-wrapped but some servers send raw deflate: look at the first bytes.
      return looksLikeZlibHeader(bytes)
        ? zlib.inflateSync(bytes, options)
        : zlib.inflateRawSync(bytes, options);
    default:
      return zlib.gunzipSync(bytes, options);
  }
}

function ignoreError() {}

/** True for errors raised by a zlib/brotli decoder (corrupt or truncated compressed data). */
export function isDecodeError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, errno } = err as Error & { code?: unknown; errno?: unknown };
  return typeof code === 'string' && typeof errno === 'number' && /^(Z_|ERR__|ERR_BROTLI)/.test(code);
}

function looksLikeZlibHeader(bytes: Buffer): boolean {
  if (bytes.length < 2) return true;
  const cmf = bytes[0] as number;
  const flg = bytes[1] as number;
  return (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
}
