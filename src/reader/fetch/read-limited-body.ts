// Decodes a response body through its Content-Encoding decoders, counting decoded bytes: a gzip
// bomb is stopped at the limit. The compressed body is collected first (bounded too, see
// rawBodyLimit: a body that compresses cannot be much larger compressed than decoded), then
// decoded in one call per encoding with zlib's output limit. One call instead of a stream of
// 16 KiB chunks: the streams cost more than the inflating itself (2.5 s of CPU for the 1000 feeds
// of the refresh benchmark).

import zlib from 'node:zlib';

export type LimitedBody = { kind: 'ok'; bytes: Uint8Array } | { kind: 'too_large'; readBytes: number };

/** The encodings the fetcher advertises in Accept-Encoding and can decode. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

const DECODABLE = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * The encodings of a Content-Encoding header ("gzip", "br", "gzip, br"…, applied in order), or
 * the first one that cannot be decoded.
 */
export function contentEncodings(header: string | null): string[] | { unsupported: string } {
  const encodings = (header ?? '')
    .toLowerCase()
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'identity');
  const unsupported = encodings.find((e) => !DECODABLE.has(e));
  return unsupported === undefined ? encodings : { unsupported };
}

/** How many bytes of a body with these encodings may be read to decode at most `maxBytes`. */
export function rawBodyLimit(encodings: readonly string[], maxBytes: number): number {
  // Compressed data that does not compress grows by a few bytes per 16 KiB block at most.
  return encodings.length === 0 ? maxBytes : maxBytes + Math.ceil(maxBytes / 64) + 1024;
}

/**
 * The body made of `chunks` (`total` bytes, at most rawBodyLimit), decoded in reverse order of
 * `encodings`, or too_large past `maxBytes` decoded. Decoder errors are thrown; isDecodeError
 * tells them apart.
 */
export function decodeBody(
  chunks: readonly Buffer[],
  total: number,
  encodings: readonly string[],
  maxBytes: number,
): LimitedBody {
  const rawLimit = rawBodyLimit(encodings, maxBytes);
  if (total > rawLimit) return { kind: 'too_large', readBytes: total };
  let bytes: Buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks as Buffer[], total);
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

/** The fetcher's message for a body over the limit (fetch.too_large). */
export function tooLargeMessage(maxBytes: number): string {
  return `fetch: the response is larger than ${formatBytes(maxBytes)}`;
}

/** The fetcher's message for a body its decoders refused (fetch.decompress). */
export function decodeErrorMessage(contentEncoding: string | null, err: Error): string {
  return `fetch: the ${contentEncoding} body could not be decoded (${err.message})`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/**
 * Decodes a body the fetcher kept encoded (FetchRequest.keepEncoded): the same limits and the
 * same error codes and messages as when the fetcher decodes it. Runs where the body is used (the
 * refresh's worker threads), not on the thread that fetched it.
 */
export function decodeKeptBody(
  body: Uint8Array,
  encodings: readonly string[],
  maxBytes: number,
  contentEncoding: string | null,
):
  | { ok: true; bytes: Uint8Array }
  | { ok: false; code: 'fetch.too_large' | 'fetch.decompress'; message: string } {
  if (encodings.length === 0) return { ok: true, bytes: body };
  let decodedBody: LimitedBody;
  try {
    decodedBody = decodeBody(
      [Buffer.from(body.buffer, body.byteOffset, body.byteLength)],
      body.byteLength,
      encodings,
      maxBytes,
    );
  } catch (err) {
    if (isDecodeError(err))
      return {
        ok: false,
        code: 'fetch.decompress',
        message: decodeErrorMessage(contentEncoding, err as Error),
      };
    throw err;
  }
  if (decodedBody.kind !== 'ok')
    return { ok: false, code: 'fetch.too_large', message: tooLargeMessage(maxBytes) };
  return { ok: true, bytes: decodedBody.bytes };
}

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
