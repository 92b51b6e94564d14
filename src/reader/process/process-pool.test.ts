import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProcessPool } from './process-pool.ts';
import { processFeedBody } from './process-feed-body.ts';

const rss = (n: number) =>
  new TextEncoder().encode(
    `<rss version="2.0"><channel><title>Feed ${n}</title><link>https://example.org/</link>` +
      `<item><guid>g${n}</guid><title>Item ${n}</title>` +
      `<description>&lt;p onclick="steal()"&gt;Hello &lt;a href="/x"&gt;link&lt;/a&gt;&lt;script&gt;bad()&lt;/script&gt;&lt;/p&gt;</description>` +
      `</item></channel></rss>`,
  );

test('the worker-thread pool gives what inline processing gives: sanitized entries, feed fields', async () => {
  const pool = createProcessPool({ size: 2 });
  try {
    const jobs = [1, 2, 3, 4, 5].map((n) => ({
      body: rss(n),
      url: 'https://example.org/feed',
      contentType: null,
      now: 1_700_000_000_000,
    }));
    const results = await Promise.all(jobs.map((job) => pool.process(job)));
    results.forEach((result, i) => {
      assert.deepEqual(result, processFeedBody(jobs[i]!));
      assert.ok(result.ok);
      assert.equal(result.feed.title, `Feed ${i + 1}`);
      assert.equal(
        result.entries[0]!.content,
        '<p>Hello <a href="https://example.org/x" rel="noopener noreferrer" target="_blank">link</a></p>',
      );
    });
  } finally {
    await pool.close();
  }
});

test('a body that is not a feed comes back as a value with a parse error', async () => {
  const pool = createProcessPool({ size: 1 });
  try {
    const result = await pool.process({
      body: new TextEncoder().encode('<html><body>nope'),
      url: 'https://example.org/',
      contentType: 'text/html',
      now: 0,
    });
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.message, /^parse: /);
  } finally {
    await pool.close();
  }
});

test('idle threads end after idleMs, and work that comes later still gets done', async () => {
  const pool = createProcessPool({ size: 2, idleMs: 50 });
  const job = (n: number) => ({ body: rss(n), url: 'https://example.org/feed', contentType: null, now: 0 });
  try {
    const jobs = [1, 2].map((n) => pool.process(job(n)));
    // Counted at once: a thread done with its job may end before the other one has started.
    assert.equal(pool.running(), 2, 'two threads for two jobs at once');
    const first = await Promise.all(jobs);
    assert.ok(first.every((r) => r.ok));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pool.running(), 0, 'the idle threads ended');
    const later = await pool.process(job(3));
    assert.ok(later.ok && later.feed.title === 'Feed 3', 'a new thread took the job');
    assert.equal(pool.running(), 1);
  } finally {
    await pool.close();
  }
});
