// Google Reader item ids. Veille's entry ids (reception µs, < 2^53) are the item ids: the short
// form is the decimal number, the long form `tag:google.com,2005:reader/item/<16 hex>`.
const LONG_PREFIX = 'tag:google.com,2005:reader/item/';

export function longItemId(id: number): string {
  return LONG_PREFIX + id.toString(16).padStart(16, '0');
}

/**
 * Parses any of the forms clients send back: long form (padded or not), bare 16 hex digits
 * (Reeder), or decimal (signed 64-bit allowed). Returns null for anything else or out of range.
 */
export function parseItemId(text: string): number | null {
  const s = text.trim();
  let value: bigint;
  if (s.toLowerCase().startsWith(LONG_PREFIX)) {
    const hex = s.slice(LONG_PREFIX.length);
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
    value = BigInt(`0x${hex}`);
  } else if (/^[0-9a-fA-F]{16}$/.test(s) && (s.startsWith('0') || /[a-fA-F]/.test(s))) {
    value = BigInt(`0x${s}`);
  } else if (/^-?[0-9]{1,20}$/.test(s)) {
    value = BigInt(s);
    if (value < 0n) value += 1n << 64n;
  } else {
    return null;
  }
  if (value < 1n || value > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(value);
}
