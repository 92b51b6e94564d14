import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requiredLiterals } from './regex-literals.ts';

test('the literals every match of a regex contains', () => {
  const cases: [string, string[]][] = [
    ['version \\d+\\.1\\d', ['version ']],
    ['^Lo+l', []],
    ['Hello <span>world<\\/span>', ['Hello <span>world</span>']],
    ['colou?r', ['colo']],
    ['(ab|cd)efg', ['efg']],
    ['abc|def', []],
    ['[abc]+xyz{2,}', ['xyz']],
    ['\\bword\\b', ['word']],
    ['caf\u00e9 noir', ['caf', ' noir']],
    ['say "hello"', ['say ', 'hello']],
    ['a.b.c', []],
    ['\\(bracketed\\)', ['(bracketed)']],
    ['^\\s*$', []],
  ];
  for (const [pattern, expected] of cases) assert.deepEqual(requiredLiterals(pattern), expected, pattern);
});

test('a text a regex matches always contains its literals (case folded when /i)', () => {
  const samples: [string, string, string[]][] = [
    ['version \\d+\\.1\\d', 'i', ['Rust VERSION 1.12 is out', 'version 2.19', 'subversion 3.10!']],
    ['colou?r', '', ['color', 'colour', 'discoloured']],
    ['(ab|cd)+efg', '', ['abcdefg', 'cdefg']],
    ['x{0}yz', '', ['yz']],
    ['Hello <span>world<\\/span>', 'i', ['<p>HELLO <SPAN>WORLD</SPAN></p>']],
  ];
  for (const [pattern, flags, texts] of samples) {
    const re = new RegExp(pattern, flags);
    for (const text of texts) {
      assert.ok(re.test(text), `${pattern} should match ${text}`);
      for (const literal of requiredLiterals(pattern)) {
        const haystack = flags.includes('i') ? text.toLowerCase() : text;
        const needle = flags.includes('i') ? literal.toLowerCase() : literal;
        assert.ok(haystack.includes(needle), `${text} contains ${literal}`);
      }
    }
  }
});
