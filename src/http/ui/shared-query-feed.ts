// A shared user query as a feed: RSS 2.0 or Atom 1.0, written by hand. Every value goes through
// xmlText: escaped, and the characters XML 1.0 cannot carry (most control characters, lone
// surrogates) left out, so any stored title or content gives a well-formed document. Entry
// content is the sanitized HTML Veille stores, carried as escaped text.
import type { EntryView } from '../../storage/streams.ts';
import { safeHttpUrl } from '../views/safe-url.ts';

export interface SharedFeedInput {
  title: string;
  /** The shared page (HTML), absolute. */
  pageUrl: string;
  /** This document's own URL, absolute. */
  selfUrl: string;
  /** When the newest entry arrived, or now when there is none. */
  updated: number;
  entries: EntryView[];
}

// Tab, LF, CR and everything from U+0020 except the surrogates and U+FFFE/U+FFFF.
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(value: string): string {
  return value
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function entryGuid(e: EntryView): string {
  return `urn:veille:entry:${e.id}`;
}

function authorNames(e: EntryView): string[] {
  return e.authors.map((a) => a.name ?? '').filter(Boolean);
}

export function sharedQueryRss(input: SharedFeedInput): string {
  const items = input.entries.map((e) => {
    const link = safeHttpUrl(e.url);
    return [
      '    <item>',
      `      <title>${xmlText(e.title)}</title>`,
      link ? `      <link>${xmlText(link)}</link>` : '',
      `      <guid isPermaLink="false">${entryGuid(e)}</guid>`,
      `      <pubDate>${new Date(e.dateAt).toUTCString()}</pubDate>`,
      ...authorNames(e).map((name) => `      <dc:creator>${xmlText(name)}</dc:creator>`),
      ...e.categories.map((tag) => `      <category>${xmlText(tag)}</category>`),
      `      <source url="${xmlText(input.selfUrl)}">${xmlText(e.feedTitle)}</source>`,
      `      <description>${xmlText(e.content)}</description>`,
      '    </item>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '  <channel>',
    `    <title>${xmlText(input.title)}</title>`,
    `    <link>${xmlText(input.pageUrl)}</link>`,
    `    <description>${xmlText(input.title)}</description>`,
    `    <atom:link href="${xmlText(input.selfUrl)}" rel="self" type="application/rss+xml"/>`,
    `    <lastBuildDate>${new Date(input.updated).toUTCString()}</lastBuildDate>`,
    '    <generator>Veille</generator>',
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
}

export function sharedQueryAtom(input: SharedFeedInput): string {
  const entries = input.entries.map((e) => {
    const link = safeHttpUrl(e.url);
    const names = authorNames(e);
    return [
      '  <entry>',
      `    <id>${entryGuid(e)}</id>`,
      `    <title type="text">${xmlText(e.title)}</title>`,
      link ? `    <link rel="alternate" href="${xmlText(link)}"/>` : '',
      `    <published>${new Date(e.dateAt).toISOString()}</published>`,
      `    <updated>${new Date(e.dateAt).toISOString()}</updated>`,
      ...names.map((name) => `    <author><name>${xmlText(name)}</name></author>`),
      ...e.categories.map((tag) => `    <category term="${xmlText(tag)}"/>`),
      `    <content type="html">${xmlText(e.content)}</content>`,
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(input.pageUrl)}</id>`,
    `  <title type="text">${xmlText(input.title)}</title>`,
    `  <updated>${new Date(input.updated).toISOString()}</updated>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(input.pageUrl)}"/>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(input.selfUrl)}"/>`,
    '  <author><name>Veille</name></author>',
    '  <generator>Veille</generator>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
