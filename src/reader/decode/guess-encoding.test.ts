import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFeedBytes } from './decode-feed-bytes.ts';
import { guessedEncoding } from './guess-encoding.ts';

const ascii = (s: string): number[] => [...new TextEncoder().encode(s)];

test('undeclared KOI8-R is recognised from its letters and flagged', () => {
  // "Привет, как дела" in KOI8-R.
  const koi8 = [
    0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x2c, 0x20, 0xcb, 0xc1, 0xcb, 0x20, 0xc4, 0xc5, 0xcc, 0xc1,
  ];
  const bytes = new Uint8Array([
    ...ascii('<rss><channel><title>'),
    ...koi8,
    ...ascii('</title></channel></rss>'),
  ]);
  const decoded = decodeFeedBytes(bytes, null);
  assert.equal(decoded.encoding, 'koi8-r');
  assert.ok(decoded.text.includes('<title>Привет, как дела</title>'));
  assert.match(decoded.warnings[0] ?? '', /no encoding declared/);
});

test('undeclared Shift_JIS and EUC-JP Japanese are told apart', () => {
  // "こんにちは" in Shift_JIS and in EUC-JP.
  const sjis = [0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd];
  const eucjp = [0xa4, 0xb3, 0xa4, 0xf3, 0xa4, 0xcb, 0xa4, 0xc1, 0xa4, 0xcf];
  assert.equal(guessedEncoding(new Uint8Array(sjis))?.name, 'shift_jis');
  assert.equal(guessedEncoding(new Uint8Array(eucjp))?.name, 'euc-jp');
});

test('text/xml without a charset is us-ascii when the bytes are ASCII, as RFC 3023 says', () => {
  const bytes = new Uint8Array(ascii('<?xml version="1.0" encoding="iso-8859-1"?><rss/>'));
  assert.equal(decodeFeedBytes(bytes, 'text/xml').encoding, 'us-ascii');
  assert.equal(decodeFeedBytes(bytes, 'application/xml').encoding, 'iso-8859-1');
  const utf8 = new Uint8Array(ascii('<?xml version="1.0" encoding="utf-8"?><rss>é</rss>'));
  const decoded = decodeFeedBytes(utf8, 'text/xml');
  assert.equal(decoded.text, '<?xml version="1.0" encoding="utf-8"?><rss>é</rss>');
  assert.match(decoded.warnings[0] ?? '', /without a charset/);
});

test('encoding names follow feedparser: gb2312 is read as gb18030, unknown labels are flagged', () => {
  const bytes = new Uint8Array([
    ...ascii('<rss><title>'),
    0xc4,
    0xe3,
    0xba,
    0xc3,
    ...ascii('</title></rss>'),
  ]);
  const decoded = decodeFeedBytes(bytes, "application/xml; charset='gb2312'");
  assert.equal(decoded.encoding, 'gb18030');
  assert.ok(decoded.text.includes('你好'));
  const bogus = decodeFeedBytes(new Uint8Array(ascii('<?xml version="1.0" encoding="bogus"?><rss/>')), null);
  assert.match(bogus.warnings.join(' '), /unknown encoding "bogus"/);
  assert.match(
    decodeFeedBytes(new Uint8Array(ascii('<rss/>')), 'text/plain').warnings[0] ?? '',
    /text\/plain/,
  );
});

test('windows-1252 characters written as C1 code points in UTF-8 are mapped back', () => {
  // "don" U+0092 "t": a curly apostrophe from windows-1252, re-encoded as a C1 control.
  const bytes = new Uint8Array([...ascii('<t>don'), 0xc2, 0x92, ...ascii('t</t>')]);
  assert.equal(decodeFeedBytes(bytes, null).text, '<t>don\u2019t</t>');
});
