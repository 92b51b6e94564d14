import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from './escape-html.ts';

test('escapeHtml escapes & < > " and nothing else, in short and long texts', () => {
  assert.equal(escapeHtml('plain text'), 'plain text');
  assert.equal(escapeHtml(`Tom & "Jerry" <b>'s</b>`), "Tom &amp; &quot;Jerry&quot; &lt;b&gt;'s&lt;/b&gt;");
  assert.equal(escapeHtml('&amp;'), '&amp;amp;');
  // Longer than the 4 KB above which V8 caches a replace's matches: the same answer.
  const long = 'é <a href="x">&nbsp;</a> '.repeat(2000);
  assert.equal(escapeHtml(long), 'é &lt;a href=&quot;x&quot;&gt;&amp;nbsp;&lt;/a&gt; '.repeat(2000));
  // Parsing the escaped text as HTML gives the text back.
  const sample = '<p title="a&b">1 < 2 && 3 > 2</p>';
  assert.equal(
    escapeHtml(sample).replace(
      /&(amp|lt|gt|quot);/g,
      (_m, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[n] ?? '',
    ),
    sample,
  );
});
