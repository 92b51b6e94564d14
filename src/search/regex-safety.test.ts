// The guard against catastrophic backtracking: what it refuses (with the index, and through the
// parser the column, of the faulty piece), what it accepts, and a refused regex through the whole
// search as the stream page and the filter form parse it (a message, never an exception).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { pageSearchFor } from '../http/ui/search-query.ts';
import type { Schema } from '../storage/schema.ts';
import { checkFilterLines } from './apply-filter-actions.ts';
import { parseSearchQuery, SearchSyntaxError, searchQueryOrError } from './parse-query.ts';
import { REGEX_MAX_LENGTH, regexRefusal } from './regex-safety.ts';

const NESTED = 'a repeated group holding a quantifier (nested quantifiers) can make the search run forever';
const OVERLAP =
  'a repeated group whose alternatives can start with the same character can make the search run forever';
const BACK_REFERENCE = 'back-references (\\1, \\k<name>) are not accepted in a search';
const LOOKAROUND = 'a lookahead or lookbehind holding a quantifier can make the search run forever';
const COUNT = 'a group repeated more than 100 times is not accepted in a search';
const LENGTH = 'the regular expression is longer than 200 characters';

/** Pattern, index of the piece refused, reason. */
const refused: [string, number, string][] = [
  ['(a+)+$', 0, NESTED],
  ['(a|a)*b', 0, OVERLAP],
  ['(\\w+\\s?)*$', 0, NESTED],
  ['(.*a){20}', 0, NESTED],
  ['(a+)+', 0, NESTED],
  ['(a*)*', 0, NESTED],
  ['(a+){2,}', 0, NESTED],
  ['(?:\\w+\\s?)*', 0, NESTED],
  ['x(?<word>\\w+)+', 1, NESTED],
  ['^(?:(?:a+)b)+', 1, NESTED],
  ['((ab)+c)*', 0, NESTED],
  ['(a+){2}', 0, NESTED],
  ['(a?b)+?', 0, NESTED],
  ['(a|ab)*c', 0, OVERLAP],
  ['(?:x|y|X)+', 0, OVERLAP],
  ['((a|b)|a)+', 0, OVERLAP],
  ['(?:[ab]|c)+', 0, OVERLAP],
  ['(?:a|)+', 0, OVERLAP],
  ['(ǆ|ǅ)+', 0, OVERLAP],
  ['(a)\\1', 3, BACK_REFERENCE],
  ['(?<n>a)\\k<n>', 7, BACK_REFERENCE],
  ['\\1', 0, BACK_REFERENCE],
  ['(?=.*x)', 0, LOOKAROUND],
  ['(?<=a+)b', 0, LOOKAROUND],
  ['a(?!\\d{1,3})', 1, LOOKAROUND],
  ['b(?<!x?)', 1, LOOKAROUND],
  ['(?:ab){101}', 6, COUNT],
  ['(ab){1,500}', 4, COUNT],
  ['(ab){200,}', 4, COUNT],
  ['x'.repeat(REGEX_MAX_LENGTH + 1), REGEX_MAX_LENGTH, LENGTH],
];

/** Ordinary patterns, and a few that test the walker (escapes, classes, braces). */
const accepted: string[] = [
  '^Bug \\d+',
  'foo|bar',
  'colou?r',
  '[a-z]+ing\\b',
  '\\(x\\)',
  // A repeated group of fixed-length pieces has one way at most to match from a position.
  '(?:ab)+c',
  '(\\d{3})+',
  '(foo|bar)+x',
  '(?:a|b)*c',
  '(?:ab){2,100}',
  '(Re: )?Bug \\d+',
  'v\\d+\\.\\d+(\\.\\d+)?',
  '^Lo+l',
  '^\\s*$',
  '\\bdogs?\\b',
  'D[^x]G',
  '(?<=Lo)l|\\bcr[èe]me',
  '^<p>[A-Z]\\w+ \\S',
  'a{1,1000}',
  '[(+*]+x',
  '[\\]\\\\)]+x',
  '{foo}+ a{ ]+',
  '(?:\\d{4}-\\d{2})+',
  '\\u0041+\\x42*(?:\\.|,)+',
  '(?:\\(|\\[)+',
  '(?=x)a|(?!y)b',
  'x'.repeat(REGEX_MAX_LENGTH),
];

test('patterns that can backtrack catastrophically are refused, pointing at the faulty piece', () => {
  for (const [pattern, index, reason] of refused) {
    new RegExp(pattern); // valid JavaScript: refused for its cost only
    assert.deepEqual(regexRefusal(pattern), { index, reason }, pattern);
  }
});

test('ordinary patterns are accepted', () => {
  assert.ok(accepted.length >= 20);
  for (const pattern of accepted) {
    new RegExp(pattern, 'i');
    assert.equal(regexRefusal(pattern), null, pattern);
  }
});

test('the parser refuses them with a syntax error at the column of the faulty piece', () => {
  const throwsAt = (query: string, reason: string, column: number) =>
    assert.throws(
      () => parseSearchQuery(query),
      (e: unknown) =>
        e instanceof SearchSyntaxError &&
        e.position === column - 1 &&
        e.message === `search: ${reason} at column ${column}`,
      query,
    );
  // intitle:/ puts the pattern at offset 9.
  for (const [pattern, index, reason] of refused) throwsAt(`intitle:/${pattern}/i`, reason, 9 + index + 1);
  // "\/" in the query is one "/" in the pattern: columns are the query's.
  throwsAt('intitle:/a\\/(a+)+/', NESTED, 13);
  throwsAt(`/${'\\/'.repeat(150)}${'x'.repeat(60)}/`, LENGTH, 1 + 2 * 150 + 50 + 1);
  throwsAt('x OR -author:/^(a|ab)+$/m', OVERLAP, 16);
  for (const pattern of accepted) assert.ok(parseSearchQuery(`/${pattern}/i`), pattern);
});

test('a refused regex through the whole search gives the message, not an exception', async () => {
  const query = 'rust (intitle:/(\\w+\\s?)*$/ OR author:Bob)';
  const parsed = searchQueryOrError(query);
  assert.equal(parsed.ok, false);
  // The stream page's parsing (stream-page.tsx): a parse error is shown before anything is read.
  const unreachable = new Proxy({} as Kysely<Schema>, {
    get() {
      throw new Error('the database is not read for a search that does not parse');
    },
  });
  const page = await pageSearchFor(unreachable, 1, `  ${query} `);
  assert.equal(page.node, null);
  assert.deepEqual(page.error, { message: `${NESTED} at column 16`, position: 15 });
  assert.equal(query[page.error.position], '(');
  // Filter actions' textarea: the line is refused with the same message.
  assert.deepEqual(checkFilterLines(`intitle:ok\n${query}`), {
    searches: ['intitle:ok'],
    errors: [{ line: 2, search: query, message: `search: ${NESTED} at column 16` }],
  });
});

test('checking is quick, even for deeply nested patterns', () => {
  const patterns = [
    ...refused.map(([p]) => p),
    '('.repeat(100) + ')'.repeat(100),
    `${'(?:a|'.repeat(30)}b${')'.repeat(30)}+`,
  ];
  const start = performance.now();
  for (let k = 0; k < 20; k++) for (const p of patterns) regexRefusal(p);
  assert.ok(performance.now() - start < 1000);
});
