// The client's address: the socket's, or — only when the socket belongs to a configured trusted
// reverse proxy — the nearest untrusted address of X-Forwarded-For.
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** `::ffff:1.2.3.4` → `1.2.3.4`, so that IPv4 networks match IPv4 clients on a dual-stack socket. */
function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/** A set of networks built from "10.0.0.0/8", "::1" …; throws "http: …" on a bad entry. */
export function trustedProxyList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const [address = '', prefixText] = text.split('/');
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
    if (!family || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128))
      throw new Error(`http: "${text}" in VEILLE_TRUSTED_PROXIES is not an address or network`);
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

export function isTrustedProxy(list: BlockList, address: string | null): boolean {
  if (!address) return false;
  const plain = plainAddress(address);
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** The TCP peer's address (no header is trusted here). */
export function socketAddress(c: Context<AppEnv>): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return address ? plainAddress(address) : null;
}

/** The client's address as far as it can be trusted. */
export function clientIp(c: Context<AppEnv>, proxies: BlockList): string | null {
  const socket = socketAddress(c);
  if (!isTrustedProxy(proxies, socket)) return socket;
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => plainAddress(s.trim()))
    .filter((s) => isIP(s) !== 0);
  // Walk from the nearest hop outwards, skipping our own proxies.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!isTrustedProxy(proxies, hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? socket;
}
