// Test support for search and user queries over HTTP: a whole app on one of the test databases
// (SQLite file or a fresh PostgreSQL schema, src/storage/test-databases.ts), two logged-in users
// and their feeds, with entries stored through the real ingest path (which fills the full-text
// index).
import { configFromEnv } from '../../config/config.ts';
import { createLogger } from '../../lib/logger.ts';
import { hashPassword } from '../../lib/passwords.ts';
import type { NewEntry } from '../../model/new-entry.ts';
import { ensureCategory } from '../../storage/categories.ts';
import { ingestEntries } from '../../storage/entries.ts';
import { findOrCreateFeed } from '../../storage/feeds.ts';
import { subscribe } from '../../storage/subscriptions.ts';
import type { TestDatabaseKind } from '../../storage/test-databases.ts';
import { createUser } from '../../storage/users.ts';
import type { AppDeps } from '../app-env.ts';
import { createServer } from '../server.tsx';
import { createClient } from '../test-app.ts';

export const PASSWORD = 'correct horse battery';

export function testEntry(key: string, fields: Partial<NewEntry> & { title: string }): NewEntry {
  return {
    guidKey: key,
    guid: key,
    url: `https://example.org/${key}`,
    authors: [],
    content: `<p>${key}</p>`,
    summary: '',
    publishedAt: null,
    updatedAt: null,
    dateAt: Date.now() - 3_600_000,
    contentHash: `h-${key}-${fields.title}`,
    language: 'en',
    enclosures: [],
    categories: [],
    thumbnail: null,
    ...fields,
  };
}

export async function startSearchApp(kind: TestDatabaseKind) {
  const database = await kind.open();
  const config = configFromEnv({ VEILLE_LOG_LEVEL: 'silent', VEILLE_DATA_DIR: '/nonexistent-veille-test' });
  const deps: AppDeps = {
    database,
    config,
    fetcher: {} as AppDeps['fetcher'],
    log: createLogger('silent'),
    now: () => Date.now(),
    setupCode: { value: 'unused' },
    refreshFeedIds: async () => ({}) as Awaited<ReturnType<AppDeps['refreshFeedIds']>>,
  };
  const app = createServer(deps);
  const db = database.db;
  const hash = await hashPassword(PASSWORD);

  async function newUser(username: string) {
    const user = await createUser(db, { username, passwordHash: hash, isAdmin: false, now: Date.now() });
    const client = createClient(app);
    await client.get('/login');
    const login = await client.post('/login', { username, password: PASSWORD });
    if (login.res.status !== 303) throw new Error(`test: login of ${username} failed (${login.res.status})`);
    await client.get('/');
    return { id: user.id, client };
  }

  async function newFeed(input: { userId: number; url: string; title: string; category?: string }) {
    const now = Date.now();
    const feed = await findOrCreateFeed(db, {
      url: input.url,
      options: {},
      userId: input.userId,
      title: input.title,
      now,
    });
    const categoryId = input.category ? (await ensureCategory(db, input.userId, input.category)).id : null;
    await subscribe(db, { userId: input.userId, feedId: feed.id, categoryId, now });
    return { feedId: feed.id, categoryId };
  }

  async function addEntries(feedId: number, entries: NewEntry[]) {
    await ingestEntries(db, { feedId, entries, now: Date.now() });
  }

  return {
    app,
    deps,
    db,
    newUser,
    newFeed,
    addEntries,
    close: () => database.dispose(),
  };
}
