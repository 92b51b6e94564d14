import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commonFeedPaths, discoverFeedLinks } from './discover-feeds.ts';

describe('discoverFeedLinks', () => {
  it('finds every announced feed, resolved, deduplicated, in document order', () => {
    const html = `<!doctype html>
<html><head>
  <meta charset="utf-8">
  <title>Blog</title>
  <link rel="stylesheet" href="/style.css">
  <LINK REL="Alternate" TYPE="application/rss+xml" TITLE=" Articles &amp; news " HREF="/feed/">
  <link rel="alternate nofollow" type="application/atom+xml" href="atom.xml" title="Atom">
  <link rel="alternate" type="application/feed+json" href="https://cdn.example.net/feed.json">
  <link rel="alternate" type="application/rss+xml; charset=utf-8" href="/feed/#top" title="Duplicate">
  <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
  <link rel="alternate" type="application/json+oembed" href="/oembed?url=x">
  <link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/12">
  <link rel="alternate" type="application/rdf+xml" href="javascript:alert(1)">
  <link rel="alternate" type="text/xml" href="/comments.xml">
  <link rel="alternate" type="application/rss+xml">
</head>
<body>
  <link rel="alternate" type="application/rss+xml" href="/in-body.xml">
</body></html>`;
    assert.deepEqual(discoverFeedLinks(html, 'https://example.com/blog/post.html'), [
      { url: 'https://example.com/feed/', title: 'Articles & news', type: 'application/rss+xml' },
      { url: 'https://example.com/blog/atom.xml', title: 'Atom', type: 'application/atom+xml' },
      { url: 'https://cdn.example.net/feed.json', title: null, type: 'application/feed+json' },
      { url: 'https://example.com/comments.xml', title: null, type: 'text/xml' },
    ]);
  });

  it('resolves relative links against <base href>, itself relative to the page', () => {
    const html = `<html><head>
      <link rel="alternate" type="application/atom+xml" href="feed.atom">
      <base href="/sites/news/">
      <base href="/ignored/">
    </head><body></body></html>`;
    assert.deepEqual(discoverFeedLinks(html, 'http://example.org/a/b/page'), [
      { url: 'http://example.org/sites/news/feed.atom', title: null, type: 'application/atom+xml' },
    ]);
  });

  it('returns nothing for a page without feeds, or a bad base URL', () => {
    assert.deepEqual(discoverFeedLinks('<p>hello</p>', 'https://example.com/'), []);
    assert.deepEqual(discoverFeedLinks('', 'https://example.com/'), []);
    assert.deepEqual(
      discoverFeedLinks('<link rel="alternate" type="application/rss+xml" href="/f">', 'not a url'),
      [],
    );
  });

  it('handles a large page quickly by stopping at the head', () => {
    const html =
      '<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head><body>' +
      '<p>text</p>'.repeat(500_000) +
      '</body></html>';
    assert.deepEqual(discoverFeedLinks(html, 'https://example.com/'), [
      { url: 'https://example.com/rss', title: null, type: 'application/rss+xml' },
    ]);
  });
});

describe('commonFeedPaths', () => {
  it('lists the usual feed locations at the origin', () => {
    assert.deepEqual(commonFeedPaths('https://example.com/?utm=1'), [
      'https://example.com/feed',
      'https://example.com/rss',
      'https://example.com/atom.xml',
      'https://example.com/feed.xml',
      'https://example.com/rss.xml',
      'https://example.com/index.xml',
      'https://example.com/feed/',
    ]);
  });

  it('tries the site directory before the origin', () => {
    const paths = commonFeedPaths('https://example.com/blog/');
    assert.equal(paths[0], 'https://example.com/blog/feed');
    assert.ok(paths.includes('https://example.com/feed'));
    assert.equal(paths.length, 14);
    assert.deepEqual(commonFeedPaths('mailto:me@example.com'), []);
  });
});
