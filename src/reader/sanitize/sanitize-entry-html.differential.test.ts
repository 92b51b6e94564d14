// The sanitizer against its reference: sanitize-html with the same rules
// (sanitize-entry-html-reference.ts), over the HTML of ../shared/corpus (real pages, the entries of
// real feeds, feedparser's hostile sanitizer fragments; skipped when absent) and the XSS vectors.
// The output must be safe whatever the reference did, and show the same text; the outputs are
// expected to be identical, and any difference is listed in the failure message. The text that
// sanitizeEntryHtmlWithText gives is checked against the search index's reading of the output.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseFeedBytes } from '../parse/parse-feed.ts';
import { htmlSafetyProblems } from './html-safety-problems.ts';
import { htmlToText, VisibleTextCollector } from './html-to-text.ts';
import { sanitizeEntryHtmlReference } from './sanitize-entry-html-reference.ts';
import { sanitizeEntryHtml, sanitizeEntryHtmlWithText } from './sanitize-entry-html.ts';
import { textOfHtml } from '../../search/search-document.ts';

const CORPUS = new URL('../../../../shared/corpus/', import.meta.url);
const HTML_PAGES = new URL('realworld/html/', CORPUS);
const FEEDS = new URL('realworld/feeds/', CORPUS);
const FEEDPARSER_SANITIZE = new URL('feedparser-tests/wellformed/sanitize/', CORPUS);

interface Sample {
  name: string;
  html: string;
  baseUrl: string | null;
}

function pageSamples(): Sample[] {
  return readdirSync(HTML_PAGES)
    .sort()
    .map((file) => ({
      name: `html/${file}`,
      html: readFileSync(new URL(file, HTML_PAGES), 'utf8'),
      baseUrl: 'https://example.org/page/',
    }));
}

function feedSamples(directory: URL, prefix: string): Sample[] {
  const samples: Sample[] = [];
  for (const file of readdirSync(directory).sort()) {
    let feed;
    try {
      feed = parseFeedBytes(readFileSync(new URL(file, directory)), {
        url: 'https://example.org/feed',
        contentType: null,
      });
    } catch {
      continue;
    }
    feed.entries.forEach((entry, i) => {
      for (const html of [entry.content, entry.summary]) {
        if (html) samples.push({ name: `${prefix}/${file}#${i}`, html, baseUrl: entry.base ?? feed.link });
      }
    });
  }
  return samples;
}

/** Runs both sanitizers over `samples`; fails on any unsafe output or changed text. */
function compare(samples: readonly Sample[]): { identical: number; differences: string[] } {
  let identical = 0;
  const differences: string[] = [];
  for (const sample of samples) {
    const output = sanitizeEntryHtml(sample.html, { baseUrl: sample.baseUrl });
    const reference = sanitizeEntryHtmlReference(sample.html, { baseUrl: sample.baseUrl });
    assert.deepEqual(htmlSafetyProblems(output), [], `${sample.name}: ${sample.html}\n→ ${output}`);
    assert.equal(htmlToText(output), htmlToText(reference), sample.name);
    // The text the refresh indexes comes from the sanitizer's own walk: what reading the output gives.
    // So does the summary, read from the same walk: what htmlToText of the source gives.
    const summary = new VisibleTextCollector(500);
    const withText = sanitizeEntryHtmlWithText(sample.html, { baseUrl: sample.baseUrl, summary });
    assert.equal(withText.html, output, sample.name);
    assert.equal(withText.text, textOfHtml(output), sample.name);
    assert.equal(summary.result(), htmlToText(sample.html, 500), sample.name);
    if (output === reference) identical++;
    else differences.push(`${sample.name}:\n  new: ${output}\n  ref: ${reference}`);
  }
  return { identical, differences };
}

describe('sanitizeEntryHtml = sanitize-html with the same rules', () => {
  it('on real HTML pages', (t) => {
    if (!existsSync(HTML_PAGES)) {
      t.skip('../shared/corpus/realworld/html is absent');
      return;
    }
    const result = compare(pageSamples());
    assert.deepEqual(result.differences, []);
    assert.ok(result.identical >= 10);
  });

  it('on the entries of real feeds', (t) => {
    if (!existsSync(FEEDS)) {
      t.skip('../shared/corpus/realworld/feeds is absent');
      return;
    }
    const samples = feedSamples(FEEDS, 'feeds');
    const result = compare(samples);
    assert.deepEqual(result.differences, []);
    assert.ok(result.identical > 1000, `only ${result.identical} entries`);
  });

  it('on feedparser’s hostile sanitizer feeds', (t) => {
    if (!existsSync(FEEDPARSER_SANITIZE)) {
      t.skip('../shared/corpus/feedparser-tests is absent');
      return;
    }
    const result = compare(feedSamples(FEEDPARSER_SANITIZE, 'feedparser'));
    assert.deepEqual(result.differences, []);
    assert.ok(result.identical > 100, `only ${result.identical} entries`);
  });

  it('on hand-written edge cases', () => {
    const cases = [
      '<iframe src="https://evil.example/x"><font>in <b>frame</b></font> text</iframe><p>after</p>',
      '<iframe src="https://evil.example/x">a<iframe src="https://www.youtube.com/embed/y">b</iframe>c</iframe>d',
      '<iframe>a<p>b</p></iframe><p>c</p>',
      '<iframe src="https://www.youtube.com/embed/y"><p>fallback</p>text</iframe>tail',
      '<video><source src="/a.mp4" width="1" height="1"><track src="/t.vtt"></video>',
      '<img srcset="/a.png 1.50x, /b.png .5x, /c.png 0x, /d.png 0w, /e.png 0100w, /f.png 20h">',
      '<p>a<script>x<p>y</p></script>b<svg><p>in</p><script>s</script></svg>c</p>',
      '<select><option>o</option></select><p>after</p><math><mi>x</p></math>z',
      '<a href="https://x.example/?a=1&b=2&quot;">t&amp;u &lt; v</a><p title="">e</p>',
      '<table><tr><td colspan="" headers="h">x</td></tr></table><ol reversed="" start=""><li>i</li></ol>',
      '</p></div></iframe>text<br></br><hr/>',
      '<p>unclosed <b>bold <i>italic',
      '<div><img src="https://t.example/p.gif" width="0" height="0"><img src="javascript:x">t</div>',
    ];
    const result = compare(
      cases.map((html, i) => ({ name: `case ${i}`, html, baseUrl: 'https://example.org/a/' })),
    );
    assert.deepEqual(result.differences, []);
  });
});
