import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Parser } from 'htmlparser2';
import { exportOpml } from './export-opml.ts';
import { opmlWarnings } from './opml-warnings.ts';
import { outlineFromSettings, settingsFromOutline } from './outline-settings.ts';
import { parseOpml } from './parse-opml.ts';

const FRESHRSS_OUTLINE = {
  text: 'Secret',
  type: 'rss',
  xmlUrl: 'https://me:p%40ss@private.example/feed.xml',
  htmlUrl: 'https://private.example/',
  description: 'A private feed',
  'frss:CURLOPT_USERAGENT': 'FreshRSS/1.27',
  'frss:CURLOPT_COOKIE': 'sid=42',
  'frss:CURLOPT_HTTPHEADER': 'X-Token: abc\nAccept-Language: fr',
  'frss:CURLOPT_PROXY': 'proxy.example:3128',
  'frss:CURLOPT_PROXYTYPE': '0',
  'frss:CURLOPT_MAXREDIRS': '3',
  'frss:cssFullContent': 'article .content',
  'frss:filtersActionRead': 'intitle:ad\nauthor:bot',
};

describe('FreshRSS outline settings', () => {
  it('maps credentials and the cURL options Veille has; keeps the rest verbatim', () => {
    const s = settingsFromOutline(FRESHRSS_OUTLINE.xmlUrl, FRESHRSS_OUTLINE);
    assert.equal(s.url, 'https://private.example/feed.xml');
    assert.deepEqual(s.options, {
      username: 'me',
      password: 'p@ss',
      userAgent: 'FreshRSS/1.27',
      cookie: 'sid=42',
      headers: { 'X-Token': 'abc', 'Accept-Language': 'fr' },
      proxy: 'http://proxy.example:3128',
      fullContent: true,
      contentSelector: 'article .content',
    });
    assert.deepEqual(s.extras, {
      description: 'A private feed',
      'frss:CURLOPT_MAXREDIRS': '3',
      'frss:filtersActionRead': 'intitle:ad\nauthor:bot',
    });
    assert.deepEqual(s.unsupported, []);
  });

  it('keeps what Veille cannot do, and says so', () => {
    const s = settingsFromOutline('https://a.example/page', {
      type: 'HTML+XPath',
      'frss:xPathItem': '//article',
      'frss:CURLOPT_PROXY': 'socks.example:1080',
      'frss:CURLOPT_PROXYTYPE': '5',
    });
    assert.deepEqual(s.options, {});
    assert.deepEqual(s.extras, {
      type: 'HTML+XPath',
      'frss:xPathItem': '//article',
      'frss:CURLOPT_PROXY': 'socks.example:1080',
      'frss:CURLOPT_PROXYTYPE': '5',
    });
    assert.deepEqual(s.unsupported, ['type HTML+XPath', 'SOCKS proxy']);
    // -1: FreshRSS's "no proxy at all".
    assert.deepEqual(
      settingsFromOutline('https://a.example/', {
        'frss:CURLOPT_PROXY': 'p:1',
        'frss:CURLOPT_PROXYTYPE': '-1',
      }),
      { url: 'https://a.example/', options: {}, extras: {}, unsupported: [] },
    );
  });

  it('writes back an outline FreshRSS reads the same way, through a real OPML document', () => {
    const s = settingsFromOutline(FRESHRSS_OUTLINE.xmlUrl, FRESHRSS_OUTLINE);
    const { xmlUrl, attributes } = outlineFromSettings(s.url, s.options, s.extras);
    assert.equal(xmlUrl, 'https://me:p%40ss@private.example/feed.xml');
    const text = exportOpml({
      title: 'x',
      categories: [
        {
          name: 'Private',
          attributes: { 'frss:opmlUrl': 'https://lists.example/a.opml', 'other:thing': 'no namespace' },
          feeds: [{ title: 'Secret', xmlUrl, htmlUrl: 'https://private.example/', attributes }],
        },
      ],
      uncategorized: [],
    });
    assert.match(text, /^<opml version="2\.0" xmlns:frss="https:\/\/freshrss\.org\/opml">$/m);
    assert.match(text, /frss:filtersActionRead="intitle:ad&#10;author:bot"/);
    assert.doesNotMatch(text, /other:thing/); // its prefix is declared nowhere: left out
    // Well-formed: a strict reading sees every element closed, in order.
    const stack: string[] = [];
    let errors = 0;
    new Parser(
      { onopentag: (n) => stack.push(n), onclosetag: (n) => void (stack.pop() !== n && errors++) },
      { xmlMode: true },
    ).end(text);
    assert.equal(errors + stack.length, 0);
    assert.deepEqual(opmlWarnings(text), []);

    const doc = parseOpml(text);
    assert.deepEqual(doc.folders, [
      {
        name: 'Private',
        attributes: { text: 'Private', title: 'Private', 'frss:opmlUrl': 'https://lists.example/a.opml' },
      },
    ]);
    const again = settingsFromOutline(doc.outlines[0]!.xmlUrl, doc.outlines[0]!.attributes);
    assert.deepEqual(again.options, s.options);
    assert.deepEqual(again.extras, s.extras);
  });
});

describe('full-content settings in OPML', () => {
  it('frss:cssFullContent and its filter become settings, and are written back (round trip)', () => {
    const s = settingsFromOutline('https://news.example/feed', {
      text: 'News',
      'frss:cssFullContent': 'div[class=&quot;post&quot;] > .body, article',
      'frss:cssFullContentFilter': '.ads,  aside',
      'frss:cssFullContentConditions': 'intitle:long',
    });
    assert.deepEqual(s.options, {
      fullContent: true,
      contentSelector: 'div[class="post"] > .body, article',
      contentRemove: '.ads, aside',
    });
    assert.deepEqual(s.extras, { 'frss:cssFullContentConditions': 'intitle:long' });
    assert.deepEqual(s.unsupported, ['full-content conditions']);
    const { attributes } = outlineFromSettings(s.url, s.options, s.extras);
    const text = exportOpml({
      title: 'x',
      categories: [],
      uncategorized: [{ title: 'News', xmlUrl: s.url, htmlUrl: null, attributes }],
    });
    assert.match(text, /frss:cssFullContent="div\[class=&quot;post&quot;\] &gt; \.body, article"/);
    assert.match(text, /frss:cssFullContentFilter="\.ads, aside"/);
    const doc = parseOpml(text);
    const again = settingsFromOutline(doc.outlines[0]!.xmlUrl, doc.outlines[0]!.attributes);
    assert.deepEqual(again.options, s.options);
    assert.deepEqual(again.extras, s.extras);
  });

  it('reads the newer frss:cssContentFilter; the filter alone works without full content', () => {
    const s = settingsFromOutline('https://news.example/feed', { 'frss:cssContentFilter': '.share' });
    assert.deepEqual(s.options, { contentRemove: '.share' });
    const { attributes } = outlineFromSettings(s.url, s.options, s.extras);
    assert.deepEqual(attributes, { 'frss:cssFullContentFilter': '.share' });
    // Readability (no selector) has no FreshRSS attribute: nothing is written for it.
    assert.deepEqual(outlineFromSettings(s.url, { fullContent: true }, {}).attributes, {});
  });
});

describe('opmlWarnings', () => {
  it('gives the line and column of a bare "&", and notices a truncated document', () => {
    const text = [
      '<?xml version="1.0"?>',
      '<opml version="2.0"><body>',
      '<outline text="Tom & Jerry" xmlUrl="https://a.example/?a=1&amp;b=2"/>',
      '<outline text="R&D" xmlUrl="https://b.example/?x&y"/>',
      '<!-- a & in a comment is fine -->',
    ].join('\n');
    assert.deepEqual(opmlWarnings(text), [
      'opml: line 3, column 20: "&" should be written "&amp;" (and 2 more); read as a plain "&"',
      'opml: the document stops at line 5 before </opml> (truncated?); what it lists was read',
    ]);
    assert.equal(parseOpml(text).outlines.length, 2);
  });
});
