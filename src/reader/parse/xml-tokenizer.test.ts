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
      onopentag(name, attributes) {
        let shown = '';
        for (let i = 0; i < attributes.length; i++)
          shown += ` ${attributes.names[i]}=${JSON.stringify(attributes.values[i])}`;
        events.push(`<${name}${shown}>`);
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
  assert.throws(
    () => eventsOf('<a>'.repeat(10_000)),
    (error: unknown) => error instanceof ParseError && error.code === 'parse.too_deep',
  );
});

// A quadratic reading of any of these would take minutes: the test's timeout catches it (speed
// itself is measured in bench/, never asserted).
test(
  'hostile inputs end: floods of <, stray end tags, open tags, attributes, CDATA',
  { timeout: 120_000 },
  () => {
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
      try {
        parseFeed(text, { url: null });
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`${what}: ${String(error)}`, { cause: error });
      }
    }
  },
);

test('a 50 MB body of <item> repeated fails clearly; 5 MB of items parse', { timeout: 120_000 }, () => {
  const head = '<rss version="2.0"><channel><title>Big</title>';
  const unclosed = head + '<item>'.repeat((50 * 1024 * 1024) / 6);
  assert.throws(
    () => parseFeed(unclosed, { url: null }),
    (error: unknown) => error instanceof ParseError && error.code === 'parse.too_deep',
  );

  const item = '<item><title>T &amp; x</title><link>https://big.example/1</link></item>';
  const count = Math.floor((5 * 1024 * 1024) / item.length);
  const heapBefore = process.memoryUsage().heapUsed;
  const feed = parseFeed(head + item.repeat(count) + '</channel></rss>', { url: null });
  assert.equal(feed.entries.length, count);
  assert.equal(feed.entries[count - 1]?.title, 'T & x');
  // The entries themselves, not copies of the document per element.
  assert.ok(process.memoryUsage().heapUsed - heapBefore < 1024 * 1024 * 1024);
});
