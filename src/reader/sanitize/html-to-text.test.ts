import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlToText } from './html-to-text.ts';
import { htmlToText as reExported } from './sanitize-entry-html.ts';

describe('htmlToText', () => {
  it('drops tags, decodes entities and collapses whitespace', () => {
    assert.equal(
      htmlToText(
        '  <p>Caf&eacute; &amp; <b>cr&#xE8;me</b>&nbsp;br&ucirc;l&eacute;e</p>\n\n<p>Second&#160;one</p> ',
      ),
      'Café & crème brûlée Second one',
    );
  });

  it('separates words at block boundaries and line breaks, not inside inline markup', () => {
    assert.equal(htmlToText('<p>one</p><p>two</p>three<br>four<li>five</li>'), 'one two three four five');
    assert.equal(htmlToText('in<b>line</b> <i>x</i>y'), 'inline xy');
  });

  it('ignores scripts, styles, svg, templates and comments', () => {
    assert.equal(
      htmlToText('a<script>var x = "<p>no</p>";</script>b<style>p{}</style>c<svg><text>no</text></svg>d<!-- no -->e<template>no</template>'),
      'abcde',
    ); // prettier-ignore
  });

  it('decodes escaped markup into its text, which the UI escapes again', () => {
    assert.equal(htmlToText('&lt;script&gt;alert(1)&lt;/script&gt;'), '<script>alert(1)</script>');
  });

  it('returns an empty string for empty or markup-only input', () => {
    assert.equal(htmlToText(''), '');
    assert.equal(htmlToText('<p> </p><img src="x">'), '');
  });

  it('cuts to maxLength at a word boundary with an ellipsis', () => {
    const text = htmlToText('<p>The quick brown fox jumps over the lazy dog</p>', 20);
    assert.equal(text, 'The quick brown fox…');
    assert.ok(text.length <= 20);
    assert.equal(htmlToText('<p>short</p>', 20), 'short');
    assert.equal(htmlToText('exactly ten', 11), 'exactly ten');
    assert.equal(htmlToText('abcdefghijklmnopqrstuvwxyz', 10), 'abcdefghi…');
  });

  it('never cuts a surrogate pair in half', () => {
    const text = htmlToText('😀😀😀😀😀😀', 6);
    assert.equal(text, '😀😀…');
    assert.doesNotMatch(text, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('cuts a huge document to the summary length', () => {
    const huge = '<p>' + 'word '.repeat(2_000_000) + '</p>';
    const summary = htmlToText(huge, 200);
    assert.ok(summary.length <= 200 && summary.endsWith('…'));
    assert.match(summary, /^word word /);
  });

  it('is also exported next to sanitizeEntryHtml', () => {
    assert.equal(reExported('<b>x</b>'), 'x');
  });
});

describe('htmlToText with a limit on a long document', () => {
  it('gives the beginning of the full text, whatever the limit', () => {
    const paragraph = (i: number) =>
      `<p>Paragraph ${i}: caf&eacute; <b>bold&nbsp;words</b> &amp; <a href="/x">a link</a> — ` +
      `${'lorem ipsum '.repeat(i % 7)}<!-- note --> end.</p>\n`;
    const html = Array.from({ length: 400 }, (_, i) => paragraph(i)).join('');
    const full = htmlToText(html);
    assert.ok(full.length > 20_000);
    for (const limit of [10, 99, 500, 1023, 1024, 1025, 4000, 19_999]) {
      const short = htmlToText(html, limit);
      assert.ok(short.length <= limit, `${limit}: ${short.length}`);
      assert.ok(short.endsWith('…'), String(limit));
      assert.ok(full.startsWith(short.slice(0, -1).trimEnd()), String(limit));
      assert.ok(short.length >= limit * 0.6, `${limit}: cut too short (${short.length})`);
    }
  });
});
