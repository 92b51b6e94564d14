import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryMatchesSearch, resolveSearchNode, type SearchContext } from './evaluate-query.ts';
import { parseSearchQuery } from './parse-query.ts';
import { FIXTURE_ENTRIES, FIXTURE_NOW, fixtureContext } from './search-fixtures.ts';

function titlesMatching(query: string): string[] {
  const node = resolveSearchNode(parseSearchQuery(query)!, fixtureContext);
  return FIXTURE_ENTRIES.filter((e) => entryMatchesSearch(node, e, FIXTURE_NOW)).map((e) => e.title);
}

const expectations: [string, string[]][] = [
  ['keyword', ['Lolcats', 'End of year']],
  ['"two words"', ['Two words apart', 'two words']],
  ["'A & B'", ['Loooool', 'A (bracketed) title']],
  ['intitle:keyword', []],
  ['inurl:EXAMPLE.com', ['Running dogs']],
  ['author:Dupont OR author:Dupond', ['Hello world', 'Two words apart', 'two words', 'One minute ago']],
  ["#'tag with whitespace'", ['Loooool']],
  ['#tag+with+whitespace', ['Loooool']],
  [
    'f:1,3 c:10',
    [
      'Hello world',
      'Lolcats',
      'hello again',
      'Crème brûlée',
      'Running dogs',
      'From 2019',
      'Six weeks ago',
      'Two hours ago',
    ],
  ],
  ['L:*', ['two words', 'Loooool', 'Late May', 'Les développeurs', 'Two hours ago']],
  ['label:"my label" label:"my other label"', ['Late May']],
  ['label:ETIQUETTE', ['Les développeurs', 'Two hours ago']],
  ['search:UserQueryA', ['Hello world', 'hello again']],
  ['!(S:1 OR S:2) f:1', ['Crème brûlée', 'Running dogs', 'From 2019', 'Six weeks ago', 'Two hours ago']],
  ['date:2014-02-03T22:00/15', ['Hello world']],
  ['date:P1W/2014-05-25T23:59:59', ['Late May']],
  ['date:2014-03/P1W', ['Two words apart']],
  ['date:P1Y !date:P1M', ['Six weeks ago']],
  ['date:PT30M/', ['Twenty minutes ago', 'One minute ago']],
  ['pubdate:2024', ['From 2024', 'Over a year ago']],
  ['mdate:P1D', ['Ten days ago', 'Twenty minutes ago']],
  ['userdate:PT1H', ['Three days ago']],
  ['intitle:/^Lo+l/i', ['Lolcats', 'Loooool']],
  ['#/^Hello World$/im', ['End of year']],
  ['intext:/^\\s*$/', ['Late May']],
  ['/Hello <span>world<\\/span>/', ['Hello world']],
  ['\\(bracketed\\)', ['A (bracketed) title']],
  ['développeurs', ['Les développeurs', 'Le développeur']],
  ['developpeur', ['Les développeurs', 'Le développeur']],
  ['CRÈME brulee', ['Crème brûlée']],
  ['北京', ['北京天安门']],
  ['東京', ['東京都']],
  ['run', ['Running dogs']],
  ['"dogs were running"', ['Running dogs']],
  ['(hello OR world) !f:3', ['Hello world', 'hello again', 'From 2024', 'Two hours ago']],
];

test('searches evaluated in process find what FreshRSS would', () => {
  for (const [query, titles] of expectations) assert.deepEqual(titlesMatching(query), titles, query);
});

test('saved queries that refer to themselves match nothing instead of looping', () => {
  const looping: SearchContext = { labels: [], savedQuery: () => parseSearchQuery('S:1 OR keyword') };
  const node = resolveSearchNode(parseSearchQuery('S:1')!, looping);
  const matched = FIXTURE_ENTRIES.filter((e) => entryMatchesSearch(node, e, FIXTURE_NOW)).map((e) => e.title);
  assert.deepEqual(matched, ['Lolcats', 'End of year']);
});
