// URL checks shared by the sanitizer: every URL that leaves it is absolute, canonical (as the
// WHATWG URL parser, which browsers use, serializes it) and of an allowed scheme. Obfuscations such
// as `java\tscript:`, `JaVaScRiPt:` or leading control characters are undone by the parser itself
// before the scheme is compared, so what is checked is what a browser would follow.

export const LINK_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);
export const MEDIA_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

// What the URL parser strips anyway (C0 controls and space at both ends, tab/newline inside);
// done here too so that the protocol-relative test below sees the same string.
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const EDGE_CONTROLS = /^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;

/**
 * The absolute URL `raw` points to, or null when it must not be used: unparseable, relative with no
 * base, or of a scheme outside `schemes`. Protocol-relative URLs (`//host/x`) always become https.
 * With `base` null, relative URLs are dropped: inside Veille's pages they would point at Veille itself.
 */
export function safeAbsoluteUrl(raw: string, base: URL | null, schemes: ReadonlySet<string>): string | null {
  const cleaned = raw.replace(EDGE_CONTROLS, '').replace(TAB_OR_NEWLINE, '');
  if (cleaned === '') return null;
  let url: URL;
  try {
    if (/^[\\/]{2}/.test(cleaned)) url = new URL('https:' + cleaned);
    else url = base ? new URL(cleaned, base) : new URL(cleaned);
  } catch {
    return null;
  }
  if (!schemes.has(url.protocol)) return null;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname === '') return null;
  return url.href;
}

const DESCRIPTOR = /^(?:\d+w|\d*\.?\d+x|\d+h)?$/;

/**
 * A srcset with every candidate URL made absolute and checked against `schemes`; candidates that
 * fail are left out. Null when no candidate is left.
 */
export function safeSrcset(raw: string, base: URL | null, schemes: ReadonlySet<string>): string | null {
  const candidates: string[] = [];
  let i = 0;
  const n = raw.length;
  while (i < n) {
    while (i < n && (raw[i] === ',' || /\s/.test(raw[i] ?? ''))) i++;
    if (i >= n) break;
    let end = i;
    while (end < n && !/\s/.test(raw[end] ?? '')) end++;
    let url = raw.slice(i, end);
    i = end;
    let descriptor: string | null = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      let descEnd = i;
      while (descEnd < n && raw[descEnd] !== ',') descEnd++;
      descriptor = raw.slice(i, descEnd).trim();
      i = descEnd;
    }
    if (!DESCRIPTOR.test(descriptor)) continue;
    descriptor = canonicalDescriptor(descriptor);
    if (descriptor === null) continue;
    const absolute = safeAbsoluteUrl(url, base, schemes);
    if (absolute === null) continue;
    // A comma or space inside a URL would split it differently when read back: encode them.
    const encoded = absolute.replace(/,/g, '%2C').replace(/\s/g, '%20');
    candidates.push(descriptor ? `${encoded} ${descriptor}` : encoded);
  }
  return candidates.length > 0 ? candidates.join(', ') : null;
}

/**
 * A descriptor as the HTML standard reads it: numbers in their shortest form (`1.50x` → `1.5x`,
 * `.5x` → `0.5x`, `0100w` → `100w`), a zero density left out, null for a zero width or height.
 */
function canonicalDescriptor(descriptor: string): string | null {
  if (descriptor === '') return '';
  const unit = descriptor.slice(-1);
  const value = Number(descriptor.slice(0, -1));
  if (unit === 'x') return value === 0 ? '' : `${value}x`;
  return value === 0 ? null : `${value}${unit}`;
}

/** `baseUrl` as a URL usable as a base, or null when it is absent or not http(s). */
export function httpBaseUrl(baseUrl: string | null): URL | null {
  if (baseUrl === null) return null;
  try {
    const url = new URL(baseUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
