// A URL as written in a feed, resolved against the base in effect. Without a usable base the
// URL is returned as written (trimmed); a URL that cannot be parsed is returned as written too.

export function resolveUrl(url: string, base: string | null): string {
  const trimmed = url.trim();
  if (trimmed === '') return trimmed;
  // Absolute URLs are kept exactly as written (no normalization to surprise identity keys).
  if (base === null || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(trimmed)) return trimmed;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

/** The URL if absolute (has a scheme), else null. */
export function absoluteUrlOrNull(url: string): string | null {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url.trim()) ? url.trim() : null;
}
