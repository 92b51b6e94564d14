// Test support: a fixed set of entries and the search table run against them, both in process
// (evaluate-query.test.ts) and in SQL on SQLite and PostgreSQL (query-to-sql.test.ts).
import { entryIdAt } from '../storage/entries.ts';
import type { SearchContext } from './evaluate-query.ts';
import { parseSearchQuery } from './parse-query.ts';
import type { SearchableEntry } from './search-document.ts';

/** "Now" for every fixture search. */
export const FIXTURE_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const FIXTURE_LABELS = [
  { id: 1, name: 'my label' },
  { id: 2, name: 'my other label' },
  { id: 3, name: 'Étiquette' },
];

/** Saved queries by position (1-based) and name. */
export const FIXTURE_SAVED = [
  { name: 'UserQueryA', query: 'intitle:hello' },
  { name: 'My query', query: 'author:Bob' },
];

export const fixtureContext: SearchContext = {
  labels: FIXTURE_LABELS,
  savedQuery(ref) {
    const saved =
      'name' in ref ? FIXTURE_SAVED.find((s) => s.name === ref.name) : FIXTURE_SAVED[ref.position - 1];
    return saved ? parseSearchQuery(saved.query) : null;
  },
};

/** Feeds 1 and 2 are in category 10, feed 3 in category 20. */
export const FIXTURE_FEED_CATEGORY: Record<number, number> = { 1: 10, 2: 10, 3: 20 };

let sequence = 0;
function entry(received: number, fields: Partial<SearchableEntry> & { feedId: number }): SearchableEntry {
  sequence++;
  return {
    id: entryIdAt(received) + sequence,
    categoryId: FIXTURE_FEED_CATEGORY[fields.feedId] ?? null,
    title: '',
    content: '',
    url: `https://example.org/${sequence}`,
    authors: [],
    tags: [],
    labelIds: [],
    language: null,
    publishedAt: received,
    modifiedAt: null,
    userChangedAt: null,
    ...fields,
  };
}

const y2014 = (month: number, day: number, hour = 12, minute = 0) =>
  Date.UTC(2014, month - 1, day, hour, minute);

export const FIXTURE_ENTRIES: SearchableEntry[] = [
  entry(y2014(2, 3, 22, 10), {
    feedId: 1,
    title: 'Hello world',
    content: '<p>Hello <span>world</span></p>',
    authors: ['Alice Dupont'],
    language: 'en',
  }),
  entry(y2014(2, 20), {
    feedId: 1,
    title: 'Lolcats',
    content: '<p>A keyword here</p>',
    authors: ['Bob'],
    tags: ['tag'],
    language: 'en',
  }),
  entry(y2014(3, 5), {
    feedId: 2,
    title: 'Two words apart',
    content: '<p>words two</p>',
    authors: ['Dupont'],
    tags: ['news'],
  }),
  entry(y2014(3, 30, 8), {
    feedId: 2,
    title: 'two words',
    content: '<p>Exactly two words</p>',
    authors: ['Dupond'],
    labelIds: [1],
  }),
  entry(y2014(4, 10), {
    feedId: 3,
    title: 'Loooool',
    content: '<p>A &amp; B together</p>',
    authors: ['Alice'],
    tags: ['tag with whitespace'],
    labelIds: [2],
  }),
  entry(y2014(5, 25, 23), {
    feedId: 3,
    title: 'Late May',
    content: '',
    authors: ['Carol'],
    labelIds: [1, 2],
  }),
  entry(y2014(5, 30, 13, 30), {
    feedId: 1,
    title: 'hello again',
    content: '<p>   </p>',
    authors: ['Bob'],
    language: 'en',
  }),
  entry(y2014(6, 1), {
    feedId: 2,
    title: 'Les développeurs',
    content: '<p>Un article pour les développeurs web.</p>',
    language: 'fr',
    authors: ['Émile Zola'],
    labelIds: [3],
  }),
  entry(y2014(6, 2), {
    feedId: 2,
    title: 'Le développeur',
    content: '<p>Un seul développeur.</p>',
    language: 'fr-CA',
  }),
  entry(y2014(6, 3), {
    feedId: 1,
    title: 'Crème brûlée',
    content: '<p>La recette de la crème brûlée</p>',
    language: 'fr',
  }),
  entry(y2014(6, 4), { feedId: 3, title: '北京天安门', content: '<p>我爱北京天安门</p>', language: 'zh' }),
  entry(y2014(6, 5), { feedId: 3, title: '東京都', content: '<p>東京都に住んでいる</p>', language: 'ja' }),
  entry(y2014(7, 1), {
    feedId: 1,
    title: 'Running dogs',
    content: '<p>The dogs were running fast</p>',
    language: 'en',
    url: 'https://blog.example.com/run',
  }),
  // Characters outside the BMP: a JavaScript regex sees each as two code units.
  entry(y2014(7, 1, 14), { feedId: 2, title: 'Emoji 😀 day', content: '<p>Smile 😀 here</p>' }),
  entry(y2014(7, 2), {
    feedId: 2,
    title: 'A (bracketed) title',
    content: '<p>a (b) literal</p>',
    url: 'https://other.test/a',
  }),
  entry(y2014(12, 31, 23, 59), {
    feedId: 3,
    title: 'End of year',
    content: '<p>keyword keyword</p>',
    tags: ['Hello World', 'misc'],
  }),
  entry(Date.UTC(2019, 5, 1), { feedId: 1, title: 'From 2019', content: '<p>old news</p>', tags: ['news'] }),
  entry(Date.UTC(2024, 2, 1), {
    feedId: 2,
    title: 'From 2024',
    content: '<p>hello</p>',
    publishedAt: Date.UTC(2024, 1, 1),
  }),
  entry(FIXTURE_NOW - 400 * DAY, { feedId: 3, title: 'Over a year ago', content: '<p>x</p>' }),
  entry(FIXTURE_NOW - 45 * DAY, {
    feedId: 1,
    title: 'Six weeks ago',
    content: '<p>x marks</p>',
    publishedAt: FIXTURE_NOW - 50 * DAY,
  }),
  entry(FIXTURE_NOW - 10 * DAY, {
    feedId: 2,
    title: 'Ten days ago',
    content: '<p>intitle is not here</p>',
    publishedAt: FIXTURE_NOW - 2 * DAY,
    modifiedAt: FIXTURE_NOW - 20 * HOUR,
  }),
  entry(FIXTURE_NOW - 3 * DAY, {
    feedId: 3,
    title: 'Three days ago',
    content: '<p>world</p>',
    authors: ['Bob', 'Alice'],
    userChangedAt: FIXTURE_NOW - 30 * 60_000,
  }),
  entry(FIXTURE_NOW - 2 * HOUR, {
    feedId: 1,
    title: 'Two hours ago',
    content: '<p>hello</p>',
    userChangedAt: FIXTURE_NOW - 3 * HOUR,
    labelIds: [3],
  }),
  entry(FIXTURE_NOW - 20 * 60_000, {
    feedId: 2,
    title: 'Twenty minutes ago',
    content: '<p>fresh</p>',
    modifiedAt: FIXTURE_NOW - 5 * 60_000,
  }),
  entry(FIXTURE_NOW - 60_000, {
    feedId: 3,
    title: 'One minute ago',
    content: '<p>fresher</p>',
    authors: ['Alice Dupont'],
  }),
];

/** Every query of the comparison table: FreshRSS's documented examples plus harder cases. */
export const FIXTURE_QUERIES: string[] = [
  'keyword',
  "'two words'",
  '"two words"',
  "'A & B'",
  'intitle:keyword',
  "intitle:'two words'",
  'intext:keyword',
  'inurl:example.org',
  'inurl:EXAMPLE.com',
  'author:Dupont',
  "author:'alice dupont'",
  '#tag',
  '#tag+with+whitespace',
  "#'tag with whitespace'",
  'f:1',
  'f:1,3',
  'c:10',
  'c:20,30',
  'L:1',
  'L:1,2',
  'L:*',
  'label:"my label"',
  'labels:"my label,my other label"',
  'label:"my label" label:"my other label"',
  'label:etiquette',
  'pubdate:2024',
  'mdate:P1D',
  'userdate:PT1H',
  'search:UserQueryA',
  'search:"My query"',
  'S:2',
  'S:1,2',
  'search:UserQueryA date:P1d',
  'date:2014-03-30',
  'date:2014-03',
  'date:201403',
  'date:2014',
  'date:2014-05-30T13',
  'date:2014-05-30T13:30',
  'date:2014-02/2014-04',
  'date:2014-02--2014-04',
  'date:2014-02/04',
  'date:2014-02-03/05',
  'date:2014-02-03T22:00/22:15',
  'date:2014-02-03T22:00/15',
  'date:2014-03/',
  'date:/2014-03',
  'date:2014-03/P1W',
  'date:P1W/2014-05-25T23:59:59',
  'date:P1Y',
  'date:P2M/',
  'date:P3W/',
  'date:P4D/',
  'date:PT5H/',
  'date:PT30M/',
  'date:PT90S/',
  'date:P1DT1H/',
  '!date:P1M',
  'date:P1Y !date:P1M',
  '!f:2',
  '-author:Bob',
  '-intitle:hello',
  '-inurl:example.org',
  '-#tag',
  '!keyword',
  '!date:2019',
  '!date:P1W',
  '!pubdate:P3d/',
  '!c:10',
  '!L:*',
  '!label:"my label"',
  'author:Dupont OR author:Dupond',
  '(author:Alice OR intitle:hello) (author:Bob OR intitle:world)',
  '!((author:Alice intitle:hello) OR (author:Bob intitle:world))',
  '(author:Alice intitle:hello) !(author:Bob intitle:world)',
  '!(S:1 OR S:2)',
  '\\(bracketed\\)',
  '"a (b)"',
  'intitle:/^Lo+l/i',
  'author:/^Alice Dupont$/im',
  '#/^Hello World$/im',
  'intext:/^\\s*$/',
  '/Hello <span>world<\\/span>/',
  '!/hello/i f:1',
  '/Emoji .. day/',
  '/Emoji . day/',
  '!/l.t/ f:2',
  'intitle:/\\bdogs?\\b/i',
  '/D[^x]G/i',
  'intext:/^<p>[A-Z]\\w+ \\S/m',
  '/(?<=Lo)l|\\bcr[èe]me/i',
  'développeurs',
  'développeur',
  'developpeur',
  'creme brulee',
  'CRÈME',
  '北京',
  '天安门',
  '東京',
  'dog',
  'running',
  'run',
  '"dogs were running"',
  'hello OR world',
  '(hello OR world) !f:3',
  'hello world',
  'x',
];
