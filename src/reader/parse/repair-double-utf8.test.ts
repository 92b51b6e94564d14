import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textWithoutDoubleUtf8 } from './repair-double-utf8.ts';
import { parseFeed } from './parse-feed.ts';

test('UTF-8 read as windows-1252 and encoded again is repaired', () => {
  assert.equal(textWithoutDoubleUtf8('CafÃ© crÃ¨me'), 'Café crème');
  assert.equal(textWithoutDoubleUtf8('Wait\u00e2\u20ac\u00a6'), 'Wait…');
  assert.equal(textWithoutDoubleUtf8('Itâ€™s'), 'It’s');
});

test('real Latin-1 text is left alone', () => {
  for (const text of ['Café crème', 'año»', 'Ã  la carte', 'naïve ½ £5', 'plain']) {
    assert.equal(textWithoutDoubleUtf8(text), text);
  }
});

test('a feed with double-encoded titles and entity-written mojibake reads cleanly', () => {
  const feed = parseFeed(
    '<rss version="2.0"><channel><title>CafÃ©</title><item><title>x</title><description>&#226;&#128;&#166;</description></item></channel></rss>',
    { url: null },
  );
  assert.equal(feed.title, 'Café');
  assert.equal(feed.entries[0]?.summary, '…');
});

test('mojibake written with a numeric reference is repaired even when the document has none', () => {
  const feed = parseFeed('<rss><channel><item><title>Caf&#195;&#169;</title></item></channel></rss>', {
    url: null,
  });
  assert.equal(feed.entries[0]?.title, 'Café');
});
