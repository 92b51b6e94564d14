// ParsedFeed → the JSON printed by `veille parse --json` (and measured by `npm run conformance`):
// stable keys, ISO 8601 UTC dates.

import type { ParsedFeed } from '../../model/parsed-feed.ts';

export function parsedFeedToJson(feed: ParsedFeed): object {
  return {
    format: feed.version ?? feed.format,
    encoding: feed.encoding ?? null,
    warnings: [...(feed.warnings ?? [])],
    title: feed.title,
    link: feed.link,
    subtitle: feed.subtitle,
    language: feed.language,
    updated: isoOrNull(feed.updated),
    image: feed.image,
    entries: feed.entries.map((entry) => ({
      id: entry.id,
      title: entry.title,
      link: entry.link,
      published: isoOrNull(entry.published),
      updated: isoOrNull(entry.updated),
      authors: entry.authors.map((a) => ({ name: a.name, email: a.email, uri: a.uri })),
      summary: entry.summary,
      content: entry.content,
      enclosures: entry.enclosures.map((e) => ({ url: e.url, type: e.type, length: e.length })),
      categories: [...entry.categories],
      comments: entry.comments,
      language: entry.language,
      image: entry.image,
    })),
  };
}

function isoOrNull(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
