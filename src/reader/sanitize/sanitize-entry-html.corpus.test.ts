// The sanitizer over real and hostile markup from ../shared/corpus (skipped when it is absent):
// feedparser's sanitizer test feeds (script, style, event handlers… in every feed field) and the
// real-world HTML pages. Whatever goes in, the output must pass the independent checker.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { htmlSafetyProblems } from './html-safety-problems.ts';
import { sanitizeEntryHtml } from './sanitize-entry-html.ts';

const CORPUS = new URL('../../../../shared/corpus/', import.meta.url);
const FEEDPARSER_SANITIZE = new URL('feedparser-tests/wellformed/sanitize/', CORPUS);
const HTML_PAGES = new URL('realworld/html/', CORPUS);

/** For every element of a feed document: its text (escaped HTML, CDATA) and its raw inner markup (XHTML). */
function fragmentsOf(xml: string): string[] {
  const fragments: string[] = [];
  const open: { start: number; text: string }[] = [];
  const parser = new Parser(
    {
      onopentag() {
        open.push({ start: parser.endIndex + 1, text: '' });
      },
      ontext(text) {
        for (const element of open) element.text += text;
      },
      onclosetag() {
        const element = open.pop();
        if (element === undefined) return;
        fragments.push(element.text, xml.slice(element.start, Math.max(element.start, parser.startIndex)));
      },
    },
    { xmlMode: true },
  );
  parser.end(xml);
  return fragments.filter((fragment) => fragment.includes('<'));
}

describe('sanitizeEntryHtml on the corpus', () => {
  it('neutralises every fragment of feedparser’s sanitizer test feeds', (t) => {
    if (!existsSync(FEEDPARSER_SANITIZE)) {
      t.skip('../shared/corpus/feedparser-tests is absent');
      return;
    }
    let checked = 0;
    for (const file of readdirSync(FEEDPARSER_SANITIZE).sort()) {
      const xml = readFileSync(new URL(file, FEEDPARSER_SANITIZE), 'utf8');
      for (const fragment of fragmentsOf(xml)) {
        const output = sanitizeEntryHtml(fragment, { baseUrl: 'http://example.com/' });
        assert.deepEqual(htmlSafetyProblems(output), [], `${file}: ${fragment}\n→ ${output}`);
        checked++;
      }
    }
    assert.ok(checked > 500, `only ${checked} fragments`);
  });

  it('keeps real pages safe, and their text', (t) => {
    if (!existsSync(HTML_PAGES)) {
      t.skip('../shared/corpus/realworld/html is absent');
      return;
    }
    for (const file of readdirSync(HTML_PAGES).sort()) {
      const html = readFileSync(new URL(file, HTML_PAGES), 'utf8');
      const output = sanitizeEntryHtml(html, { baseUrl: 'https://example.org/page/' });
      assert.deepEqual(htmlSafetyProblems(output), [], file);
      if (/<p[\s>]/i.test(html)) assert.match(output, /<p>/, file);
    }
  });
});
