// Bytes → the one JSON line `veille parse --json` prints for them (also used by the conformance runner).
import { ParseError, parseFeedBytes } from '../reader/parse/parse-feed.ts';
import { parsedFeedToJson } from '../reader/parse/feed-to-json.ts';

export function feedToJsonLine(
  bytes: Uint8Array,
  options: { url: string | null; contentType: string | null },
): string {
  try {
    return JSON.stringify(parsedFeedToJson(parseFeedBytes(bytes, options)));
  } catch (err) {
    if (err instanceof ParseError) return JSON.stringify({ error: err.message });
    return JSON.stringify({
      error: `parse: unexpected failure: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
}
