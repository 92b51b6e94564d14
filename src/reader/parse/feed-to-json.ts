// ParsedFeed → the JSON printed by `veille parse --json` (and measured by `npm run conformance`):
// stable keys, ISO 8601 UTC dates.

import type { ParsedFeed, ParsedPerson } from '../../model/parsed-feed.ts';

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
    authors: (feed.authors ?? []).map(personJson),
    contributors: (feed.contributors ?? []).map(personJson),
    categories: [...(feed.categories ?? [])],
    itunes: feed.itunes ? { ...feed.itunes, categories: [...feed.itunes.categories] } : null,
    entries: feed.entries.map((entry) => ({
      id: entry.id,
      title: entry.title,
      link: entry.link,
      published: isoOrNull(entry.published),
      updated: isoOrNull(entry.updated),
      authors: entry.authors.map(personJson),
      contributors: (entry.contributors ?? []).map(personJson),
      summary: entry.summary,
      content: entry.content,
      enclosures: entry.enclosures.map((e) => ({ url: e.url, type: e.type, length: e.length })),
      categories: [...entry.categories],
      comments: entry.comments,
      language: entry.language,
      image: entry.image,
      media: (entry.media ?? []).map((m) => ({
        url: m.url,
        type: m.type,
        medium: m.medium,
        width: m.width,
        height: m.height,
        duration: m.duration,
      })),
      itunes: entry.itunes ? { ...entry.itunes } : null,
      source: entry.source ? { title: entry.source.title, url: entry.source.url } : null,
    })),
  };
}

function personJson(p: ParsedPerson): { name: string | null; email: string | null; uri: string | null } {
  return { name: p.name, email: p.email, uri: p.uri };
}

function isoOrNull(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
