import assert from 'node:assert/strict';
import test from 'node:test';
import { parseFeed } from '../parse/parse-feed.ts';
import { entriesFromParsed } from './entries-from-parsed.ts';

test('media:content becomes the enclosures of an entry that has none; media:thumbnail the thumbnail', () => {
  const feed = parseFeed(
    `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><link>https://v.example/</link>
      <item><title>Clip</title><guid>1</guid>
        <media:content url="https://cdn.example/clip.mp4" type="video/mp4"><media:thumbnail url="https://cdn.example/clip.jpg"/></media:content></item>
      <item><title>Episode</title><guid>2</guid><enclosure url="https://cdn.example/ep.mp3" type="audio/mpeg" length="10"/>
        <media:content url="https://cdn.example/ep-alt.mp3" type="audio/mpeg"/></item>
    </channel></rss>`,
    { url: null },
  );
  const [clip, episode] = entriesFromParsed(feed, { feedUrl: 'https://v.example/feed', now: Date.now() });
  assert.deepEqual(clip?.enclosures, [
    { url: 'https://cdn.example/clip.mp4', type: 'video/mp4', length: null },
  ]);
  assert.equal(clip?.thumbnail, 'https://cdn.example/clip.jpg');
  assert.deepEqual(episode?.enclosures, [
    { url: 'https://cdn.example/ep.mp3', type: 'audio/mpeg', length: 10 },
  ]);
});
