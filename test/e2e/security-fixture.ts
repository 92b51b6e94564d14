// Shared by the security tests: an in-process Veille over a temporary SQLite database, a loopback
// feed server, and two users (alice, an administrator, and bob) who each subscribed to their own
// feed through the web UI, made a category and a label, labelled and starred an entry, and set an
// API password. Nothing leaves 127.0.0.1.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { createClient, createTestApp } from '../../src/http/test-app.ts';
import { hashPassword } from '../../src/lib/passwords.ts';
import { setApiPassword } from '../../src/storage/api-passwords.ts';
import { createUser } from '../../src/storage/users.ts';

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
export type Client = ReturnType<typeof createClient>;

export interface SeededUser {
  id: number;
  username: string;
  password: string;
  apiPassword: string;
  feverKey: string;
  client: Client;
  feedId: number;
  subscriptionId: number;
  categoryId: number;
  labelId: number;
  entryIds: number[];
}

export interface SecurityFixture {
  t: TestApp;
  feedBase: string;
  alice: SeededUser;
  bob: SeededUser;
  close(): Promise<void>;
}

function rss(title: string, prefix: string, base: string): string {
  const items = [1, 2, 3]
    .map(
      (n) =>
        `<item><title>${prefix} item ${n}</title><link>${base}/${prefix}/${n}</link><guid>${prefix}-${n}</guid>` +
        `<pubDate>${new Date(Date.UTC(2025, 0, n)).toUTCString()}</pubDate>` +
        `<description>&lt;p&gt;${prefix} body ${n} &lt;img src="${base}/img/${prefix}-${n}.png" alt="pic"&gt;&lt;/p&gt;</description></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/${prefix}/</link>${items}</channel></rss>`;
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export async function login(t: TestApp, username: string, password: string): Promise<Client> {
  const client = createClient(t.app);
  await client.get('/login');
  const res = await client.post('/login', { username, password });
  assert.equal(res.res.status, 303, `${username} logs in`);
  await client.get('/');
  return client;
}

export async function createSecurityFixture(env: Record<string, string> = {}): Promise<SecurityFixture> {
  const t = await createTestApp(env);
  let feedBase = '';
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const m = /^\/(alice|bob)\.xml$/.exec(url);
    if (m)
      return res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(rss(`${m[1]} feed`, m[1]!, feedBase));
    if (url.startsWith('/img/')) return res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  feedBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = t.deps.database.db;

  async function seed(username: string, isAdmin: boolean): Promise<SeededUser> {
    const password = `${username}-password-1`;
    const apiPassword = `${username}-api-password`;
    const user = await createUser(db, {
      username,
      passwordHash: await hashPassword(password),
      isAdmin,
      now: Date.now(),
    });
    const feverKey = createHash('md5').update(`${username}:${apiPassword}`).digest('hex');
    await setApiPassword(db, {
      userId: user.id,
      passwordHash: await hashPassword(apiPassword),
      feverApiKey: feverKey,
      now: Date.now(),
    });
    const client = await login(t, username, password);
    const added = await client.post('/feeds', { url: `${feedBase}/${username}.xml`, category: '' });
    assert.equal(added.res.status, 303, `${username} adds a feed`);
    await client.get('/');
    assert.equal((await client.post('/categories', { name: `${username}-cat` })).res.status, 303);
    await client.get('/');
    assert.equal((await client.post('/labels', { name: `${username}-label` })).res.status, 200);
    await client.get('/');
    const sub = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const entries = await db
      .selectFrom('entries')
      .select('id')
      .where('feed_id', '=', sub.feed_id)
      .orderBy('id')
      .execute();
    assert.equal(entries.length, 3, `${username}'s feed was fetched`);
    const category = await db
      .selectFrom('categories')
      .selectAll()
      .where('user_id', '=', user.id)
      .where('name', '=', `${username}-cat`)
      .executeTakeFirstOrThrow();
    const label = await db
      .selectFrom('labels')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const entryIds = entries.map((e) => e.id);
    assert.ok(
      (await client.post(`/entries/${entryIds[0]}/labels/${label.id}`, { on: '1' })).res.status < 400,
    );
    assert.ok((await client.post(`/entries/${entryIds[0]}/star`, {})).res.status < 400);
    return {
      id: user.id,
      username,
      password,
      apiPassword,
      feverKey,
      client,
      feedId: sub.feed_id,
      subscriptionId: sub.id,
      categoryId: category.id,
      labelId: label.id,
      entryIds,
    };
  }

  let alice: SeededUser;
  let bob: SeededUser;
  try {
    alice = await seed('alice', true);
    bob = await seed('bob', false);
  } catch (err) {
    await new Promise((r) => server.close(r));
    await t.close();
    throw err;
  }
  return {
    t,
    feedBase,
    alice,
    bob,
    async close() {
      await new Promise((r) => server.close(r));
      await t.close();
    },
  };
}

/** Everything of one user that another user's request could change, to compare before/after. */
export async function userSnapshot(t: TestApp, userId: number): Promise<string> {
  const db = t.deps.database.db;
  const [subs, cats, labels, entryLabels, states, user] = await Promise.all([
    db.selectFrom('subscriptions').selectAll().where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('categories').selectAll().where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('labels').selectAll().where('user_id', '=', userId).orderBy('id').execute(),
    db.selectFrom('entry_labels').selectAll().where('user_id', '=', userId).orderBy('entry_id').execute(),
    db.selectFrom('entry_states').selectAll().where('user_id', '=', userId).orderBy('entry_id').execute(),
    db
      .selectFrom('users')
      .select(['username', 'password_hash', 'api_password_hash', 'disabled', 'settings', 'is_admin'])
      .where('id', '=', userId)
      .executeTakeFirst(),
  ]);
  return JSON.stringify({ subs, cats, labels, entryLabels, states, user });
}

/** A loopback server answering documents written by hand (a feed with hostile channel fields). */
export interface DocumentServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

export async function startDocumentServer(
  documents: Record<string, { type: string; body: string }>,
): Promise<DocumentServer> {
  const server: Server = createServer((req, res) => {
    const doc = documents[new URL(req.url ?? '/', 'http://x').pathname];
    if (!doc) return res.writeHead(404, { 'content-type': 'text/plain' }).end('no');
    res.writeHead(200, { 'content-type': doc.type }).end(doc.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
