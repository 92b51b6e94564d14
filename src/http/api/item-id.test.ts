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

test('ids at the edges of the exact range, in every form', () => {
  const max = Number.MAX_SAFE_INTEGER; // 2^53 - 1 = 0x1fffffffffffff
  assert.equal(parseItemId(String(max)), max);
  assert.equal(parseItemId(String(max + 1)), null);
  assert.equal(parseItemId('9999999999999999'), null, '16 decimal digits above 2^53');
  assert.equal(parseItemId('001fffffffffffff'), max);
  assert.equal(parseItemId('0020000000000000'), null);
  assert.equal(parseItemId(`tag:google.com,2005:reader/item/001fffffffffffff`), max);
  assert.equal(parseItemId(`TAG:google.com,2005:reader/item/001FFFFFFFFFFFFF`), max);
  assert.equal(parseItemId(`tag:google.com,2005:reader/item/ffffffffffffffff`), null);
  assert.equal(parseItemId(`tag:google.com,2005:reader/item/`), null);
  assert.equal(parseItemId(`tag:google.com,2005:reader/item/12g4`), null);
  assert.equal(parseItemId('18446744073709551615'), null, '2^64 - 1 is -1 signed');
  assert.equal(parseItemId('-18446744073709550000'), 1616, 'signed 64-bit: -(2^64 - 1616)');
  assert.equal(parseItemId(' 1705042807944418 '), 1705042807944418);
  assert.equal(parseItemId('1e5'), null);
  assert.equal(parseItemId(''), null);
});
