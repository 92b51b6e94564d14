import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { createTestApp } from '../http/test-app.ts';
import { feedById, findOrCreateFeed } from '../storage/feeds.ts';
import { subscribe, subscriptionsForUser } from '../storage/subscriptions.ts';
import { createUser } from '../storage/users.ts';
import { refreshFeeds } from './refresh-feeds.ts';
import { isWebSubEnabled, renewWebSubSubscriptions } from './websub.ts';

let t: Awaited<ReturnType<typeof createTestApp>>;
let veille: ServerType;
let feedServer: Server;
let hub: Server;
let feedBase = '';
let hubUrl = '';
const hubLog: string[] = [];
let hubDone: Promise<void>;
let hubDoneResolve: () => void;

const rss = (items: string) =>
  `<?xml version="1.0"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Pushed</title>` +
  `<atom:link rel="hub" href="${hubUrl}"/><atom:link rel="self" href="${feedBase}/feed.xml"/>${items}</channel></rss>`;

before(async () => {
  hubDone = new Promise((r) => (hubDoneResolve = r));
  t = await createTestApp({ VEILLE_WEBSUB: 'on' });
  veille = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => veille.once('listening', r));
  t.deps.config.baseUrl = `http://127.0.0.1:${(veille.address() as AddressInfo).port}`;

  feedServer = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(rss('<item><title>Pulled</title><guid>p1</guid></item>'));
  });
  await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
  feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;

  // A small hub: acknowledges, verifies the intent, then pushes (signed, then forged).
  hub = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const form = new URLSearchParams(body);
      hubLog.push(`request ${form.get('hub.mode')} ${form.get('hub.topic')}`);
      res.writeHead(202).end();
      const callback = form.get('hub.callback')!;
      const verify = new URL(callback);
      verify.searchParams.set('hub.mode', 'subscribe');
      verify.searchParams.set('hub.topic', form.get('hub.topic')!);
      verify.searchParams.set('hub.challenge', 'challenge-123');
      verify.searchParams.set('hub.lease_seconds', '259200');
      const answer = await fetch(verify);
      hubLog.push(`verify ${answer.status} ${await answer.text()}`);
      const wrongTopic = new URL(verify);
      wrongTopic.searchParams.set('hub.topic', 'https://other.example/feed');
      hubLog.push(`verify-other-topic ${(await fetch(wrongTopic)).status}`);
      const content = rss('<item><title>Pushed at once</title><guid>push1</guid></item>');
      const signature = `sha256=${createHmac('sha256', form.get('hub.secret')!).update(content).digest('hex')}`;
      const push = await fetch(callback, {
        method: 'POST',
        headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': signature },
        body: content,
      });
      hubLog.push(`push ${push.status}`);
      const forged = rss('<item><title>Forged</title><guid>forged</guid></item>');
      const bad = await fetch(callback, {
        method: 'POST',
        headers: { 'content-type': 'application/rss+xml', 'x-hub-signature': signature },
        body: forged,
      });
      hubLog.push(`forged ${bad.status}`);
      const wrongToken = await fetch(callback.replace(/\/[^/]+$/, '/AAAAAAAAAAAAAAAAAAAAAAAA'), {
        method: 'POST',
        body: content,
      });
      hubLog.push(`wrong-token ${wrongToken.status}`);
      hubDoneResolve();
    });
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/hub`;
});

after(async () => {
  veille.close();
  feedServer.close();
  hub.close();
  await t.close();
});

test('a feed advertising a hub is subscribed, the intent verified, pushed content stored at once', async () => {
  const db = t.deps.database.db;
  const user = await createUser(db, { username: 'w', passwordHash: 'x', isAdmin: false, now: Date.now() });
  const feed = await findOrCreateFeed(db, {
    url: `${feedBase}/feed.xml`,
    options: {},
    userId: user.id,
    title: 'P',
    now: Date.now(),
  });
  await subscribe(db, { userId: user.id, feedId: feed.id, categoryId: null, now: Date.now() });
  await refreshFeeds(t.refreshDeps, [feed], 1);
  const refreshed = (await feedById(db, feed.id))!;
  assert.equal(refreshed.websub_hub, hubUrl);
  assert.equal(refreshed.websub_topic, `${feedBase}/feed.xml`);

  const deps = { db, fetcher: t.deps.fetcher, log: t.deps.log, now: () => Date.now(), config: t.deps.config };
  assert.equal(await renewWebSubSubscriptions(deps), 1);
  await hubDone;
  assert.deepEqual(hubLog, [
    `request subscribe ${feedBase}/feed.xml`,
    'verify 200 challenge-123',
    'verify-other-topic 404',
    'push 200',
    'forged 202',
    'wrong-token 404',
  ]);
  const after = (await feedById(db, feed.id))!;
  assert.ok(
    after.websub_lease_until! > Date.now() + 259_000_000,
    'the lease the hub granted (3 days) is recorded',
  );
  assert.ok(after.websub_last_push_at);
  const titles = await db
    .selectFrom('entries')
    .select('title')
    .where('feed_id', '=', feed.id)
    .orderBy('id')
    .execute();
  assert.deepEqual(
    titles.map((r) => r.title),
    ['Pulled', 'Pushed at once'],
    'the forged push is not stored',
  );
  assert.equal((await subscriptionsForUser(db, user.id))[0]!.unreadCount, 2);
  assert.equal(await renewWebSubSubscriptions(deps), 0, 'a lease with time left is not renewed');
});

test('WebSub is used only when the base URL is public, unless forced', () => {
  assert.equal(isWebSubEnabled({ websub: 'auto', baseUrl: 'https://veille.example.org' }), true);
  assert.equal(isWebSubEnabled({ websub: 'auto', baseUrl: 'http://localhost:8080' }), false);
  assert.equal(isWebSubEnabled({ websub: 'auto', baseUrl: 'http://192.168.1.20' }), false);
  assert.equal(isWebSubEnabled({ websub: 'auto', baseUrl: null }), false);
  assert.equal(isWebSubEnabled({ websub: 'on', baseUrl: 'http://127.0.0.1:8080' }), true);
  assert.equal(isWebSubEnabled({ websub: 'off', baseUrl: 'https://veille.example.org' }), false);
});
