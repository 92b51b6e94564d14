import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collapseWhitespace } from './plain-text-from-html.ts';

test('collapseWhitespace collapses ASCII whitespace runs and trims, keeping no-break spaces', () => {
  assert.equal(collapseWhitespace('  a \t\n b  '), 'a b');
  assert.equal(collapseWhitespace('a  b'), 'a b');
  assert.equal(collapseWhitespace('a\nb'), 'a b');
  assert.equal(collapseWhitespace('already clean'), 'already clean');
  assert.equal(collapseWhitespace('\u00a0kept\u00a0'), '\u00a0kept\u00a0');
  assert.equal(collapseWhitespace(' '), '');
  assert.equal(collapseWhitespace(''), '');
});
