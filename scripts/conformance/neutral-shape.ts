// The JSON `veille parse --json` prints → the neutral shape of tools/fp_oracle.py (feedparser's
// view), so that checks translated from feedparser's tests and oracle outputs can be read against it.

interface PersonJson {
  name: string | null;
  email: string | null;
  uri: string | null;
}

export interface CliEntryJson {
  id: string | null;
  title: string | null;
  link: string | null;
  published: string | null;
  updated: string | null;
  authors: { name: string | null; email: string | null; uri: string | null }[];
  summary: string | null;
  content: string | null;
  enclosures: { url: string; type: string | null; length: number | null }[];
  categories: string[];
  comments: string | null;
  language: string | null;
  image: string | null;
  contributors: PersonJson[];
  media: { url: string; type: string | null; medium: string | null }[];
  itunes: { explicit: boolean | null; block: boolean | null; image: string | null } | null;
  source: { title: string | null; url: string | null } | null;
}

export interface CliFeedJson {
  format: string;
  encoding: string | null;
  warnings: string[];
  title: string | null;
  link: string | null;
  subtitle: string | null;
  language: string | null;
  updated: string | null;
  image: string | null;
  authors: PersonJson[];
  contributors: PersonJson[];
  categories: string[];
  itunes: { explicit: boolean | null; block: boolean | null; image: string | null } | null;
  entries: CliEntryJson[];
}

/** ISO with milliseconds → feedparser's 'YYYY-MM-DDTHH:MM:SSZ'. */
function secondIso(iso: string | null): string | null {
  return iso === null ? null : iso.replace(/\.\d{3}Z$/, 'Z');
}

export function neutralShapeOf(feed: CliFeedJson): Record<string, unknown> {
  return {
    format: feed.format,
    bozo: feed.warnings.length > 0,
    warnings: feed.warnings,
    encoding: feed.encoding,
    feed: {
      title: feed.title,
      link: feed.link,
      subtitle: feed.subtitle,
      language: feed.language,
      updated: secondIso(feed.updated),
      image: feed.image === null ? null : { url: feed.image },
      authors: feed.authors,
      contributors: feed.contributors,
      categories: feed.categories.map((term) => ({ term, scheme: null, label: null })),
      itunes: itunesShape(feed.itunes),
    },
    entries: feed.entries.map((e) => ({
      id: e.id,
      title: e.title,
      link: e.link,
      // feedparser copies the content into summary when there is no summary element (not the
      // oracle's JSON Feed mapper).
      summary: feed.format.startsWith('json') ? e.summary : (e.summary ?? e.content),
      content: e.content === null ? [] : [{ type: 'text/html', value: e.content }],
      published: secondIso(e.published),
      updated: secondIso(e.updated),
      authors: e.authors,
      categories: e.categories.map((term) => ({ term, scheme: null, label: null })),
      enclosures: e.enclosures.map((x) => ({
        url: x.url,
        type: x.type,
        length: x.length === null ? null : String(x.length),
      })),
      comments: e.comments,
      language: e.language,
      image: e.image,
      contributors: e.contributors,
      itunes: itunesShape(e.itunes),
      source:
        e.source === null
          ? null
          : {
              title: e.source.title,
              link: e.source.url,
              links: e.source.url === null ? [] : [{ rel: 'alternate', href: e.source.url }],
            },
      media: { thumbnails: e.image === null ? [] : [{ url: e.image }], content: e.media },
    })),
  };
}

/** feedparser keeps itunes_explicit, itunes_block and itunes_image flat; fp_oracle nests them. */
function itunesShape(
  itunes: { explicit: boolean | null; block: boolean | null; image: string | null } | null,
): Record<string, unknown> | null {
  if (itunes === null) return null;
  return { explicit: itunes.explicit, block: itunes.block, image: itunes.image };
}

const PATH_TOKEN = /([^.[\]]+)|\[(-?\d+)\]/g;

/** `entries[0].authors[1].name` → the value there, or null when any step is missing. */
export function valueAtPath(doc: unknown, path: string): unknown {
  if (path === '') return doc;
  let current: unknown = doc;
  for (const match of path.matchAll(PATH_TOKEN)) {
    if (match[1] !== undefined) {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
      const record = current as Record<string, unknown>;
      if (!(match[1] in record)) return null;
      current = record[match[1]];
    } else {
      const index = Number(match[2]);
      if (!Array.isArray(current) || index < -current.length || index >= current.length) return null;
      current = current[index < 0 ? current.length + index : index];
    }
  }
  return current;
}
