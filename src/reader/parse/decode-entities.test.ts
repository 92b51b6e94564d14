import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHTML } from 'entities';
import { decodedXmlEntities, decodeEntities } from './decode-entities.ts';

test('references decode as HTML reads them, fast path or not', () => {
  const samples = [
    'Tom &amp; Jerry',
    '&lt;p class=&quot;x&quot;&gt;it&apos;s&lt;/p&gt;',
    '&#233;t&#xE9; &#XE9; &#x1F600;',
    '&#150; is a C1 dash, &#0; is NUL, &#xD800; a lone surrogate',
    'bare & and &# and &#x; and &;',
    'legacy &amp and &lt without semicolons',
    '&nbsp;&eacute;&rsquo; &AMP; &notit;',
    '&#38;lt; stays &lt; once, &amp;lt; too, &#38;#60; too',
    '&#12345678901; is too long',
  ];
  for (const sample of samples) assert.equal(decodeEntities(sample), decodeHTML(sample), sample);

  // Random strings of reference pieces (a fixed seed, so a failure can be replayed).
  const pieces = [
    '&',
    'amp;',
    'lt;',
    'gt;',
    'quot;',
    'apos',
    '#',
    'x',
    '3',
    '8',
    '6',
    'F',
    ';',
    ' ',
    'nbsp;',
    '&#38;',
  ];
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  for (let i = 0; i < 20_000; i++) {
    let sample = '';
    const length = Math.floor(random() * 12);
    for (let j = 0; j < length; j++) sample += pieces[Math.floor(random() * pieces.length)];
    assert.equal(decodeEntities(sample), decodeHTML(sample), sample);
  }
});

test('decodedXmlEntities reads only XML entities and ASCII references', () => {
  assert.equal(decodedXmlEntities('a &amp;&lt;&#65;'), 'a &<A');
  assert.equal(decodedXmlEntities('no references'), 'no references');
  assert.equal(decodedXmlEntities('caf&eacute;'), null);
  assert.equal(decodedXmlEntities('caf&#233;'), null);
});

test('long texts with numeric references decode as decodeHTML reads them', () => {
  // Longer than 4 KB, as an escaped article body is.
  const long = '&lt;p&gt;caf&#233; &#x2019;quoted&#8217; &amp;amp; &#60;b&#62; & done&lt;/p&gt;\n'.repeat(
    500,
  );
  assert.equal(decodeEntities(long), decodeHTML(long));
  assert.equal(decodedXmlEntities('&#60;p&#62;'.repeat(1000)), '<p>'.repeat(1000));
});
