import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, parseFeed, parseFeedBytes } from './parse-feed.ts';
import { parsedFeedToJson } from './feed-to-json.ts';

const at = (iso: string): number => Date.parse(iso);

test('RSS 2.0 with content:encoded, dc:creator, media, itunes, atom:link self/hub, enclosure, categories', () => {
  const feed = parseFeed(
    `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:c="http://purl.org/rss/1.0/modules/content/" xmlns:d="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:m="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Next &amp; co</title>
  <link>https://next.example/</link>
  <description>Actualités numériques</description>
  <language>fr</language>
  <lastBuildDate>Tue, 18 Nov 2025 15:02:00 +0100</lastBuildDate>
  <atom:link rel="self" href="https://next.example/feed"/>
  <atom:link rel="hub" href="https://hub.example/"/>
  <image><url>https://next.example/logo.png</url><title>ignored</title><link>https://ignored.example/</link></image>
  <item>
    <title>Un &lt;b&gt;titre&lt;/b&gt;</title>
    <link>https://next.example/a/1</link>
    <guid isPermaLink="false">next-1</guid>
    <pubDate>Tue, 18 Nov 2025 14:00:00 GMT</pubDate>
    <d:creator>Jeanne Martin</d:creator>
    <author>jeanne@next.example (Jeanne Martin)</author>
    <description>Résumé</description>
    <c:encoded><![CDATA[<p>Le <em>contenu</em> complet</p>]]></c:encoded>
    <category>Sécurité</category><d:subject>Web</d:subject>
    <comments>https://next.example/a/1#comments</comments>
    <enclosure url="https://next.example/a.mp3" type="audio/mpeg" length="1234"/>
    <m:thumbnail url="https://next.example/thumb.jpg"/>
  </item>
  <item>
    <guid>https://next.example/a/2</guid>
    <title>Second</title>
    <itunes:image href="https://next.example/ep2.jpg"/>
  </item>
</channel></rss>`,
    { url: 'https://next.example/feed' },
  );
  assert.equal(feed.format, 'rss');
  assert.equal(feed.version, 'rss20');
  assert.equal(feed.title, 'Next & co');
  assert.equal(feed.link, 'https://next.example/');
  assert.equal(feed.subtitle, 'Actualités numériques');
  assert.equal(feed.language, 'fr');
  assert.equal(feed.updated, at('2025-11-18T14:02:00Z'));
  assert.equal(feed.image, 'https://next.example/logo.png');
  assert.equal(feed.self, 'https://next.example/feed');
  assert.deepEqual(feed.hubs, ['https://hub.example/']);
  const [first, second] = feed.entries;
  assert.ok(first && second);
  assert.equal(first.title, 'Un titre');
  assert.equal(first.id, 'next-1');
  assert.equal(first.idIsPermalink, false);
  assert.equal(first.link, 'https://next.example/a/1');
  assert.equal(first.published, at('2025-11-18T14:00:00Z'));
  assert.deepEqual(first.authors, [
    { name: 'Jeanne Martin', email: null, uri: null },
    { name: 'Jeanne Martin', email: 'jeanne@next.example', uri: null },
  ]);
  assert.equal(first.summary, 'Résumé');
  assert.equal(first.content, '<p>Le <em>contenu</em> complet</p>');
  assert.deepEqual(first.categories, ['Sécurité', 'Web']);
  assert.equal(first.comments, 'https://next.example/a/1#comments');
  assert.deepEqual(first.enclosures, [
    { url: 'https://next.example/a.mp3', type: 'audio/mpeg', length: 1234 },
  ]);
  assert.equal(first.image, 'https://next.example/thumb.jpg');
  assert.equal(second.link, 'https://next.example/a/2', 'a permalink guid stands in for the link');
  assert.equal(second.idIsPermalink, true);
  assert.equal(second.image, 'https://next.example/ep2.jpg');
});

test('RSS 1.0 (RDF) with dc:date and rdf:about', () => {
  const feed = parseFeed(
    `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF site</title><link>https://rdf.example/</link><dc:language>de</dc:language></channel>
  <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link>
    <dc:date>2025-11-18T15:02:00+01:00</dc:date><dc:creator>Max</dc:creator><description>Text</description></item>
</rdf:RDF>`,
    { url: null },
  );
  assert.equal(feed.format, 'rdf');
  assert.equal(feed.version, 'rss10');
  assert.equal(feed.title, 'RDF site');
  assert.equal(feed.language, 'de');
  assert.equal(feed.entries.length, 1);
  assert.equal(feed.entries[0]?.id, 'https://rdf.example/1');
  assert.equal(feed.entries[0]?.updated, at('2025-11-18T14:02:00Z'));
  assert.deepEqual(feed.entries[0]?.authors, [{ name: 'Max', email: null, uri: null }]);
});

test('Atom 1.0 with any prefix, text constructs, xhtml content, links and people', () => {
  const feed = parseFeed(
    `<a:feed xmlns:a="http://www.w3.org/2005/Atom" xml:lang="en">
  <a:title type="html">Caf&amp;eacute; &lt;i&gt;blog&lt;/i&gt;</a:title>
  <a:subtitle>Notes</a:subtitle>
  <a:link href="https://atom.example/"/>
  <a:link rel="self" href="https://atom.example/atom.xml"/>
  <a:updated>2025-11-18T15:02:00Z</a:updated>
  <a:logo>https://atom.example/logo.png</a:logo>
  <a:entry xml:lang="fr">
    <a:id>tag:atom.example,2025:1</a:id>
    <a:title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Hello <b>world</b></div></a:title>
    <a:link rel="alternate" type="text/html" href="https://atom.example/1"/>
    <a:link rel="enclosure" type="video/mp4" length="99" href="https://atom.example/1.mp4"/>
    <a:published>2025-11-17T10:00:00Z</a:published>
    <a:updated>2025-11-18T10:00:00+02:00</a:updated>
    <a:author><a:name>Ann</a:name><a:email>ann@atom.example</a:email><a:uri>https://atom.example/ann</a:uri></a:author>
    <a:contributor><a:name>Bob</a:name></a:contributor>
    <a:category term="tech" label="Technology"/>
    <a:summary type="text">1 &lt; 2 &amp; 3</a:summary>
    <a:content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para <a href="/x">link</a><br/>next</p></div></a:content>
  </a:entry>
</a:feed>`,
    { url: 'https://atom.example/atom.xml' },
  );
  assert.equal(feed.format, 'atom');
  assert.equal(feed.version, 'atom10');
  assert.equal(feed.title, 'Café blog');
  assert.equal(feed.subtitle, 'Notes');
  assert.equal(feed.link, 'https://atom.example/');
  assert.equal(feed.self, 'https://atom.example/atom.xml');
  assert.equal(feed.language, 'en');
  assert.equal(feed.image, 'https://atom.example/logo.png');
  const entry = feed.entries[0];
  assert.ok(entry);
  assert.equal(entry.id, 'tag:atom.example,2025:1');
  assert.equal(entry.idIsPermalink, null);
  assert.equal(entry.title, 'Hello world');
  assert.equal(entry.link, 'https://atom.example/1');
  assert.equal(entry.language, 'fr');
  assert.equal(entry.published, at('2025-11-17T10:00:00Z'));
  assert.equal(entry.updated, at('2025-11-18T08:00:00Z'));
  assert.deepEqual(entry.authors, [
    { name: 'Ann', email: 'ann@atom.example', uri: 'https://atom.example/ann' },
  ]);
  assert.deepEqual(entry.categories, ['tech']);
  assert.deepEqual(entry.enclosures, [{ url: 'https://atom.example/1.mp4', type: 'video/mp4', length: 99 }]);
  assert.equal(entry.summary, '1 &lt; 2 &amp; 3', 'type="text" is escaped so it displays as text');
  assert.equal(
    entry.content,
    '<p>Para <a href="/x">link</a><br>next</p>',
    'xhtml: the div children, serialized',
  );
  assert.equal(entry.base, 'https://atom.example/atom.xml');
});

test('Atom 0.3 with mode="escaped" and issued/modified', () => {
  const feed = parseFeed(
    `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
  <link rel="alternate" type="text/html" href="http://old.example/"/>
  <entry><title>E</title><id>http://old.example/e</id><issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified>
  <content type="text/html" mode="escaped">&lt;p&gt;Hi&lt;/p&gt;</content></entry></feed>`,
    { url: null },
  );
  assert.equal(feed.version, 'atom03');
  assert.equal(feed.link, 'http://old.example/');
  assert.equal(feed.entries[0]?.content, '<p>Hi</p>');
  assert.equal(feed.entries[0]?.link, 'http://old.example/e');
  assert.equal(feed.entries[0]?.published, at('2004-01-01T00:00:00Z'));
  assert.equal(feed.entries[0]?.updated, at('2004-01-02T00:00:00Z'));
});

test('JSON Feed 1.1, and 1.0 with a wrong version', () => {
  const feed = parseFeed(
    JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'JSON blog',
      home_page_url: 'https://json.example/',
      feed_url: 'https://json.example/feed.json',
      icon: '/icon.png',
      language: 'en',
      authors: [{ name: 'Feed Author' }],
      items: [
        {
          id: 1,
          url: '/posts/1',
          title: 'Post &amp; more',
          content_html: '<p>Hi</p>',
          summary: 'a < b',
          date_published: '2025-11-18T15:02:00+01:00',
          tags: ['x', 'y'],
          attachments: [{ url: 'https://json.example/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 10 }],
        },
        { id: 'two', content_text: 'plain\ntext', author: { name: 'Solo', url: 'mailto:solo@json.example' } },
      ],
    }),
    { url: 'https://json.example/feed.json' },
  );
  assert.equal(feed.format, 'json');
  assert.equal(feed.version, 'json11');
  assert.equal(feed.title, 'JSON blog');
  assert.equal(feed.image, 'https://json.example/icon.png');
  assert.equal(feed.self, 'https://json.example/feed.json');
  const [one, two] = feed.entries;
  assert.equal(one?.id, '1');
  assert.equal(one?.link, 'https://json.example/posts/1');
  assert.equal(one?.title, 'Post & more');
  assert.equal(one?.summary, 'a &lt; b');
  assert.equal(one?.published, at('2025-11-18T14:02:00Z'));
  assert.deepEqual(one?.authors, [{ name: 'Feed Author', email: null, uri: null }]);
  assert.deepEqual(one?.enclosures, [{ url: 'https://json.example/a.mp3', type: 'audio/mpeg', length: 10 }]);
  assert.equal(two?.content, 'plain<br>\ntext');
  assert.deepEqual(two?.authors, [{ name: 'Solo', email: 'solo@json.example', uri: null }]);

  const old = parseFeed('{"version":"1","title":"T","items":[{"id":"a","title":"A"}]}', { url: null });
  assert.equal(old.entries[0]?.title, 'A');
});

test('hostile but readable RSS: BOM, leading junk, bare &, <, &nbsp;, unclosed tags, DOCTYPE', () => {
  const text =
    '\uFEFF  \n<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x "<title>evil</title>">]>\n' +
    '<rss version="2.0"><channel><title>Tom & Jerry&nbsp;&eacute;t&eacute; &rsquo;24 &x;</title>' +
    '<link>https://h.example/</link>' +
    '<item><title>a < b</title><link>https://h.example/1</link><description>unclosed <b>bold</description>' +
    '<item><title>Two</title><pubDate>Tue, 18 Nov 2025 15:02:00 GMT' +
    '</channel></rss>';
  const feed = parseFeed(text, { url: null });
  assert.equal(feed.title, 'Tom & Jerry\u00a0été ’24 &x;');
  assert.equal(feed.entries.length, 2);
  assert.equal(feed.entries[0]?.title, 'a < b');
  assert.equal(feed.entries[0]?.summary, 'unclosed <b>bold</b>');
  assert.equal(feed.entries[1]?.title, 'Two');
  assert.equal(feed.entries[1]?.published, at('2025-11-18T15:02:00Z'));
});

test('double-escaped titles display the escaped markup as text', () => {
  const feed = parseFeed('<rss><channel><item><title>&amp;lt;b&amp;gt; tag</title></item></channel></rss>', {
    url: null,
  });
  assert.equal(feed.entries[0]?.title, '<b> tag');
});

test('an item swallowed by an unclosed element is still an item', () => {
  const feed = parseFeed(
    '<rss><channel><title>T</title><itunes:category text="Tech"><item><title>Inside</title></item></channel></rss>',
    { url: null },
  );
  assert.deepEqual(
    feed.entries.map((e) => e.title),
    ['Inside'],
  );
});

test('relative URLs: document URL, nested xml:base, and the channel link for RSS', () => {
  const atom = parseFeed(
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/blog/">
  <link href="./"/>
  <entry xml:base="posts/"><id>1</id><link href="one.html"/>
    <content type="html" xml:base="/media/">&lt;img src="a.png"&gt;</content>
    <link rel="enclosure" href="../a.mp3"/></entry>
  <entry><id>2</id><link href="/abs"/></entry>
</feed>`,
    { url: 'https://feeds.example/atom.xml' },
  );
  assert.equal(atom.link, 'https://base.example/blog/');
  assert.equal(atom.entries[0]?.link, 'https://base.example/blog/posts/one.html');
  assert.equal(atom.entries[0]?.enclosures[0]?.url, 'https://base.example/blog/a.mp3');
  assert.equal(atom.entries[0]?.content, '<img src="a.png">', 'content HTML is left as written');
  assert.equal(atom.entries[0]?.base, 'https://base.example/media/', 'the base for the content HTML');
  assert.equal(atom.entries[1]?.link, 'https://base.example/abs');

  const rss = parseFeed(
    `<rss version="2.0"><channel><link>/site/</link>
  <item><link>post-1</link><enclosure url="a.mp3" type="audio/mpeg"/><description>x</description></item></channel></rss>`,
    { url: 'https://rss.example/feeds/main.xml' },
  );
  assert.equal(rss.link, 'https://rss.example/site/');
  assert.equal(rss.entries[0]?.link, 'https://rss.example/site/post-1');
  assert.equal(rss.entries[0]?.enclosures[0]?.url, 'https://rss.example/site/a.mp3');
  assert.equal(rss.entries[0]?.base, 'https://rss.example/site/');
});

function parseErrorOf(run: () => unknown): ParseError {
  try {
    run();
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
  assert.fail('expected a ParseError');
}

test('an HTML page, an OPML file, empty and non-XML documents give a ParseError', () => {
  const html = parseErrorOf(() =>
    parseFeed('<!DOCTYPE html><html><head><title>Blog</title></head><body>Hi</body></html>', { url: null }),
  );
  assert.equal(html.code, 'parse.not_a_feed');
  assert.equal(html.message, 'parse: this is an HTML page, not a feed');
  assert.equal(
    parseErrorOf(() => parseFeed('<opml version="2.0"><body/></opml>', { url: null })).code,
    'parse.not_a_feed',
  );
  assert.equal(parseErrorOf(() => parseFeed('  \n', { url: null })).code, 'parse.empty');
  assert.equal(parseErrorOf(() => parseFeed('<?xml version="1.0"?>', { url: null })).code, 'parse.empty');
  assert.equal(parseErrorOf(() => parseFeed('just some words', { url: null })).code, 'parse.invalid');
  assert.equal(parseErrorOf(() => parseFeed('{"title": ', { url: null })).code, 'parse.invalid');
  assert.equal(parseErrorOf(() => parseFeed('{"hello": "world"}', { url: null })).code, 'parse.not_a_feed');
  assert.match(parseErrorOf(() => parseFeed('<svg/>', { url: null })).message, /^parse: /);
});

test('billion laughs: DTD entities are never expanded', () => {
  let dtd = '<!ENTITY lol "lol">';
  for (let i = 1; i <= 9; i++) dtd += `<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`;
  const text = `<?xml version="1.0"?><!DOCTYPE rss [${dtd}]><rss><channel><title>&lol9;</title></channel></rss>`;
  const feed = parseFeed(text, { url: null });
  // Left as written: an expanding parser would produce a billion "lol"s here.
  assert.equal(feed.title, '&lol9;');
});

test('external entities (XXE) are not fetched nor read', () => {
  const text =
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
    '<rss><channel><title>&xxe;</title></channel></rss>';
  assert.equal(parseFeed(text, { url: null }).title, '&xxe;');
});

test('10,000-deep nesting gives parse.too_deep without overflowing the stack', () => {
  const depth = 10_000;
  const text =
    '<rss><channel><item><description>' +
    '<div>'.repeat(depth) +
    'x' +
    '</div>'.repeat(depth) +
    '</description></item></channel></rss>';
  assert.equal(parseErrorOf(() => parseFeed(text, { url: null })).code, 'parse.too_deep');
  const unclosed = '<rss>' + '<a>'.repeat(depth);
  assert.equal(parseErrorOf(() => parseFeed(unclosed, { url: null })).code, 'parse.too_deep');
});

test('parseFeedBytes decodes first (KOI8-R declared in the prolog)', () => {
  const head = new TextEncoder().encode('<?xml version="1.0" encoding="koi8-r"?><rss><channel><title>');
  const tail = new TextEncoder().encode('</title></channel></rss>');
  const feed = parseFeedBytes(new Uint8Array([...head, 0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, ...tail]), {
    url: null,
    contentType: 'application/xml',
  });
  assert.equal(feed.title, 'Привет');
});

test('parsedFeedToJson gives the CLI shape with ISO dates', () => {
  const feed = parseFeed(
    '<rss version="2.0"><channel><title>T</title><item><title>I</title><guid>g</guid><pubDate>Tue, 18 Nov 2025 15:02:00 GMT</pubDate></item></channel></rss>',
    { url: null },
  );
  assert.deepEqual(parsedFeedToJson(feed), {
    format: 'rss20',
    encoding: null,
    warnings: [],
    title: 'T',
    link: null,
    subtitle: null,
    language: null,
    updated: null,
    image: null,
    authors: [],
    contributors: [],
    categories: [],
    itunes: null,
    entries: [
      {
        id: 'g',
        title: 'I',
        link: null,
        published: '2025-11-18T15:02:00.000Z',
        updated: null,
        authors: [],
        contributors: [],
        summary: null,
        content: null,
        enclosures: [],
        categories: [],
        comments: null,
        language: null,
        image: null,
        media: [],
        itunes: null,
        source: null,
      },
    ],
  });
});

const corpusDir = join(import.meta.dirname, '../../../../shared/corpus/realworld/feeds');
const corpusAbsent = !existsSync(corpusDir);

test(
  'every real-world feed parses or gives a ParseError',
  { skip: corpusAbsent ? 'shared corpus absent' : false },
  () => {
    let parsed = 0;
    for (const name of readdirSync(corpusDir)) {
      const bytes = readFileSync(join(corpusDir, name));
      try {
        parseFeedBytes(bytes, { url: `https://corpus.example/${name}`, contentType: null });
        parsed++;
      } catch (error) {
        if (!(error instanceof ParseError)) throw new Error(`${name}: ${String(error)}`, { cause: error });
      }
    }
    assert.ok(parsed > 350, `only ${parsed} feeds parsed`);
  },
);

test('a gzip body sent without Content-Encoding is unwrapped', async () => {
  const { gzipSync } = await import('node:zlib');
  const xml =
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Zipped</title><item><title>A</title></item></channel></rss>';
  const feed = parseFeedBytes(gzipSync(Buffer.from(xml)), {
    url: null,
    contentType: 'application/octet-stream',
  });
  assert.equal(feed.title, 'Zipped');
  assert.equal(feed.entries.length, 1);
  assert.throws(
    () =>
      parseFeedBytes(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]), {
        url: null,
        contentType: null,
      }),
    /parse: the body is gzip data that cannot be decompressed/,
  );
});

test('parseFeedBytes reports the encoding and what was wrong with the document', () => {
  const clean = parseFeedBytes(
    new TextEncoder().encode('<rss version="2.0"><channel><title>T</title></channel></rss>'),
    {
      url: null,
      contentType: 'application/rss+xml; charset=utf-8',
    },
  );
  assert.equal(clean.encoding, 'utf-8');
  assert.equal(clean.warnings, undefined);
  const undeclared = parseFeed(
    '<rss version="2.0"><channel><itunes:subtitle>S</itunes:subtitle></channel></rss>',
    {
      url: null,
    },
  );
  assert.match(undeclared.warnings?.join(' ') ?? '', /prefix "itunes" is used without being declared/);
  assert.equal(undeclared.subtitle, 'S');
  const cdata = parseFeed('<rss version="2.0"><channel><title>T</title><item><title><![CD', { url: null });
  assert.match(cdata.warnings?.join(' ') ?? '', /CDATA section is not closed/);
  const entity = parseFeed('<rss version="2.0"><channel><title>caf&eacute;</title></channel></rss>', {
    url: null,
  });
  assert.equal(entity.title, 'café');
  assert.match(entity.warnings?.join(' ') ?? '', /HTML entities/);
});
