// Every URL written into a page goes through this: only http(s) URLs pass (`javascript:` passes
// every template engine's escaping, so it must be stopped here).
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}
