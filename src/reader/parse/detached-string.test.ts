import assert from 'node:assert/strict';
import test from 'node:test';
import { detachedOrNull, detachedString } from './detached-string.ts';

test('detachedString keeps the characters of short, long and non-ASCII strings', () => {
  const doc = 'x'.repeat(1000) + '<title>Un été à Paris — 18 novembre</title>' + 'y'.repeat(1000);
  const title = doc.slice(1007, doc.indexOf('</title>'));
  assert.equal(detachedString(title), 'Un été à Paris — 18 novembre');
  assert.equal(detachedString('short'), 'short');
  assert.equal(detachedString(''), '');
  assert.equal(detachedOrNull(null), null);
  assert.equal(detachedOrNull(title), title);
});
