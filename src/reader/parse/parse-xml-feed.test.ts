import assert from 'node:assert/strict';
import test from 'node:test';
import { parseFeed } from './parse-feed.ts';
import { durationSeconds } from './parse-xml-feed.ts';

const ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"';
const MEDIA = 'xmlns:media="http://search.yahoo.com/mrss/"';
const DC = 'xmlns:dc="http://purl.org/dc/elements/1.1/"';

function rss(channel: string, namespaces = ''): string {
  return `<?xml version="1.0"?><rss version="2.0" ${namespaces}><channel>${channel}</channel></rss>`;
}

test('itunes item fields: duration in seconds, episode, season, explicit, block, author, image', () => {
  const feed = parseFeed(
    rss(
      `<title>Podcast</title><link>https://pod.example/</link>
      <item><title>Ep 1</title>
        <itunes:duration>1:02:03</itunes:duration><itunes:episode>12</itunes:episode>
        <itunes:season>3</itunes:season><itunes:explicit>yes</itunes:explicit>
        <itunes:block>yes</itunes:block><itunes:author>Ann Host</itunes:author>
        <itunes:image href="/art/ep1.jpg"/></item>
      <item><title>Ep 2</title><itunes:duration>62:03</itunes:duration>
        <itunes:explicit>clean</itunes:explicit></item>
      <item><title>Ep 3</title><itunes:duration>3723</itunes:duration>
        <itunes:explicit>maybe</itunes:explicit></item>
      <item><title>No itunes</title></item>`,
      ITUNES,
    ),
    { url: 'https://pod.example/feed.xml' },
  );
  const [one, two, three, four] = feed.entries;
  assert.deepEqual(one?.itunes, {
    duration: 3723,
    episode: 12,
    season: 3,
    explicit: true,
    block: true,
    author: 'Ann Host',
    image: 'https://pod.example/art/ep1.jpg',
  });
  assert.equal(one?.image, 'https://pod.example/art/ep1.jpg', 'itunes:image is the entry thumbnail');
  assert.deepEqual(one?.authors, [{ name: 'Ann Host', email: null, uri: null }]);
  assert.equal(two?.itunes?.duration, 3723);
  assert.equal(two?.itunes?.explicit, false);
  assert.equal(three?.itunes?.duration, 3723);
  assert.equal(three?.itunes?.explicit, null, 'an unknown explicit word is no answer');
  assert.equal(four?.itunes, null);
});

test('itunes channel fields: author, image, nested categories, explicit, block', () => {
  const feed = parseFeed(
    rss(
      `<title>Podcast</title><itunes:author>Pod Corp</itunes:author>
      <itunes:image href="https://pod.example/cover.png"/>
      <itunes:category text="Technology"><itunes:category text="Gadgets"/></itunes:category>
      <itunes:category text="News"/>
      <itunes:explicit>false</itunes:explicit><itunes:block>no</itunes:block>
      <item><title>Ep</title></item>`,
      ITUNES,
    ),
    { url: null },
  );
  assert.deepEqual(feed.itunes, {
    author: 'Pod Corp',
    image: 'https://pod.example/cover.png',
    categories: ['Technology', 'Gadgets', 'News'],
    explicit: false,
    block: false,
  });
  assert.deepEqual(feed.categories, ['Technology', 'Gadgets', 'News']);
  assert.deepEqual(feed.authors, [{ name: 'Pod Corp', email: null, uri: null }]);
  assert.equal(feed.image, 'https://pod.example/cover.png');
  assert.equal(feed.entries.length, 1, 'items after nested categories are still read');
});

test('itunes:duration reads seconds, MM:SS and HH:MM:SS; garbage is null', () => {
  assert.equal(durationSeconds('45'), 45);
  assert.equal(durationSeconds(' 10:05 '), 605);
  assert.equal(durationSeconds('1:00:00'), 3600);
  assert.equal(durationSeconds('12.5'), 12);
  assert.equal(durationSeconds('1:2:3:4'), null);
  assert.equal(durationSeconds('an hour'), null);
  assert.equal(durationSeconds(''), null);
});

test('media:content and media:group give media items; media:thumbnail the image; media:description a summary fallback', () => {
  const feed = parseFeed(
    rss(
      `<link>https://site.example/</link>
      <item><title>Video</title>
        <media:group>
          <media:content url="/v/1080.mp4" type="video/mp4" medium="video" width="1920" height="1080" duration="95"/>
          <media:content url="https://cdn.example/v/720.mp4" type="video/mp4" width="1280" height="720"/>
          <media:thumbnail url="https://cdn.example/thumb.jpg"/>
          <media:description>What the video shows</media:description>
        </media:group>
      </item>
      <item><title>Photo</title><description>Own summary</description>
        <media:content url="https://cdn.example/p.jpg" medium="image"/>
        <media:description>Not used</media:description></item>`,
      MEDIA,
    ),
    { url: null },
  );
  const [video, photo] = feed.entries;
  assert.deepEqual(video?.media, [
    {
      url: 'https://site.example/v/1080.mp4',
      type: 'video/mp4',
      medium: 'video',
      width: 1920,
      height: 1080,
      duration: 95,
    },
    {
      url: 'https://cdn.example/v/720.mp4',
      type: 'video/mp4',
      medium: null,
      width: 1280,
      height: 720,
      duration: null,
    },
  ]);
  assert.equal(video?.image, 'https://cdn.example/thumb.jpg');
  assert.equal(video?.summary, 'What the video shows');
  assert.equal(photo?.summary, 'Own summary', 'a real description wins over media:description');
  assert.equal(photo?.image, 'https://cdn.example/p.jpg', 'an image media:content is the thumbnail');
  assert.equal(photo?.media?.[0]?.medium, 'image');
});

test('media:title is a title fallback and media:category a category', () => {
  const feed = parseFeed(
    rss(
      `<item><media:title>From media</media:title><media:category>cats</media:category>
        <category>dogs</category></item>
      <item><title>Own title</title><media:title>Not used</media:title></item>`,
      MEDIA,
    ),
    { url: null },
  );
  assert.equal(feed.entries[0]?.title, 'From media');
  assert.deepEqual(feed.entries[0]?.categories, ['cats', 'dogs']);
  assert.equal(feed.entries[1]?.title, 'Own title');
});

test('RSS source and atom:source give the entry source; the source does not override the entry', () => {
  const rssFeed = parseFeed(
    rss(
      `<item><title>Quoted</title><link>https://a.example/1</link>
        <source url="https://origin.example/feed.xml">Origin News</source></item>`,
    ),
    { url: null },
  );
  assert.deepEqual(rssFeed.entries[0]?.source, {
    title: 'Origin News',
    url: 'https://origin.example/feed.xml',
  });
  assert.equal(rssFeed.entries[0]?.title, 'Quoted');

  const atom = parseFeed(
    `<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet</title>
      <entry><title>Post</title><link href="https://blog.example/post"/><id>urn:1</id>
        <source><title>Blog</title><id>urn:blog</id><link rel="self" href="https://blog.example/atom.xml"/>
          <link href="https://blog.example/"/><author><name>Not the entry author</name></author>
          <updated>2020-01-01T00:00:00Z</updated></source>
        <author><name>Eve</name></author></entry></feed>`,
    { url: null },
  );
  const entry = atom.entries[0];
  assert.deepEqual(entry?.source, { title: 'Blog', url: 'https://blog.example/' });
  assert.equal(entry?.title, 'Post');
  assert.equal(entry?.link, 'https://blog.example/post');
  assert.deepEqual(entry?.authors, [{ name: 'Eve', email: null, uri: null }]);
  assert.equal(entry?.updated, null, "the source's updated is not the entry's");
  assert.equal(atom.entries[0]?.source?.title, 'Blog');
  assert.equal(parseFeed(rss('<item><title>x</title></item>'), { url: null }).entries[0]?.source, null);
});

test('contributors: atom:contributor and dc:contributor, in entries and at feed level', () => {
  const atom = parseFeed(
    `<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
      <author><name>Feed Author</name><email>fa@example.com</email></author>
      <contributor><name>Feed Helper</name><uri>https://helper.example/</uri></contributor>
      <entry><title>E</title><author><name>Writer</name></author>
        <contributor><name>Editor</name><email>ed@example.com</email></contributor>
        <contributor><name>Photographer</name></contributor></entry></feed>`,
    { url: null },
  );
  assert.deepEqual(atom.authors, [{ name: 'Feed Author', email: 'fa@example.com', uri: null }]);
  assert.deepEqual(atom.contributors, [{ name: 'Feed Helper', email: null, uri: 'https://helper.example/' }]);
  const entry = atom.entries[0];
  assert.deepEqual(entry?.authors, [{ name: 'Writer', email: null, uri: null }]);
  assert.deepEqual(entry?.contributors, [
    { name: 'Editor', email: 'ed@example.com', uri: null },
    { name: 'Photographer', email: null, uri: null },
  ]);

  const dc = parseFeed(rss('<item><title>x</title><dc:contributor>Sam</dc:contributor></item>', DC), {
    url: null,
  });
  assert.deepEqual(dc.entries[0]?.contributors, [{ name: 'Sam', email: null, uri: null }]);
  assert.deepEqual(dc.entries[0]?.authors, []);
});

test('feed-level authors in every form: managingEditor, dc:creator, atom:author', () => {
  const feed = parseFeed(
    rss(
      `<title>T</title><managingEditor>editor@example.com (Ed Itor)</managingEditor>
      <dc:creator>Carla</dc:creator><item><title>x</title></item>`,
      DC,
    ),
    { url: null },
  );
  assert.deepEqual(feed.authors, [
    { name: 'Ed Itor', email: 'editor@example.com', uri: null },
    { name: 'Carla', email: null, uri: null },
  ]);
  assert.deepEqual(feed.entries[0]?.authors, [], 'feed authors are not copied into entries by the parser');
});

test('feed-level categories from RSS category and atom:category', () => {
  const rssFeed = parseFeed(
    rss('<category>Tech</category><category> Tech </category><category>Web</category>'),
    {
      url: null,
    },
  );
  assert.deepEqual(rssFeed.categories, ['Tech', 'Web']);
  const atom = parseFeed(
    '<feed xmlns="http://www.w3.org/2005/Atom"><category term="a"/><category label="b"/></feed>',
    { url: null },
  );
  assert.deepEqual(atom.categories, ['a', 'b']);
});

test('entry comments from RSS comments and Atom replies link', () => {
  const feed = parseFeed(rss('<link>https://s.example/</link><item><comments>/c/1</comments></item>'), {
    url: null,
  });
  assert.equal(feed.entries[0]?.comments, 'https://s.example/c/1');
  const atom = parseFeed(
    '<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="replies" type="text/html" href="https://s.example/c/2"/></entry></feed>',
    { url: null },
  );
  assert.equal(atom.entries[0]?.comments, 'https://s.example/c/2');
});
