// Test support: a NewEntry whose identity, link, title, body and hash all derive from one key, as
// storage tests write them; the time, the language and anything else come from the caller.
import type { NewEntry } from '../model/new-entry.ts';

export function testNewEntry(
  key: string,
  fields: Pick<NewEntry, 'dateAt' | 'language'> & Partial<NewEntry>,
): NewEntry {
  return {
    guidKey: key,
    guid: key,
    url: `https://example.org/${key}`,
    title: `Title ${key}`,
    authors: [],
    content: `<p>${key}</p>`,
    summary: key,
    publishedAt: null,
    updatedAt: null,
    contentHash: `h-${key}`,
    enclosures: [],
    categories: [],
    thumbnail: null,
    ...fields,
  };
}
