// Shared by the app API tests: a listening Veille (temporary SQLite database), a loopback feed
// server, and a user with an API password. Nothing leaves 127.0.0.1.
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTestApp } from '../../src/http/test-app.ts';
import { hashPassword } from '../../src/lib/passwords.ts';
import { setApiPassword } from '../../src/storage/api-passwords.ts';
import { createUser } from '../../src/storage/users.ts';

export interface ApiFixture {
  t: Awaited<ReturnType<typeof createTestApp>>;
  base: string;
  feedBase: string;
  userId: number;
  username: string;
  apiPassword: string;
  /** Sets the items a feed path serves (RSS). */
  setFeed(path: string, title: string, count: number, prefix?: string): void;
  close(): Promise<void>;
}

function rss(title: string, count: number, prefix: string, base: string): string {
  const items = Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const date = new Date(Date.UTC(2025, 0, 1) + n * 3600_000).toUTCString();
    return (
      `<item><title>${prefix} item ${n} &amp; more</title><link>${base}/${prefix}/${n}</link>` +
      `<guid>${prefix}-${n}</guid><pubDate>${date}</pubDate><author>a@example.org (Ann ${n})</author>` +
      `<description>&lt;p&gt;Body ${n}&lt;/p&gt;</description>` +
      (n === 1 ? `<enclosure url="${base}/${prefix}.mp3" type="audio/mpeg" length="1234"/>` : '') +
      `</item>`
    );
  }).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>${base}/${prefix}/</link>${items}</channel></rss>`;
}

export async function createApiFixture(): Promise<ApiFixture> {
  const t = await createTestApp();
  const feeds = new Map<string, string>();
  const feedServer: Server = createHttpServer((req, res) => {
    const body = feeds.get(req.url ?? '');
    if (!body) res.writeHead(404).end('no');
    else res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
  });
  await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
  const feedBase = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`;
  const veille = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => veille.once('listening', r));
  const base = `http://127.0.0.1:${(veille.address() as AddressInfo).port}`;
  const username = 'alice';
  const apiPassword = 'app-password-123';
  const now = Date.now();
  const user = await createUser(t.deps.database.db, {
    username,
    passwordHash: await hashPassword('login-password-456'),
    isAdmin: true,
    now,
  });
  await setApiPassword(t.deps.database.db, {
    userId: user.id,
    passwordHash: await hashPassword(apiPassword),
    feverApiKey: createHash('md5').update(`${username}:${apiPassword}`).digest('hex'),
    now,
  });
  return {
    t,
    base,
    feedBase,
    userId: user.id,
    username,
    apiPassword,
    setFeed(path, title, count, prefix = path.replace(/\.xml$/, '').replace(/\W/g, '')) {
      feeds.set(path, rss(title, count, prefix, feedBase));
    },
    async close() {
      await new Promise((r) => veille.close(r));
      await new Promise((r) => feedServer.close(r));
      await t.close();
    },
  };
}
