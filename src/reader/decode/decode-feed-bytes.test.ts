import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFeedBytes } from './decode-feed-bytes.ts';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test('UTF-8 with a BOM: the BOM is dropped', () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('<rss>é</rss>')]);
  assert.deepEqual(decodeFeedBytes(bytes, null), { text: '<rss>é</rss>', encoding: 'utf-8', warnings: [] });
});

test('UTF-16LE and UTF-16BE with a BOM', () => {
  const text = '<?xml version="1.0" encoding="utf-16"?><rss>Ünïcode ☃</rss>';
  const le = new Uint8Array(2 + text.length * 2);
  const be = new Uint8Array(2 + text.length * 2);
  le.set([0xff, 0xfe]);
  be.set([0xfe, 0xff]);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    le[2 + 2 * i] = c & 0xff;
    le[3 + 2 * i] = c >> 8;
    be[2 + 2 * i] = c >> 8;
    be[3 + 2 * i] = c & 0xff;
  }
  assert.deepEqual(decodeFeedBytes(le, 'text/xml; charset=iso-8859-1'), {
    text,
    encoding: 'utf-16le',
    warnings: [],
  });
  assert.deepEqual(decodeFeedBytes(be, null), { text, encoding: 'utf-16be', warnings: [] });
});

test('UTF-16 without a BOM is sniffed from the first bytes', () => {
  const text = '<?xml version="1.0"?><rss/>';
  const le = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) le[2 * i] = text.charCodeAt(i);
  assert.equal(decodeFeedBytes(le, null).text, text);
});

test('windows-1252 declared in the prolog, including the 0x80–0x9F range (€, curly quotes)', () => {
  const head = utf8('<?xml version="1.0" encoding="windows-1252"?><title>');
  const bytes = new Uint8Array([
    ...head,
    0x80,
    0x20,
    0x93,
    0x68,
    0x69,
    0x94,
    0x20,
    0xe9,
    ...utf8('</title>'),
  ]);
  const decoded = decodeFeedBytes(bytes, null);
  assert.equal(decoded.encoding, 'windows-1252');
  assert.ok(decoded.text.endsWith('<title>€ “hi” é</title>'));
});

test('KOI8-R declared in the prolog', () => {
  // "Привет" in KOI8-R
  const word = [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4];
  const bytes = new Uint8Array([
    ...utf8('<?xml version="1.0" encoding="KOI8-R"?><title>'),
    ...word,
    ...utf8('</title>'),
  ]);
  const decoded = decodeFeedBytes(bytes, null);
  assert.equal(decoded.encoding, 'koi8-r');
  assert.ok(decoded.text.includes('<title>Привет</title>'));
});

test('the HTTP charset wins over the prolog', () => {
  const bytes = new Uint8Array([...utf8('<?xml version="1.0" encoding="utf-8"?><t>'), 0xe9, ...utf8('</t>')]);
  assert.ok(decodeFeedBytes(bytes, 'application/rss+xml; charset="ISO-8859-1"').text.includes('<t>é</t>'));
});

test('bytes claimed to be UTF-8 that are not fall back to windows-1252', () => {
  const bytes = new Uint8Array([
    ...utf8('<?xml version="1.0" encoding="utf-8"?><t>caf'),
    0xe9,
    0x20,
    0x80,
    ...utf8('</t>'),
  ]);
  assert.deepEqual(
    [decodeFeedBytes(bytes, null).encoding, decodeFeedBytes(bytes, null).text.slice(-13)],
    ['windows-1252', '<t>café €</t>'],
  );
});

test('a latin-1 label on valid UTF-8 reads as UTF-8', () => {
  const bytes = utf8('<?xml version="1.0" encoding="ISO-8859-1"?><t>테스트</t>');
  assert.ok(decodeFeedBytes(bytes, null).text.includes('<t>테스트</t>'));
});

test('HTML <meta charset> is honoured; unknown labels fall back to UTF-8; never throws', () => {
  const html = new Uint8Array([
    ...utf8('<html><head><meta charset="iso-8859-15"></head><p>'),
    0xa4,
    ...utf8('</p>'),
  ]);
  assert.ok(decodeFeedBytes(html, null).text.includes('<p>€</p>'));
  assert.equal(
    decodeFeedBytes(utf8('<?xml version="1.0" encoding="x-bogus"?><a>é</a>'), null).encoding,
    'utf-8',
  );
  assert.equal(decodeFeedBytes(utf8('<a>é</a>'), 'text/xml; charset=nonsense').text, '<a>é</a>');
  assert.equal(decodeFeedBytes(new Uint8Array([]), null).text, '');
  assert.equal(decodeFeedBytes(new Uint8Array([0xff, 0xfe, 0x00]), null).encoding, 'utf-16le');
});
