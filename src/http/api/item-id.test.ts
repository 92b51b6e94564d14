import assert from 'node:assert/strict';
import { test } from 'node:test';
import { longItemId, parseItemId } from './item-id.ts';

test('every item id form clients send maps to the same entry id', () => {
  const id = 1705042807944418;
  const long = longItemId(id);
  assert.equal(long, 'tag:google.com,2005:reader/item/00060eba36e4f4e2');
  assert.equal(parseItemId(long), id); // NetNewsWire, Capy Reader
  assert.equal(parseItemId('00060eba36e4f4e2'), id); // Reeder: bare 16 hex
  assert.equal(parseItemId(String(id)), id); // Read You, Fluent Reader, Liferea
  assert.equal(parseItemId('tag:google.com,2005:reader/item/2f2'), 0x2f2); // old NNW, unpadded
  assert.equal(parseItemId('-1'), null, 'two’s complement beyond 2^53 is not an entry id');
  assert.equal(parseItemId('x12'), null);
  assert.equal(parseItemId('0'), null);
});
