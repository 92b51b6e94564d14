import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { exportOpml } from './export-opml.ts';
import { parseOpml } from './parse-opml.ts';

describe('exportOpml', () => {
  it('writes OPML 2.0 with folders, then feeds without a category', () => {
    const text = exportOpml({
      title: 'Veille — alice',
      dateCreated: new Date(Date.UTC(2025, 10, 18, 14, 2)),
      categories: [
        {
          name: 'Actualités numériques',
          feeds: [{ title: 'Next', xmlUrl: 'https://next.ink/feed/', htmlUrl: 'https://next.ink/' }],
        },
        { name: 'Empty', feeds: [] },
      ],
      uncategorized: [{ title: 'Dealabs', xmlUrl: 'https://www.dealabs.com/rss/hot', htmlUrl: null }],
    });
    assert.equal(
      text,
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        '  <head>',
        '    <title>Veille — alice</title>',
        '    <dateCreated>Tue, 18 Nov 2025 14:02:00 GMT</dateCreated>',
        '  </head>',
        '  <body>',
        '    <outline text="Actualités numériques" title="Actualités numériques">',
        '      <outline type="rss" text="Next" title="Next" xmlUrl="https://next.ink/feed/" htmlUrl="https://next.ink/"/>',
        '    </outline>',
        '    <outline text="Empty" title="Empty"/>',
        '    <outline type="rss" text="Dealabs" title="Dealabs" xmlUrl="https://www.dealabs.com/rss/hot"/>',
        '  </body>',
        '</opml>',
        '',
      ].join('\n'),
    );
  });

  it('escapes everything XML needs escaped, and the result is well-formed', () => {
    const text = exportOpml({
      title: 'A & B <c> "d" \'e\'',
      categories: [
        {
          name: 'x"><script>',
          feeds: [{ title: '<b>&', xmlUrl: 'https://a.example/?a=1&b=2', htmlUrl: null }],
        },
      ],
      uncategorized: [],
    });
    assert.doesNotMatch(text, /<script|<b>|&(?!amp;|lt;|gt;|quot;|apos;|#)/);
    assert.match(text, /<title>A &amp; B &lt;c&gt; "d" 'e'<\/title>/);
    assert.match(text, /xmlUrl="https:\/\/a\.example\/\?a=1&amp;b=2"/);
    // A strict reading: every element opened is closed, in order.
    const stack: string[] = [];
    let errors = 0;
    new Parser(
      {
        onopentag: (name) => stack.push(name),
        onclosetag: (name) => {
          if (stack.pop() !== name) errors++;
        },
      },
      { xmlMode: true },
    ).end(text);
    assert.equal(errors, 0);
    assert.equal(stack.length, 0);
  });

  it('round-trips through parseOpml, with awkward and non-ASCII titles', () => {
    const awkward = [
      'Tom & Jerry <the "best"> it\'s',
      'Ça marche — 日本語 🎉',
      'Line\nbreak\tand tab',
      '&amp; literally',
      'a]]>b',
    ];
    const input = {
      title: 'Export & <test>',
      categories: awkward.map((name, i) => ({
        name: `Cat ${name}`,
        feeds: [
          { title: name, xmlUrl: `https://f${i}.example/feed?x=1&y="2"`, htmlUrl: `https://f${i}.example/é` },
        ],
      })),
      uncategorized: [{ title: 'Sans catégorie', xmlUrl: 'https://u.example/rss', htmlUrl: null }],
    };
    const doc = parseOpml(exportOpml(input));
    assert.equal(doc.title, 'Export & <test>');
    const collapse = (s: string): string => s.replace(/\s+/g, ' ');
    assert.deepEqual(
      doc.outlines.map((o) => [o.category, o.title, o.xmlUrl, o.htmlUrl]),
      [
        ...awkward.map((name, i) => [
          collapse(`Cat ${name}`),
          collapse(name),
          `https://f${i}.example/feed?x=1&y="2"`,
          `https://f${i}.example/é`,
        ]),
        [null, 'Sans catégorie', 'https://u.example/rss', null],
      ],
    );
    // The attributes keep newlines and tabs exactly.
    assert.equal(doc.outlines[2]?.attributes.text, 'Line\nbreak\tand tab');
  });

  it('leaves out characters XML 1.0 cannot carry', () => {
    const text = exportOpml({
      title: 'bell\u0007 nul\u0000 lone\uD800 ok',
      categories: [],
      uncategorized: [{ title: 'esc\u001b', xmlUrl: 'https://a.example/', htmlUrl: null }],
    });
    assert.match(text, /<title>bell nul lone ok<\/title>/);
    assert.match(text, /text="esc"/);
    assert.deepEqual(parseOpml(text).outlines[0]?.title, 'esc');
  });
});
