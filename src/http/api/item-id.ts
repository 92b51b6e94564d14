// Google Reader item ids. Veille's entry ids (reception µs, < 2^53) are the item ids: the short
// form is the decimal number, the long form `tag:google.com,2005:reader/item/<16 hex>`.
const LONG_PREFIX = 'tag:google.com,2005:reader/item/';

export function longItemId(id: number): string {
  return LONG_PREFIX + id.toString(16).padStart(16, '0');
}

/**
 * Parses any of the forms clients send back: long form (padded or not), bare 16 hex digits
 * (Reeder), or decimal (signed 64-bit allowed). Returns null for anything else or out of range.
 * Ids below 2^53 (all of Veille's) are read as plain numbers: exact, since every partial value
 * of the digits is below the whole; BigInt only for the rest (edit-tag sends 1,000 ids at once).
 */
export function parseItemId(text: string): number | null {
  const s = text.trim();
  let hex: string | null = null;
  if (s.length > LONG_PREFIX.length && s.slice(0, LONG_PREFIX.length).toLowerCase() === LONG_PREFIX) {
    hex = s.slice(LONG_PREFIX.length);
    if (!HEX.test(hex)) return null;
  } else if (s.length === 16 && HEX.test(s) && (s.startsWith('0') || /[a-fA-F]/.test(s))) {
    hex = s;
  }
  if (hex !== null) return inRange(parseInt(hex, 16));
  if (/^[0-9]{1,16}$/.test(s)) return inRange(Number(s));
  if (!/^-?[0-9]{1,20}$/.test(s)) return null;
  let value = BigInt(s);
  if (value < 0n) value += 1n << 64n;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? inRange(Number(value)) : null;
}

const HEX = /^[0-9a-fA-F]{1,16}$/;

function inRange(value: number): number | null {
  return value >= 1 && value <= Number.MAX_SAFE_INTEGER ? value : null;
}
