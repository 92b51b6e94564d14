// Search regexes in the database: the SQLite function is the JavaScript RegExp on the same values,
// and the PostgreSQL translation matches what the JavaScript RegExp matches, checked on a real
// PostgreSQL (VEILLE_TEST_DATABASE_URL) over a table of patterns and texts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testDatabaseKinds } from '../storage/test-databases.ts';
import {
  ASTRAL_CLASS,
  caseVariants,
  postgresRegex,
  REGEX_TEXT_LIMIT,
  REGEX_VALUE,
  regexText,
  sqliteRegexp,
} from './regex-sql.ts';

const PATTERNS: [string, string][] = [
  ['version \\d+\\.1\\d', 'i'],
  ['^Lo+l', 'i'],
  ['^Alice Dupont$', 'im'],
  ['^\\s*$', ''],
  ['Hello <span>world<\\/span>', ''],
  ['a.b', ''],
  ['a.b', 'i'],
  ['a[^x]b', ''],
  ['\\bcat\\b', ''],
  ['\\Bat', 'i'],
  ['^b', 'm'],
  ['a$', 'm'],
  ['a$', ''],
  ['é', 'i'],
  ['É+t', 'i'],
  ['[a-cé]+', 'i'],
  ['x{2,3}', ''],
  ['(foo|bar)baz', ''],
  ['a|', ''],
  ['\\W\\D\\S', ''],
  ['[\\d\\s]x', ''],
  ['[\\W]', ''],
  ['k', 'i'],
  ['s', 'i'],
  ['😀', ''],
  ['^.{3}$', ''],
  ['\\u00e9t\\x41', 'i'],
  ['[\\]\\-^]', ''],
  ['\\cJ', ''],
  ['a{', ''],
  ['}]', ''],
  ['\\p{L}', ''],
  ['(?:ab)*?c', ''],
  ['[^]', ''],
  ['ǅ', 'i'],
  ['ß', 'i'],
  ['\\w+@\\w+', 'i'],
  ['[.*+?(){}|$]', ''],
];

const TEXTS = [
  'Version 2.10 out',
  'version 3.19',
  'Lool',
  'LOOL x',
  'Alice Dupont',
  'x\nAlice Dupont\ny',
  'x\rAlice Dupont\u2028',
  '',
  '  \n ',
  '\u00a0\u3000',
  'Hello <span>world</span>',
  'a😀b',
  'aXb',
  'axb',
  'a\nb',
  'a\u2028b',
  'the cat sat',
  'concat',
  'bat',
  'x\nb',
  'a\r',
  'É',
  'éét',
  'ÉÉT',
  'ABCÉ',
  'xxx',
  'foobaz',
  'barbaz',
  'a-1 ',
  'Kelvin \u212a',
  'ſ',
  'S',
  '😀',
  'abc',
  'ab😀',
  'étA',
  'ÉTa',
  ']',
  '-',
  '^',
  '\n',
  'a{',
  '}]',
  'p{L}',
  'ababc',
  'c',
  'Ǆ',
  'ǆ',
  'SS',
  'ß',
  'ẞ',
  'me@host',
  '$',
  '(x)',
];

test('regex translation: what translates, and what is left to the in-process check', () => {
  assert.deepEqual(postgresRegex('^Lo+l', 'i'), { pattern: '^[Ll][Oo]+[Ll]', unitSensitive: false });
  assert.equal(postgresRegex('a.c', '')!.unitSensitive, true);
  for (const pattern of [
    '(a)\\1',
    '(?=a)',
    '(?<=a)b',
    '(?<n>a)',
    '\\0',
    '\\k',
    'a{300}',
    '[]',
    '[\\ud800]',
    '😀+',
  ])
    assert.equal(postgresRegex(pattern, ''), null, pattern);
});

test('regex translation: /i matches the letters JavaScript folds together, and no others', () => {
  // For every code unit: the units its /i class holds are the ones the RegExp accepts.
  for (let unit = 1; unit < 0x10000; unit++) {
    if (unit >= 0xd800 && unit <= 0xdfff) continue;
    const c = String.fromCharCode(unit);
    // A unit without case mappings is folded with no other one.
    if (c.toLowerCase() === c && c.toUpperCase() === c && caseVariants(unit).length === 1) continue;
    const re = new RegExp(`[\\u${unit.toString(16).padStart(4, '0')}]`, 'i');
    const variants = caseVariants(unit);
    for (const v of variants) assert.ok(re.test(String.fromCharCode(v)), `${unit} ~ ${v}`);
    for (const other of [c.toLowerCase(), c.toUpperCase()])
      if (other.length === 1)
        assert.equal(re.test(other), variants.includes(other.charCodeAt(0)), `${unit} vs ${other}`);
  }
});

for (const kind of testDatabaseKinds()) {
  test(
    `${kind.name}: regexes in the database match what the JavaScript RegExp matches`,
    { skip: kind.skip },
    async () => {
      const database = await kind.open();
      try {
        let translated = 0;
        for (const [pattern, flags] of PATTERNS) {
          const re = new RegExp(pattern, flags);
          if (kind.name === 'sqlite') {
            const { rows } = await sql<{ m: number }>`select veille_regexp(${pattern}, ${flags}, value,
            ${REGEX_VALUE.text}) as m from json_each(${JSON.stringify(TEXTS)}) order by key`.execute(
              database.db,
            );
            TEXTS.forEach((text, k) =>
              assert.equal(
                rows[k]!.m === 1,
                re.test(text),
                `/${pattern}/${flags} on ${JSON.stringify(text)}`,
              ),
            );
            continue;
          }
          const t = postgresRegex(pattern, flags);
          if (!t) continue;
          translated++;
          const { rows } = await sql<{ m: boolean; astral: boolean }>`select t ~ ${t.pattern} as m,
          t ~ ${ASTRAL_CLASS} as astral from unnest(${TEXTS}::text[]) with ordinality as u(t, n)
          order by n`.execute(database.db);
          TEXTS.forEach((text, k) => {
            // Text with characters outside the BMP goes to the process when the pattern is unit-sensitive.
            if (t.unitSensitive && rows[k]!.astral) return;
            assert.equal(
              rows[k]!.m,
              re.test(text),
              `/${pattern}/${flags} as ${JSON.stringify(t.pattern)} on ${JSON.stringify(text)}`,
            );
          });
        }
        if (kind.name === 'postgres')
          assert.ok(translated >= PATTERNS.length - 2, 'nearly every pattern translates');
      } finally {
        await database.dispose();
      }
    },
  );
}

test('sqlite: veille_regexp reads authors and tags as the evaluator does, one per line', async () => {
  const database = await testDatabaseKinds()[0]!.open();
  try {
    const run = async (pattern: string, flags: string, value: string | null, kind: number) =>
      (
        await sql<{ m: number }>`select veille_regexp(${pattern}, ${flags}, ${value}, ${kind}) as m`.execute(
          database.db,
        )
      ).rows[0]!.m;
    const authors = JSON.stringify([{ name: 'Alice Dupont' }, { name: null }, { name: 'Bob' }]);
    assert.equal(await run('^Bob$', 'm', authors, REGEX_VALUE.authorsJson), 1);
    assert.equal(await run('Dupont\\nBob', '', authors, REGEX_VALUE.authorsJson), 1);
    assert.equal(await run('name', '', authors, REGEX_VALUE.authorsJson), 0);
    assert.equal(await run('^news$', 'm', '["a","news"]', REGEX_VALUE.tagsJson), 1);
    assert.equal(await run('^$', '', null, REGEX_VALUE.text), 1);
    assert.equal(await run('x', '', 'not json', REGEX_VALUE.tagsJson), 0);
  } finally {
    await database.dispose();
  }
});

test('regexes see the first REGEX_TEXT_LIMIT characters of a value, counted as PostgreSQL counts them', () => {
  const head = 'a'.repeat(REGEX_TEXT_LIMIT - 1);
  // (ok, not equal: a failure would print 100,000 characters.)
  const cut = (text: string, expected: string) => assert.ok(regexText(text) === expected, text.slice(-10));
  cut('short', 'short');
  cut(`${head}b`, `${head}b`);
  cut(`${head}bc`, `${head}b`);
  // A character outside the BMP is one character, two UTF-16 units; a lone surrogate is one.
  cut('😀'.repeat(REGEX_TEXT_LIMIT + 1), '😀'.repeat(REGEX_TEXT_LIMIT));
  cut(`${head}😀x`, `${head}😀`);
  cut(`\ud800${head}xy`, `\ud800${head}`);
  cut(`${head}\ud800\ud800`, `${head}\ud800`);
  const text = (pattern: string, value: string) => sqliteRegexp(pattern, '', value, REGEX_VALUE.text);
  assert.equal(text('b', `${head}bc`), 1);
  assert.equal(text('c', `${head}bc`), 0);
  assert.equal(text('b$', `${head}bc`), 1, '$ matches where the text is cut');
  // Authors and tags: the lines joined, then cut.
  const tags = JSON.stringify([head, 'zz']);
  assert.equal(sqliteRegexp('^a+$', 'm', tags, REGEX_VALUE.tagsJson), 1);
  assert.equal(sqliteRegexp('zz', '', tags, REGEX_VALUE.tagsJson), 0);
});
