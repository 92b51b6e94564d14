import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OpmlError, parseOpml } from './parse-opml.ts';

function opml(body: string, head = '<title>Subs</title>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><head>${head}</head><body>${body}</body></opml>`;
}

function summary(text: string): [string | null, string, string | null][] {
  return parseOpml(text).outlines.map((o) => [o.category, o.xmlUrl, o.title]);
}

describe('parseOpml', () => {
  it('reads feeds, their titles, site URLs and the document title', () => {
    const doc = parseOpml(
      opml(
        '<outline type="rss" text="Next" title="Next INpact" xmlUrl="https://next.ink/feed/" htmlUrl="https://next.ink/"/>',
        '<title>Mes abonnements</title><dateCreated>Tue, 18 Nov 2025 14:02:00 GMT</dateCreated>',
      ),
    );
    assert.equal(doc.title, 'Mes abonnements');
    assert.deepEqual(doc.outlines, [
      {
        title: 'Next INpact',
        xmlUrl: 'https://next.ink/feed/',
        htmlUrl: 'https://next.ink/',
        category: null,
        attributes: {
          type: 'rss',
          text: 'Next',
          title: 'Next INpact',
          xmlUrl: 'https://next.ink/feed/',
          htmlUrl: 'https://next.ink/',
        },
      },
    ]);
  });

  it('gives each feed the path of its folders, joined with " / "', () => {
    const text = opml(`
      <outline text="Top"><outline text="T1" xmlUrl="https://a.example/top"/></outline>
      <outline text="Tech" title="Tech">
        <outline text="Web">
          <outline text="W1" xmlUrl="https://a.example/w1"/>
          <outline text="W2" xmlUrl="https://a.example/w2">
            <outline text="Under a feed" xmlUrl="https://a.example/under"/>
          </outline>
        </outline>
        <outline text="T2" xmlUrl="https://a.example/t2"/>
      </outline>
      <outline><outline text="Unnamed folder" xmlUrl="https://a.example/unnamed"/></outline>
      <outline text="Loose" xmlUrl="https://a.example/loose"/>`);
    assert.deepEqual(summary(text), [
      ['Top', 'https://a.example/top', 'T1'],
      ['Tech / Web', 'https://a.example/w1', 'W1'],
      ['Tech / Web', 'https://a.example/w2', 'W2'],
      ['Tech / Web', 'https://a.example/under', 'Under a feed'],
      ['Tech', 'https://a.example/t2', 'T2'],
      [null, 'https://a.example/unnamed', 'Unnamed folder'],
      [null, 'https://a.example/loose', 'Loose'],
    ]);
  });

  it('falls back from title to text, then to null', () => {
    assert.deepEqual(
      summary(
        opml(
          '<outline title="T" text="X" xmlUrl="https://a.example/1"/><outline text="Only text" xmlUrl="https://a.example/2"/>' +
            '<outline title="  " text="" xmlUrl="https://a.example/3"/><outline xmlUrl="https://a.example/4"/>',
        ),
      ),
      [
        [null, 'https://a.example/1', 'T'],
        [null, 'https://a.example/2', 'Only text'],
        [null, 'https://a.example/3', null],
        [null, 'https://a.example/4', null],
      ],
    );
  });

  it('accepts bare & in attributes and text, and decodes entities', () => {
    const text = opml(
      '<outline text="Business & Economy"><outline text="Q&amp;A &eacute;t&#233; &#x2764; &unknown; a&b" xmlUrl="https://a.example/?a=1&b=2&amp;c=3"/></outline>',
      '<title>Me & you &amp; them</title>',
    );
    const doc = parseOpml(text);
    assert.equal(doc.title, 'Me & you & them');
    assert.deepEqual(
      doc.outlines.map((o) => [o.category, o.title, o.xmlUrl]),
      [['Business & Economy', 'Q&A été ❤ &unknown; a&b', 'https://a.example/?a=1&b=2&c=3']],
    );
  });

  it('recovers feeds whose attributes hold raw HTML with unescaped quotes', () => {
    const text = opml(`
      <outline text="Dev">
        <outline text="Saket" title="Saket" description="He works at <a href="https://square.com/">Square</a>, find him on <a href="https://twitter.com/x">Twitter</a>." xmlUrl="https://saket.me/feed/" type="rss" />
        <outline text="Guy" title="Guy" description="Order the <em data-stringify-type="italic">Book</em> now" xmlUrl="https://feeds.npr.org/1/podcast.xml" type="rss" />
        <outline text="Cricket" title="Cricket" description="<p>If you love cricket&nbsp;</p>" xmlUrl="https://rss.example/cricket" type="rss" />
        <outline text="Quote" title="Quote" description="He said "hello" twice" xmlUrl="https://quote.example/feed" type="rss" />
      </outline>
      <outline text="After" xmlUrl="https://after.example/feed"/>`);
    const doc = parseOpml(text);
    assert.deepEqual(
      doc.outlines.map((o) => [o.category, o.title, o.xmlUrl]),
      [
        ['Dev', 'Saket', 'https://saket.me/feed/'],
        ['Dev', 'Guy', 'https://feeds.npr.org/1/podcast.xml'],
        ['Dev', 'Cricket', 'https://rss.example/cricket'],
        ['Dev', 'Quote', 'https://quote.example/feed'],
        [null, 'After', 'https://after.example/feed'],
      ],
    );
    assert.equal(
      doc.outlines[0]?.attributes.description,
      'He works at <a href="https://square.com/">Square</a>, find him on <a href="https://twitter.com/x">Twitter</a>.',
    );
    assert.equal(doc.outlines[2]?.attributes.description, '<p>If you love cricket\u00a0</p>');
    assert.equal(doc.outlines[3]?.attributes.description, 'He said "hello" twice');
  });

  it('reads xmlUrl in any letter case, and url on rss outlines', () => {
    assert.deepEqual(
      summary(
        opml(
          '<outline text="a" xmlurl="https://a.example/1"/><outline text="b" XMLURL="https://a.example/2" HTMLURL="https://a.example/"/>' +
            '<outline text="c" type="RSS" url="https://a.example/3"/><outline text="link" type="link" url="https://a.example/page"/>' +
            '<outline text="empty" xmlUrl="  "/>',
        ),
      ),
      [
        [null, 'https://a.example/1', 'a'],
        [null, 'https://a.example/2', 'b'],
        [null, 'https://a.example/3', 'c'],
      ],
    );
    const upper = parseOpml(opml('<OUTLINE TEXT="Up" XMLURL="https://a.example/u"/>')).outlines[0];
    assert.equal(upper?.title, 'Up');
  });

  it('tolerates a BOM, leading whitespace, a missing prolog and unclosed outlines', () => {
    const text =
      '\uFEFF\n\n  <opml version="1.0"><head><title>x</title></head><body>' +
      '<outline text="Folder"><outline text="A" xmlUrl="https://a.example/a">' +
      '<outline text="B" xmlUrl="https://a.example/b"></body></opml>';
    assert.deepEqual(summary(text), [
      ['Folder', 'https://a.example/a', 'A'],
      ['Folder', 'https://a.example/b', 'B'],
    ]);
    assert.deepEqual(summary('<opml><body><outline text="T" xmlUrl="https://a.example/t">'), [
      [null, 'https://a.example/t', 'T'],
    ]);
  });

  it('reads a string decoded from another encoding whatever the prolog says', () => {
    const bytes = Buffer.from(
      '<?xml version="1.0" encoding="windows-1251"?><opml version="1.1"><head><title>\xc7\xe0\xe3\xee\xeb\xee\xe2\xee\xea</title></head>' +
        '<body><outline text="\xef\xe0\xef\xea\xe0"><outline type="rss" text="\xef\xf0\xe8\xec\xe5\xf02" xmlUrl="https://foo.example/feed.xml"/></outline></body></opml>',
      'latin1',
    );
    const doc = parseOpml(new TextDecoder('windows-1251').decode(bytes));
    assert.equal(doc.title, 'Заголовок');
    assert.deepEqual(
      doc.outlines.map((o) => [o.category, o.title]),
      [['папка', 'пример2']],
    );
  });

  it('keeps every original attribute, FreshRSS extensions included', () => {
    const text =
      '<?xml version="1.0"?><opml version="2.0" xmlns:frss="https://freshrss.org/opml"><body>' +
      '<outline text="F" type="rss" xmlUrl="https://a.example/f" frss:cssFullContent="article .content" frss:filtersActionRead="intitle:ads" description="d &amp; e"/>' +
      '</body></opml>';
    assert.deepEqual(parseOpml(text).outlines[0]?.attributes, {
      text: 'F',
      type: 'rss',
      xmlUrl: 'https://a.example/f',
      'frss:cssFullContent': 'article .content',
      'frss:filtersActionRead': 'intitle:ads',
      description: 'd & e',
    });
  });

  it('returns no feeds for an outline document without subscriptions', () => {
    const doc = parseOpml(
      opml('<outline text="Todo"><outline text="Buy milk"/></outline>', '<title>Notes</title>'),
    );
    assert.deepEqual(doc.title, 'Notes');
    assert.deepEqual(doc.outlines, []);
    // The folders are still there (an export of empty categories keeps them).
    assert.deepEqual(
      doc.folders.map((f) => f.name),
      ['Todo', 'Todo / Buy milk'],
    );
  });

  it('throws OpmlError on what is not OPML', () => {
    const cases: [string, RegExp][] = [
      ['', /^opml: empty document$/],
      ['   \n', /^opml: empty document$/],
      ['\uFEFF', /^opml: empty document$/],
      [
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        /root element <rss>/,
      ],
      [
        '<!DOCTYPE html><html><head><title>Page</title></head><body><p>Hi</p></body></html>',
        /root element <html>/,
      ],
      ['{"version": "https://jsonfeed.org/version/1.1"}', /^opml: not an OPML document$/],
      ['just some text', /^opml: not an OPML document$/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseOpml(text),
        (error: unknown) => error instanceof OpmlError && message.test(error.message),
        JSON.stringify(text),
      );
    }
  });

  // Speed is measured in bench/, never asserted: this checks a 10,000-feed export is read whole.
  it('reads a large export of 10,000 feeds in 100 categories', () => {
    const outlines: string[] = [];
    for (let c = 0; c < 100; c++) {
      outlines.push(`<outline text="Category ${c}">`);
      for (let f = 0; f < 100; f++) {
        outlines.push(
          `<outline type="rss" text="Feed ${c}-${f} &amp; co" xmlUrl="https://f${c}.example/${f}.xml"/>`,
        );
      }
      outlines.push('</outline>');
    }
    const doc = parseOpml(opml(outlines.join('\n')));
    assert.equal(doc.outlines.length, 10_000);
    assert.equal(doc.outlines[9_999]?.category, 'Category 99');
    assert.equal(doc.outlines[9_999]?.title, 'Feed 99-99 & co');
  });
});

// Real-world files captured by other projects, with a strict reference reading by
// ../shared/corpus/tools/opml_oracle.py (Python's XML parser, with fallbacks for broken files).
const CORPUS = new URL('../../../../shared/corpus/realworld/', import.meta.url);
const OPML_DIR = new URL('opml/', CORPUS);

interface OracleFeed {
  folders: string[] | null;
  text: string | null;
  title: string | null;
  xmlUrl: string;
}
interface Oracle {
  title: string | null;
  feeds: OracleFeed[];
  recovered: boolean | 'regex-salvage';
}

function decodedFile(bytes: Buffer): string {
  const prolog = bytes.subarray(0, 200).toString('latin1');
  const encoding = /encoding\s*=\s*["']([\w.-]+)["']/i.exec(prolog)?.[1] ?? 'utf-8';
  return new TextDecoder(encoding).decode(bytes);
}

describe('parseOpml on real-world OPML files', () => {
  if (!existsSync(OPML_DIR)) {
    it('skipped: ../shared/corpus/realworld/opml is absent', (t) => {
      t.skip('corpus absent');
    });
    return;
  }
  const files = readdirSync(OPML_DIR).sort();

  it(`reads all ${files.length} files without crashing, with feeds where they declare some`, () => {
    assert.ok(files.length > 0);
    for (const file of files) {
      const bytes = readFileSync(new URL(file, OPML_DIR));
      const doc = parseOpml(decodedFile(bytes));
      const declared = (bytes.toString('latin1').match(/xmlUrl\s*=/gi) ?? []).length;
      if (declared > 0) assert.ok(doc.outlines.length > 0, `${file}: no feed`);
      // Every xmlUrl written in the file is found, even in files with broken attribute quoting.
      assert.equal(doc.outlines.length, declared, file);
    }
  });

  it('agrees with the reference reading: URLs, order, titles and folders', () => {
    let compared = 0;
    for (const file of files) {
      const oracleFile = new URL(`oracle/${file}.json`, CORPUS);
      if (!existsSync(oracleFile)) continue;
      const oracle = JSON.parse(readFileSync(oracleFile, 'utf8')) as Oracle;
      const doc = parseOpml(decodedFile(readFileSync(new URL(file, OPML_DIR))));
      const urls = doc.outlines.map((o) => o.xmlUrl);
      if (oracle.recovered === 'regex-salvage') {
        // The oracle only pulled URLs out with a regex (and misses some): ours must include them.
        for (const feed of oracle.feeds) assert.ok(urls.includes(feed.xmlUrl), `${file}: ${feed.xmlUrl}`);
        compared++;
        continue;
      }
      assert.deepEqual(
        urls,
        oracle.feeds.map((f) => f.xmlUrl),
        file,
      );
      assert.equal(doc.title, oracle.title, file);
      assert.deepEqual(
        doc.outlines.map((o) => [o.title, o.category]),
        oracle.feeds.map((f) => [
          (f.title || f.text)?.replace(/\s+/g, ' ').trim() || null,
          f.folders?.filter((name) => name !== '').join(' / ') || null,
        ]),
        file,
      );
      compared++;
    }
    assert.ok(compared > 0);
  });
});
