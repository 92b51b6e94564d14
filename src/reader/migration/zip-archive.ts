// A small ZIP reader and writer for export bundles (FreshRSS's freshrss_USER_DATE_export.zip), with
// node:zlib and nothing else. Reading goes by the central directory, one file at a time, within
// bounds: number of files, size of each file and of all of them once inflated (checked while
// inflating, whatever the headers claim), and CRC-32. Names that could escape a directory ("../x",
// "/etc/x", "C:\x") are refused: nothing here writes to disk, but such an archive is not an export.
// Not supported (a clear message each): ZIP64, encryption, methods other than stored and deflate.
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface ZipLimits {
  maxFiles: number;
  /** Largest file once inflated, in bytes. */
  maxFileBytes: number;
  /** All the files read, inflated, in bytes. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxFiles: 10_000,
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
};

export interface ZipFile {
  name: string;
  /** Inflated size as the central directory declares it. */
  size: number;
  /** The file's bytes, inflated and checked; throws ZipError when they cannot be read. */
  read(): Buffer;
}

/** An archive that cannot be read at all. Messages start with "zip: ". */
export class ZipError extends Error {
  constructor(detail: string) {
    super(`zip: ${detail}`);
    this.name = 'ZipError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when the bytes start like a ZIP archive (a local file header, or an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
  );
}

/** True for a name that stays inside the directory it would be extracted to. */
export function isSafeZipName(name: string): boolean {
  if (name === '' || name.includes('\0')) return false;
  if (/^[/\\]/.test(name) || /^[A-Za-z]:/.test(name)) return false;
  return !name.split(/[/\\]/).some((part) => part === '..');
}

/**
 * The files of an archive (directories left out) and, for entries left out, why. Throws ZipError
 * when the archive itself cannot be read.
 */
export function listZip(
  input: Uint8Array,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): { files: ZipFile[]; problems: string[] } {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = findEndOfCentralDirectory(bytes);
  const count = bytes.readUInt16LE(end + 10);
  const directorySize = bytes.readUInt32LE(end + 12);
  const directoryOffset = bytes.readUInt32LE(end + 16);
  if (count === 0xffff || directoryOffset === 0xffffffff || directorySize === 0xffffffff)
    throw new ZipError('ZIP64 archives are not supported');
  if (count > limits.maxFiles) throw new ZipError(`more than ${limits.maxFiles} files`);
  if (directoryOffset + directorySize > end)
    throw new ZipError('the central directory is damaged (truncated file?)');

  const files: ZipFile[] = [];
  const problems: string[] = [];
  let totalRead = 0;
  let at = directoryOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > end || bytes.readUInt32LE(at) !== CENTRAL)
      throw new ZipError(`the central directory is damaged at file ${n + 1}`);
    const flags = bytes.readUInt16LE(at + 8);
    const method = bytes.readUInt16LE(at + 10);
    const crc = bytes.readUInt32LE(at + 16);
    const compressedSize = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 names; otherwise IBM437, whose ASCII part is what export names use.
    const name = flags & 0x800 ? rawName.toString('utf8') : rawName.toString('latin1');
    at += 46 + nameLength + extraLength + commentLength;

    if (!isSafeZipName(name)) {
      problems.push(`zip: "${name}" left out: its path leaves the archive's folder`);
      continue;
    }
    if (name.endsWith('/') || name.endsWith('\\')) continue;
    if (flags & 0x1) {
      problems.push(`zip: "${name}" left out: it is encrypted`);
      continue;
    }
    if (method !== 0 && method !== 8) {
      problems.push(`zip: "${name}" left out: compression method ${method} is not supported`);
      continue;
    }
    if (size > limits.maxFileBytes) {
      problems.push(`zip: "${name}" left out: ${size} bytes once inflated, more than ${limits.maxFileBytes}`);
      continue;
    }
    files.push({
      name,
      size,
      read() {
        if (totalRead + size > limits.maxTotalBytes)
          throw new ZipError(
            `"${name}": the files inflate to more than ${limits.maxTotalBytes} bytes in all`,
          );
        if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== LOCAL)
          throw new ZipError(`"${name}": its local header is missing or damaged`);
        const dataStart =
          localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
        if (dataStart + compressedSize > bytes.length)
          throw new ZipError(`"${name}": the archive is truncated`);
        const data = bytes.subarray(dataStart, dataStart + compressedSize);
        let out: Buffer;
        if (method === 0) {
          out = Buffer.from(data);
        } else {
          try {
            // One byte more than declared: a file that inflates to more than it says is refused.
            out = inflateRawSync(data, { maxOutputLength: Math.max(1, size + 1) });
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            throw new ZipError(
              code === 'ERR_BUFFER_TOO_LARGE'
                ? `"${name}" inflates to more than the ${size} bytes it declares`
                : `"${name}" cannot be inflated (${(err as Error).message})`,
            );
          }
        }
        if (out.length !== size)
          throw new ZipError(`"${name}" is ${out.length} bytes, not the ${size} it declares`);
        if (crc32(out) >>> 0 !== crc) throw new ZipError(`"${name}" is damaged (CRC-32 mismatch)`);
        totalRead += size;
        return out;
      },
    });
  }
  return { files, problems };
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (bytes.readUInt32LE(i) === EOCD) return i;
  }
  throw new ZipError('no end of central directory (not a ZIP archive, or a truncated one)');
}

/** A ZIP archive of these files, deflated, with UTF-8 names and the given modification time. */
export function writeZip(files: { name: string; data: Uint8Array }[], modified = new Date()): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const { time, date } = dosDateTime(modified);
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const data = deflateRawSync(file.data);
    const crc = crc32(file.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x800, 6); // UTF-8 name
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(file.data.byteLength, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(time, 12);
    entry.writeUInt16LE(date, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(file.data.byteLength, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    central.push(entry, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(2107, Math.max(1980, d.getUTCFullYear()));
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}
