import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeXml } from './xml-tokenizer.ts';
import { ParseError } from './parse-error.ts';
import { parseFeed } from './parse-feed.ts';

/** The tokenizer's events as readable lines, and whether a CDATA section was left open. */
function eventsOf(text: string, maxDepth = 1000): { events: string[]; unclosedCdata: boolean } {
  const events: string[] = [];
  const { unclosedCdata } = tokenizeXml(
    text,
    0,
    {
      onopentag(name, attribs) {
        events.push(
          `<${name}${Object.entries(attribs)
            .map(([k, v]) => ` ${k}=${JSON.stringify(v)}`)
            .join('')}>`,
        );
      },
      onclosetag(name) {
        events.push(`</${name}>`);
      },
      ontext(from, to) {
        events.push(`text ${JSON.stringify(text.slice(from, to))}`);
      },
      oncdata(data) {
        events.push(`cdata ${JSON.stringify(data)}`);
      },
    },
    maxDepth,
  );
  return { events, unclosedCdata };
}

test('names are lowercased; attributes quoted, unquoted, without value; the first duplicate wins', () => {
  const { events } = eventsOf(
    `<Feed XMLNS="urn:x" a='1' b=two c d = "x>y" a="again"><Link HREF=/p/q/ /></Feed>`,
  );
  assert.deepEqual(events, [
    '<feed xmlns="urn:x" a="1" b="two" c="" d="x>y">',
    '<link href="/p/q/">',
    '</link>',
    '</feed>',
  ]);
});

test('a < that starts no tag is text; comments, PIs, declarations are skipped; CDATA is one event', () => {
  const { events, unclosedCdata } = eventsOf(
    '<t>a < b, 1<2 &amp; </> x<!-- <no> --><?pi <no>?><!DOCTYPE x><![CDATA[<b>&amp;</b>]]>end</t>',
  );
  assert.deepEqual(events, [
    '<t>',
    'text "a < b, 1<2 &amp; </> x"',
    'cdata "<b>&amp;</b>"',
    'text "end"',
    '</t>',
  ]);
  assert.equal(unclosedCdata, false);
});

test('unclosed elements are closed by an ancestor end tag or at the end; stray end tags are ignored', () => {
  assert.deepEqual(eventsOf('<a><b><c>x</a></nope><d>').events, [
    '<a>',
    '<b>',
    '<c>',
    'text "x"',
    '</c>',
    '</b>',
    '</a>',
    '<d>',
    '</d>',
  ]);
  assert.deepEqual(eventsOf('<A>x</a >').events, ['<a>', 'text "x"', '</a>']);
});

test('an unclosed CDATA section runs to the end; a tag cut off by the end is dropped', () => {
  const cdata = eventsOf('<t><![CDATA[open <b>');
  assert.deepEqual(cdata.events, ['<t>', 'cdata "open <b>"', '</t>']);
  assert.equal(cdata.unclosedCdata, true);
  assert.equal(eventsOf('<t><![CD').unclosedCdata, true);
  assert.deepEqual(eventsOf('<t>x<a href="never closed>rest').events, ['<t>', 'text "x"', '</t>']);
});

test('nesting deeper than the limit gives parse.too_deep', () => {
  const start = performance.now();
  assert.throws(
    () => eventsOf('<a>'.repeat(10_000)),
    (error: unknown) => error instanceof ParseError && error.code === 'parse.too_deep',
  );
  assert.ok(performance.now() - start < 500);
});

test('hostile inputs stay linear: floods of <, stray end tags, open tags, attributes, CDATA', () => {
  const mb = 1024 * 1024;
  const cases: Array<[string, string]> = [
    ['<', '<rss><channel><title>' + '<'.repeat(8 * mb)],
    ['stray end tags under a deep stack', '<x>'.repeat(999) + '</y>'.repeat(2 * mb)],
    ['an attribute list never closed', '<rss a' + ' b'.repeat(4 * mb)],
    ['an unclosed comment', '<rss><!--' + '-'.repeat(8 * mb)],
    ['an unclosed CDATA', '<rss><![CDATA[' + ']'.repeat(8 * mb)],
    ['ampersands', '<rss><channel><title>' + '&#'.repeat(mb) + '</title></channel></rss>'],
  ];
  for (const [what, text] of cases) {
    const start = performance.now();
    try {
      parseFeed(text, { url: null });
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
    }
    // Generous for a loaded CI machine: a quadratic reading of any of these takes minutes.
    assert.ok(performance.now() - start < 8000, `${what}: ${Math.round(performance.now() - start)} ms`);
  }
});

test('a 50 MB body of <item> repeated fails clearly, quickly; 5 MB of items parse in seconds', () => {
  const head = '<rss version="2.0"><channel><title>Big</title>';
  const unclosed = head + '<item>'.repeat((50 * 1024 * 1024) / 6);
  let start = performance.now();
  assert.throws(
    () => parseFeed(unclosed, { url: null }),
    (error: unknown) => error instanceof ParseError && error.code === 'parse.too_deep',
  );
  assert.ok(performance.now() - start < 2000);

  const item = '<item><title>T &amp; x</title><link>https://big.example/1</link></item>';
  const count = Math.floor((5 * 1024 * 1024) / item.length);
  const heapBefore = process.memoryUsage().heapUsed;
  start = performance.now();
  const feed = parseFeed(head + item.repeat(count) + '</channel></rss>', { url: null });
  assert.equal(feed.entries.length, count);
  assert.equal(feed.entries[count - 1]?.title, 'T & x');
  assert.ok(performance.now() - start < 20_000, `${Math.round(performance.now() - start)} ms`);
  // The entries themselves, not copies of the document per element.
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 1024 * 1024 * 1024);
});
