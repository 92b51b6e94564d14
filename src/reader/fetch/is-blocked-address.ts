// The SSRF guard: which IP addresses the fetcher refuses to connect to.
//
// Feeds are URLs typed by users; without this guard a user could make the server read its own
// admin endpoints, cloud metadata (169.254.169.254) or anything on the private network. Every
// address is checked: IP literals before connecting, host names after DNS resolution (in the
// connection's own lookup, so the address checked is the one connected to).

import { isIP } from 'node:net';

/** A parsed network: 16 bytes for IPv6, 4 for IPv4, and the prefix length in bits. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly prefix: number;
  /** As written, for messages. */
  readonly text: string;
}

/** Parses "10.0.0.0/8", "fd00::/8" or a bare address (a /32 or /128). Throws "fetch: …" on a bad entry. */
export function parseCidrList(list: string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const raw of list) {
    const text = raw.trim();
    if (text === '') continue;
    const slash = text.indexOf('/');
    const addressText = slash === -1 ? text : text.slice(0, slash);
    const bytes = ipBytes(addressText);
    if (!bytes) throw new Error(`fetch: "${text}" is not a network (expected e.g. 10.0.0.0/8 or fd00::/8)`);
    const family = bytes.length === 4 ? 4 : 6;
    const maxPrefix = bytes.length * 8;
    let prefix = maxPrefix;
    if (slash !== -1) {
      const prefixText = text.slice(slash + 1);
      prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
      if (!(prefix >= 0 && prefix <= maxPrefix)) {
        throw new Error(`fetch: "${text}" has an invalid prefix length (0 to ${maxPrefix})`);
      }
    }
    out.push({ family, bytes, prefix, text });
  }
  return out;
}

/** True when the fetcher must not connect to `ip` (loopback, private, link-local…) and no allowed network holds it. */
export function isBlockedAddress(ip: string, allow: readonly Cidr[]): boolean {
  return blockedAddressReason(ip, allow) !== null;
}

/**
 * Why `ip` is blocked, as words that fit "fetch: 10.0.0.1 is <reason>", or null when it may be
 * reached. Unparseable input is blocked. An address inside an allowed network is allowed; an
 * IPv6 address embedding an IPv4 one (mapped, NAT64, 6to4…) is also allowed when the embedded
 * IPv4 address is inside an allowed network.
 */
export function blockedAddressReason(ip: string, allow: readonly Cidr[]): string | null {
  const bytes = ipBytes(ip);
  if (!bytes) return 'not a valid IP address';
  if (isInAny(bytes, allow)) return null;
  if (bytes.length === 4) return ipv4Reason(bytes);

  const embedded = embeddedIpv4(bytes);
  if (embedded) {
    if (isInAny(embedded, allow)) return null;
    const inner = ipv4Reason(embedded);
    if (inner) return `${inner} (${embedded.join('.')} embedded in an IPv6 address)`;
  }
  return ipv6Reason(bytes);
}

/**
 * The IP address a URL host stands for, normalised ("127.0.0.1", "::1"), or null for a host name.
 * Accepts bracketed IPv6 and every IPv4 spelling WHATWG URL parsing accepts (decimal 2130706433,
 * octal 0177.0.0.1, hex 0x7f.1, short 127.1).
 */
export function hostToIpLiteral(host: string): string | null {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIP(h) === 4) return h;
  if (isIP(h) === 6) return formatIpv6(ipBytes(h) as Uint8Array);
  if (h === '' || h.includes('/') || h.includes('@') || h.includes('?') || h.includes('#')) return null;
  let normalised: string;
  try {
    normalised = new URL(`http://${h.includes(':') ? `[${h}]` : h}/`).hostname;
  } catch {
    return null;
  }
  if (normalised.startsWith('[') && normalised.endsWith(']')) normalised = normalised.slice(1, -1);
  if (isIP(normalised) === 4) return normalised;
  if (isIP(normalised) === 6) return formatIpv6(ipBytes(normalised) as Uint8Array);
  return null;
}

// ---------------------------------------------------------------------------------------------

interface Range {
  bytes: number[];
  prefix: number;
  reason: string;
}

const PRIVATE = 'a private address';
const RESERVED = 'a reserved address';

// IPv4 ranges that are not the public internet (IANA special-purpose registry).
const IPV4_RANGES: Range[] = [
  { bytes: [0, 0, 0, 0], prefix: 8, reason: 'an unspecified address' },
  { bytes: [10, 0, 0, 0], prefix: 8, reason: PRIVATE },
  { bytes: [100, 64, 0, 0], prefix: 10, reason: 'a shared (carrier-grade NAT) address' },
  { bytes: [127, 0, 0, 0], prefix: 8, reason: 'a loopback address' },
  { bytes: [169, 254, 0, 0], prefix: 16, reason: 'a link-local address' },
  { bytes: [172, 16, 0, 0], prefix: 12, reason: PRIVATE },
  { bytes: [192, 0, 0, 0], prefix: 24, reason: RESERVED },
  { bytes: [192, 0, 2, 0], prefix: 24, reason: RESERVED },
  { bytes: [192, 88, 99, 0], prefix: 24, reason: RESERVED },
  { bytes: [192, 168, 0, 0], prefix: 16, reason: PRIVATE },
  { bytes: [198, 18, 0, 0], prefix: 15, reason: RESERVED },
  { bytes: [198, 51, 100, 0], prefix: 24, reason: RESERVED },
  { bytes: [203, 0, 113, 0], prefix: 24, reason: RESERVED },
  { bytes: [224, 0, 0, 0], prefix: 4, reason: 'a multicast address' },
  { bytes: [240, 0, 0, 0], prefix: 4, reason: 'a reserved or broadcast address' },
];

const IPV6_RANGES: Range[] = [
  { bytes: [], prefix: 128, reason: 'an unspecified address' },
  { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], prefix: 128, reason: 'a loopback address' },
  // IPv4-compatible addresses (deprecated) are blocked whatever they embed; IPv4-mapped ones
  // (::ffff:a.b.c.d) are judged by the IPv4 address they carry.
  { bytes: [], prefix: 96, reason: RESERVED },
  { bytes: [0x00, 0x64, 0xff, 0x9b, 0, 1], prefix: 48, reason: PRIVATE }, // local-use NAT64
  { bytes: [0x01, 0x00], prefix: 64, reason: RESERVED }, // discard-only
  { bytes: [0x20, 0x01, 0x0d, 0xb8], prefix: 32, reason: RESERVED }, // documentation
  { bytes: [0xfc], prefix: 7, reason: 'a unique-local (private) address' },
  { bytes: [0xfe, 0x80], prefix: 10, reason: 'a link-local address' },
  { bytes: [0xfe, 0xc0], prefix: 10, reason: 'a site-local (private) address' },
  { bytes: [0xff], prefix: 8, reason: 'a multicast address' },
];

function ipv4Reason(bytes: Uint8Array): string | null {
  for (const range of IPV4_RANGES) if (matchesPrefix(bytes, range.bytes, range.prefix)) return range.reason;
  return null;
}

function ipv6Reason(bytes: Uint8Array): string | null {
  for (const range of IPV6_RANGES) if (matchesPrefix(bytes, range.bytes, range.prefix)) return range.reason;
  return null;
}

/** The IPv4 address carried inside an IPv6 one by the usual transition schemes, if any. */
function embeddedIpv4(b: Uint8Array): Uint8Array | null {
  const zeros = (from: number, to: number) => b.subarray(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, not :: or ::1), ::ffff:0:a.b.c.d (translated)
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16);
  if (zeros(0, 12) && !zeros(12, 15)) return b.slice(12, 16);
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return b.slice(12, 16);
  // 64:ff9b::/96 (NAT64 well-known prefix)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12))
    return b.slice(12, 16);
  // 2002::/16 (6to4): the IPv4 address follows the prefix
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  // 2001:0::/32 (Teredo): the client's IPv4 address, inverted, ends the address
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0)
    return b.slice(12, 16).map((x) => ~x & 0xff);
  return null;
}

function isInAny(bytes: Uint8Array, list: readonly Cidr[]): boolean {
  for (const cidr of list) {
    if (cidr.bytes.length === bytes.length && matchesPrefix(bytes, cidr.bytes, cidr.prefix)) return true;
  }
  return false;
}

/** `network` may be shorter than `bytes`: missing bytes are zero. */
function matchesPrefix(bytes: Uint8Array, network: ArrayLike<number>, prefix: number): boolean {
  const full = prefix >> 3;
  for (let i = 0; i < full; i++) if ((bytes[i] ?? 0) !== (network[i] ?? 0)) return false;
  const rest = prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[full] ?? 0) & mask) === ((network[full] ?? 0) & mask);
}

/** 4 bytes for a dotted IPv4 address, 16 for IPv6 (zone id ignored), null otherwise. */
function ipBytes(text: string): Uint8Array | null {
  let ip = text.trim();
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const family = isIP(ip);
  if (family === 4) return Uint8Array.from(ip.split('.').map(Number));
  if (family !== 6) return null;

  let head = ip;
  let tailV4: number[] = [];
  const lastColon = ip.lastIndexOf(':');
  if (ip.slice(lastColon + 1).includes('.')) {
    tailV4 = ip
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = ip.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }
  const [left = '', right] = head.split('::') as [string, string | undefined];
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const leftGroups = groups(left);
  const rightGroups = right === undefined ? [] : groups(right);
  const missing = 8 - leftGroups.length - rightGroups.length;
  const all = [
    ...leftGroups,
    ...new Array<number>(right === undefined ? 0 : missing).fill(0),
    ...rightGroups,
  ];
  if (all.length !== 8) return null;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tailV4.length === 4) out.set(tailV4, 12);
  return out;
}

function formatIpv6(bytes: Uint8Array): string {
  // Let WHATWG URL produce the canonical compressed form.
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}
