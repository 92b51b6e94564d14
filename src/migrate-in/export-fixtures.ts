// Test support: export files as FreshRSS and Miniflux write them, for feeds served at `base` (a
// loopback server in the tests). FreshRSS's: an OPML with categories and frss: attributes, a
// starred_DATE.json of favourite and labelled articles with read states (Google Reader JSON, item
// titles HTML-escaped as FreshRSS stores them), and the ZIP bundling both. Miniflux's: its OPML and
// the JSON of GET /v1/entries?starred=true.
import { writeZip } from '../reader/migration/zip-archive.ts';

export function freshrssOpml(base: string): string {
  const host = new URL(base).host;
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0" xmlns:frss="https://freshrss.org/opml">
	<head>
		<title>FreshRSS</title>
		<dateCreated>Fri, 20 Nov 2026 10:00:00</dateCreated>
	</head>
	<body>
		<outline text="Tech">
			<outline text="Alpha &amp; Co" type="rss" xmlUrl="${base}/alpha.xml" htmlUrl="${base}/alpha/" description="The alpha feed" frss:cssFullContent="article .content" frss:filtersActionRead="intitle:sponsored&#10;author:bot" frss:CURLOPT_USERAGENT="FreshRSS-test/1.0"/>
			<outline text="Beta" type="rss" xmlUrl="${base}/beta.xml" htmlUrl="${base}/beta/"/>
		</outline>
		<outline text="News">
			<outline text="Scraped" type="HTML+XPath" xmlUrl="${base}/page.html" htmlUrl="${base}/page.html" frss:xPathItem="//article" frss:xPathItemTitle="descendant::h2"/>
		</outline>
		<outline text="Empty"/>
		<outline text="Private" frss:opmlUrl="${base}/list.opml">
			<outline text="Secret" type="rss" xmlUrl="http://me:p%40ss@${host}/secret.xml" frss:CURLOPT_COOKIE="sid=1" frss:CURLOPT_HTTPHEADER="X-Token: abc&#10;X-Other: 2" frss:CURLOPT_PROXY="127.0.0.1:9" frss:CURLOPT_PROXYTYPE="0"/>
		</outline>
	</body>
</opml>
`;
}

interface FixtureItem {
  guid?: string;
  id?: string;
  title: string;
  link: string;
  published: number;
  feed: 'alpha' | 'beta' | 'gamma';
  states: string[];
  content: string;
}

const FEEDS = {
  alpha: { title: 'Alpha & Co', site: '/alpha/' },
  beta: { title: 'Beta', site: '/beta/' },
  gamma: { title: 'Gamma', site: '/gamma/' },
};

/** Four articles: two of Alpha, one of Beta (old style: no guid), one of a feed the OPML lacks. */
export function freshrssStarredItems(base: string): FixtureItem[] {
  return [
    {
      guid: 'alpha-1',
      title: 'Alpha one',
      link: `${base}/alpha/1`,
      published: 1_790_000_000,
      feed: 'alpha',
      states: ['read', 'starred', 'label/Later'],
      content: '<p>First <b>alpha</b></p><script>alert(1)</script>',
    },
    {
      guid: 'alpha-2',
      title: 'Alpha &lt;two&gt;',
      link: `${base}/alpha/2`,
      published: 1_790_000_100,
      feed: 'alpha',
      states: ['unread', 'label/Later', 'label/Work'],
      content: '<p>Second alpha</p>',
    },
    {
      id: `${base}/beta/1`,
      title: 'Beta &amp; one',
      link: `${base}/beta/1`,
      published: 1_790_000_200,
      feed: 'beta',
      states: ['starred'],
      content: '<p onclick="x()">Beta</p>',
    },
    {
      guid: 'gamma-1',
      title: 'Gamma one',
      link: `${base}/gamma/1`,
      published: 1_790_000_300,
      feed: 'gamma',
      states: ['read', 'starred'],
      content: '<p>Gamma</p>',
    },
  ];
}

/** starred_DATE.json as FreshRSS writes it: pretty-printed, one item after another. */
export function freshrssStarredJson(base: string, items = freshrssStarredItems(base)): string {
  const head =
    '{\n    "id": "user/alice/state/org.freshrss/starred",\n    "title": "List of favourite articles",\n    "author": "alice",\n    "items": [\n';
  const body = items.map((item, i) => {
    const feed = FEEDS[item.feed];
    const categories = ['user/-/state/com.google/reading-list'];
    for (const s of item.states) {
      categories.push(s.startsWith('label/') ? `user/-/${s}` : `user/-/state/com.google/${s}`);
    }
    categories.push('tag from the feed');
    const json: Record<string, unknown> = {
      id: item.id ?? `tag:google.com,2005:reader/item/000${(0x5f000000 + i).toString(16)}00000`,
      crawlTimeMsec: '1790000400000',
      timestampUsec: '1790000400000000',
      published: item.published,
      title: item.title,
      canonical: [{ href: item.link }],
      alternate: [{ href: item.link, type: 'text/html' }],
      categories,
      origin: {
        streamId: `feed/${i + 1}`,
        htmlUrl: `${base}${feed.site}`,
        title: feed.title,
        feedUrl: `${base}/${item.feed}.xml`,
      },
      content: { content: item.content },
      author: 'Ann; Bob',
    };
    if (item.guid) json.guid = item.guid;
    return JSON.stringify(json, null, 4);
  });
  return `${head}${body.join(',\n')}\n]}\n`;
}

export function freshrssZip(base: string, extra: { name: string; data: Uint8Array }[] = []): Buffer {
  return writeZip([
    { name: 'feeds_2026-11-20.opml.xml', data: Buffer.from(freshrssOpml(base)) },
    { name: 'starred_2026-11-20.json', data: Buffer.from(freshrssStarredJson(base)) },
    ...extra,
  ]);
}

export function minifluxOpml(base: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
    <head>
        <title>Miniflux</title>
        <dateCreated>Fri, 20 Nov 2026 10:00:00 UTC</dateCreated>
    </head>
    <body>
        <outline text="All">
            <outline title="Delta" text="Delta" xmlUrl="${base}/delta.xml" htmlUrl="${base}/delta/" description=""></outline>
        </outline>
    </body>
</opml>
`;
}

/** GET /v1/entries?starred=true, as Miniflux answers it. */
export function minifluxStarredJson(base: string): string {
  const entry = (id: number, status: string, title: string) => ({
    id,
    user_id: 1,
    feed_id: 7,
    status,
    hash: `h${id}`,
    title,
    url: `${base}/delta/${id}`,
    comments_url: '',
    published_at: `2026-11-1${id}T08:00:00Z`,
    created_at: `2026-11-1${id}T08:05:00Z`,
    changed_at: `2026-11-1${id}T08:05:00Z`,
    content: `<p>Delta ${id}</p>`,
    author: 'Dee',
    share_code: '',
    starred: true,
    reading_time: 1,
    enclosures: null,
    tags: ['miniflux-tag'],
    feed: {
      id: 7,
      user_id: 1,
      feed_url: `${base}/delta.xml`,
      site_url: `${base}/delta/`,
      title: 'Delta',
      category: { id: 1, title: 'All', user_id: 1, hide_globally: false },
    },
  });
  return JSON.stringify(
    { total: 2, entries: [entry(1, 'read', 'Delta one'), entry(2, 'unread', 'Delta two')] },
    null,
    2,
  );
}
