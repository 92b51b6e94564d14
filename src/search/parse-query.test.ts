// Every example of FreshRSS's search documentation (shared/reference/freshrss-features.md §1.5)
// parsed to its AST, printed compactly; and malformed searches giving a positioned message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSearchQuery, printSearchNode, SearchSyntaxError, searchQueryOrError } from './parse-query.ts';

const examples: [string, string][] = [
  ['keyword', 'any:"keyword"'],
  ["'two words'", 'any:"two words"q'],
  ['"two words"', 'any:"two words"q'],
  ["'A & B'", 'any:"A & B"q'],
  ['intitle:keyword', 'title:"keyword"'],
  ["intitle:'composed keyword'", 'title:"composed keyword"q'],
  ['intext:keyword', 'content:"keyword"'],
  ['inurl:example.org', 'url:"example.org"'],
  ['author:name', 'author:"name"'],
  ["author:'composed name'", 'author:"composed name"q'],
  ['#tag', 'tag:"tag"'],
  ['#tag+with+whitespace', 'tag:"tag with whitespace"'],
  ["#'tag with whitespace'", 'tag:"tag with whitespace"q'],
  ['f:123', 'feed=123'],
  ['f:123,234,345', 'feed=123,234,345'],
  ['c:23', 'category=23'],
  ['c:23,34,45', 'category=23,34,45'],
  ['L:12', 'label=12'],
  ['L:12,13,14', 'label=12,13,14'],
  ['L:*', 'label=*'],
  ['label:"my label"', 'label-name="my label"'],
  ['labels:"my label,my other label"', 'label-name="my label","my other label"'],
  ['label:a label:b', '(and label-name="a" label-name="b")'],
  ['e:1639310674957894,1639310674957893', 'entry=1639310674957894,1639310674957893'],
  ['pubdate:2024', 'published[2024-01-01T00:00:00Z,2025-01-01T00:00:00Z)'],
  ['mdate:P1D', 'modified[now-P1D,)'],
  ['userdate:PT1H', 'user[now-PT1H,)'],
  ['search:myQuery', 'saved("myQuery")'],
  ['search:"My query"', 'saved("My query")'],
  ['S:3', 'saved(3)'],
  ['S:1,2', 'saved(1,2)'],
  ['search:UserQueryA date:P1d', '(and saved("UserQueryA") received[now-P1D,))'],
  ['date:2014-03-30', 'received[2014-03-30T00:00:00Z,2014-03-31T00:00:00Z)'],
  ['date:2014-03', 'received[2014-03-01T00:00:00Z,2014-04-01T00:00:00Z)'],
  ['date:201403', 'received[2014-03-01T00:00:00Z,2014-04-01T00:00:00Z)'],
  ['date:2014', 'received[2014-01-01T00:00:00Z,2015-01-01T00:00:00Z)'],
  ['date:2014-05-30T13', 'received[2014-05-30T13:00:00Z,2014-05-30T14:00:00Z)'],
  ['date:2014-05-30T13:30', 'received[2014-05-30T13:30:00Z,2014-05-30T13:31:00Z)'],
  ['date:2014-02/2014-04', 'received[2014-02-01T00:00:00Z,2014-05-01T00:00:00Z)'],
  ['date:2014-02--2014-04', 'received[2014-02-01T00:00:00Z,2014-05-01T00:00:00Z)'],
  ['date:2014-02/04', 'received[2014-02-01T00:00:00Z,2014-05-01T00:00:00Z)'],
  ['date:2014-02-03/05', 'received[2014-02-03T00:00:00Z,2014-02-06T00:00:00Z)'],
  ['date:2014-02-03T22:00/22:15', 'received[2014-02-03T22:00:00Z,2014-02-03T22:16:00Z)'],
  ['date:2014-02-03T22:00/15', 'received[2014-02-03T22:00:00Z,2014-02-03T22:16:00Z)'],
  ['date:2014-03/', 'received[2014-03-01T00:00:00Z,)'],
  ['date:/2014-03', 'received[,2014-04-01T00:00:00Z)'],
  ['date:2014-03/P1W', 'received[2014-03-01T00:00:00Z,2014-03-08T00:00:00Z)'],
  ['date:P1W/2014-05-25T23:59:59', 'received[2014-05-19T00:00:00Z,2014-05-26T00:00:00Z)'],
  ['date:P1Y', 'received[now-P1Y,)'],
  ['date:P2M/', 'received[now-P2M,)'],
  ['date:P3W/', 'received[now-P3W,)'],
  ['date:P4D/', 'received[now-P4D,)'],
  ['date:PT5H/', 'received[now-PT5H,)'],
  ['date:PT30M/', 'received[now-PT30M,)'],
  ['date:PT90S/', 'received[now-PT90S,)'],
  ['date:P1DT1H/', 'received[now-P1DT1H,)'],
  ['!date:P1M', '(not received[now-P1M,))'],
  ['date:P1Y !date:P1M', '(and received[now-P1Y,) (not received[now-P1M,)))'],
  ['!f:234', '(not feed=234)'],
  ['-author:name', '(not author:"name")'],
  ['-intitle:x', '(not title:"x")'],
  ['-inurl:x', '(not url:"x")'],
  ['-#tag', '(not tag:"tag")'],
  ['!keyword', '(not any:"keyword")'],
  ['!date:2019', '(not received[2019-01-01T00:00:00Z,2020-01-01T00:00:00Z))'],
  ['!date:P1W', '(not received[now-P1W,))'],
  ['!pubdate:P3d/', '(not published[now-P3D,))'],
  ['!c:45,56', '(not category=45,56)'],
  ['!L:*', '(not label=*)'],
  ['!e:1639310674957894', '(not entry=1639310674957894)'],
  ['!label:x', '(not label-name="x")'],
  ['author:Dupont OR author:Dupond', '(or author:"Dupont" author:"Dupond")'],
  [
    '(author:Alice OR intitle:hello) (author:Bob OR intitle:world)',
    '(and (or author:"Alice" title:"hello") (or author:"Bob" title:"world"))',
  ],
  [
    '!((author:Alice intitle:hello) OR (author:Bob intitle:world))',
    '(not (or (and author:"Alice" title:"hello") (and author:"Bob" title:"world")))',
  ],
  [
    '(author:Alice intitle:hello) !(author:Bob intitle:world)',
    '(and (and author:"Alice" title:"hello") (not (and author:"Bob" title:"world")))',
  ],
  ['!(S:1 OR S:2)', '(not (or saved(1) saved(2)))'],
  ['\\(foo\\)', 'any:"(foo)"'],
  ['"a (b)"', 'any:"a (b)"q'],
  ['intitle:/^Lo+l/i', 'title:/^Lo+l/i'],
  ['author:/^Alice Dupont$/im', 'author:/^Alice Dupont$/im'],
  ['#/^Hello World$/im', 'tag:/^Hello World$/im'],
  ['intext:/^\\s*$/', 'content:/^\\s*$/'],
  ['/Hello <span>world<\\/span>/', 'any:/Hello <span>world</span>/'],
  ['a or b', '(or any:"a" any:"b")'],
  ['oracle orange', '(and any:"oracle" any:"orange")'],
  ['foo:bar', 'any:"foo:bar"'],
];

test('every FreshRSS search example parses to the expected AST', () => {
  for (const [query, expected] of examples) {
    const node = parseSearchQuery(query);
    assert.ok(node, query);
    assert.equal(printSearchNode(node), expected, query);
  }
});

const malformed: [string, string, number][] = [
  ['(a', 'search: this "(" is never closed at column 1', 0],
  ['a)', 'search: this ")" has no "(" at column 2', 1],
  ['()', 'search: empty parentheses at column 1', 0],
  ['OR a', 'search: OR needs a search on each side at column 1', 0],
  ['a OR', 'search: a search is missing after OR at column 5', 4],
  ['"abc', 'search: the quote " is never closed at column 1', 0],
  ['f:abc', 'search: "f:" takes numbers separated by commas, not "abc" at column 3', 2],
  [
    'date:/P1M',
    'search: "/P…" (older than) is not supported, use !date:P… in the date "/P1M" at column 6',
    5,
  ],
  ['date:2014-13', 'search: an unknown date form in the date "2014-13" at column 6', 5],
  ['intitle:/abc', 'search: the regular expression is never closed with "/" at column 9', 8],
  ['/a(/', 'search: invalid regular expression /a(/ at column 1', 0],
  ['intitle:', 'search: a value is missing after "intitle:" at column 9', 8],
  ['date:foo', 'search: an unknown date form in the date "foo" at column 6', 5],
  ['/x/g', 'search: unknown regular expression flag "g" (only i and m) at column 4', 3],
  ['a (b OR ) c', 'search: nothing to search before ")" at column 9', 8],
  // Regexes that can backtrack catastrophically (regex-safety.ts).
  [
    'intitle:/(a+)+$/',
    'search: a repeated group holding a quantifier (nested quantifiers) can make the search run forever at column 10',
    9,
  ],
  [
    'x /(a|a)*b/i',
    'search: a repeated group whose alternatives can start with the same character can make the search run forever at column 4',
    3,
  ],
  ['/(a)\\1/', 'search: back-references (\\1, \\k<name>) are not accepted in a search at column 5', 4],
  [
    'intext:/x(?=.*y)/',
    'search: a lookahead or lookbehind holding a quantifier can make the search run forever at column 10',
    9,
  ],
  [
    '/(ab){2,500}/',
    'search: a group repeated more than 100 times is not accepted in a search at column 6',
    5,
  ],
  [`/${'a'.repeat(201)}/`, 'search: the regular expression is longer than 200 characters at column 202', 201],
];

test('malformed searches throw SearchSyntaxError with the column', () => {
  for (const [query, message, position] of malformed) {
    assert.throws(
      () => parseSearchQuery(query),
      (e: unknown) => e instanceof SearchSyntaxError && e.message === message && e.position === position,
      query,
    );
    const value = searchQueryOrError(query);
    assert.equal(value.ok, false, query);
  }
});

test('a blank search is no filter', () => {
  assert.equal(parseSearchQuery('   '), null);
  assert.deepEqual(searchQueryOrError(''), { ok: true, node: null });
});
